/** The personal chats the load runs in: conversation i belongs to Manager i, so no two connections share one. */
import type { Conversation, TeamsChannel } from '../tests/support/teamsChannel';
import type { BenchManager, Stage } from './stage';

export interface BenchChat {
  manager: BenchManager;
  conversation: Conversation;
}

export function personalChats(stage: Stage, teams: TeamsChannel, count: number): BenchChat[] {
  if (count > stage.managers.length) throw new Error(`at most ${stage.managers.length} conversations`);
  return stage.managers.slice(0, count).map((manager) => ({
    manager,
    conversation: teams.personalChat(manager.user),
  }));
}

/** A message as Teams delivers it in `chat`, with a fresh activity id and timestamp. */
export function messageIn(teams: TeamsChannel, chat: BenchChat, text: string): Record<string, unknown> {
  return teams.activity(chat.manager.user, chat.conversation, { type: 'message', text });
}
