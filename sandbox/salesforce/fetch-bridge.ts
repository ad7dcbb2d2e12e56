/**
 * jsforce sends through its own copy of undici's `fetch` with its own dispatcher, which msw's
 * `setupServer` does not see (msw patches `globalThis.fetch` and `node:http`). This dispatcher
 * hands each jsforce request to `globalThis.fetch`, so tests run the real jsforce against msw
 * handlers. Only tests install it; production traffic uses jsforce's own agent.
 */
import { setDispatcher } from 'jsforce/lib/request.js';

interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: Record<string, string | string[]> | string[] | null;
  body?: unknown;
}

interface ResponseController {
  abort(reason?: Error): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: Error | null;
  rawHeaders?: Buffer[];
}

interface Handler {
  onRequestStart?(controller: ResponseController, context: unknown): void;
  onResponseStarted?(): void;
  onResponseStart?(
    controller: ResponseController,
    status: number,
    headers: Record<string, string | string[]>,
    statusText: string,
  ): void;
  onResponseData?(controller: ResponseController, chunk: Buffer): void;
  onResponseEnd?(controller: ResponseController, trailers: Record<string, string>): void;
  onResponseError?(controller: ResponseController, error: Error): void;
}

async function collectBody(body: unknown): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Uint8Array | string>)
      chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
    return Buffer.concat(chunks);
  }
  return Buffer.from(String(body));
}

function toHeaders(raw: DispatchOptions['headers']): Headers {
  const h = new Headers();
  if (!raw) return h;
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i], raw[i + 1]);
    return h;
  }
  for (const [k, v] of Object.entries(raw)) for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  return h;
}

async function run(opts: DispatchOptions, handler: Handler): Promise<void> {
  let aborted = false;
  let reason: Error | null = null;
  const controller: ResponseController = {
    abort: (r) => {
      aborted = true;
      reason = r ?? new Error('aborted');
    },
    pause: () => {},
    resume: () => {},
    get aborted() {
      return aborted;
    },
    get paused() {
      return false;
    },
    get reason() {
      return reason;
    },
  };
  try {
    handler.onRequestStart?.(controller, {});
    const url = new URL(opts.path, opts.origin);
    const body = await collectBody(opts.body);
    const res = await globalThis.fetch(url, {
      method: opts.method,
      headers: toHeaders(opts.headers),
      body: body as BodyInit | undefined,
      redirect: 'manual',
    });
    if (aborted) return;
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    controller.rawHeaders = Object.entries(headers).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]);
    handler.onResponseStarted?.();
    handler.onResponseStart?.(controller, res.status, headers, res.statusText);
    const data = Buffer.from(await res.arrayBuffer());
    if (aborted) return;
    if (data.length) handler.onResponseData?.(controller, data);
    handler.onResponseEnd?.(controller, {});
  } catch (err) {
    handler.onResponseError?.(controller, err instanceof Error ? err : new Error(String(err)));
  }
}

const bridge = {
  isMockActive: false,
  dispatch(opts: DispatchOptions, handler: Handler): boolean {
    void run(opts, handler);
    return true;
  },
  close: async () => {},
  destroy: async () => {},
  on: () => bridge,
  once: () => bridge,
  off: () => bridge,
  emit: () => false,
};

/** Routes jsforce's HTTP through `globalThis.fetch` (so msw sees it); `false` restores jsforce's own agent. */
export function routeJsforceThroughGlobalFetch(on = true): void {
  setDispatcher(on ? (bridge as never) : undefined);
}
