/**
 * Closed-loop HTTP load with autocannon, in this process (pinned to the load core): `connections`
 * connections, each one conversation, each sending its next activity as soon as the previous one is answered.
 * Every latency is kept, so the percentiles are exact rather than autocannon's histogram buckets.
 */
import autocannon from 'autocannon';
import { coreBusy, coreTimes } from './machine';
import type { RunningServer } from './serverProcess';

export interface LoadSpec {
  server: RunningServer;
  connections: number;
  durationS: number;
  /** The next activity connection `connection` sends: a fresh id every time, as Teams sends. */
  activity: (connection: number) => object;
  channelToken: string;
}

export interface LoadFigures {
  connections: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers other than 2xx, connection errors and timeouts: a run with any is not a valid measurement. */
  failures: number;
  /** CPU the server used, in cores (1 = its core was busy all the time). */
  serverCpu: number;
  /**
   * The server's own CPU time per answered turn: what a turn costs, whatever else ran on the machine
   * meanwhile (the other figures depend on how much of its core the server was given).
   */
  cpuMsPerTurn: number;
  /** How busy each core was, anything included. */
  coreBusy: number[];
}

export async function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  const latencies: number[] = [];
  let answeredOk = 0;
  let answeredOtherwise = 0;
  let nextConnection = 0;
  const cpuBefore = spec.server.cpuSeconds();
  const coresBefore = coreTimes();
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${spec.server.origin}/api/messages`,
        connections: spec.connections,
        duration: spec.durationS,
        timeout: 10,
        setupClient: (client) => {
          const connection = nextConnection++ % spec.connections;
          client.setRequests([
            {
              method: 'POST',
              path: '/api/messages',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.channelToken}` },
              setupRequest: (request) => ({ ...request, body: JSON.stringify(spec.activity(connection)) }),
            },
          ]);
        },
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status >= 200 && status < 300) answeredOk++;
      else answeredOtherwise++;
    });
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = spec.server.cpuSeconds() - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    connections: spec.connections,
    requests: answeredOk,
    seconds,
    perSecond: answeredOk / seconds,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    failures: answeredOtherwise + result.errors + result.timeouts,
    serverCpu: cpu / seconds,
    cpuMsPerTurn: answeredOk > 0 ? (cpu * 1000) / answeredOk : 0,
    coreBusy: coreBusy(coresBefore, coreTimes()),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
