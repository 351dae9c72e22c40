import { configFromEnvironment } from '../bot/environment';
import { readDeadLetters } from '../bot/notifications';
import { RedisKeys } from '../bot/redis/keys';

/**
 * npm run notifications:dead-letters [-- --limit N] [-- --json]: the deliveries that will not be retried by
 * themselves (refused by Teams, or out of attempts), newest first.
 */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  if (!config.redis.url) throw new Error('REDIS_URL is required: dead letters are kept in Redis.');
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : 100;
  if (!Number.isInteger(limit) || limit <= 0) throw new Error('--limit must be a whole number above 0');
  const letters = await readDeadLetters(
    { url: config.redis.url, cluster: config.redis.cluster },
    new RedisKeys(config.redis.keyPrefix),
    limit,
  );
  if (args.includes('--json')) {
    console.log(JSON.stringify(letters, null, 2));
    return;
  }
  console.log(`${letters.length} dead letter(s) under prefix ${config.redis.keyPrefix}`);
  for (const l of letters) {
    console.log(
      `- ${l.failedAt ?? '?'}  ${l.kind} ${l.organization}  to ${l.conversationId}  after ${l.attempts} attempt(s): ${l.reason}`,
    );
    console.log(`  delivery ${l.deliveryId}`);
  }
  if (letters.length > 0) console.log('Requeue one with: npm run notifications:requeue -- <delivery>');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
