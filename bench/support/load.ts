/**
 * A small bounded loopback load generator: `concurrency` keep-alive connections, each sending its
 * next request as soon as the last one is answered, until `count` requests were sent or `seconds`
 * passed. Latency is measured per request from write to the end of the answer.
 */
import { Agent, request } from 'node:http';

export interface LoadResult {
  sent: number;
  accepted: number;
  refused: number;
  /** Answers other than `okStatus`, by status (0: no answer). */
  refusedBy: Record<number, number>;
  wallMs: number;
  /** Latencies of accepted requests, ms, sorted. */
  latencies: number[];
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** The body of request `i` (unique ids keep every event new). */
  body: (i: number) => string;
  concurrency: number;
  count: number;
  seconds: number;
  /** Status of an accepted answer. */
  okStatus: number;
}

/** Drives `url` with POSTs; resolves when the bound in count or time is reached. */
export async function drive(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const target = new URL(o.url);
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const refusedBy: Record<number, number> = {};
  const t0 = performance.now();
  const deadline = t0 + o.seconds * 1000;
  const one = (body: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...o.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const worker = async () => {
    while (next < o.count && performance.now() < deadline) {
      const i = next++;
      const start = performance.now();
      const status = await one(o.body(i));
      if (status === o.okStatus) latencies.push(performance.now() - start);
      else {
        refused++;
        refusedBy[status] = (refusedBy[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const wallMs = performance.now() - t0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { sent: next, accepted: latencies.length, refused, refusedBy, wallMs, latencies };
}

/** The p-th percentile of sorted values. */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
