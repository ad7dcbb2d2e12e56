/** The shell of a CLI command that works on the store: `--help`, open, run, one-line error, close. */
import { errorMessage } from '../platform/errors.ts';
import { defaultDatabaseUrl, openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';

/** Runs `body` on the store of `BATON_DATABASE_URL`; a failure prints `baton NAME: message` (and `suffix`) and exits 1. */
export async function runWithStore(
  name: string,
  usage: string,
  args: string[],
  body: (store: Store) => Promise<number>,
  suffix = '',
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return 0;
  }
  let store: Store | null = null;
  try {
    store = await openStore(defaultDatabaseUrl());
    return await body(store);
  } catch (e) {
    console.error(`baton ${name}: ${errorMessage(e)}${suffix}`);
    return 1;
  } finally {
    await store?.close();
  }
}
