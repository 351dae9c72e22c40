import { historyCard } from '../../../cards';
import { replies } from '../../../cards/replies';
import type { CardData } from '../cardData';
import { isGroup } from '../conversationKind';
import { cardResponse, messageResponse, sendCard, type PersonTurn } from '../turn';
import { say, sayRefusal } from './say';

/** Events on one card: enough to read at a glance, few enough to stay far below Teams' message size. */
const PAGE_SIZE = 15;

/** `history`: the account's latest events, newest first, for Managers. */
export async function showHistory(turn: PersonTurn): Promise<void> {
  if (isGroup(turn.activity)) return say(turn, replies.personalOnly('history'));
  const page = await turn.app.users.history(turn.person, PAGE_SIZE);
  if (!page.ok) return sayRefusal(turn, page.refusal);
  if (page.value.events.length === 0) return say(turn, replies.historyEmpty);
  await sendCard(turn.context, historyCard(turn.app.account, page.value.events, page.value.next));
}

/** `history.more`: the page before the last one shown. */
export async function moreHistory(turn: PersonTurn, data: CardData): Promise<object> {
  const before = data.before?.slice(0, 100);
  if (!before) return messageResponse(replies.unknownCardAction);
  const page = await turn.app.users.history(turn.person, PAGE_SIZE, before);
  if (!page.ok) return messageResponse(replies.refusal(page.refusal, turn.app.account));
  return cardResponse(historyCard(turn.app.account, page.value.events, page.value.next));
}
