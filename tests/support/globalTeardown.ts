import type { RunningRedis } from './redisServer';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testRedis?: RunningRedis }).__testRedis?.stop();
}
