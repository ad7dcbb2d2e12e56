/**
 * The Composite API (`POST /services/data/vXX.X/composite`): many REST subrequests in one call,
 * counted as ONE API call. Limits: 25 subrequests a call, of which at most 5 sObject Collections
 * or query operations. Baton sends `allOrNone: false` (a failed subrequest fails alone) and
 * `collateSubrequests: false` (subrequests run in the order given, so a query after a create sees
 * the new records), and never references between subrequests.
 */
import { CrmError } from '../../src/platform/errors.ts';
import type { SalesforceClient } from './client.ts';
import { toCrmError } from './errors.ts';
import type { SaveResult } from './save.ts';

export const MAX_SUBREQUESTS = 25;
/** sObject Collections and query subrequests per composite call. */
export const MAX_HEAVY_SUBREQUESTS = 5;

export interface Subrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path from `/services/data/vXX.X/`. */
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

export interface SubResponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const isHeavy = (s: Subrequest) => /\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects/.test(s.url);

/** Splits subrequests, in order, into composite calls within the limits. Pure. */
export function packComposite(
  subs: Subrequest[],
  max = MAX_SUBREQUESTS,
  maxHeavy = MAX_HEAVY_SUBREQUESTS,
): Subrequest[][] {
  const out: Subrequest[][] = [];
  let cur: Subrequest[] = [];
  let heavy = 0;
  for (const s of subs) {
    const h = isHeavy(s) ? 1 : 0;
    if (cur.length && (cur.length >= max || heavy + h > maxHeavy)) {
      out.push(cur);
      cur = [];
      heavy = 0;
    }
    cur.push(s);
    heavy += h;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The subrequest of one SOQL query. */
export function querySub(client: SalesforceClient, soql: string, referenceId: string): Subrequest {
  return { method: 'GET', url: `/services/data/v${client.version}/query?q=${encodeURIComponent(soql)}`, referenceId };
}

/** The subrequest of one sObject Collections save (≤ 200 records, `allOrNone: false`). */
export function collectionSub(
  client: SalesforceClient,
  method: 'POST' | 'PATCH',
  object: string,
  records: Record<string, unknown>[],
  referenceId: string,
  headers?: Record<string, string>,
): Subrequest {
  return {
    method,
    url: `/services/data/v${client.version}/composite/sobjects`,
    referenceId,
    body: { allOrNone: false, records: records.map((r) => ({ attributes: { type: object }, ...r })) },
    ...(headers ? { httpHeaders: headers } : {}),
  };
}

/** Runs `subs` in as few composite calls as the limits allow; responses by referenceId. A call that fails throws (`CrmError`). */
export async function runComposite(
  client: SalesforceClient,
  subs: Subrequest[],
  what: string,
  options: { retry?: boolean } = {},
): Promise<Map<string, SubResponse>> {
  const out = new Map<string, SubResponse>();
  for (const part of packComposite(subs)) {
    const res = await client.call(
      what,
      (c) =>
        c.requestPost<{ compositeResponse: SubResponse[] }>(`/services/data/v${client.version}/composite`, {
          allOrNone: false,
          collateSubrequests: false,
          compositeRequest: part,
        }),
      options,
    );
    for (const r of res.compositeResponse ?? []) out.set(r.referenceId, r);
  }
  return out;
}

/** The error of a failed subrequest (body `[{ errorCode, message }]`), or of a missing answer. */
export function subrequestError(res: SubResponse | undefined, what: string): CrmError {
  if (!res)
    return new CrmError('salesforce', `Salesforce ${what} failed: no answer in the composite response`, {
      retryable: true,
    });
  const first = Array.isArray(res.body)
    ? (res.body[0] as { errorCode?: string; message?: string } | undefined)
    : undefined;
  const code = first?.errorCode ?? `ERROR_HTTP_${res.httpStatusCode}`;
  return toCrmError(
    Object.assign(new Error(first?.message ?? `HTTP ${res.httpStatusCode}`), { errorCode: code }),
    what,
  );
}

/** The per-record results of a collection subrequest; throws its error when the subrequest failed. */
export function saveResultsOf(res: SubResponse | undefined, what: string): SaveResult[] {
  if (!res || res.httpStatusCode >= 300 || !Array.isArray(res.body)) throw subrequestError(res, what);
  return res.body as SaveResult[];
}

/** Runs SOQL queries in composite calls and follows each to its last page; rows per query, in order. */
export async function queryMany(
  client: SalesforceClient,
  soqls: string[],
  what: string,
  run: CompositeRunner = compositeRunner(client),
): Promise<Record<string, unknown>[][]> {
  if (!soqls.length) return [];
  const res = await run(
    soqls.map((q, i) => querySub(client, q, `q${i}`)),
    what,
  );
  const out: Record<string, unknown>[][] = [];
  for (const [i] of soqls.entries()) out.push(await rowsOf(client, res.get(`q${i}`), what));
  return out;
}

/** The rows of one query subrequest, following `nextRecordsUrl` (each further page one call). */
export async function rowsOf(
  client: SalesforceClient,
  res: SubResponse | undefined,
  what: string,
): Promise<Record<string, unknown>[]> {
  if (!res || res.httpStatusCode >= 300) throw subrequestError(res, what);
  type Page = { records: Record<string, unknown>[]; done: boolean; nextRecordsUrl?: string };
  let page = res.body as Page;
  const rows = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    const next = page.nextRecordsUrl;
    page = await client.call(what, async (c) => await c.queryMore<Record<string, unknown>>(next));
    rows.push(...page.records);
  }
  return rows;
}

/** Runs subrequests as composite calls (`runComposite`, or a `SharedComposite` participant). */
export type CompositeRunner = (
  subs: Subrequest[],
  what: string,
  options?: { retry?: boolean },
) => Promise<Map<string, SubResponse>>;

/** The plain runner of one client. */
export const compositeRunner =
  (client: SalesforceClient): CompositeRunner =>
  (subs, what, options) =>
    runComposite(client, subs, what, options);

/**
 * Lets independent writers (Lead creates, Task creates) share composite calls: each participant's
 * subrequests wait until every participant still working has submitted, then go out together
 * (without retry when any asks for none; each writer re-checks before trying again).
 */
export class SharedComposite {
  private client: SalesforceClient;
  private active: number;
  private waiting: {
    subs: Subrequest[];
    what: string;
    retry: boolean;
    resolve: (m: Map<string, SubResponse>) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private seq = 0;
  constructor(client: SalesforceClient, participants: number) {
    this.client = client;
    this.active = participants;
  }

  /** The runner of one participant; call `done()` when that participant has finished. */
  participant(): { run: CompositeRunner; done: () => void } {
    let finished = false;
    return {
      run: (subs, what, options) =>
        new Promise((resolve, reject) => {
          this.waiting.push({ subs, what, retry: options?.retry !== false, resolve, reject });
          this.flushWhenReady();
        }),
      done: () => {
        if (finished) return;
        finished = true;
        this.active--;
        this.flushWhenReady();
      },
    };
  }

  private flushWhenReady(): void {
    if (!this.waiting.length || this.waiting.length < this.active) return;
    const batch = this.waiting.splice(0);
    const prefix = batch.map(() => `s${this.seq++}_`);
    const subs = batch.flatMap((b, i) => b.subs.map((s) => ({ ...s, referenceId: `${prefix[i]}${s.referenceId}` })));
    runComposite(this.client, subs, batch.map((b) => b.what).join(' + '), { retry: batch.every((b) => b.retry) }).then(
      (res) =>
        batch.forEach((b, i) => {
          const mine = new Map<string, SubResponse>();
          for (const [ref, r] of res)
            if (ref.startsWith(prefix[i]))
              mine.set(ref.slice(prefix[i].length), { ...r, referenceId: ref.slice(prefix[i].length) });
          b.resolve(mine);
        }),
      (err) => batch.forEach((b) => b.reject(err)),
    );
  }
}
