import { expect, test } from 'vitest';
import type { WriteOp } from '../../connectors/types.ts';
import { SetupProblems } from '../../src/pipeline/setup-problems.ts';
import type { SetupProblem } from '../../src/platform/errors.ts';

const t0 = new Date('2026-12-01T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const op = (object: WriteOp['object'], properties: Record<string, unknown>): WriteOp => ({
  key: `k-${object}`,
  object,
  id: '1',
  action: 'update',
  properties,
  idempotencyKey: 'i',
});
const field: SetupProblem = {
  crm: 'salesforce',
  kind: 'missing_field',
  object: 'Lead',
  fields: ['Baton_Reason__c'],
  message: 'Salesforce Lead has no field Baton_Reason__c',
  fix: 'create it',
};
const picklist: SetupProblem = {
  crm: 'salesforce',
  kind: 'value_not_allowed',
  object: 'Lead',
  fields: ['Status'],
  value: 'Qualified',
  message: 'no Qualified',
  fix: 'add it',
};
const scope: SetupProblem = {
  crm: 'hubspot',
  kind: 'missing_scope',
  object: 'contact',
  scopes: ['crm.objects.contacts.write'],
  message: 'denied',
  fix: 'grant it',
};

test('a problem holds exactly the writes of its kind until its re-check, is new once, and is dropped when nothing probed it for a whole interval', () => {
  const board = new SetupProblems({ recheckMs: 1000 });
  expect(board.report(field, 1, t0)).toEqual({ isNew: true, recheckAt: later(1000) });
  expect(board.report(field, 2, later(10)).isNew).toBe(false);
  board.report(picklist, 3, t0);
  board.report(scope, 4, t0);
  expect(board.holding('salesforce', op('Lead', { Baton_Reason__c: 'x' }), later(500))?.problem).toBe(field);
  expect(board.holding('salesforce', op('Lead', { Status: 'Qualified' }), later(500))?.problem).toBe(picklist);
  expect(board.holding('salesforce', op('Lead', { Status: 'Working - Contacted' }), later(500))).toBeUndefined();
  expect(board.holding('salesforce', op('Contact', { Baton_Reason__c: 'x' }), later(500))).toBeUndefined();
  expect(board.holding('hubspot', op('contact', { anything: 1 }), later(500))?.problem).toBe(scope);
  expect(board.holding('hubspot', op('deal', { anything: 1 }), later(500))).toBeUndefined();
  // due: no longer held, probed instead
  expect(board.holding('salesforce', op('Lead', { Baton_Reason__c: 'x' }), later(1010))).toBeUndefined();
  expect(board.probing('salesforce', op('Lead', { Baton_Reason__c: 'x' }), later(1010))).toHaveLength(1);
  expect(board.heldCount('salesforce')).toBe(3);
  expect(board.resolve(board.list(later(1010)).find((p) => p.kind === 'missing_field')!.key)).toBe(field);
  expect(
    board
      .list(later(1010))
      .map((p) => p.kind)
      .sort(),
  ).toEqual(['missing_scope', 'value_not_allowed']);
  expect(board.list(later(2001))).toEqual([]);
});
