import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../platform/errors.ts';

/**
 * Parses a command's arguments strictly (no positionals unless `config` allows them); a bad flag
 * is printed with the command's usage, and the answer is null (the command then exits 1).
 */
export function parseCommand<const T extends ParseArgsConfig>(
  command: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | null {
  try {
    return parseArgs({ strict: true, allowPositionals: false, ...config }) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    console.error(`baton ${command}: ${errorMessage(err)}\n\n${usage}`);
    return null;
  }
}
