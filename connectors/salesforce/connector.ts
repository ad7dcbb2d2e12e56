/** `createSalesforceConnector`: the `Connector` for one Salesforce org, on jsforce. */
import type { Connector, CrmRecord, InboxItem, RecordRef, WriteOp, WriteResult } from '../types.ts';
import { SalesforceBackfill } from './backfill.ts';
import { SalesforceClient } from './client.ts';
import { campaignCosts, campaignIdsByName, campaignNamesByIds, InfluenceWriter } from './influence.ts';
import { isBatonEcho, sameSalesforceValue } from './loop-guard.ts';
import type { SalesforceConnectorOptions } from './options.ts';
import type { AccountCandidate } from '../../src/routing/accounts.ts';
import { findAccounts } from './accounts.ts';
import { SharedComposite } from './composite.ts';
import { PeopleWriter } from './people-writer.ts';
import { SalesforceReader } from './reader.ts';
import { positionsFromText, schemaProblems } from './schema-check.ts';
import { TaskWriter } from './tasks.ts';
import {
  ownerAndManager,
  usersByEmailOrUsername,
  usersById,
  type OwnerAndManager,
  type SalesforceUser,
} from './users.ts';

export interface SalesforceConnector extends Connector {
  readonly crm: 'salesforce';
  /** Baton's integration user (known after `start()`), for the loop guard. */
  readonly integrationUserId: string | undefined;
  /** True when `record` is only the echo of Baton's last write (`lastWritten`). */
  isEcho(record: CrmRecord, lastWritten: Record<string, unknown> | undefined): boolean;
  ownerAndManager(recordIds: string[]): Promise<Map<string, OwnerAndManager>>;
  usersByEmailOrUsername(list: string[]): Promise<Map<string, SalesforceUser>>;
  usersById(ids: string[]): Promise<Map<string, SalesforceUser>>;
  /** The last daily API usage Salesforce reported. */
  apiUsage(): { used: number; limit: number } | undefined;
  /** Accounts that may match these email domains or normalized company names (one query per batch). */
  findAccounts(keys: { domains: string[]; names: string[] }): Promise<AccountCandidate[]>;
}

const PERSON_OBJECTS = new Set(['Lead', 'Contact', 'Account', 'Opportunity']);
const SYSTEM_FIELDS = new Set([
  'Id',
  'attributes',
  'SystemModstamp',
  'LastModifiedDate',
  'LastModifiedById',
  'CreatedDate',
  'CreatedById',
  'IsDeleted',
]);

/** Creates the connector; nothing is called before `start()` or the first operation. */
export function createSalesforceConnector(options: SalesforceConnectorOptions): SalesforceConnector {
  const client = new SalesforceClient(options);
  const reader = new SalesforceReader(
    client,
    options.fields,
    options.pollPageSize ?? 2000,
    options.pollLagMs ?? 10_000,
    options.now,
  );
  const people = new PeopleWriter(client, options.fields, options.assignment ?? 'org');
  const tasks = new TaskWriter(client);
  const influence = new InfluenceWriter(client);
  const bulk = new SalesforceBackfill(client, options.fields, {
    pollIntervalMs: options.bulk?.pollIntervalMs ?? 5_000,
    // large orgs take many minutes; jsforce's 30 s default gives up far too early
    pollTimeoutMs: options.bulk?.pollTimeoutMs ?? 30 * 60_000,
    // A results page is held as CSV text, as rows and as inbox items while the next one is read:
    // 10,000 records keep a backfill's memory flat (under 300 MiB at 1,000,000 Leads) for 5× the calls.
    pageSize: options.bulk?.pageSize ?? 10_000,
  });

  return {
    crm: 'salesforce',
    get integrationUserId() {
      return client.integrationUserId;
    },

    campaignIdsByName: (names) => campaignIdsByName(client, names),
    campaignNamesByIds: (ids) => campaignNamesByIds(client, ids),
    campaignCosts: () => campaignCosts(client),

    async start() {
      await client.prime();
      const [Lead, Contact, Opportunity] = await Promise.all([
        client.describe('Lead'),
        client.describe('Contact'),
        options.fields.deal ? client.describe('Opportunity') : Promise.resolve(undefined),
      ]);
      await Promise.all(
        ['Account', 'OpportunityContactRole', 'CampaignMember', 'Task'].map((o) =>
          client.describe(o).catch(() => null),
        ),
      );
      const positionOf =
        options.positionOf ?? (options.fieldsYamlText ? positionsFromText(options.fieldsYamlText) : undefined);
      const file = options.fieldsYamlFile ?? 'fields.yaml';
      const problems = schemaProblems(
        options.fields,
        { Lead, Contact, ...(Opportunity !== undefined ? { Opportunity } : {}) },
        file,
        positionOf,
      );
      if (options.fields.writeback?.salesforce?.campaign_influence) {
        const choice = await influence
          .modelChoice()
          .catch((err: Error) => ({ error: `cannot read campaign influence models: ${err.message}` }));
        if ('error' in choice) {
          const pos = positionOf?.(['writeback', 'salesforce', 'campaign_influence']);
          problems.push(
            `${file}:${pos ? `${pos.line}:${pos.col}` : 'writeback.salesforce.campaign_influence'}: ${choice.error}`,
          );
        }
      }
      for (const p of problems) client.log.warn(p);
      return problems;
    },

    read: (refs: RecordRef[]) => reader.read(refs),
    poll: (cursor) => reader.poll(cursor),
    backfill: (cursor, since) => bulk.run(cursor, since),

    async write(ops: WriteOp[]): Promise<WriteResult[]> {
      const results = new Map<string, WriteResult>();
      const updates: WriteOp[] = [];
      const creates: WriteOp[] = [];
      const taskOps: WriteOp[] = [];
      const taskUpdates: WriteOp[] = [];
      const influenceOps: WriteOp[] = [];
      for (const op of ops) {
        if (op.object === 'Task' && op.action === 'update') taskUpdates.push(op);
        else if (op.object === 'Task') taskOps.push(op);
        else if (op.object === 'CampaignInfluence') influenceOps.push(op);
        else if (op.action === 'create' || (op.action === 'upsert' && !op.id)) {
          if (op.object === 'Lead') creates.push(op);
          else
            results.set(op.key, {
              key: op.key,
              status: 'dead',
              error: `Baton creates only Leads in Salesforce, not ${op.object}`,
            });
        } else if (op.id && PERSON_OBJECTS.has(op.object)) updates.push(op);
        else
          results.set(op.key, {
            key: op.key,
            status: 'dead',
            error: `cannot ${op.action} ${op.object}${op.id ? ` ${op.id}` : ' without an id'} in Salesforce`,
          });
      }
      // people first: a Task for a new Lead needs the Lead and its owner in place
      // Updates first (a Task's owner is read after them); Lead and Task creates are independent
      // (a Task names a Lead that exists), so they share composite calls.
      const shared = new SharedComposite(client, 2);
      const [leadWriter, taskWriter] = [shared.participant(), shared.participant()];
      const updated = await people.update(updates);
      const [created, tasked] = await Promise.all([
        people.createLeads(creates, leadWriter.run).finally(leadWriter.done),
        tasks.create(taskOps, taskWriter.run).finally(taskWriter.done),
      ]);
      for (const m of [
        updated,
        created,
        tasked,
        await tasks.update(taskUpdates),
        await influence.replace(influenceOps),
      ]) {
        for (const [k, v] of m) results.set(k, v);
      }
      const out = ops.map(
        (op): WriteResult =>
          results.get(op.key) ?? { key: op.key, status: 'retry', error: 'not written', retryAfterMs: 60_000 },
      );
      // A field missing or read-only now may exist by the re-check: the next write describes again.
      if (out.some((r) => r.status === 'held')) client.forgetDescribes();
      return out;
    },

    isEcho: (record, lastWritten) => isBatonEcho(record, client.integrationUserId, lastWritten),
    // An Outbound Message carries some of the record's fields and LastModifiedById: a save by
    // Baton's integration user whose fields all hold what Baton knows is Baton's own write.
    isEchoChange(item: InboxItem, lastWritten: Record<string, unknown> | null | undefined) {
      if (item.source !== 'salesforce' || item.body.kind !== 'change' || !item.body.hint || !lastWritten) return false;
      const { ref, hint, sourceId } = item.body;
      // system fields move with every save; the rest of the message must match what Baton knows
      const known = Object.fromEntries(
        Object.entries(lastWritten).filter(([k]) => !SYSTEM_FIELDS.has(k) && Object.hasOwn(hint, k)),
      );
      const unknown = Object.keys(hint).some((k) => !SYSTEM_FIELDS.has(k) && !Object.hasOwn(lastWritten, k));
      if (unknown || !Object.keys(known).length) return false;
      return isBatonEcho(
        {
          crm: 'salesforce',
          object: ref.object,
          id: ref.id,
          modifiedAt: ref.at ?? '',
          properties: hint,
          changedBy: sourceId,
        },
        client.integrationUserId,
        known,
      );
    },
    holdsValues(values: Record<string, unknown>, known: Record<string, unknown> | null | undefined) {
      const entries = Object.entries(values);
      return (
        !!known &&
        entries.length > 0 &&
        entries.every(([k, v]) => Object.hasOwn(known, k) && sameSalesforceValue(v, known[k]))
      );
    },
    ownerAndManager: (ids) => ownerAndManager(client, ids),
    usersByEmailOrUsername: (list) => usersByEmailOrUsername(client, list),
    usersById: (ids) => usersById(client, ids),
    apiUsage: () => client.budget.current(),
    findAccounts: (keys) => findAccounts(client, keys),
    unavailable: () => client.guard.openReason(),
    stop: () => client.stop(),
  };
}
