/**
 * The few places where SQLite and PostgreSQL differ, kept in one helper so every query module
 * has one code path: value encoding (JSON as text, booleans as 0/1, ISO times) and row locking.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { DialectName } from './db.ts';
import { steadyNow } from '../platform/clock.ts';

/** JSON column value (text in both dialects). */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Parses a JSON column; `fallback` when the column is empty. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** Boolean column value. */
export function toBool(value: boolean): number {
  return value ? 1 : 0;
}

/** Reads a boolean column (0/1, or a driver's boolean). */
export function fromBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** Normalises any parsable time to `YYYY-MM-DDTHH:mm:ss.sssZ`, which sorts correctly as text. */
export function iso(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid time: ${String(at)}`);
  return d.toISOString();
}

/** `at` plus `ms`, as ISO text. */
export function isoPlus(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** "Now" for rows whose time the caller does not give. */
export function nowIso(): string {
  return steadyNow().toISOString();
}

/** The earliest time: a row due "immediately", whatever clock the claimer uses. */
export const IMMEDIATELY = '1970-01-01T00:00:00.000Z';

/**
 * Locks the selected rows for a claim on PostgreSQL (`FOR UPDATE SKIP LOCKED`, so concurrent
 * claimers pass over each other's rows). SQLite has one writer, so a single statement is already atomic.
 */
export function lockForClaim<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  qb: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? qb.forUpdate().skipLocked() : qb;
}

/** Column type of an auto-numbered primary key. */
export function autoIdType(dialect: DialectName): 'serial' | 'integer' {
  return dialect === 'postgres' ? 'serial' : 'integer';
}

/** Affected-row count of an update/delete result, as a number. */
export function affected(
  result:
    { numUpdatedRows?: bigint; numDeletedRows?: bigint } | { numUpdatedRows: bigint } | { numDeletedRows: bigint },
): number {
  const r = result as { numUpdatedRows?: bigint; numDeletedRows?: bigint };
  return Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);
}

/** True for a unique-constraint violation on either backend (PostgreSQL 23505, SQLite 2067/1555). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; errcode?: unknown };
  return e?.code === '23505' || e?.errcode === 2067 || e?.errcode === 1555;
}
