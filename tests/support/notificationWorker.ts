/**
 * A notification worker in a process of its own, as `npm run worker` runs one, so tests can SIGKILL it
 * mid-delivery. Configured like the bot (loadConfig) plus NOTIFICATION_POLICY (JSON, shorter times for tests)
 * and SENDER_TIMEOUT_MS. Prints "ready" once it takes work.
 */
import { loadConfig } from '../../bot/config';
import { startNotifications } from '../../bot/infra/notifications';
import { connectRedis } from '../../bot/infra/redis/connection';
import { createRedisStores } from '../../bot/infra/redis/redisStores';
import { consoleLog, silentLog } from '../../bot/log';
import { createAdapter } from '../../bot/teams/adapter';
import { TeamsNotificationSender } from '../../bot/teams/notificationSender';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const url = config.redis.url as string;
  const prefix = config.redis.keyPrefix;
  const client = await connectRedis(url);
  const notifications = await startNotifications({
    redis: { url },
    prefix,
    stores: createRedisStores(client, { prefix }),
    sender: new TeamsNotificationSender({
      adapter: createAdapter(config),
      botAppId: config.bot.id,
      timeoutMs: Number(process.env.SENDER_TIMEOUT_MS ?? 10_000),
    }),
    accountId: config.account.id,
    log: process.env.TEST_LOG ? consoleLog : silentLog,
    policy: JSON.parse(process.env.NOTIFICATION_POLICY ?? '{}'),
  });
  process.once('SIGTERM', () => {
    void notifications.close().then(async () => {
      await client.quit();
      process.exit(0);
    });
  });
  process.stdout.write('ready\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
