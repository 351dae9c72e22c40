import type { Fit, LogKey, WindowLog } from '../ports';
import { earliestFit, type RateLimits, type RateRule } from '../rateLimits';

/** Local mode's window logs: the process is the only sender. */
export class MemoryWindowLog implements WindowLog {
  private readonly logs = new Map<string, { at: number; member: string }[]>();

  constructor(
    private readonly rules: RateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  async findSlot(key: LogKey, from: number, hold?: { member: string; exact: boolean }): Promise<Fit> {
    const now = this.clock();
    const rules: RateRule[] = this.rules[key.scope];
    const longest = Math.max(0, ...rules.map((r) => r.windowMs));
    const name = JSON.stringify([key.scope, key.id]);
    const log = (this.logs.get(name) ?? []).filter((e) => e.at > now - longest);
    const at = earliestFit(
      log.map((e) => e.at),
      hold?.exact ? from : Math.max(now, from),
      rules,
    );
    const held = hold !== undefined && (!hold.exact || at === from);
    if (held) log.push({ at, member: hold.member });
    if (log.length > 0) this.logs.set(name, log);
    else this.logs.delete(name);
    return { at, now, held };
  }

  async release(key: LogKey, member: string): Promise<void> {
    const name = JSON.stringify([key.scope, key.id]);
    const log = this.logs.get(name);
    if (log)
      this.logs.set(
        name,
        log.filter((e) => e.member !== member),
      );
  }

  async now(_key: LogKey): Promise<number> {
    return this.clock();
  }
}
