/** Instants as epoch milliseconds: a fast ISO 8601 reader for the hot path, and the one output format. */
import { InputError } from '../platform/errors.ts';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Days since the epoch of the first of each month, 1970–2199, filled on first use.
const MONTH_BASE_YEAR = 1970;
const monthDays = new Int32Array((2200 - MONTH_BASE_YEAR) * 12).fill(-1);

function monthStart(y: number, m: number): number {
  const i = (y - MONTH_BASE_YEAR) * 12 + m - 1;
  if (i < 0 || i >= monthDays.length) return daysFromCivil(y, m, 1);
  let v = monthDays[i];
  if (v < 0) v = monthDays[i] = daysFromCivil(y, m, 1);
  return v;
}

let lastText = '';
let lastMs = 0;

/**
 * Epoch milliseconds of an ISO 8601 instant. `YYYY-MM-DDTHH:MM:SS[.sss]Z` is read without
 * `Date.parse` (it runs per event); anything else goes through `Date.parse`.
 */
export function parseInstant(s: string): number {
  // The step's own time is read several times per step.
  if (s === lastText) return lastMs;
  const t = readInstant(s);
  lastText = s;
  lastMs = t;
  return t;
}

/** Two decimal digits at `i`, or −1 when either is not a digit. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  // An unsigned value above 9 (a negative one included) is no digit.
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

function readInstant(s: string): number {
  const n = s.length;
  if ((n === 20 || n === 24) && s.charCodeAt(n - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const yh = twoDigits(s, 0);
    const yl = twoDigits(s, 2);
    const mo = twoDigits(s, 5);
    const d = twoDigits(s, 8);
    const h = twoDigits(s, 11);
    const mi = twoDigits(s, 14);
    const se = twoDigits(s, 17);
    let ms = 0;
    if (n === 24) {
      const f0 = s.charCodeAt(20) - 48;
      const f12 = twoDigits(s, 21);
      ms = f0 >>> 0 > 9 || f12 < 0 ? -1 : f0 * 100 + f12;
    }
    if (yh >= 0 && yl >= 0 && ms >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24) {
      if (mi >= 0 && mi < 60 && se >= 0 && se < 60) {
        const days = monthStart(yh * 100 + yl, mo) + d - 1;
        return days * DAY_MS + h * 3_600_000 + mi * 60_000 + se * 1000 + ms;
      }
    }
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new InputError(`'${s}' is not an ISO 8601 time`, { field: 'at' });
  return t;
}

let lastFormatted = NaN;
let lastIso = '';

/** `2026-11-02T10:00:00Z` (milliseconds only when there are some). */
export function formatInstant(ms: number): string {
  if (ms === lastFormatted) return lastIso;
  const iso = new Date(ms).toISOString();
  lastIso = iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
  lastFormatted = ms;
  return lastIso;
}

/** `2026-11-02T10:00Z`, for readable lines. */
export function formatShort(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** `12d`, `3h`, `5m`: an age for readable lines. */
export function formatAge(ms: number): string {
  if (ms >= DAY_MS) return `${Math.floor(ms / DAY_MS)}d`;
  if (ms >= 3_600_000) return `${Math.floor(ms / 3_600_000)}h`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m`;
  return `${Math.max(0, Math.floor(ms / 1000))}s`;
}
