/**
 * `baton dlq list | retry ID|--all | drop ID`: the dead letters of both stages (outbox writes that
 * failed for good, inbox items given up), replayed where they came from or dropped. Outbox dead
 * letters keep their plain ids; inbox ones are `inbox:ID`, since the two are numbered apart.
 */
import { parseArgs } from 'node:util';
import { runWithStore } from './with-store.ts';
import type { Store } from '../store/types.ts';

export const summary = 'the dead letters of the inbox and the outbox: list, retry ID|--all, drop ID';

const USAGE = `usage: baton dlq list [--json]
       baton dlq retry ID | --all
       baton dlq drop ID
(ID as listed: a number for an outbox write, inbox:N for an inbox item)`;

const INBOX_PREFIX = 'inbox:';

/** One dead letter of either stage, as `baton dlq` lists it. */
export interface DeadLetter {
  /** `12` (outbox) or `inbox:12`. */
  id: string;
  stage: 'inbox' | 'outbox';
  /** The CRM written to (outbox), or the source the item came from (inbox: hubspot, salesforce, api). */
  crm: string;
  /** The record written (outbox) or the item's dedup key (inbox). */
  target: string;
  attempts: number;
  createdAt: string;
  error: string;
}

/** Both stages' dead letters, outbox first, each oldest first. */
export async function listAllDeadLetters(store: Store): Promise<DeadLetter[]> {
  const outbox = (await store.listDeadLetters()).map((r): DeadLetter => ({
    id: String(r.id),
    stage: 'outbox',
    crm: r.crm,
    target: r.key,
    attempts: r.attempts,
    createdAt: r.createdAt,
    error: r.error,
  }));
  const inbox = (await store.inboxDeadLetters()).map((r): DeadLetter => ({
    id: `${INBOX_PREFIX}${r.id}`,
    stage: 'inbox',
    crm: r.source,
    target: r.dedupKey,
    attempts: r.attempts,
    createdAt: r.createdAt,
    error: r.error,
  }));
  return [...outbox, ...inbox];
}

/** One line per dead letter: id, stage, CRM, target, attempts, when, and the reason. */
export function formatDeadLetters(rows: DeadLetter[]): string {
  if (rows.length === 0) return 'no dead letters';
  const lines = rows.map((r) => [
    r.id,
    r.stage,
    r.crm,
    r.target,
    String(r.attempts),
    r.createdAt,
    r.error.replace(/\s+/g, ' ').slice(0, 160),
  ]);
  const head = ['ID', 'STAGE', 'CRM', 'TARGET', 'TRIES', 'SINCE', 'ERROR'];
  const last = head.length - 1;
  const widths = head.map((h, i) =>
    Math.max(h.length, ...lines.slice(0, 500).map((l) => (i === last ? 0 : l[i].length))),
  );
  const fmt = (l: string[]) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n');
}

/** A listed id parsed: its stage and number, or null when it is neither form. */
function parseId(text: string | undefined): { stage: 'inbox' | 'outbox'; id: number } | null {
  if (text === undefined) return null;
  const inbox = text.startsWith(INBOX_PREFIX);
  const id = Number(inbox ? text.slice(INBOX_PREFIX.length) : text);
  return Number.isInteger(id) && id > 0 ? { stage: inbox ? 'inbox' : 'outbox', id } : null;
}

/** Replays one dead letter into the stage it came from; false when there is no such dead letter. */
function retryOne(store: Store, ref: { stage: 'inbox' | 'outbox'; id: number }, now: string): Promise<boolean> {
  return ref.stage === 'inbox' ? store.retryInboxDeadLetter(ref.id, now) : store.retryDeadLetter(ref.id, now);
}

/** Runs one dlq subcommand on `store`; returns the exit code. */
export async function dlq(
  store: Store,
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [sub, idText] = positionals;
  const ref = parseId(idText);
  switch (sub) {
    case 'list': {
      const rows = await listAllDeadLetters(store);
      out(values.json ? JSON.stringify(rows, null, 2) : formatDeadLetters(rows));
      return 0;
    }
    case 'retry': {
      const now = new Date().toISOString();
      if (values.all) {
        let outbox = 0;
        let inbox = 0;
        for (const r of await listAllDeadLetters(store)) {
          const one = parseId(r.id);
          if (one && (await retryOne(store, one, now))) {
            if (one.stage === 'inbox') inbox++;
            else outbox++;
          }
        }
        out(`${outbox} dead letter${outbox === 1 ? '' : 's'} back in the outbox, ${inbox} back in the inbox`);
        return 0;
      }
      if (!ref) break;
      if (!(await retryOne(store, ref, now))) {
        err(`baton dlq: no dead letter ${idText}`);
        return 1;
      }
      out(`dead letter ${idText} is back in the ${ref.stage}`);
      return 0;
    }
    case 'drop': {
      if (!ref) break;
      if (!(await (ref.stage === 'inbox' ? store.dropInboxDeadLetter(ref.id) : store.dropDeadLetter(ref.id)))) {
        err(`baton dlq: no dead letter ${idText}`);
        return 1;
      }
      out(`dead letter ${idText} dropped`);
      return 0;
    }
  }
  err(USAGE);
  return 1;
}

export function run(args: string[]): Promise<number> {
  return runWithStore('dlq', USAGE, args, (store) =>
    dlq(
      store,
      args,
      (s) => console.log(s),
      (s) => console.error(s),
    ),
  );
}
