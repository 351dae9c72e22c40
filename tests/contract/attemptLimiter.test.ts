import { contractBackends } from './backends';

describe.each(contractBackends())('attempt limiter on $name', (backend) => {
  it('allows the limit in a window, refuses the next with the time left, and opens a new window after', async () => {
    const { stores, other, elapse } = backend.fixture();
    const results = [];
    // Two processes count together.
    for (let i = 0; i < 4; i++)
      results.push(await (i % 2 ? other : stores).attempts.attempt('signIn:t/o', 4, 300));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true]);
    const refused = await stores.attempts.attempt('signIn:t/o', 4, 300);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
    // Someone else is not held back.
    expect((await stores.attempts.attempt('signIn:t/other', 4, 300)).allowed).toBe(true);
    await elapse(350);
    expect((await other.attempts.attempt('signIn:t/o', 4, 300)).allowed).toBe(true);
  });

  it('concurrent attempts never let more than the limit through', async () => {
    const { stores, other } = backend.fixture();
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? other : stores).attempts.attempt('search:t/o', 10, 60_000),
      ),
    );
    expect(all.filter((r) => r.allowed)).toHaveLength(10);
  });
});
