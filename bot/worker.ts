import type { Config } from './config';
import { configFromEnvironment } from './environment';
import { loggedSender } from './loggedSender';
import { consoleLog, createLogger, type Logger } from './log';
import {
  createRedisNotificationStores,
  startNotifications,
  type DeliveryPolicy,
  type RunningNotifications,
} from './notifications';
import { RedisMemberStore } from './infra/redis/redisMemberStore';
import { connectRedisTarget } from './redis/connection';
import { RedisKeys } from './redis/keys';
import { exitUnlessStoppedWithin } from './shutdown';
import { notificationSenderFor } from './teams/notificationSender';

export interface WorkerOptions {
  log?: Logger;
  policy?: Partial<DeliveryPolicy>;
  /** A send that takes longer is abandoned and retried later. */
  senderTimeoutMs?: number;
}

/**
 * The notification relay and delivery workers alone, with the bot's configuration. Any number of these
 * (and of bot processes, which run the same workers) share the queue in Redis.
 */
export async function startWorker(
  config: Config,
  options: WorkerOptions = {},
): Promise<RunningNotifications> {
  const log = options.log ?? consoleLog;
  const { url } = config.redis;
  if (!url) throw new Error('REDIS_URL is required: the workers take their deliveries from Redis.');
  const keys = new RedisKeys(config.redis.keyPrefix);
  const client = await connectRedisTarget(
    { url, cluster: config.redis.cluster },
    { onError: (error) => log('redis', error) },
  );
  const notifications = await startNotifications({
    redis: config.redis,
    keys,
    members: new RedisMemberStore(client, keys),
    stores: createRedisNotificationStores(client, keys),
    sender: loggedSender(notificationSenderFor(config, options.senderTimeoutMs), log),
    accountId: config.account.id,
    log,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  return {
    ...notifications,
    close: async () => {
      await notifications.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** A stop that takes longer than this (deliveries in hand, BullMQ's bounded close, Redis) is cut short. */
const STOP_BOUND_MS = 30_000;

/** `npm run worker`. */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  const log = createLogger({ level: config.logLevel, pretty: config.localMode, name: 'worker' });
  if (!config.account.id) {
    log("Configuration error: ACCOUNT_ID is required: the workers deliver one account's notifications.");
    process.exit(1);
  }
  const worker = await startWorker(config, { log });
  log.info('notification worker running', {
    accountId: config.account.id,
    keyPrefix: config.redis.keyPrefix,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    exitUnlessStoppedWithin(STOP_BOUND_MS, log);
    log.info('stopping: finishing the deliveries in hand', { signal });
    await worker.close().catch((error) => log('shutdown step failed', error));
    log.info('stopped', { durationMs: Date.now() - started });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error) => {
    consoleLog('worker failed to start', error instanceof Error ? error : String(error));
    process.exit(1);
  });
}
