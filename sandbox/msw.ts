/** Serves a `FakeApi` to the real SDKs in tests through msw's request interception. */
import { http, HttpResponse } from 'msw';
import type { FakeApi, FakeResponse } from './types.ts';

function toResponse(res: FakeResponse): Response {
  const headers = new Headers(res.headers ?? {});
  if (res.body === undefined || res.body === null) return new HttpResponse(null, { status: res.status, headers });
  if (typeof res.body === 'string') return new HttpResponse(res.body, { status: res.status, headers });
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new HttpResponse(JSON.stringify(res.body), { status: res.status, headers });
}

/** msw handlers that route every request under `baseUrl` to `api`. */
export function mswHandlers(baseUrl: string, api: FakeApi) {
  const base = baseUrl.replace(/\/$/, '');
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      const res = await api.handle({
        method: request.method,
        url: new URL(request.url),
        headers,
        body: await request.text(),
      });
      return res ? toResponse(res) : new HttpResponse(JSON.stringify({ message: 'not emulated' }), { status: 404 });
    }),
  ];
}
