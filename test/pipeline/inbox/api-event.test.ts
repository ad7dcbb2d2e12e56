import { expect, test } from 'vitest';
import { apiEventItems, parseApiEvents } from '../../../src/pipeline/inbox/api-event.ts';
import type { InputError } from '../../../src/platform/errors.ts';

test('one event or many; times normalized to UTC; the id is the dedup key', () => {
  const [e] = parseApiEvents({
    id: 'evt-1',
    email: 'a@b.example',
    type: 'custom:trial_started',
    at: '2026-11-20T09:03:00-05:00',
  });
  expect(e).toEqual({
    id: 'evt-1',
    email: 'a@b.example',
    type: 'custom:trial_started',
    at: '2026-11-20T14:03:00.000Z',
    properties: {},
  });
  expect(parseApiEvents([e, { ...e, id: 'evt-2' }])).toHaveLength(2);
  expect(apiEventItems([e], 'now')[0]).toMatchObject({
    source: 'api',
    dedupKey: 'event:evt-1',
    body: { kind: 'event' },
  });
});

test('errors name the field', () => {
  const fieldOf = (body: unknown) => {
    try {
      parseApiEvents(body);
    } catch (err) {
      return (err as InputError).details.field;
    }
    return null;
  };
  expect(fieldOf({ email: 'a@b.example', type: 'page_view', at: '2026-11-20T14:03:00Z' })).toBe('id');
  expect(
    fieldOf([
      { id: 'x', email: 'a@b.example', type: 'page_view', at: '2026-11-20T14:03:00Z' },
      { id: 'y', email: 'a@b.example', type: 'page_view', at: '2026-11-20', extra: 1 },
    ]),
  ).toBe('1.at');
  expect(
    fieldOf({ id: 'x', email: 'a@b.example', type: 'page_view', at: '2026-11-20T14:03:00Z', properties: [] }),
  ).toBe('properties');
  expect(fieldOf([])).toBe('body');
});
