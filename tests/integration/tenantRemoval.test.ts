import type { RecordedActivity, TeamsUser } from '../../sandbox';
import { reviewCardFor } from '../support/flows';
import { cardOf, visibleText, type Conversation } from '../support/teamsChannel';
import { startWorld, type World } from '../support/world';

const CONTOSO = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';
const ADATUM = '5f1a2b3c-0000-4a11-9d00-adadadadadad';

describe('remove tenant and history (R10, R12)', () => {
  let world: World;
  let chats: Map<string, Conversation>;
  beforeEach(async () => {
    world = await startWorld();
    chats = new Map();
  });
  afterEach(async () => {
    await world.close();
  });

  const person = (name: string) => world.teams.user(name);
  const chatOf = (user: TeamsUser) => {
    if (!chats.has(user.id)) chats.set(user.id, world.teams.personalChat(user));
    return chats.get(user.id)!;
  };

  async function associateContoso(nestor: TeamsUser): Promise<void> {
    const chat = chatOf(nestor);
    const review = await reviewCardFor(world, nestor, chat, 'megan@contoso.com');
    expect((await world.teams.press(nestor, chat, review, 'confirm')).status).toBe(200);
  }

  /** `remove tenant`, then the tenant chosen: the review card that follows in the chat. */
  async function reviewRemoval(user: TeamsUser, chat: Conversation, tenantId: string) {
    const [choose] = await world.teams.say(user, chat, 'remove tenant');
    expect(visibleText(choose)).toContain('Choose the tenant to remove');
    const before = world.teams.replies(chat).length;
    const chosen = await world.teams.submit(user, chat, choose!, 'tenant.remove', { inputs: { tenantId } });
    const review = world.teams
      .replies(chat)
      .slice(before)
      .find((a) => cardOf(a));
    return { chosen, review };
  }

  const tenantsText = async (user: TeamsUser) =>
    (await world.teams.say(user, chatOf(user), 'tenants')).map(visibleText).join();

  it('a Manager reviews what removing Contoso takes away, confirms, and its users lose their roles at once', async () => {
    const nestor = person('Nestor Wilke');
    const chat = chatOf(nestor);
    await associateContoso(nestor);

    const { chosen, review } = await reviewRemoval(nestor, chat, CONTOSO);
    expect(chosen.message).toContain('Review below what removing Contoso Ltd takes away');
    const text = visibleText(review);
    expect(text).toContain('When Contoso Ltd is removed, its users can no longer sign in to');
    expect(text).toContain('Megan Bowen loses the role Manager');

    const confirmed = await world.teams.press(nestor, chat, review!, 'confirm');
    expect(confirmed.status).toBe(200);
    expect(JSON.stringify(cardOf(world.teams.current(review!.id, chat)))).toContain('removed');
    expect(await tenantsText(nestor)).not.toContain('Contoso');
    const [users] = await world.teams.say(nestor, chat, 'users');
    expect(visibleText(users)).not.toContain('Megan Bowen');

    // Confirming again changes nothing.
    const again = await world.teams.press(nestor, chat, review!, 'confirm');
    expect(JSON.stringify(again.body)).toContain('already completed');
  });

  it("R12: never the remover's own tenant, never the last one; a Developer is refused", async () => {
    const nestor = person('Nestor Wilke');
    const chat = chatOf(nestor);
    // Only the account's own tenant (R10), which is also Nestor's: nothing to choose, and why.
    const [own] = await world.teams.say(nestor, chat, 'remove tenant');
    expect(own?.text).toContain("is the tenant you use Teams with, so you can't remove it");

    await associateContoso(nestor);
    const { chosen } = await reviewRemoval(nestor, chat, ADATUM);
    expect(chosen.message).toContain("is the tenant you use Teams with, so you can't remove it");
    expect(await tenantsText(nestor)).toContain('Adatum');

    const diego = person('Diego Siciliani');
    const [refused] = await world.teams.say(diego, chatOf(diego), 'remove tenant');
    expect(refused?.text).toContain('can remove a tenant');
  });

  it('in a group chat the removal waits for a Manager to approve it, and the pending association requests of that tenant end', async () => {
    const nestor = person('Nestor Wilke');
    const lidia = person('Lidia Holloway');
    await associateContoso(nestor);
    // Lidia, in her personal chat, has a removal of Contoso of her own under review.
    const { review: hers } = await reviewRemoval(lidia, chatOf(lidia), CONTOSO);
    const group = world.teams.groupChat([nestor, lidia, person('Diego Siciliani')]);
    const { review } = await reviewRemoval(nestor, group, CONTOSO);
    expect(visibleText(review)).toContain('Contoso Ltd');
    expect(visibleText(review)).toContain('pending');

    // Teams refreshes the card for each Manager: Lidia's view has Approve.
    const mine = await world.teams.submit(lidia, group, review!, 'refresh');
    const approved = await world.teams.press(lidia, group, mine.card!, 'approve');
    expect(approved.status).toBe(200);
    expect(JSON.stringify(cardOf(world.teams.current(review!.id, group)))).toContain('Lidia Holloway');
    expect(await tenantsText(nestor)).not.toContain('Contoso');
    const late = await world.teams.press(lidia, chatOf(lidia), hers!, 'confirm');
    expect(JSON.stringify(late.body)).toContain(
      'This tenant was removed from the account, so this request was closed.',
    );
  });

  it('history: every step, newest first, a page at a time, for Managers', async () => {
    const nestor = person('Nestor Wilke');
    const chat = chatOf(nestor);
    await associateContoso(nestor);
    const { review } = await reviewRemoval(nestor, chat, CONTOSO);
    await world.teams.press(nestor, chat, review!, 'confirm');

    const [history] = await world.teams.say(nestor, chat, 'history');
    const lines = linesOf(history);
    const expected = [
      'Nestor Wilke removed Contoso Ltd: its users lost their roles.',
      'Nestor Wilke asked to remove Contoso Ltd.',
      'Megan Bowen, who signed in to associate Contoso Ltd, became its first account user, a Manager.',
      'Nestor Wilke associated Contoso Ltd.',
      'Nestor Wilke asked to associate Contoso Ltd.',
    ];
    expect(lines.slice(0, expected.length)).toEqual(expected);
    expect(lines.at(-1)).toMatch(/was associated from the start: it is the account's own tenant/);
  });
});

/** The history card's sentences, in order. */
function linesOf(card: RecordedActivity | undefined): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const item = node as { type?: string; text?: string };
    if (item.type === 'TextBlock' && item.text?.endsWith('.')) texts.push(item.text);
    Object.values(item).forEach(visit);
  };
  visit(cardOf(card));
  return texts;
}
