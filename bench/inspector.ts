/**
 * A forced garbage collection in another node process, through its inspector (the bot is started with
 * --inspect=127.0.0.1:0 for the memory scenario): what the process still holds after a full GC is what a leak
 * shows up in, where RSS alone also moves with when V8 last collected.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

export const INSPECT_FLAG = '--inspect=127.0.0.1:0';

/** The inspector's WebSocket URL, from the "Debugger listening on ws://…" line node prints at start. */
export async function inspectorUrl(logFile: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
    if (match) return match[1];
    if (Date.now() > deadline) throw new Error(`no inspector URL in ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface HeapUsage {
  usedBytes: number;
  totalBytes: number;
}

/** Runs a full GC in the process; its V8 heap before and after (in use, and reserved from the system). */
export async function collectGarbage(url: string): Promise<{ before: HeapUsage; after: HeapUsage }> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  const usage = async (): Promise<HeapUsage> => {
    const { usedSize, totalSize } = await call('Runtime.getHeapUsage');
    return { usedBytes: Number(usedSize), totalBytes: Number(totalSize) };
  };
  try {
    const before = await usage();
    await call('HeapProfiler.collectGarbage');
    return { before, after: await usage() };
  } finally {
    socket.close();
  }
}
