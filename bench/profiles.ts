/**
 * With --profile, every server under test runs with `node --cpu-prof`. The bench notes when each measured
 * stretch ran (in ms since the server's start, which is when its profile starts), so the summary covers the
 * turns and not the start-up or the warm-up.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeProfile, type CostLine } from './profileSummary';
import type { RunningServer } from './serverProcess';
import { PROFILE_DIR } from './servers';

export interface ProfileReport {
  server: string;
  file: string;
  fromMs: number;
  toMs: number;
  busyMs: number;
  byPackage: CostLine[];
  byPackageTotal: CostLine[];
  byFunction: CostLine[];
  byFunctionTotal: CostLine[];
}

export class ProfileWindows {
  private readonly windows = new Map<string, { fromMs: number; toMs: number }>();

  constructor(readonly enabled: boolean) {}

  /** Measures `during` and remembers its stretch of `server`'s profile (the first to the last call). */
  async around<T>(server: RunningServer, during: () => Promise<T>): Promise<T> {
    const fromMs = server.uptimeMs();
    try {
      return await during();
    } finally {
      const known = this.windows.get(server.name);
      this.windows.set(server.name, { fromMs: known?.fromMs ?? fromMs, toMs: server.uptimeMs() });
    }
  }

  /** Call once the servers have stopped (node writes the profile at exit). */
  reports(top = 15): ProfileReport[] {
    if (!this.enabled) return [];
    return [...this.windows].flatMap(([server, window]) => {
      const file = mainThreadProfile(join(PROFILE_DIR, server));
      if (!file) return [];
      const summary = summarizeProfile(file, window, top);
      return [{ server, file, ...window, busyMs: summary.totalMs - summary.idleMs, ...pick(summary) }];
    });
  }
}

function pick(s: ReturnType<typeof summarizeProfile>) {
  return {
    byPackage: s.byPackage,
    byPackageTotal: s.byPackageTotal,
    byFunction: s.byFunction,
    byFunctionTotal: s.byFunctionTotal,
  };
}

/** The newest, largest profile in the folder: tsx's loader thread writes a small one beside the main one. */
function mainThreadProfile(dir: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return undefined;
  }
  const stats = files.map((f) => ({ path: join(dir, f), ...statSync(join(dir, f)) }));
  const newest = Math.max(...stats.map((s) => s.mtimeMs));
  return stats
    .filter((s) => s.mtimeMs > newest - 60_000)
    .sort((a, b) => b.size - a.size)
    .map((s) => s.path)[0];
}
