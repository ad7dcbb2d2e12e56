/**
 * The fake Salesforce API: one `FakeApi` over a `FakeOrg`, answering the REST resources Baton
 * uses with the real shapes — OAuth token, query/queryMore, sObject CRUD, sObject Collections
 * (≤ 200, per-record results), describe, limits, Bulk API 2.0 query jobs — with
 * `Sforce-Limit-Info` on every response, session expiry, and a request log for tests.
 */
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';
import { FakeBulk } from './bulk.ts';
import { collectionCall, compositeCall, parseBody, type BatchHost } from './collections.ts';
import { FakeOrg, type FakeOrgOptions, type SRecord } from './org.ts';
import { outboundMessage } from './outbound.ts';
import { describeOf } from './schema.ts';
import { getField, parseSoql, runQuery, SoqlError } from './soql.ts';
import { FakeTooling } from './tooling.ts';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  time: number;
  /** Set on a subrequest of a `/composite` call: the index of that call in `log` (it counts once). */
  partOf?: number;
}

export interface FakeSalesforceOptions extends FakeOrgOptions {
  apiVersion?: string;
  clientId?: string;
  clientSecret?: string;
  /** Daily API request allocation reported in `Sforce-Limit-Info` and `/limits`. */
  dailyLimit?: number;
  /** API calls already used today. */
  used?: number;
  /** Records per query batch (Salesforce: up to 2000). */
  queryBatchSize?: number;
  bulkChecksUntilComplete?: number;
  bulkPageSize?: number;
}

export class FakeSalesforce implements FakeApi {
  readonly org: FakeOrg;
  readonly log: LoggedRequest[] = [];
  readonly version: string;
  readonly bulk: FakeBulk;
  readonly tooling: FakeTooling;
  dailyLimit: number;
  used: number;
  queryBatchSize: number;
  private tokens = new Set<string>(['fake-session-token']);
  private cursors = new Map<string, { rows: Record<string, unknown>[]; fields: string[]; object: string }>();
  private failures: { match: (r: FakeRequest) => boolean; res: FakeResponse }[] = [];
  private tokenCount = 0;
  private clientId: string;
  private clientSecret: string;

  constructor(options: FakeSalesforceOptions = {}) {
    this.org = new FakeOrg(options);
    this.version = options.apiVersion ?? '62.0';
    this.dailyLimit = options.dailyLimit ?? 100_000;
    this.used = options.used ?? 0;
    this.queryBatchSize = options.queryBatchSize ?? 2000;
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.tooling = new FakeTooling(this.org);
    this.bulk = new FakeBulk(this.org, this.version, {
      checksUntilComplete: options.bulkChecksUntilComplete ?? 2,
      pageSize: options.bulkPageSize ?? 50_000,
    });
  }

  /** Every issued session becomes invalid, as when a session times out. */
  expireSessions(): void {
    this.tokens.clear();
  }

  /** The next request that `match`es gets `res` instead (once per call). */
  failNext(match: (r: FakeRequest) => boolean, res: FakeResponse): void {
    this.failures.push({ match, res });
  }

  /** The SOAP body of an Outbound Message about `records`, as this org would send it. */
  outboundMessage(
    records: SRecord[],
    opts: Parameters<typeof outboundMessage>[2] = {},
  ): { xml: string; notificationIds: string[] } {
    return outboundMessage(this.org, records, opts);
  }

  /** API calls as Salesforce counts them: a `/composite` call once, not its subrequests. */
  apiCalls(): LoggedRequest[] {
    return this.log.filter((r) => r.partOf === undefined);
  }

  /** Requests under /services/ whose path contains `fragment` (and method, if given); subrequests of a composite call included. */
  calls(fragment: string, method?: string): LoggedRequest[] {
    return this.log.filter((r) => r.path.includes(fragment) && (!method || r.method === method));
  }

  private limitHeaders(): Record<string, string> {
    return { 'sforce-limit-info': `api-usage=${this.used}/${this.dailyLimit}` };
  }

  private json(status: number, body: unknown): FakeResponse {
    return { status, headers: this.limitHeaders(), body };
  }

  /** This API as the batch resources see it (`collections.ts`). */
  private readonly host: BatchHost = {
    handle: (req, partOf) => this.handle(req, partOf),
    json: (status, body) => this.json(status, body),
    limitHeaders: () => this.limitHeaders(),
  };

  handle(req: FakeRequest, partOf?: number): FakeResponse | null {
    const path = req.url.pathname;
    if (!path.startsWith('/services/')) return null;
    this.log.push({
      method: req.method,
      path,
      query: req.url.search,
      headers: req.headers,
      body: req.body,
      time: Date.now(),
      ...(partOf !== undefined ? { partOf } : {}),
    });
    if (path === '/services/oauth2/token' && req.method === 'POST') return this.token(req.body, req.url.origin);
    const auth = req.headers.authorization ?? '';
    if (!this.tokens.has(auth.replace(/^Bearer\s+/i, ''))) {
      return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    }
    if (path === '/services/oauth2/userinfo') {
      return {
        status: 200,
        body: {
          user_id: this.org.integrationUserId,
          organization_id: this.org.orgId,
          preferred_username: 'baton@integration.example',
        },
      };
    }
    const idx = this.failures.findIndex((f) => f.match(req));
    if (idx >= 0) {
      const [f] = this.failures.splice(idx, 1);
      if (partOf === undefined) this.used++;
      return { ...f.res, headers: { ...this.limitHeaders(), ...(f.res.headers ?? {}) } };
    }
    if (path === '/services/data' || path === '/services/data/') return this.json(200, this.versions());
    const m = /^\/services\/data\/v(\d+\.\d)\/(.*)$/.exec(path);
    if (!m) return this.json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    if (partOf === undefined) this.used++;
    const rest = m[2].replace(/\/$/, '');
    const by = this.org.integrationUserId;
    const autoAssign = this.autoAssign(req.headers['sforce-auto-assign']);
    try {
      if (rest === 'limits') {
        return this.json(200, {
          DailyApiRequests: { Max: this.dailyLimit, Remaining: this.dailyLimit - this.used },
          DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
        });
      }
      if (rest.startsWith('tooling/')) {
        const t = this.tooling.handle(req.method, rest.slice('tooling/'.length), req.url, req.body);
        return t
          ? { ...t, headers: { ...this.limitHeaders(), ...(t.headers ?? {}) } }
          : this.json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      }
      if (rest === 'query' || rest === 'queryAll')
        return this.query(req.url.searchParams.get('q') ?? '', rest === 'queryAll');
      const more = /^query(?:All)?\/([^/]+)$/.exec(rest);
      if (more) return this.queryMore(more[1]);
      const bulk = this.bulk.handle(req.method, rest, req.url, req.body);
      if (bulk) return { ...bulk, headers: { ...this.limitHeaders(), ...(bulk.headers ?? {}) } };
      if (rest === 'composite/sobjects') return collectionCall(this.host, this.org, req, by, autoAssign);
      if (rest === 'composite' && req.method === 'POST' && partOf === undefined)
        return compositeCall(this.host, req, this.log.length - 1);
      const d = /^sobjects\/([^/]+)\/describe$/.exec(rest);
      if (d) {
        const fields = this.org.visibleFields(d[1]);
        return fields
          ? this.json(
              200,
              describeOf(d[1], fields, (f) => !f.needsGrant || this.org.grant(d[1], f.name).edit),
            )
          : this.json(404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist` }]);
      }
      const one = /^sobjects\/([^/]+)(?:\/([^/]+))?$/.exec(rest);
      if (one) return this.single(req, one[1], one[2], by, autoAssign);
      return this.json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    } catch (err) {
      if (err instanceof SoqlError) return this.json(400, [{ message: err.message, errorCode: 'MALFORMED_QUERY' }]);
      return this.json(500, [{ message: String(err), errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
  }

  /** `GET /services/data/`: the API versions the org offers, up to its own. */
  private versions() {
    const top = Math.floor(Number(this.version));
    return Array.from({ length: top - 19 }, (_, i) => `${20 + i}.0`).map((v) => ({
      label: `v${v}`,
      url: `/services/data/v${v}`,
      version: v,
    }));
  }

  private autoAssign(header: string | undefined): boolean | string {
    if (header === undefined) return true; // the REST API's default is TRUE
    if (/^false$/i.test(header.trim())) return false;
    if (/^true$/i.test(header.trim())) return true;
    return header.trim(); // an AssignmentRule id
  }

  private token(body: string, origin: string): FakeResponse {
    const p = new URLSearchParams(body);
    if (p.get('grant_type') !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    if (p.get('client_id') !== this.clientId || p.get('client_secret') !== this.clientSecret) {
      return { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    }
    const token = `00D!fake-token-${++this.tokenCount}`;
    this.tokens.add(token);
    return {
      status: 200,
      body: {
        access_token: token,
        signature: 'fake-signature',
        scope: 'api',
        instance_url: origin,
        id: `https://login.salesforce.com/id/${this.org.orgId}/${this.org.integrationUserId}`,
        token_type: 'Bearer',
        issued_at: String(Date.now()),
      },
    };
  }

  private project(object: string, fields: string[], rows: Record<string, unknown>[]) {
    return rows.map((r) => {
      const out: Record<string, unknown> = {
        attributes: { type: object, url: `/services/data/v${this.version}/sobjects/${object}/${String(r.Id)}` },
      };
      for (const f of fields) out[f] = getField(r, f);
      return out;
    });
  }

  private page(key: string, offset: number): FakeResponse {
    const c = this.cursors.get(key);
    if (!c) return this.json(400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    const batch = c.rows.slice(offset, offset + this.queryBatchSize);
    const done = offset + batch.length >= c.rows.length;
    return this.json(200, {
      totalSize: c.rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${this.version}/query/${key}-${offset + batch.length}` }),
      records: this.project(c.object, c.fields, batch),
    });
  }

  private query(soql: string, all: boolean): FakeResponse {
    const q = parseSoql(soql);
    if (!this.org.schema[q.from])
      return this.json(400, [{ errorCode: 'INVALID_TYPE', message: `sObject type '${q.from}' is not supported.` }]);
    for (const f of q.fields) {
      if (!this.org.hasField(q.from, f))
        return this.json(400, [
          { errorCode: 'INVALID_FIELD', message: `No such column '${f}' on entity '${q.from}'.` },
        ]);
    }
    const rows = runQuery(q, this.org.rows(q.from, all));
    const key = `01g5g${String(this.cursors.size + 1).padStart(10, '0')}`;
    this.cursors.set(key, { rows, fields: q.fields, object: q.from });
    return this.page(key, 0);
  }

  private queryMore(locator: string): FakeResponse {
    const m = /^(.+)-(\d+)$/.exec(locator);
    return m
      ? this.page(m[1], Number(m[2]))
      : this.json(400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
  }

  private single(
    req: FakeRequest,
    object: string,
    id: string | undefined,
    by: string,
    autoAssign: boolean | string,
  ): FakeResponse {
    if (!this.org.schema[object])
      return this.json(404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist` }]);
    if (!id && req.method === 'POST') {
      const r = this.org.create(object, parseBody(req.body) ?? {}, by, autoAssign);
      return r.success
        ? this.json(201, r)
        : this.json(
            400,
            r.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
          );
    }
    if (!id) return this.json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'not allowed' }]);
    const rec = this.org.table(object).get(id);
    if (req.method === 'GET') {
      return rec && !rec.IsDeleted
        ? this.json(200, { attributes: { type: object }, ...rec })
        : this.json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    if (req.method === 'PATCH') {
      const r = this.org.update(object, id, parseBody(req.body) ?? {}, by, autoAssign);
      return r.success
        ? { status: 204, headers: this.limitHeaders() }
        : this.json(
            400,
            r.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
          );
    }
    if (req.method === 'DELETE') {
      const r = this.org.delete(id);
      return r.success
        ? { status: 204, headers: this.limitHeaders() }
        : this.json(404, [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }]);
    }
    return this.json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'not allowed' }]);
  }
}

/** A fake Salesforce org and its API; serve it with `mswHandlers(url, api)` or `serveFakeApi(api)`. */
export function createFakeSalesforce(options: FakeSalesforceOptions = {}): FakeSalesforce {
  return new FakeSalesforce(options);
}
