/**
 * Hot fixed-shape queries, compiled once per dialect and run with new values. Kysely builds and
 * compiles every query anew (an operation-node tree and a visitor pass), which for the handful of
 * statements the pipeline runs tens of thousands of times (key-value reads, person saves, outbox
 * puts) costs more than SQLite executing them. The query is built once with placeholder values
 * named after its inputs; each run puts the caller's values in their places, so the order of
 * parameters in the SQL never has to be known.
 */
import { CompiledQuery, sql, type Compilable, type QueryResult, type RawBuilder } from 'kysely';
import type { Ctx, Db } from './db.ts';
import { BatonError } from '../platform/errors.ts';

const PLACEHOLDER = '\u0000baton-value:';
const compiled = new Map<string, { sql: string; parameters: readonly unknown[] }>();

/**
 * A numeric input (an id, a revision) where the query needs a number: the placeholder is text
 * while the query is built, and becomes the same bound parameter as a plain value would.
 */
export function numberInput(placeholder: string): RawBuilder<number> {
  return sql<number>`${placeholder}`;
}

/** A query named `name` taking `inputs`; `build` gets placeholders for them (use them only as values). */
export function prepared<K extends string>(
  name: string,
  inputs: readonly K[],
  build: (db: Db, input: Record<K, string>) => Compilable<unknown>,
) {
  return async function run<R>(ctx: Ctx, values: Record<K, unknown>): Promise<QueryResult<R>> {
    const key = `${ctx.dialect}:${name}`;
    let c = compiled.get(key);
    if (!c) {
      const query = build(
        ctx.db,
        Object.fromEntries(inputs.map((k) => [k, PLACEHOLDER + k])) as Record<K, string>,
      ).compile();
      const used = new Set(
        query.parameters.filter((p): p is string => typeof p === 'string' && p.startsWith(PLACEHOLDER)),
      );
      // every input must reach the SQL as a bound value, or the placeholder text would be stored
      for (const k of inputs)
        if (!used.has(PLACEHOLDER + k))
          throw new BatonError('store_misuse', `prepared query ${name}: input ${k} is not a bound value`);
      c = { sql: query.sql, parameters: query.parameters };
      compiled.set(key, c);
    }
    const parameters = c.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(PLACEHOLDER) ? values[p.slice(PLACEHOLDER.length) as K] : p,
    );
    return ctx.db.executeQuery<R>(CompiledQuery.raw(c.sql, parameters as unknown[]));
  };
}
