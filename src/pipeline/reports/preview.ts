/**
 * The preview of a draft on the store's history (`baton simulate --from-store --against`,
 * `POST /api/agreement/preview`): the store read page by page (`Store.historyPage`), each person
 * turned into the replay's input, `agreement/preview.ts` folding the pages. `exportHistory` writes
 * the same inputs as the JSON Lines `baton simulate --leads` reads, so both can be checked against
 * each other on the same people.
 */
import type { ReplayInput } from '../../agreement/replay.ts';
import {
  createPreview,
  UNASSIGNED,
  type PreviewOptions,
  type PreviewPerson,
  type PreviewReport,
} from '../../agreement/preview.ts';
import type { Agreement } from '../../agreement/types.ts';
import type { Store, StoredHistory } from '../../store/types.ts';
import type { StoredRouting } from '../routing/stored-routing.ts';

/** People per page: a few MB of rows at a time. */
export const PREVIEW_PAGE = 2000;

/** A stored person as the replay (and a `simulate` line) reads it. */
export function replayInputOf(h: StoredHistory): ReplayInput {
  const input: ReplayInput = {
    email: h.email,
    person: h.fields,
    deal: h.deal,
    events: h.events,
    feedback: h.feedback.map((f) =>
      f.reason === null ? { decision: f.decision, at: f.at } : { decision: f.decision, reason: f.reason, at: f.at },
    ),
  };
  if (h.meta.converted === true) input.converted = true;
  return input;
}

/** Who holds a stored person, and the routing rule that placed it. */
export function holderOf(h: StoredHistory): { owner: string; segment: string } {
  const routing = h.meta.routing as StoredRouting | undefined;
  const owner = routing?.reassigned?.toEmail ?? routing?.ownerEmail ?? routing?.user ?? h.ownerId ?? UNASSIGNED;
  return { owner, segment: routing?.rule ?? '(unrouted)' };
}

/**
 * Every stored person, page by page, in id order. The next page is asked for before this one is
 * handed over, so a PostgreSQL store reads while the caller replays (two pages in memory at most).
 */
export async function* storedHistory(store: Store, pageSize = PREVIEW_PAGE): AsyncGenerator<StoredHistory[]> {
  let next = store.historyPage(0, pageSize);
  for (;;) {
    const page = await next;
    if (page.length === 0) return;
    const more = page.length === pageSize;
    if (more) next = store.historyPage(page[page.length - 1].id, pageSize);
    // a read failing while the caller works on this page is reported when it is awaited, not as unhandled
    next.catch(() => undefined);
    yield page;
    if (!more) return;
  }
}

/** Replays every stored person under `live` and `draft` at `at` and reports what the draft changes. */
export async function loadPreview(
  store: Store,
  live: Agreement,
  draft: Agreement,
  at: string,
  options: PreviewOptions & { pageSize?: number } = {},
): Promise<PreviewReport> {
  const preview = createPreview(live, draft, at, options);
  for await (const page of storedHistory(store, options.pageSize)) {
    preview.add(page.map((h): PreviewPerson => ({ input: replayInputOf(h), ...holderOf(h), actualMql: h.mqlAt })));
    // a turn of the event loop between pages, so a server keeps answering while a preview runs
    await new Promise((resolve) => setImmediate(resolve));
  }
  return preview.report();
}

/** Writes every stored person as one `baton simulate` JSON line; resolves to how many. */
export async function exportHistory(
  store: Store,
  write: (chunk: string) => Promise<void> | void,
  pageSize = PREVIEW_PAGE,
): Promise<number> {
  let n = 0;
  for await (const page of storedHistory(store, pageSize)) {
    let chunk = '';
    for (const h of page) chunk += `${JSON.stringify(replayInputOf(h))}\n`;
    n += page.length;
    await write(chunk);
  }
  return n;
}
