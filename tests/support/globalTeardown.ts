export default async function globalTeardown(): Promise<void> {
  const started = globalThis as { __testRedis?: { stop(): Promise<void> }[] };
  await Promise.all((started.__testRedis ?? []).map((r) => r.stop()));
}
