/** Slack's cursor pagination for the emulation: `limit` (default and maximum per method) and an opaque `next_cursor`, empty on the last page. */

export interface Page<T> {
  items: T[];
  /** The next page's cursor, `''` on the last page. */
  next: string;
}

/** One page of `all` from `cursor` (an offset, base64 like Slack's opaque cursors); `'invalid'` for a cursor Slack never gave. */
export function slackPage<T>(
  all: T[],
  cursor: string | undefined,
  limit: string | undefined,
  defaultLimit: number,
  maxLimit: number,
): Page<T> | 'invalid' {
  let from = 0;
  if (cursor) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!m) return 'invalid';
    from = Number(m[1]);
  }
  const n = Math.min(maxLimit, Math.max(1, Number(limit) || defaultLimit));
  const items = all.slice(from, from + n);
  const more = from + n < all.length;
  return { items, next: more ? Buffer.from(`offset:${from + n}`).toString('base64') : '' };
}
