/**
 * The fake Salesforce API's two batch resources: `POST /composite` (subrequests answered by the
 * API's own handler, the whole call counted once) and sObject Collections (`/composite/sobjects`,
 * ≤ 200 records a call, per-record results).
 */
import type { FakeRequest, FakeResponse } from '../types.ts';
import type { FakeOrg, SaveResult } from './org.ts';

/** What the batch resources need of the API: its handler for subrequests and its answers with the limit headers. */
export interface BatchHost {
  handle(req: FakeRequest, partOf?: number): FakeResponse | null;
  json(status: number, body: unknown): FakeResponse;
  limitHeaders(): Record<string, string>;
}

const MAX_COLLECTION = 200;
/** Composite: 25 subrequests a call, of which at most 5 sObject Collections or query operations. */
const MAX_SUBREQUESTS = 25;
const MAX_HEAVY_SUBREQUESTS = 5;

interface Subrequest {
  method?: string;
  url?: string;
  referenceId?: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** A request body as JSON, or null when it is none. */
export function parseBody(body: string): Record<string, unknown> | null {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * `POST /composite`: the subrequests run in order as the same user, each answered as
 * `{ body, httpHeaders, httpStatusCode, referenceId }`; the whole call counts as one API call.
 * A subrequest that fails with a 5xx (or an unanswerable one) fails the whole call, as a lost
 * answer would. Baton sends `allOrNone: false` without references between subrequests; the fake
 * refuses what it does not emulate (references, `allOrNone: true`) rather than pretend.
 */
export function compositeCall(api: BatchHost, req: FakeRequest, index: number): FakeResponse {
  const body = parseBody(req.body) as {
    allOrNone?: boolean;
    collateSubrequests?: boolean;
    compositeRequest?: Subrequest[];
  } | null;
  const subs = body?.compositeRequest;
  if (!body || !Array.isArray(subs) || subs.length === 0)
    return api.json(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'compositeRequest expected' }]);
  const limitError = (message: string) =>
    api.json(400, {
      compositeResponse: [
        { body: [{ errorCode: 'LIMIT_EXCEEDED', message }], httpHeaders: {}, httpStatusCode: 400, referenceId: null },
      ],
    });
  if (subs.length > MAX_SUBREQUESTS)
    return limitError(`The request can’t contain more than ${MAX_SUBREQUESTS} operations.`);
  const heavy = subs.filter((s) =>
    /\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects/.test(String(s.url ?? '')),
  ).length;
  if (heavy > MAX_HEAVY_SUBREQUESTS)
    return limitError(
      `The request can’t contain more than ${MAX_HEAVY_SUBREQUESTS} sObject Collections or query operations.`,
    );
  if (body.allOrNone)
    return api.json(400, [
      { errorCode: 'INVALID_INPUT', message: 'the fake does not emulate allOrNone: true on composite' },
    ]);
  const out: { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] = [];
  const refs = new Set<string>();
  for (const sub of subs) {
    const referenceId = String(sub.referenceId ?? '');
    if (!/^[A-Za-z0-9_]+$/.test(referenceId) || refs.has(referenceId))
      return api.json(400, [
        { errorCode: 'INVALID_INPUT', message: `referenceId '${referenceId}' must be unique and alphanumeric` },
      ]);
    refs.add(referenceId);
    const text = sub.body === undefined ? '' : JSON.stringify(sub.body);
    if (/@\{/.test(`${sub.url ?? ''}${text}`))
      return api.json(400, [
        { errorCode: 'INVALID_INPUT', message: 'the fake does not resolve @{reference} expressions' },
      ]);
    if (!sub.method || !sub.url || !/^\/services\/data\/v\d+\.\d\//.test(sub.url)) {
      out.push({
        body: [
          {
            errorCode: 'INVALID_INPUT',
            message: `subrequest ${referenceId}: method and a /services/data/vXX.X/ url are required`,
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId,
      });
      continue;
    }
    const headers: Record<string, string> = { ...req.headers };
    for (const [k, v] of Object.entries(sub.httpHeaders ?? {})) headers[k.toLowerCase()] = String(v);
    const res = api.handle(
      { method: sub.method.toUpperCase(), url: new URL(sub.url, req.url.origin), headers, body: text },
      index,
    );
    if (!res || res.status >= 500 || typeof res.body === 'string')
      return {
        ...(res ?? api.json(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'no answer' }])),
        headers: { ...api.limitHeaders(), ...(res?.headers ?? {}) },
      };
    const { 'sforce-limit-info': _limit, ...httpHeaders } = res.headers ?? {};
    out.push({ body: res.body ?? null, httpHeaders, httpStatusCode: res.status, referenceId });
  }
  return api.json(200, { compositeResponse: out });
}

export function collectionCall(
  api: Pick<BatchHost, 'json'>,
  org: FakeOrg,
  req: FakeRequest,
  by: string,
  autoAssign: boolean | string,
): FakeResponse {
  if (req.method === 'DELETE') {
    const ids = (req.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > MAX_COLLECTION)
      return api.json(400, [
        {
          errorCode: 'EXCEEDED_ID_LIMIT',
          message: 'record limit reached. cannot submit more than 200 records into this call',
          fields: [],
        },
      ]);
    return api.json(
      200,
      ids.map((id) => org.delete(id)),
    );
  }
  const body = parseBody(req.body) as { allOrNone?: boolean; records?: Record<string, unknown>[] } | null;
  if (!body || !Array.isArray(body.records))
    return api.json(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'records expected' }]);
  if (body.records.length > MAX_COLLECTION) {
    return api.json(400, [
      {
        errorCode: 'EXCEEDED_ID_LIMIT',
        message: 'record limit reached. cannot submit more than 200 records into this call',
        fields: [],
      },
    ]);
  }
  const results: SaveResult[] = [];
  for (const r of body.records) {
    const { attributes, id, Id, ...fields } = r as {
      attributes?: { type?: string };
      id?: string;
      Id?: string;
    } & Record<string, unknown>;
    const type = attributes?.type;
    if (!type) {
      results.push({
        id: null,
        success: false,
        errors: [{ statusCode: 'INVALID_TYPE', message: 'attributes.type is required', fields: [] }],
      });
      continue;
    }
    if (req.method === 'POST') results.push(org.create(type, fields, by, autoAssign));
    else if (req.method === 'PATCH') results.push(org.update(type, String(id ?? Id ?? ''), fields, by, autoAssign));
    else return api.json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `${req.method} not allowed` }]);
  }
  // allOrNone rolls back the whole call; the fake only reports it, as Baton always sends false
  if (body.allOrNone && results.some((r) => !r.success)) {
    return api.json(
      200,
      results.map((r) =>
        r.success
          ? {
              id: r.id,
              success: false,
              errors: [
                {
                  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                  message:
                    'Record rolled back because not all records were valid and the request was using AllOrNone header',
                  fields: [],
                },
              ],
            }
          : r,
      ),
    );
  }
  return api.json(200, results);
}
