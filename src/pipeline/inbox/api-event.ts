/** The engagement event accepted by `POST /api/events` (`agreement.md` "Events"), validated with zod. */
import { z } from 'zod';
import { eventType } from '../../config/schema.ts';
import type { EngagementEvent, InboxItem } from '../../../connectors/types.ts';
import { emailAddress, isoInstant, pathName } from '../../platform/edge-input.ts';
import { InputError } from '../../platform/errors.ts';

export const apiEventSchema = z.strictObject({
  id: z.string().min(1).max(200),
  email: emailAddress,
  type: eventType,
  at: isoInstant,
  properties: z.record(z.string(), z.unknown()).default({}),
});

/** Parses one event or an array of them; throws `InputError` naming the first bad field. */
export function parseApiEvents(body: unknown): EngagementEvent[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw new InputError('expected at least one event', { field: 'body' });
  if (list.length > 1000) throw new InputError('at most 1000 events per request', { field: 'body' });
  return list.map((item, i) => {
    const r = apiEventSchema.safeParse(item);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = pathName([...(Array.isArray(body) ? [i] : []), ...issue.path]) || 'body';
      throw new InputError(`${field}: ${issue.message}`, { field });
    }
    return r.data as EngagementEvent;
  });
}

/** Inbox items for API events; the event id is the dedup key. */
export function apiEventItems(events: EngagementEvent[], receivedAt: string): InboxItem[] {
  return events.map((event) => ({
    source: 'api',
    dedupKey: `event:${event.id}`,
    receivedAt,
    body: { kind: 'event', event },
  }));
}
