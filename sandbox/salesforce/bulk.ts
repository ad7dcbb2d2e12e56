/** Bulk API 2.0 query jobs of the fake org: create, poll state, CSV results paged by `Sforce-Locator`. */
import type { FakeResponse } from '../types.ts';
import type { FakeOrg } from './org.ts';
import { getField, parseSoql, runQuery, SoqlError } from './soql.ts';

interface Job {
  id: string;
  query: string;
  operation: 'query' | 'queryAll';
  object: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  checks: number;
  rows?: Record<string, unknown>[];
  fields: string[];
  createdDate: string;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

export interface BulkOptions {
  /** State checks before a job reports JobComplete (a large org takes many). */
  checksUntilComplete: number;
  /** Default `maxRecords` of one results page. */
  pageSize: number;
}

export class FakeBulk {
  private jobs = new Map<string, Job>();
  private n = 0;
  private org: FakeOrg;
  private version: string;
  readonly options: BulkOptions;
  constructor(org: FakeOrg, version: string, options: BulkOptions) {
    this.org = org;
    this.version = version;
    this.options = options;
  }

  private info(j: Job) {
    return {
      id: j.id,
      operation: j.operation,
      object: j.object,
      createdById: this.org.integrationUserId,
      createdDate: j.createdDate,
      systemModstamp: j.createdDate,
      state: j.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(this.version),
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      ...(j.state === 'JobComplete'
        ? { numberRecordsProcessed: j.rows?.length ?? 0, retries: 0, totalProcessingTime: 10 }
        : {}),
    };
  }

  /** Answers `/jobs/query…`, or null when the path is not a bulk query path. */
  handle(method: string, rest: string, url: URL, body: string): FakeResponse | null {
    const m = /^jobs\/query(?:\/([^/]+))?(\/results)?$/.exec(rest);
    if (!m) return null;
    const [, id, results] = m;
    if (!id && method === 'POST') {
      let parsed: { operation?: string; query?: string };
      try {
        parsed = JSON.parse(body);
      } catch {
        return { status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR', message: 'bad JSON' }] };
      }
      try {
        const q = parseSoql(parsed.query ?? '');
        if (!this.org.schema[q.from])
          return {
            status: 400,
            body: [{ errorCode: 'INVALID_TYPE', message: `sObject type '${q.from}' is not supported.` }],
          };
        const job: Job = {
          id: `7505g0000${String(++this.n).padStart(9, '0')}`,
          query: parsed.query ?? '',
          operation: parsed.operation === 'queryAll' ? 'queryAll' : 'query',
          object: q.from,
          state: 'UploadComplete',
          checks: 0,
          fields: q.fields,
          createdDate: new Date().toISOString().replace('Z', '+0000'),
        };
        this.jobs.set(job.id, job);
        return { status: 200, body: this.info(job) };
      } catch (err) {
        if (err instanceof SoqlError)
          return { status: 400, body: [{ errorCode: 'MALFORMED_QUERY', message: err.message }] };
        throw err;
      }
    }
    const job = id ? this.jobs.get(id) : undefined;
    if (!job)
      return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    if (method === 'DELETE' && !results) {
      this.jobs.delete(job.id);
      return { status: 204 };
    }
    if (method === 'GET' && !results) {
      if (job.state === 'UploadComplete' || job.state === 'InProgress') {
        job.checks++;
        job.state = job.checks >= this.options.checksUntilComplete ? 'JobComplete' : 'InProgress';
        if (job.state === 'JobComplete') {
          const q = parseSoql(job.query);
          job.rows = runQuery(q, this.org.rows(job.object, job.operation === 'queryAll'));
        }
      }
      return { status: 200, body: this.info(job) };
    }
    if (method === 'GET' && results) {
      if (job.state !== 'JobComplete' || !job.rows)
        return { status: 400, body: [{ errorCode: 'INVALIDJOBSTATE', message: `job ${job.id} is not complete` }] };
      const start = url.searchParams.get('locator')
        ? Number(Buffer.from(url.searchParams.get('locator') as string, 'base64url').toString())
        : 0;
      const max = Number(url.searchParams.get('maxRecords') ?? this.options.pageSize);
      const page = job.rows.slice(start, start + max);
      const next = start + max < job.rows.length ? Buffer.from(String(start + max)).toString('base64url') : 'null';
      const lines = [
        job.fields.map((f) => `"${f}"`).join(','),
        ...page.map((r) => job.fields.map((f) => csvCell(getField(r, f))).join(',')),
      ];
      return {
        status: 200,
        headers: { 'content-type': 'text/csv', 'sforce-locator': next, 'sforce-numberofrecords': String(page.length) },
        body: lines.join('\n') + '\n',
      };
    }
    return { status: 405, body: [{ errorCode: 'METHOD_NOT_ALLOWED', message: `${method} not allowed` }] };
  }
}
