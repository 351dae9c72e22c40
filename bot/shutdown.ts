import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from './log';

/**
 * Whether `work` settled within `ms`. Shutdown must end: a step that waits for ever (a connection that
 * never drains, a client stuck reconnecting) is given up on, so the process can exit and be replaced.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exits 1 if the stop has not finished within `ms`: the platform restarts the process either way. */
export function exitUnlessStoppedWithin(ms: number, log: Log): void {
  void sleep(ms, undefined, { ref: false }).then(() => {
    log(`shutdown did not finish within ${ms / 1000} s; exiting`);
    process.exit(1);
  });
}
