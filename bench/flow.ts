/**
 * One whole association flow, as a Manager goes through it in a personal chat: `associate tenant`, the
 * sandbox's sign-in page (pick the tenant's administrator, read the 6-digit code), the code typed, the review
 * card, Confirm (adaptiveCard/action). Each step is timed as Teams would see it: until the bot's HTTP answer.
 */
import { cardActions, cardOf, oauthLink, type Conversation } from '../tests/support/teamsChannel';
import type { Deployment } from './deployment';
import type { BenchManager } from './stage';

export const FLOW_STEPS = ['associate', 'signInPage', 'code', 'confirm'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];
export type FlowTimings = Record<FlowStep, number>;

/** A Manager's personal chat with the bot: one per person, used for every flow they go through. */
export interface FlowSeat {
  manager: BenchManager;
  conversation: Conversation;
}

export function seatsFor(deployment: Deployment, managers: BenchManager[]): FlowSeat[] {
  return managers.map((manager) => ({ manager, conversation: deployment.teams.personalChat(manager.user) }));
}

/** Goes as far as the review card; returns it with the request id its Confirm button carries. */
export async function openReview(deployment: Deployment, seat: FlowSeat, timings?: Partial<FlowTimings>) {
  const { teams } = deployment;
  const { user } = seat.manager;
  let started = performance.now();
  const lap = (step: FlowStep) => {
    const now = performance.now();
    if (timings) timings[step] = now - started;
    started = now;
  };
  const [prompt] = await teams.say(user, seat.conversation, 'associate tenant');
  const link = oauthLink(prompt);
  if (!link) throw new Error(`expected a sign-in card, got ${JSON.stringify(prompt)}`);
  lap('associate');
  const code = await deployment.stage.sandbox.tokenService.chooseAccount(link, seat.manager.signInUpn);
  lap('signInPage');
  const replies = await teams.say(user, seat.conversation, code);
  const card = replies.find((a) => cardOf(a));
  const requestId = cardActions(card).find((a) => a.verb === 'confirm')?.data?.requestId;
  if (!card || typeof requestId !== 'string')
    throw new Error(await whyNoReview(deployment, seat, code, replies));
  lap('code');
  return { card, requestId };
}

/**
 * The bot's sign-in gate (bot/teams/handlers/signIn.ts) is keyed by conversation, user and code, and held for
 * the sign-in lifetime: when the token service happens to issue this person a code they already redeemed in the
 * last 15 minutes, the bot takes the new one for a second delivery of the old and stays silent.
 */
async function whyNoReview(deployment: Deployment, seat: FlowSeat, code: string, replies: unknown[]) {
  const { keys, stage } = deployment;
  const gate = keys.once(`signin:${seat.conversation.id}:${seat.manager.user.id}:${code}`);
  const held = replies.length === 0 && (await stage.client.exists(gate)) === 1;
  return held
    ? `no review card for code ${code}: the sign-in gate still held it (this person redeemed the same code earlier)`
    : `expected a review card, got ${JSON.stringify(replies)}`;
}

/** The whole flow; resolves once the tenant is associated, and makes it associable again (see below). */
export async function associateTenant(deployment: Deployment, seat: FlowSeat): Promise<FlowTimings> {
  const timings: Partial<FlowTimings> = {};
  const { card } = await openReview(deployment, seat, timings);
  const started = performance.now();
  const confirmed = await deployment.teams.press(seat.manager.user, seat.conversation, card, 'confirm');
  timings.confirm = performance.now() - started;
  if (confirmed.status !== 200) throw new Error(`Confirm answered ${confirmed.status}`);
  // R8 lets a tenant be associated once, and removing an association (R12) has no command yet: the bench
  // takes it out of the store itself, so this Manager can associate the same tenant in their next flow.
  // HDEL answers 1 only if Confirm really associated it.
  const { keys, accountId, stage } = deployment;
  const removed = await stage.client.hdel(keys.associations(accountId), seat.manager.tenant.id);
  if (removed !== 1) throw new Error(`Confirm answered 200 but ${seat.manager.tenant.id} was not associated`);
  return timings as FlowTimings;
}
