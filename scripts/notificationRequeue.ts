import { configFromEnvironment } from '../bot/environment';
import { requeueDeadLetters, type Requeued } from '../bot/notifications';
import { RedisKeys } from '../bot/redis/keys';

const SAID: Record<Requeued['outcome'], string> = {
  requeued: 'requeued: the workers will deliver it',
  notADeadLetter: 'not a dead letter (requeued already, or delivered since): left alone',
  unknown: 'no such delivery',
};

/**
 * npm run notifications:requeue -- <delivery> [<delivery> …] | --all [--json]: puts dead letters (as
 * `npm run notifications:dead-letters` lists them) back in the queue, once each, once the reason they failed is
 * dealt with. Exits 1 if a delivery named is unknown.
 */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  if (!config.redis.url) throw new Error('REDIS_URL is required: dead letters are kept in Redis.');
  const args = process.argv.slice(2);
  const ids = args.filter((a) => !a.startsWith('--'));
  const all = args.includes('--all');
  if (all === ids.length > 0) {
    throw new Error('Name the deliveries to requeue, or --all: npm run notifications:requeue -- <delivery>');
  }
  const requeued = await requeueDeadLetters(
    { url: config.redis.url, cluster: config.redis.cluster },
    new RedisKeys(config.redis.keyPrefix),
    all ? 'all' : ids,
  );
  if (args.includes('--json')) console.log(JSON.stringify(requeued, null, 2));
  else {
    const count = requeued.filter((r) => r.outcome === 'requeued').length;
    console.log(`${count} dead letter(s) requeued under prefix ${config.redis.keyPrefix}`);
    for (const r of requeued) console.log(`- ${r.deliveryId}: ${SAID[r.outcome]}`);
  }
  if (requeued.some((r) => r.outcome === 'unknown')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
