/**
 * Backfill through Bulk API 2.0 query jobs. jsforce's `bulk2.query` polls for only 30 s and pipes
 * every results page into one stream (which has failed with "write after end", jsforce #1546,
 * #1693), and cannot resume; so Baton opens and checks the job with jsforce's `QueryJobV2`, polls
 * with its own longer timeout, and reads results page by page with `locator`/`maxRecords` through
 * jsforce's `HttpApi`, storing job and locator in the cursor so a stopped backfill resumes.
 */
import { QueryJobV2 } from 'jsforce/lib/api/bulk2.js';
import { HttpApi } from 'jsforce/lib/http-api.js';
import type { FieldsConfig } from '../../src/config/schema.ts';
import { BatonError, CrmError } from '../../src/platform/errors.ts';
import type { BackfillPage } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import { POLLED_OBJECTS, selectFields } from './fields.ts';
import { toCrmRecord } from './records.ts';
import { soqlDateTime } from './soql.ts';
import { sleep } from '../../src/platform/sleep.ts';

interface BackfillCursor {
  v: 1;
  /** Index into POLLED_OBJECTS of the object being read. */
  i: number;
  job?: string;
  /** Locator of the next results page; absent for the first page. */
  locator?: string;
  total?: number;
}

export interface BulkOptions {
  pollIntervalMs: number;
  pollTimeoutMs: number;
  pageSize: number;
}

function parseCursor(cursor: string | null): BackfillCursor {
  if (!cursor) return { v: 1, i: 0 };
  const c = JSON.parse(cursor) as BackfillCursor;
  if (c.v !== 1 || typeof c.i !== 'number')
    throw new BatonError('bad_cursor', `not a Salesforce backfill cursor: ${cursor.slice(0, 80)}`);
  return c;
}

function coerce(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) {
    if (v === 'true' || v === 'false') if (/^(Is|Has)[A-Z]/.test(k)) row[k] = v === 'true';
  }
  return row;
}

export class SalesforceBackfill {
  private client: SalesforceClient;
  private cfg: FieldsConfig;
  private opts: BulkOptions;
  constructor(client: SalesforceClient, cfg: FieldsConfig, opts: BulkOptions) {
    this.client = client;
    this.cfg = cfg;
    this.opts = opts;
  }

  private async openJob(object: (typeof POLLED_OBJECTS)[number], since?: string): Promise<string> {
    const d = await this.client.describe(object).catch(() => null);
    const fields = selectFields(object, this.cfg, d ? (f) => d.has(f) : undefined);
    // Bulk API 2.0 rejects ORDER BY/LIMIT as PK-chunking breakers; order comes from the locator
    const query = `SELECT ${fields.join(', ')} FROM ${object}${since ? ` WHERE SystemModstamp >= ${soqlDateTime(since)}` : ''}`;
    const job = new QueryJobV2(this.client.conn, {
      bodyParams: { operation: 'query', query },
      pollingOptions: { pollInterval: this.opts.pollIntervalMs, pollTimeout: this.opts.pollTimeoutMs },
    });
    const info = await this.client.call(`bulk query ${object}`, () => job.open(), { retry: false });
    return info.id;
  }

  /** Waits for JobComplete; returns the number of records, or null when the job no longer exists. */
  private async waitFor(jobId: string): Promise<number | null> {
    const job = new QueryJobV2(this.client.conn, {
      id: jobId,
      pollingOptions: { pollInterval: this.opts.pollIntervalMs, pollTimeout: this.opts.pollTimeoutMs },
    });
    const deadline = Date.now() + this.opts.pollTimeoutMs;
    for (;;) {
      let info;
      try {
        info = await this.client.call('bulk job state', () => job.check());
      } catch (err) {
        if (err instanceof CrmError && /NOT_FOUND/.test(err.message)) return null;
        throw err;
      }
      if (info.state === 'JobComplete') return info.numberRecordsProcessed ?? 0;
      if (info.state === 'Failed' || info.state === 'Aborted') {
        throw new CrmError('salesforce', `Salesforce bulk query job ${jobId} ended ${info.state}`);
      }
      if (Date.now() > deadline) {
        throw new CrmError(
          'salesforce',
          `Salesforce bulk query job ${jobId} not complete after ${Math.round(this.opts.pollTimeoutMs / 1000)} s; resume the backfill to keep waiting`,
          { retryable: true },
        );
      }
      await sleep(this.opts.pollIntervalMs);
    }
  }

  private async page(
    jobId: string,
    locator: string | undefined,
  ): Promise<{ rows: Record<string, unknown>[]; next: string | null }> {
    const params = new URLSearchParams({ maxRecords: String(this.opts.pageSize) });
    if (locator) params.set('locator', locator);
    const url = `${this.client.conn.instanceUrl}/services/data/v${this.client.version}/jobs/query/${jobId}/results?${params}`;
    return this.client.call('bulk results', async (conn) => {
      let next: string | null = null;
      const api = new HttpApi(conn, {});
      api.on('response', (res: { headers: Record<string, string> }) => {
        const usage = /api-usage=(\d+)\/(\d+)/.exec(res.headers['sforce-limit-info'] ?? '');
        if (usage) this.client.budget.observe(Number(usage[1]), Number(usage[2]));
        const l = res.headers['sforce-locator'];
        next = !l || l === 'null' ? null : l;
      });
      const body = await api.request<unknown>({ method: 'GET', url, headers: { Accept: 'text/csv' } });
      const rows = Array.isArray(body) ? (body as Record<string, unknown>[]) : [];
      return { rows: rows.map(coerce), next };
    });
  }

  /** Every polled object, page by page; each page's cursor resumes right after it. */
  async *run(cursor: string | null, since?: string): AsyncIterable<BackfillPage> {
    const c = parseCursor(cursor);
    while (c.i < POLLED_OBJECTS.length) {
      const object = POLLED_OBJECTS[c.i];
      if (!c.job) {
        c.job = await this.openJob(object, since);
        c.locator = undefined;
      }
      const total = await this.waitFor(c.job);
      if (total === null) {
        // results are kept only while the job exists: start this object again
        this.client.log.warn(`salesforce bulk job ${c.job} for ${object} is gone; restarting ${object}`);
        c.job = undefined;
        continue;
      }
      c.total = total;
      for (;;) {
        const { rows, next } = await this.page(c.job, c.locator);
        const done = next === null;
        const cur: BackfillCursor = done
          ? { v: 1, i: c.i + 1 }
          : { v: 1, i: c.i, job: c.job, locator: next ?? undefined, total };
        yield { records: rows.map((r) => toCrmRecord(object, r)), cursor: JSON.stringify(cur), total };
        if (done) break;
        c.locator = next ?? undefined;
      }
      c.i++;
      c.job = undefined;
      c.locator = undefined;
    }
  }
}
