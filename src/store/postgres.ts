/** PostgreSQL through `pg`: a pool whose every connection works in the configured schema. */
import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { logger } from '../platform/logger.ts';

const log = logger.child({ module: 'store' });

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Counts, counters and cents are int8; they fit a JS number here, and both backends return numbers. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Quotes a validated identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A pool for `connectionString`; with `schema`, `search_path` is set at connection start-up. */
export function createPool(connectionString: string, schema: string | null): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: Number(process.env.BATON_DATABASE_POOL ?? 10),
    types: types as pg.CustomTypesConfig,
    // A startup option, so it holds on every pooled connection, including ones opened later.
    options: schema ? `-c search_path=${schema},public` : undefined,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (err) => log.warn('idle PostgreSQL connection failed', { error: err.message }));
  // Nor may a client in use (a restart ends every connection): its query fails and is retried by
  // the worker, the pool drops the client, and an unhandled 'error' event would end Baton instead.
  pool.on('connect', (client) =>
    client.on('error', (err) => log.warn('PostgreSQL connection lost', { error: err.message })),
  );
  return pool;
}

/** Kysely's PostgreSQL dialect over the pool. */
export function postgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}
