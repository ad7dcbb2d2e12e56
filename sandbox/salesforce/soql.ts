/**
 * A SOQL subset for the fake org: `SELECT f, … FROM obj [WHERE …] [ORDER BY f [ASC|DESC], …] [LIMIT n]`
 * with `= != <> < <= > >= LIKE IN NOT IN`, `AND OR NOT`, parentheses, and string, number, boolean,
 * null and date/datetime literals. That is what the connector sends; anything else is MALFORMED_QUERY.
 */

export type Literal = string | number | boolean | null | { datetime: number };

export type Expr =
  | { op: 'and' | 'or'; left: Expr; right: Expr }
  | { op: 'not'; expr: Expr }
  | { op: 'cmp'; field: string; cmp: string; value: Literal }
  | { op: 'in'; field: string; negate: boolean; values: Literal[] };

export interface SoqlQuery {
  fields: string[];
  from: string;
  where?: Expr;
  orderBy: { field: string; desc: boolean }[];
  limit?: number;
}

export class SoqlError extends Error {}

type Token = { kind: 'word' | 'str' | 'num' | 'sym'; text: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      while (j < s.length && s[j] !== "'") {
        if (s[j] === '\\' && j + 1 < s.length) {
          const n = s[j + 1];
          // `\%` and `\_` stay escaped: in LIKE they are a literal % or _ (and valid nowhere else).
          text += n === 'n' ? '\n' : n === 't' ? '\t' : n === '%' || n === '_' ? `\\${n}` : n;
          j += 2;
        } else text += s[j++];
      }
      if (j >= s.length) throw new SoqlError('unterminated string literal');
      out.push({ kind: 'str', text });
      i = j + 1;
    } else if (/[(),]/.test(c)) {
      out.push({ kind: 'sym', text: c });
      i++;
    } else if (/[<>=!]/.test(c)) {
      const two = s.slice(i, i + 2);
      if (['<=', '>=', '!=', '<>'].includes(two)) {
        out.push({ kind: 'sym', text: two });
        i += 2;
      } else {
        out.push({ kind: 'sym', text: c });
        i++;
      }
    } else {
      let j = i;
      while (j < s.length && !/[\s(),<>=!']/.test(s[j])) j++;
      const text = s.slice(i, j);
      out.push({ kind: /^-?\d+(\.\d+)?$/.test(text) ? 'num' : 'word', text });
      i = j;
    }
  }
  return out;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses one SOQL statement of the supported subset. */
export function parseSoql(text: string): SoqlQuery {
  const t = tokenize(text);
  let p = 0;
  const peek = () => t[p];
  const isWord = (w: string) => peek()?.kind === 'word' && peek().text.toUpperCase() === w;
  const expectWord = (w: string) => {
    if (!isWord(w)) throw new SoqlError(`expected ${w} near '${peek()?.text ?? 'end'}'`);
    p++;
  };
  const field = () => {
    const tok = t[p++];
    if (!tok || tok.kind !== 'word') throw new SoqlError(`expected a field name near '${tok?.text ?? 'end'}'`);
    return tok.text;
  };
  expectWord('SELECT');
  const fields = [field()];
  while (peek()?.text === ',') {
    p++;
    fields.push(field());
  }
  expectWord('FROM');
  const from = field();

  const literal = (): Literal => {
    const tok = t[p++];
    if (!tok) throw new SoqlError('expected a value');
    if (tok.kind === 'str') return tok.text;
    if (tok.kind === 'num') return Number(tok.text);
    if (tok.kind === 'word') {
      const u = tok.text.toUpperCase();
      if (u === 'TRUE') return true;
      if (u === 'FALSE') return false;
      if (u === 'NULL') return null;
      if (DATETIME.test(tok.text)) return { datetime: Date.parse(tok.text) };
      if (DATE.test(tok.text)) return tok.text;
    }
    throw new SoqlError(`unexpected value '${tok.text}'`);
  };
  const primary = (): Expr => {
    if (peek()?.text === '(') {
      p++;
      const e = orExpr();
      if (t[p++]?.text !== ')') throw new SoqlError('expected )');
      return e;
    }
    if (isWord('NOT')) {
      p++;
      return { op: 'not', expr: primary() };
    }
    const f = field();
    let negate = false;
    if (isWord('NOT')) {
      p++;
      negate = true;
    }
    if (isWord('IN')) {
      p++;
      if (t[p++]?.text !== '(') throw new SoqlError('expected ( after IN');
      const values = [literal()];
      while (peek()?.text === ',') {
        p++;
        values.push(literal());
      }
      if (t[p++]?.text !== ')') throw new SoqlError('expected ) after IN list');
      return { op: 'in', field: f, negate, values };
    }
    if (negate) throw new SoqlError('expected IN after NOT');
    if (isWord('LIKE')) {
      p++;
      return { op: 'cmp', field: f, cmp: 'LIKE', value: literal() };
    }
    const c = t[p++];
    if (!c || c.kind !== 'sym' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(c.text)) {
      throw new SoqlError(`expected an operator after ${f}`);
    }
    return { op: 'cmp', field: f, cmp: c.text === '<>' ? '!=' : c.text, value: literal() };
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (isWord('AND')) {
      p++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (isWord('OR')) {
      p++;
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };

  const q: SoqlQuery = { fields, from, orderBy: [] };
  if (isWord('WHERE')) {
    p++;
    q.where = orExpr();
  }
  if (isWord('ORDER')) {
    p++;
    expectWord('BY');
    do {
      if (peek()?.text === ',') p++;
      const f = field();
      let desc = false;
      if (isWord('ASC')) p++;
      else if (isWord('DESC')) {
        p++;
        desc = true;
      }
      q.orderBy.push({ field: f, desc });
    } while (peek()?.text === ',');
  }
  if (isWord('LIMIT')) {
    p++;
    const n = t[p++];
    if (!n || n.kind !== 'num') throw new SoqlError('expected a number after LIMIT');
    q.limit = Number(n.text);
  }
  if (p < t.length) throw new SoqlError(`unexpected token '${t[p].text}'`);
  return q;
}

/** Reads a field case-insensitively, as SOQL does. */
export function getField(rec: Record<string, unknown>, name: string): unknown {
  if (name in rec) return rec[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(rec)) if (k.toLowerCase() === lower) return rec[k];
  return null;
}

function asComparable(v: unknown): number | string | boolean | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'object' && v && 'datetime' in v) return (v as { datetime: number }).datetime;
  if (typeof v === 'string' && DATETIME.test(v.replace(/\+0000$/, 'Z'))) return Date.parse(v.replace(/\+0000$/, 'Z'));
  if (typeof v === 'string') return v.toLowerCase(); // SOQL string comparison is case-insensitive
  return v as number | boolean;
}

function compare(a: unknown, b: Literal): number | null {
  const x = asComparable(a);
  const y = asComparable(b);
  if (x === null || y === null) return x === y ? 0 : null;
  if (x < y) return -1;
  if (x > y) return 1;
  return 0;
}

function like(value: unknown, pattern: Literal): boolean {
  if (typeof value !== 'string' || typeof pattern !== 'string') return false;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is').test(value);
}

/** True when `rec` satisfies `e`. */
export function evaluate(e: Expr, rec: Record<string, unknown>): boolean {
  switch (e.op) {
    case 'and':
      return evaluate(e.left, rec) && evaluate(e.right, rec);
    case 'or':
      return evaluate(e.left, rec) || evaluate(e.right, rec);
    case 'not':
      return !evaluate(e.expr, rec);
    case 'in': {
      const v = getField(rec, e.field);
      const hit = e.values.some((x) => compare(v, x) === 0);
      return e.negate ? !hit : hit;
    }
    case 'cmp': {
      const v = getField(rec, e.field);
      if (e.cmp === 'LIKE') return like(v, e.value);
      const c = compare(v, e.value);
      if (e.cmp === '=') return c === 0;
      if (e.cmp === '!=') return c !== 0;
      if (c === null) return false;
      if (e.cmp === '<') return c < 0;
      if (e.cmp === '<=') return c <= 0;
      if (e.cmp === '>') return c > 0;
      return c >= 0;
    }
  }
}

/** Filters, sorts and limits `rows` by `q` (projection is left to the caller). */
export function runQuery(q: SoqlQuery, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  let out = q.where ? rows.filter((r) => evaluate(q.where as Expr, r)) : [...rows];
  if (q.orderBy.length) {
    out.sort((a, b) => {
      for (const o of q.orderBy) {
        const c = compare(getField(a, o.field), getField(b, o.field) as Literal) ?? 0;
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  if (q.limit !== undefined) out = out.slice(0, q.limit);
  return out;
}
