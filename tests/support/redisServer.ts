import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cluster, Redis } from 'ioredis';
import { freePort } from './freePort';

export interface RunningRedis {
  url: string;
  port: number;
  /** SIGTERM by default; SIGKILL to crash it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port (or the one given, to bring one back), keeping
 * nothing on disk; with `durableIn`, it fsyncs every write to an append-only file there before replying, so a
 * crash keeps exactly what was acknowledged and a restart on the same port and directory brings it back.
 */
export async function startRedisServer(
  onPort?: number,
  options: { durableIn?: string } = {},
): Promise<RunningRedis> {
  const port = onPort ?? (await freePort());
  const persistence = options.durableIn
    ? ['--dir', options.durableIn, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await untilReady(child, port);
  return { url: `redis://127.0.0.1:${port}`, port, stop: (signal = 'SIGTERM') => stopProcess(child, signal) };
}

export interface RunningRedisCluster {
  /** host:port of each master, comma-separated: what REDIS_CLUSTER_NODES carries. */
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** A private Redis Cluster of `size` masters and no replicas on loopback, thrown away by `stop`. */
export async function startRedisCluster(size = 3): Promise<RunningRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pcta-cluster-'));
  const ports = await distinctFreePorts(size * 2);
  const servers = Array.from({ length: size }, (_, i) => {
    const [port, busPort] = [ports[2 * i], ports[2 * i + 1]];
    return spawn(
      'redis-server',
      [
        ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir],
        ...['--save', '', '--appendonly', 'no'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  });
  const nodes = servers.map((_, i) => ({ host: '127.0.0.1', port: ports[2 * i] }));
  const stop = async () => {
    await Promise.all(servers.map((s) => stopProcess(s, 'SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(servers.map((server, i) => untilReady(server, nodes[i].port)));
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const { port } of nodes) {
      await waitUntil(
        async () =>
          (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).includes('cluster_state:ok'),
        10_000,
      );
    }
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** REDIS_CLUSTER_NODES (set by the jest global setup) as ioredis' startup nodes. */
export function clusterNodesFromEnv(): { host: string; port: number }[] {
  const raw = process.env.REDIS_CLUSTER_NODES;
  if (!raw) throw new Error('REDIS_CLUSTER_NODES is not set: the jest global setup starts a Redis Cluster');
  return raw.split(',').map((address) => {
    const [host, port] = address.split(':');
    return { host, port: Number(port) };
  });
}

/** Deletes the keys a test made (never a whole database: the Redis may be shared), on every master. */
export async function deleteKeys(client: Redis | Cluster, pattern: string): Promise<void> {
  const nodes =
    'nodes' in client && client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      for (const key of keys) await client.del(key);
      cursor = next;
    } while (cursor !== '0');
  }
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function run(command: string, args: string[]): Promise<string> {
  return (await promisify(execFile)(command, args)).stdout;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the Redis Cluster');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves when this very redis-server says it accepts connections; rejects, with its words, if it exits
 * first. (A port that merely answers might be another process's, taken between two runs on the same port.)
 */
function untilReady(child: ChildProcess, port: number, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onOutput = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes('Ready to accept connections')) done();
    };
    const onExit = () => fail('exited');
    const detach = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onOutput);
      child.stderr?.off('data', onOutput);
      // Keep draining, so a full pipe never stalls the server, and never hold the test process open.
      for (const pipe of [child.stdout, child.stderr] as (Socket | null)[]) pipe?.resume().unref();
    };
    const done = () => {
      detach();
      resolve();
    };
    function fail(why: string) {
      detach();
      reject(new Error(`redis-server on port ${port} ${why}:\n${output}`));
    }
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', onExit);
  });
}
