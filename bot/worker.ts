import { ConfigError, loadConfig, type Config } from './config';
import { loadEnvFiles } from './envFiles';
import { startNotifications } from './infra/notifications';
import { connectRedis } from './infra/redis/connection';
import { createRedisStores } from './infra/redis/redisStores';
import { consoleLog } from './log';
import { createAdapter } from './teams/adapter';
import { TeamsNotificationSender } from './teams/notificationSender';

/**
 * `npm run worker`: only the notification relay and delivery workers, with the bot's configuration. Any
 * number of these (and of bot processes, which run the same workers) share the queue in Redis.
 */
async function main(): Promise<void> {
  loadEnvFiles();
  const config = configOrExit();
  if (!config.redis.url) {
    console.error(
      'Configuration error: REDIS_URL is required: the workers take their deliveries from Redis.',
    );
    process.exit(1);
  }
  const redisUrl = config.redis.url;
  const prefix = config.redis.keyPrefix;
  const client = await connectRedis(redisUrl, { onError: (error) => consoleLog('redis', error) });
  const stores = createRedisStores(client, { prefix });
  const sender = new TeamsNotificationSender({
    adapter: createAdapter(config),
    botAppId: config.bot.id,
    ...(config.teamsAppId ? { teamsAppId: config.teamsAppId } : {}),
  });
  const accountId = config.account.id || (await localAccountId(config));
  const notifications = await startNotifications({
    redis: { url: redisUrl },
    prefix,
    stores,
    sender,
    accountId,
  });
  consoleLog(`Notification worker running for account ${accountId} (Redis prefix ${prefix})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLog(`${signal}: finishing the deliveries in hand`);
    await notifications.close().catch((error) => consoleLog('shutdown step failed', error));
    await client.quit().catch(() => client.disconnect());
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** Local mode's account comes from the demo directory, as in the bot process; the sandbox is loaded only then. */
async function localAccountId(config: Config): Promise<string> {
  if (!config.localMode) return config.account.id;
  const { loadDemoDirectory } = await import('../sandbox/directory');
  return loadDemoDirectory().account.id;
}

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error) => {
  consoleLog('worker failed to start', error);
  process.exit(1);
});
