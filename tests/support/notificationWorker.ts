/**
 * A notification worker in a process of its own, as `npm run worker` runs one, so tests can SIGKILL it
 * mid-delivery: the same startWorker, plus NOTIFICATION_POLICY (JSON, shorter times for tests) and
 * SENDER_TIMEOUT_MS. Prints "ready" once it takes work.
 */
import { loadConfig } from '../../bot/config';
import { testLog } from './testLog';
import { startWorker } from '../../bot/worker';

async function main(): Promise<void> {
  const worker = await startWorker(loadConfig(process.env), {
    log: testLog,
    policy: JSON.parse(process.env.NOTIFICATION_POLICY ?? '{}'),
    senderTimeoutMs: Number(process.env.SENDER_TIMEOUT_MS ?? 10_000),
  });
  process.once('SIGTERM', () => {
    void worker.close().then(() => process.exit(0));
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
