import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { cardOf, oauthLink, type Conversation } from './teamsChannel';
import type { World } from './world';

/** Types "associate tenant", signs in on the sandbox page as `upn`, and types the code shown. */
export async function signInAs(
  world: World,
  user: TeamsUser,
  conversation: Conversation,
  upn: string,
  command = 'associate tenant',
): Promise<RecordedActivity[]> {
  const [prompt] = await world.teams.say(user, conversation, command);
  const link = oauthLink(prompt);
  if (!link) throw new Error(`Expected a sign-in card, got: ${JSON.stringify(prompt)}`);
  const code = await world.sandbox.tokenService.chooseAccount(link, upn);
  return world.teams.say(user, conversation, code);
}

/** Signs in and returns the review card the bot sent. */
export async function reviewCardFor(world: World, user: TeamsUser, conversation: Conversation, upn: string) {
  const replies = await signInAs(world, user, conversation, upn);
  const card = replies.find((a) => cardOf(a));
  if (!card) throw new Error(`Expected a review card, got: ${JSON.stringify(replies)}`);
  return card;
}

/** Signs in as `upn`, reviews and confirms: the tenant is associated. */
export async function associate(world: World, user: TeamsUser, conversation: Conversation, upn: string) {
  const review = await reviewCardFor(world, user, conversation, upn);
  const confirmed = await world.teams.press(user, conversation, review, 'confirm');
  if (confirmed.status !== 200) throw new Error(`Confirm answered ${confirmed.status}`);
}

/** `add users`, the tenant chosen (if there is a choice), the sign-in to it as `upn`: the search card. */
export async function signInToManage(
  world: World,
  user: TeamsUser,
  conversation: Conversation,
  tenantId: string,
  upn: string,
): Promise<RecordedActivity> {
  const [first] = await world.teams.say(user, conversation, 'add users');
  const before = world.teams.replies(conversation).length;
  if (!oauthLink(first)) {
    const chosen = await world.teams.submit(user, conversation, first!, 'users.tenant', {
      inputs: { tenantId },
    });
    if (!chosen.message?.includes('I sent you a sign-in'))
      throw new Error(`No sign-in: ${JSON.stringify(chosen)}`);
  }
  const prompt = oauthLink(first)
    ? first
    : world.teams
        .replies(conversation)
        .slice(before)
        .find((a) => oauthLink(a));
  const code = await world.sandbox.tokenService.chooseAccount(oauthLink(prompt)!, upn);
  const [search] = await world.teams.say(user, conversation, code);
  if (!cardOf(search)) throw new Error(`Expected the search card, got: ${JSON.stringify(search)}`);
  return search!;
}
