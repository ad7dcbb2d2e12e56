import { expect, test } from 'vitest';
import { unchangedDropped } from '../../src/mapping/index.ts';

const snap = (props: Record<string, unknown>) => ({ at: '2026-12-01T10:00:00Z', props });

test('without a snapshot every value is kept', () => {
  const props = { firstname: 'Ada', score: 40 };
  expect(unchangedDropped(props, null)).toBe(props);
  expect(unchangedDropped(props, undefined)).toBe(props);
});

test('values held as the CRM gives them back are dropped, changed and new ones kept', () => {
  const held = snap({
    score: '40',
    seen: '2026-12-01T10:00:00.000+0000',
    firstname: 'Ada',
    note: null,
    city: 'Paris',
  });
  const props = { score: 40, seen: '2026-12-01T10:00:00.250Z', firstname: 'Ada', note: '', city: 'Lyon', plan: 'pro' };
  expect(unchangedDropped(props, held)).toEqual({ city: 'Lyon', plan: 'pro' });
});

test('an email differs only when it is another address, and only under the email property', () => {
  const held = snap({ email: 'Ada@Example.com ', other: 'Ada@Example.com' });
  expect(unchangedDropped({ email: 'ada@example.com', other: 'ada@example.com' }, held, 'email')).toEqual({
    other: 'ada@example.com',
  });
  expect(unchangedDropped({ email: 'bob@example.com' }, held, 'email')).toEqual({ email: 'bob@example.com' });
});
