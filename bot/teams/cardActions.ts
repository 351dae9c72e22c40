import type { TurnContext } from 'botbuilder';
import { requestCard } from '../../cards';
import type { AssociationRequest, Person } from '../core/model';
import { ACTIONS, isOpen, type RequestAction } from '../core/requestMachine';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { ChatMemoryStore } from './chatMemory';
import { replies } from './replies';
import { cardResponse, messageResponse, replaceCard } from './turn';

interface ActionValue {
  action?: { type?: string; verb?: unknown; data?: { requestId?: unknown; reason?: unknown } };
}

type Verb = RequestAction | 'refresh';

/**
 * `Action.Execute` on a request card. The card carries only an opaque request id; who clicked comes from
 * the activity, and every check runs here on the server. The invoke response is the clicker's own view;
 * the card in the chat is replaced too, so people who never refresh see the outcome.
 */
export class CardActions {
  constructor(
    private readonly service: TenantAssociation,
    private readonly memory: ChatMemoryStore,
  ) {}

  async handle(context: TurnContext, person: Person): Promise<object> {
    const { action } = (context.activity.value ?? {}) as ActionValue;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const requestId = action?.data?.requestId;
    if (!isVerb(verb) || typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 100) {
      return messageResponse(`That card action isn't something I know. ${replies.unknownAction}`);
    }
    const conversationId = context.activity.conversation.id;
    if (verb === 'refresh') return this.viewFor(context, person, requestId);

    const reason = typeof action?.data?.reason === 'string' ? action.data.reason : undefined;
    const outcome = await this.service.act(verb, person, conversationId, requestId, reason);
    if (outcome.ok) {
      await this.showEveryone(context, outcome.value);
      return this.viewFor(context, person, requestId);
    }
    const { refusal } = outcome;
    const text = replies.refusal(refusal, this.service.account);
    switch (refusal.kind) {
      // The request exists here: refresh the card to where it stands, with the reason on top for the clicker.
      case 'requestFinished':
      case 'requestExpired':
        await this.showEveryone(context, refusal.request);
        return this.viewFor(context, person, requestId, text);
      case 'alreadyAssociated': {
        const current = await this.service.find(requestId);
        if (current) await this.showEveryone(context, current);
        return current ? this.viewFor(context, person, requestId, text) : messageResponse(text);
      }
      // Refused and nothing changed: only the clicker hears why.
      default:
        return messageResponse(text);
    }
  }

  /** The clicker's own view: their buttons while the request is open, the outcome once it is decided. */
  private async viewFor(
    context: TurnContext,
    person: Person,
    requestId: string,
    notice?: string,
  ): Promise<object> {
    const view = await this.service.view(person, context.activity.conversation.id, requestId);
    if (!view.ok) return messageResponse(replies.refusal(view.refusal, this.service.account));
    const { request, actions } = view.value;
    return cardResponse(
      requestCard(request, this.service.account, {
        actions,
        policy: this.service.policy,
        ...(notice ? { notice } : {}),
        // Keeps this person's view refreshing while the request is open.
        ...(request.approval && isOpen(request) ? { refreshUserIds: [context.activity.from.id] } : {}),
      }),
    );
  }

  /** Once decided, the card in the chat shows everyone the same outcome; nobody remembers it as open. */
  private async showEveryone(context: TurnContext, request: AssociationRequest): Promise<void> {
    if (isOpen(request)) return;
    const cardId = context.activity.replyToId;
    if (cardId) await replaceCard(context, cardId, requestCard(request, this.service.account));
    await this.memory.update(context, (m) => {
      if (m.openRequest?.id === request.id) delete m.openRequest;
    });
  }
}

function isVerb(verb: string): verb is Verb {
  return verb === 'refresh' || (ACTIONS as string[]).includes(verb);
}
