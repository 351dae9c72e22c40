import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { MemoryStateStorage } from '../../bot/infra/memory/memoryStateStorage';
import { ChatMemoryStore } from '../../bot/teams/chatMemory';

function turn(conversationId: string, userId: string): TurnContext {
  const activity = {
    type: 'message',
    channelId: 'msteams',
    conversation: { id: conversationId },
    from: { id: userId },
    recipient: { id: 'bot' },
  } as Activity;
  return new TurnContext(new TestAdapter(), activity);
}

describe('chat memory', () => {
  it('keeps both updates when two turns of one person overlap (no last-writer-wins)', async () => {
    const storage = new MemoryStateStorage();
    const first = new ChatMemoryStore(storage);
    const second = new ChatMemoryStore(storage);
    const a = turn('conv', 'nestor');
    const b = turn('conv', 'nestor');
    await first.get(a);
    await second.get(b);
    await first.update(a, (m) => (m.signIn = { startedAt: '2026-11-28T10:00:00.000Z' }));
    await second.update(b, (m) => (m.openRequest = { id: 'req-1' }));
    await first.save(a);
    await second.save(b);

    expect(await new ChatMemoryStore(storage).get(turn('conv', 'nestor'))).toEqual({
      signIn: { startedAt: '2026-11-28T10:00:00.000Z' },
      openRequest: { id: 'req-1' },
    });
  });

  it('is kept per person and per conversation', async () => {
    const storage = new MemoryStateStorage();
    const store = new ChatMemoryStore(storage);
    const nestorHere = turn('group', 'nestor');
    await store.update(nestorHere, (m) => (m.openRequest = { id: 'req-1' }));
    await store.save(nestorHere);
    expect(await store.get(turn('group', 'lidia'))).toEqual({});
    expect(await store.get(turn('other', 'nestor'))).toEqual({});
    expect(await store.get(turn('group', 'nestor'))).toEqual({ openRequest: { id: 'req-1' } });
  });

  it('reads once and writes nothing for a turn that changed nothing', async () => {
    const storage = new MemoryStateStorage();
    const reads = jest.spyOn(storage, 'read');
    const writes = jest.spyOn(storage, 'write');
    const store = new ChatMemoryStore(storage);
    const context = turn('conv', 'nestor');
    await store.get(context);
    await store.get(context);
    await store.save(context);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(writes).not.toHaveBeenCalled();
  });
});
