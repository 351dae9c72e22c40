/**
 * The part of autocannon 9's programmatic API the bench uses (the package ships no types, and adding
 * @types/autocannon would mean installing a package).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface RequestSpec {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each request; returns what to send. */
      setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec;
    }

    interface Client {
      setRequests(requests: RequestSpec[]): void;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      duration?: number;
      amount?: number;
      /** Seconds. */
      timeout?: number;
      requests?: RequestSpec[];
      /** Called once per connection, before it connects. */
      setupClient?: (client: Client) => void;
    }

    interface Result {
      errors: number;
      timeouts: number;
    }

    interface Instance extends EventEmitter {
      on(
        event: 'response',
        listener: (client: Client, status: number, bytes: number, ms: number) => void,
      ): this;
    }
  }

  function autocannon(
    options: autocannon.Options,
    done: (error: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;

  export = autocannon;
}
