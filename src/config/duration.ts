/** Durations of the configuration files: a number with one unit of `s m h d` (`90s 15m 4h 30d`). */
import { InputError } from '../platform/errors.ts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration such as `30d`; throws `InputError` for anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(String(text).trim());
  if (!m) throw new InputError(`'${text}' is not a duration (expected e.g. 90s, 15m, 4h, 30d)`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
