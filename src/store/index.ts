/**
 * Opens the Store named by a database URL: `sqlite:PATH` (embedded, one instance),
 * `sqlite::memory:` (tests), or `postgres://…[?schema=NAME]` (several instances).
 */
import { Kysely } from 'kysely';
import type { DB } from './db.ts';
import type { Store } from './types.ts';
import { KyselyStore } from './kysely-store.ts';
import { createPool, postgresDialect } from './postgres.ts';
import { NodeSqliteDialect } from './sqlite.ts';
import { parseDatabaseUrl } from './url.ts';

export type * from './types.ts';
export { defaultDatabaseUrl, parseDatabaseUrl, DEFAULT_DATABASE_URL } from './url.ts';
export { normalizeEmail } from './people.ts';
export { isUniqueViolation } from './dialect.ts';

/**
 * Opens the store at `url` and applies pending migrations (pass `{ migrate: false }` to skip).
 * Close it with `store.close()`.
 */
export async function openStore(url: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  const target = parseDatabaseUrl(url);
  const store =
    target.kind === 'sqlite' ? sqliteStore(target.path) : postgresStore(target.connectionString, target.schema);
  if (opts.migrate !== false) {
    try {
      await store.migrate();
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
  }
  return store;
}

function sqliteStore(path: string): KyselyStore {
  const dialect = new NodeSqliteDialect(path);
  return new KyselyStore(new Kysely<DB>({ dialect }), 'sqlite', null, () => dialect.health.problem);
}

function postgresStore(connectionString: string, schema: string | null): KyselyStore {
  return new KyselyStore(
    new Kysely<DB>({ dialect: postgresDialect(createPool(connectionString, schema)) }),
    'postgres',
    schema,
  );
}
