/**
 * npm run bench:profile -- <file.cpuprofile> [--from-ms N] [--to-ms N] [--top 25]: where a V8 CPU profile
 * (node --cpu-prof) spent its time — the functions with the most self time, and the same time summed by
 * package (or Node's internals, or this repository's folders), so the SDK's share of a turn can be read at a
 * glance. --from-ms/--to-ms keep only samples that far into the profile: start-up (module loading, tsx
 * compiling) otherwise outweighs a few seconds of turns.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time: where the CPU was. */
  byFunction: CostLine[];
  byPackage: CostLine[];
  /** Total time: a sample counts for every function (and every package) on its stack, once. */
  byFunctionTotal: CostLine[];
  byPackageTotal: CostLine[];
}

export interface ProfileWindow {
  /** Milliseconds after the profile started. */
  fromMs?: number;
  toMs?: number;
}

export function summarizeProfile(path: string, window: ProfileWindow = {}, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const selfMs = new Map<number, number>();
  const from = window.fromMs ?? 0;
  const to = window.toMs ?? Infinity;
  let atMs = 0;
  profile.samples.forEach((id, i) => {
    const deltaMs = (profile.timeDeltas[i] ?? 0) / 1000;
    atMs += deltaMs;
    if (atMs >= from && atMs <= to) selfMs.set(id, (selfMs.get(id) ?? 0) + deltaMs);
  });
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byFunctionTotal = new Map<string, number>();
  const byPackageTotal = new Map<string, number>();
  const parentOf = new Map<number, ProfileNode>();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let idleMs = 0;
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const node = nodes.get(id);
    if (!node || ms === 0) continue;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    add(byFunction, functionKey(node), ms);
    add(byPackage, packageOf(node.callFrame.functionName, node.callFrame.url), ms);
    const functions = new Set<string>();
    const packages = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = parentOf.get(at.id)) {
      if (at.callFrame.functionName === '(root)') break;
      functions.add(functionKey(at));
      packages.add(packageOf(at.callFrame.functionName, at.callFrame.url));
    }
    for (const f of functions) add(byFunctionTotal, f, ms);
    for (const p of packages) add(byPackageTotal, p, ms);
  }
  const busyMs = totalMs - idleMs;
  const lines = (map: Map<string, number>): CostLine[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }));
  return {
    totalMs,
    idleMs,
    byFunction: lines(byFunction),
    byPackage: lines(byPackage),
    byFunctionTotal: lines(byFunctionTotal),
    byPackageTotal: lines(byPackageTotal),
  };
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

/** The repository's own files by their path in it, whether run from here or compiled into a temporary folder. */
const OWN_FILE = /^file:\/\/.*?\/(?:pcta-bench-[^/]+|main)\/((?:bot|cards|bench|sandbox|tests)\/.*)$/;

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  return OWN_FILE.exec(url)?.[1] ?? url;
}

function packageOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node (internals)';
  const own = OWN_FILE.exec(url)?.[1];
  return own ? own.split('/').slice(0, 2).join('/') : url;
}

function main(): void {
  const file = process.argv[2];
  if (!file)
    throw new Error('usage: npm run bench:profile -- <file.cpuprofile> [--from-ms N] [--to-ms N] [--top N]');
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : undefined;
  };
  const summary = summarizeProfile(
    file,
    { fromMs: arg('--from-ms'), toMs: arg('--to-ms') },
    arg('--top') ?? 25,
  );
  const busy = summary.totalMs - summary.idleMs;
  console.log(`${file}: ${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s\n`);
  const print = (title: string, lines: CostLine[]) => {
    console.log(title);
    for (const l of lines)
      console.log(
        `  ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.ms.toFixed(0).padStart(7)} ms  ${l.name}`,
      );
    console.log('');
  };
  print('Self time by package', summary.byPackage);
  print('Total time by package (a sample counts once for each package on its stack)', summary.byPackageTotal);
  print('Self time by function', summary.byFunction);
  print('Total time by function', summary.byFunctionTotal);
}

if (require.main === module) main();
