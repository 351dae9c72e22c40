/**
 * How deeply a request body may nest. Teams activities nest a handful of levels (an invoke's card data, a
 * mention's entity); thousands of levels are no activity, and answering one would take every layer that
 * serializes it (the replies of expectReplies echo `from` and `recipient`) into a stack overflow.
 */
export const MAX_NESTING = 64;

/** Whether `value` nests objects or arrays deeper than `max` levels. Iterative: the input may be hostile. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
