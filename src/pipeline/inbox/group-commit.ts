/**
 * Group commit of the inbox's intake: deliveries that arrive while a transaction is being written
 * (or in the same turn of the event loop) are stored together in the next store transaction, each
 * under its own savepoint, so a failing delivery is undone alone and its neighbours still commit.
 * Every caller's promise settles only after the group's commit: nothing is acknowledged before it is
 * durable. One commit for many requests is what lets SQLite keep up with concurrent webhooks.
 */
import { setImmediate as nextTurn } from 'node:timers';
import type { Connector, InboxItem } from '../../../connectors/types.ts';
import type { Crm, Store } from '../../store/types.ts';
import type { Metrics } from '../metrics.ts';
import { countReceived, insertItems, type IngestResult } from './ingest.ts';

/** Deliveries per transaction at most: a bigger backlog is written as several groups, in order. */
export const MAX_GROUP = 500;

interface Pending {
  items: InboxItem[];
  connectors: Partial<Record<Crm, Connector>>;
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

/** Gathers concurrent deliveries into shared transactions; one per store. */
export class GroupCommit {
  readonly #store: Store;
  readonly #metrics: Metrics | undefined;
  readonly #maxGroup: number;
  #queue: Pending[] = [];
  #busy = false;
  /** Groups committed (or failed) so far, and the deliveries they held: the batching achieved. */
  readonly stats = { groups: 0, deliveries: 0 };

  constructor(store: Store, metrics?: Metrics, maxGroup = MAX_GROUP) {
    this.#store = store;
    this.#metrics = metrics;
    this.#maxGroup = maxGroup;
  }

  /** Stores one delivery (all its items or none); settles once the transaction holding it committed. */
  ingest(items: InboxItem[], connectors: Partial<Record<Crm, Connector>> = {}): Promise<IngestResult> {
    if (items.length === 0) return Promise.resolve({ stored: 0, duplicates: 0, echoes: 0 });
    return new Promise<IngestResult>((resolve, reject) => {
      this.#queue.push({ items, connectors, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        // The rest of this turn's requests join the first group.
        nextTurn(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.#maxGroup);
      await this.#write(group);
    }
    this.#busy = false;
  }

  async #write(group: Pending[]): Promise<void> {
    this.stats.groups++;
    this.stats.deliveries += group.length;
    const outcomes: ({ ok: true; result: IngestResult } | { ok: false; err: unknown })[] = [];
    try {
      await this.#store.transaction(async (tx) => {
        for (const p of group) {
          try {
            // A nested transaction is a savepoint: a failing delivery is rolled back alone.
            outcomes.push({ ok: true, result: await tx.transaction((sp) => insertItems(sp, p.items, p.connectors)) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // The commit (or the transaction itself) failed: nothing of the group is stored.
      for (const p of group) p.reject(err);
      return;
    }
    group.forEach((p, i) => {
      const o = outcomes[i];
      if (o.ok) {
        countReceived(this.#metrics, p.items);
        p.resolve(o.result);
      } else p.reject(o.err);
    });
  }
}

const perStore = new WeakMap<Store, GroupCommit>();

/** `ingest` through the store's group commit: concurrent callers share transactions, each answered after commit. */
export function ingestGrouped(
  store: Store,
  metrics: Metrics | undefined,
  items: InboxItem[],
  connectors: Partial<Record<Crm, Connector>>,
): Promise<IngestResult> {
  let g = perStore.get(store);
  if (!g) {
    g = new GroupCommit(store, metrics);
    perStore.set(store, g);
  }
  return g.ingest(items, connectors);
}

/** The group commit serving `store`, if any delivery went through it (for benchmarks and tests). */
export function groupCommitOf(store: Store): GroupCommit | undefined {
  return perStore.get(store);
}
