/**
 * A bot process of a test world's deployment, so tests can SIGKILL it mid-turn: the same startApp as
 * `npm start`, with its relay and delivery workers in the process as by default, on the delivery times of
 * the notification tests (TEST_POLICY). Prints "ready <origin>" once it serves.
 */
import { startApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { startWorker } from '../../bot/worker';
import { TEST_POLICY, TEST_SENDER_TIMEOUT_MS } from './notificationWorld';
import { testLog } from './testLog';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await startApp({ ...config, notificationWorkers: false }, { log: testLog });
  await startWorker(config, { log: testLog, policy: TEST_POLICY, senderTimeoutMs: TEST_SENDER_TIMEOUT_MS });
  process.stdout.write(`ready ${app.origin}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
