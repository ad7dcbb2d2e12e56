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

function readInstant(s: string): number {
  const n = s.length;
  if ((n === 20 || n === 24) && s.charCodeAt(n - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const y0 = s.charCodeAt(0) - 48,
      y1 = s.charCodeAt(1) - 48,
      y2 = s.charCodeAt(2) - 48,
      y3 = s.charCodeAt(3) - 48;
    const m0 = s.charCodeAt(5) - 48,
      m1 = s.charCodeAt(6) - 48,
      d0 = s.charCodeAt(8) - 48,
      d1 = s.charCodeAt(9) - 48;
    const h0 = s.charCodeAt(11) - 48,
      h1 = s.charCodeAt(12) - 48,
      i0 = s.charCodeAt(14) - 48,
      i1 = s.charCodeAt(15) - 48;
    const s0 = s.charCodeAt(17) - 48,
      s1 = s.charCodeAt(18) - 48;
    const f0 = n === 24 ? s.charCodeAt(20) - 48 : 0,
      f1 = n === 24 ? s.charCodeAt(21) - 48 : 0,
      f2 = n === 24 ? s.charCodeAt(22) - 48 : 0;
    // Every digit in 0..9 at once: an unsigned value above 9 (including a negative one) fails.
    const bad =
      y0 >>> 0 > 9 ||
      y1 >>> 0 > 9 ||
      y2 >>> 0 > 9 ||
      y3 >>> 0 > 9 ||
      m0 >>> 0 > 9 ||
      m1 >>> 0 > 9 ||
      d0 >>> 0 > 9 ||
      d1 >>> 0 > 9 ||
      h0 >>> 0 > 9 ||
      h1 >>> 0 > 9 ||
      i0 >>> 0 > 9 ||
      i1 >>> 0 > 9 ||
      s0 >>> 0 > 9 ||
      s1 >>> 0 > 9 ||
      f0 >>> 0 > 9 ||
      f1 >>> 0 > 9 ||
      f2 >>> 0 > 9;
    const mo = m0 * 10 + m1;
    const d = d0 * 10 + d1;
    const h = h0 * 10 + h1;
    const mi = i0 * 10 + i1;
    const se = s0 * 10 + s1;
    if (!bad && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60) {
      const days = monthStart(y0 * 1000 + y1 * 100 + y2 * 10 + y3, mo) + d - 1;
      return days * DAY_MS + h * 3_600_000 + mi * 60_000 + se * 1000 + f0 * 100 + f1 * 10 + f2;
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
