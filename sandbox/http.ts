/** Serves a `FakeApi` on a loopback port, for the demo and end-to-end runs in child processes. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeApi } from './types.ts';

/** Starts an HTTP server for `api` on 127.0.0.1 (`port` 0 picks a free one) and returns it with its URL. */
export async function serveFakeApi(
  api: FakeApi,
  port = 0,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const out = await api.handle({
        method: req.method ?? 'GET',
        url,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const r = out ?? { status: 404, body: { message: 'not emulated' } };
      const isText = typeof r.body === 'string';
      const payload =
        r.body === undefined || r.body === null ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
      const h: Record<string, string> = { ...(r.headers ?? {}) };
      if (payload && !isText && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
        h['content-type'] = 'application/json';
      res.writeHead(r.status, h).end(payload);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(err) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
