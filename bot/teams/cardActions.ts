import type { TurnContext } from 'botbuilder';
import { requestCard } from '../../cards';
import type { AssociationRequest, Person } from '../core/model';
import type { Outcome, TenantAssociation } from '../core/tenantAssociation';
import type { ChatMemoryStore } from './chatMemory';
import { replies } from './replies';
import { cardResponse, messageResponse, replaceCard } from './turn';

interface ActionValue {
  action?: { type?: string; verb?: unknown; data?: { requestId?: unknown } };
}

type VerbHandler = (
  person: Person,
  conversationId: string,
  requestId: string,
) => Promise<Outcome<AssociationRequest>>;

/**
 * `Action.Execute` on the request card. The card carries only an opaque request id; who clicked comes
 * from the activity, and every check runs here on the server.
 */
export class CardActions {
  private readonly verbs: Record<string, VerbHandler>;

  constructor(
    private readonly service: TenantAssociation,
    private readonly memory: ChatMemoryStore,
  ) {
    this.verbs = {
      confirm: async (person, conversationId, requestId) => {
        const outcome = await this.service.confirm(person, conversationId, requestId);
        return outcome.ok ? { ok: true, value: outcome.value.request } : outcome;
      },
      cancel: (person, conversationId, requestId) => this.service.cancel(person, conversationId, requestId),
    };
  }

  /** Returns the invoke response body: the updated card, or a message for the clicking user only. */
  async handle(context: TurnContext, person: Person): Promise<object> {
    const { action } = (context.activity.value ?? {}) as ActionValue;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const requestId = action?.data?.requestId;
    const handler = this.verbs[verb];
    if (!handler || typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 100) {
      return messageResponse(`That card action isn't something I know. ${replies.unknownAction}`);
    }
    const outcome = await handler(person, context.activity.conversation.id, requestId);
    const account = this.service.account;
    if (outcome.ok) return this.show(context, outcome.value, '');

    const { refusal } = outcome;
    const text = replies.refusal(refusal, account);
    switch (refusal.kind) {
      // The request exists in this conversation: show where it stands, with the reason on top.
      case 'requestFinished':
      case 'requestExpired':
        return this.show(context, refusal.request, text);
      case 'notRequester':
        return cardResponse(requestCard(refusal.request, account, text));
      case 'alreadyAssociated': {
        const current = await this.service.find(requestId);
        return current ? this.show(context, current, text) : messageResponse(text);
      }
      default:
        return messageResponse(text);
    }
  }

  /** The clicked card becomes the request's current view, for the clicker and in the chat's history. */
  private async show(context: TurnContext, request: AssociationRequest, notice: string): Promise<object> {
    const account = this.service.account;
    const cardId = context.activity.replyToId;
    if (cardId) await replaceCard(context, cardId, requestCard(request, account));
    if (request.state !== 'awaitingConfirm' && request.state !== 'awaitingApproval') {
      await this.memory.update(context, (m) => {
        if (m.openRequest?.id === request.id) delete m.openRequest;
      });
    }
    return cardResponse(requestCard(request, account, notice));
  }
}
