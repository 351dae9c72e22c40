import { replies } from '../../../cards/replies';
import type { PersonTurn } from '../turn';
import { say } from './say';

export async function help(turn: PersonTurn): Promise<void> {
  await say(turn, replies.help(turn.app.account));
}

export async function unknownCommand(turn: PersonTurn, command: { text: string }): Promise<void> {
  await say(turn, replies.unknown(command.text, turn.app.account));
}
