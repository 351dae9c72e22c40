import { INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import { DependencyUnavailableError } from '../core/errors';
import type { ChatStateStore } from '../state/chatState';
import { replies } from '../../cards/replies';
import { route } from './routes';
import { messageResponse, sendInvokeResponse, type BotServices, type Turn } from './turn';

/**
 * Runs one turn: routes it (bot/teams/routes.ts), then writes what the bot remembers of the person, once.
 * A failure becomes words for the person, never a 500 that Teams would retry.
 */
export class TeamsBot {
  constructor(
    private readonly app: BotServices,
    private readonly states: ChatStateStore,
  ) {}

  async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    const turn: Turn = { context, activity, app: this.app, state: this.states.session(stateKeyOf(context)) };
    try {
      await route(turn);
      await turn.state.save();
    } catch (error) {
      await this.fail(turn, error);
    }
  }

  private async fail(turn: Turn, error: unknown): Promise<void> {
    const { context, activity } = turn;
    const text =
      error instanceof DependencyUnavailableError
        ? replies.unavailable(error.dependency)
        : replies.somethingWentWrong;
    this.app.log(`turn failed (${activity.type} ${activity.name ?? ''})`, error);
    if (activity.type !== 'invoke') {
      await context.sendActivity(text);
      return;
    }
    const answered = context.turnState.get(INVOKE_RESPONSE_KEY) !== undefined;
    if (activity.name === 'adaptiveCard/action') {
      // Universal Actions show the clicker a message in place of the card.
      if (!answered) await sendInvokeResponse(context, { status: 200, body: messageResponse(text) });
      return;
    }
    // A sign-in invoke has no card to show the answer on: Teams is told it arrived, the person reads why.
    if (!answered) await sendInvokeResponse(context, { status: 200 });
    await context.sendActivity(text);
  }
}

/** The same key botbuilder's PrivateConversationState uses: channel, conversation and user. */
function stateKeyOf(context: TurnContext): string {
  const { channelId, conversation, from } = context.activity;
  return `${channelId}/conversations/${conversation.id}/users/${from.id}`;
}
