/** Parses `BATON_DATABASE_URL` into what each backend needs to connect. */
import { InputError } from '../platform/errors.ts';

export type DatabaseTarget =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string; schema: string | null };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/baton.db';

/** The configured database URL, or the embedded default. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.BATON_DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

/** Lower-case only: the name is used unquoted in `search_path`, where PostgreSQL folds case. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `sqlite:PATH`, `sqlite::memory:`, or `postgres(ql)://…[?schema=NAME]`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path)
      throw new InputError(`BATON_DATABASE_URL "${url}" has no file path; expected sqlite:PATH or sqlite::memory:`, {
        field: 'BATON_DATABASE_URL',
      });
    return { kind: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new InputError('BATON_DATABASE_URL is not a valid postgres:// URL', { field: 'BATON_DATABASE_URL', cause });
    }
    const schema = parsed.searchParams.get('schema');
    if (schema !== null && !SCHEMA_NAME.test(schema)) {
      throw new InputError(
        `schema "${schema}" in BATON_DATABASE_URL must be a plain identifier (lower-case letters, digits, _)`,
        { field: 'BATON_DATABASE_URL' },
      );
    }
    // pg would pass unknown query parameters to the server as startup options; ours is not one.
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: parsed.toString(), schema };
  }
  throw new InputError('BATON_DATABASE_URL must start with sqlite: or postgres:// (or postgresql://)', {
    field: 'BATON_DATABASE_URL',
  });
}
