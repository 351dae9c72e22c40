import { ChatStateStore } from '../../bot/state/chatState';
import { MemoryStateStorage } from '../../bot/state/memoryStateStorage';

describe('what the bot remembers of a person in a conversation', () => {
  it('keeps both updates when two turns of one person overlap (no last-writer-wins)', async () => {
    const storage = new MemoryStateStorage();
    const first = new ChatStateStore(storage).session('conv/nestor');
    const second = new ChatStateStore(storage).session('conv/nestor');
    await first.get();
    await second.get();
    await first.update((s) => (s.signIn = { startedAt: '2026-11-28T10:00:00.000Z' }));
    await second.update((s) => (s.openRequest = { id: 'req-1' }));
    await first.save();
    await second.save();

    expect(await new ChatStateStore(storage).session('conv/nestor').get()).toEqual({
      signIn: { startedAt: '2026-11-28T10:00:00.000Z' },
      openRequest: { id: 'req-1' },
    });
  });

  it('two first writes of one person cannot both win: the second replays its change on the first', async () => {
    const storage = new MemoryStateStorage();
    const a = new ChatStateStore(storage).session('group/lidia');
    const b = new ChatStateStore(storage).session('group/lidia');
    await a.update((s) => (s.openRequest = { id: 'req-a' }));
    await b.update((s) => (s.signIn = { startedAt: '2026-11-28T10:00:00.000Z' }));
    await a.save();
    await b.save();
    expect(await new ChatStateStore(storage).session('group/lidia').get()).toEqual({
      openRequest: { id: 'req-a' },
      signIn: { startedAt: '2026-11-28T10:00:00.000Z' },
    });
  });

  it('reads once and writes nothing for a turn that changed nothing; reads nothing for a turn that never asks', async () => {
    const storage = new MemoryStateStorage();
    const reads = jest.spyOn(storage, 'read');
    const writes = jest.spyOn(storage, 'write');
    const session = new ChatStateStore(storage).session('conv/nestor');
    await session.get();
    await session.get();
    await session.save();
    await new ChatStateStore(storage).session('conv/diego').save();
    expect(reads).toHaveBeenCalledTimes(1);
    expect(writes).not.toHaveBeenCalled();
  });
});
