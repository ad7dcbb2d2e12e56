/** `baton dlq list | retry ID|--all | drop ID`: the dead-letter list, replayed into the outbox or dropped. */
import { parseArgs } from 'node:util';
import { runWithStore } from './with-store.ts';
import type { DeadLetterRow, Store } from '../store/types.ts';

export const summary = 'the dead-letter list: list, retry ID|--all, drop ID';

const USAGE = `usage: baton dlq list [--json]
       baton dlq retry ID | --all
       baton dlq drop ID`;

/** One line per dead letter: id, CRM, target, attempts, when, and the CRM's message. */
export function formatDeadLetters(rows: DeadLetterRow[]): string {
  if (rows.length === 0) return 'no dead letters';
  const lines = rows.map((r) => [String(r.id), r.crm, r.key, String(r.attempts), r.createdAt, r.error.replace(/\s+/g, ' ').slice(0, 160)]);
  const head = ['ID', 'CRM', 'TARGET', 'TRIES', 'SINCE', 'ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.slice(0, 500).map((l) => (i === 5 ? 0 : l[i].length))));
  const fmt = (l: string[]) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n');
}

/** Runs one dlq subcommand on `store`; returns the exit code. */
export async function dlq(store: Store, args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { all: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [sub, idText] = positionals;
  const id = idText !== undefined ? Number(idText) : NaN;
  switch (sub) {
    case 'list': {
      const rows = await store.listDeadLetters();
      out(values.json ? JSON.stringify(rows, null, 2) : formatDeadLetters(rows));
      return 0;
    }
    case 'retry': {
      const now = new Date().toISOString();
      if (values.all) {
        const rows = await store.listDeadLetters();
        let n = 0;
        for (const r of rows) if (await store.retryDeadLetter(r.id, now)) n++;
        out(`${n} dead letter${n === 1 ? '' : 's'} back in the outbox`);
        return 0;
      }
      if (!Number.isInteger(id)) break;
      if (!(await store.retryDeadLetter(id, now))) {
        err(`baton dlq: no dead letter ${id}`);
        return 1;
      }
      out(`dead letter ${id} is back in the outbox`);
      return 0;
    }
    case 'drop': {
      if (!Number.isInteger(id)) break;
      if (!(await store.dropDeadLetter(id))) {
        err(`baton dlq: no dead letter ${id}`);
        return 1;
      }
      out(`dead letter ${id} dropped`);
      return 0;
    }
  }
  err(USAGE);
  return 1;
}

export function run(args: string[]): Promise<number> {
  return runWithStore('dlq', USAGE, args, (store) => dlq(store, args, (s) => console.log(s), (s) => console.error(s)));
}
