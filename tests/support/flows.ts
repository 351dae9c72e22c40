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
