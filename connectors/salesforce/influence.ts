/**
 * CampaignInfluence rows for won deals, written into the org's active, unlocked influence model:
 * the default model when unlocked, else the one active custom model — never the locked Primary
 * Campaign Source model, whose API-added rows Salesforce deletes on recalculation.
 */
import type { WriteOp, WriteResult } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import { collectionResults, chunks, describeErrors, failureResult } from './save.ts';
import { chunkForIn, inList, soqlString } from './soql.ts';

export interface InfluenceModel {
  Id: string;
  DeveloperName?: string;
  IsDefaultModel: boolean;
  IsActive: boolean;
  IsModelLocked: boolean;
}

/** The model Baton may write into, or the reason there is none. */
export function chooseInfluenceModel(models: InfluenceModel[]): { model: InfluenceModel } | { error: string } {
  const def = models.find((m) => m.IsDefaultModel && m.IsActive && !m.IsModelLocked);
  if (def) return { model: def };
  const custom = models.filter((m) => !m.IsDefaultModel && m.IsActive && !m.IsModelLocked);
  if (custom.length === 1) return { model: custom[0] };
  if (custom.length > 1)
    return {
      error: `the org has ${custom.length} active custom campaign influence models (${custom.map((m) => m.DeveloperName ?? m.Id).join(', ')}); make the one for Baton the default`,
    };
  return {
    error:
      'the org has no active, unlocked campaign influence model; create a custom model for Baton (Customizable Campaign Influence)',
  };
}

export interface InfluenceRow {
  CampaignId: string;
  ContactId?: string;
  Influence: number;
}

/** The ids of the org's Campaigns named `names` (the first by id when two share a name). */
export async function campaignIdsByName(client: SalesforceClient, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = [...new Set(names.filter((n) => n))];
  for (const part of chunkForIn(wanted)) {
    const rows = await client.queryAll<{ Id: string; Name: string }>(
      `SELECT Id, Name FROM Campaign WHERE ${inList('Name', part)} ORDER BY Id`,
      'read Campaigns by name',
    );
    for (const r of rows) if (!out.has(r.Name)) out.set(r.Name, r.Id);
  }
  return out;
}

/** Campaign names by Campaign id (one query per chunk of ids); ids the org does not have are left out. */
export async function campaignNamesByIds(client: SalesforceClient, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunkForIn([...new Set(ids.filter((id) => id))])) {
    const rows = await client.queryAll<{ Id: string; Name: string }>(
      `SELECT Id, Name FROM Campaign WHERE ${inList('Id', part)}`,
      'read Campaign names',
    );
    for (const r of rows) out.set(r.Id, r.Name);
  }
  return out;
}

/** Every Campaign's `ActualCost` by Campaign name (Campaigns without one left out), for ROI; one query, paged. */
export async function campaignCosts(client: SalesforceClient): Promise<Map<string, number>> {
  const rows = await client.queryAll<{ Name: string; ActualCost: number | string | null }>(
    'SELECT Id, Name, ActualCost FROM Campaign WHERE ActualCost != null ORDER BY Id',
    'read Campaign costs',
  );
  const out = new Map<string, number>();
  for (const r of rows) {
    const cost = Number(r.ActualCost);
    // Two Campaigns of one name: their costs add, as their touches share one name in the report.
    if (r.Name && Number.isFinite(cost)) out.set(r.Name, (out.get(r.Name) ?? 0) + cost);
  }
  return out;
}

export class InfluenceWriter {
  private client: SalesforceClient;
  private model: Promise<{ model: InfluenceModel } | { error: string }> | undefined;
  constructor(client: SalesforceClient) {
    this.client = client;
  }

  /** The model rows go into, or why there is none (read once, cached). */
  modelChoice() {
    return this.chosen();
  }

  private chosen() {
    this.model ??= this.client
      .queryAll<InfluenceModel>(
        'SELECT Id, DeveloperName, IsDefaultModel, IsActive, IsModelLocked FROM CampaignInfluenceModel',
        'read influence models',
      )
      .then((models) => {
        const choice = chooseInfluenceModel(models);
        // an admin fixes the org after Baton's start warning; the next write must see the new model
        if ('error' in choice) this.model = undefined;
        return choice;
      })
      .catch((err) => {
        this.model = undefined;
        throw err;
      });
    return this.model;
  }

  /** Replaces each opportunity's rows in the model: delete the old ones, insert the new. */
  async replace(ops: WriteOp[]): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    if (!ops.length) return out;
    try {
      const choice = await this.chosen();
      if ('error' in choice) {
        for (const op of ops) out.set(op.key, { key: op.key, status: 'dead', error: choice.error });
        return out;
      }
      const modelId = choice.model.Id;
      const oppIds = [...new Set(ops.map((o) => String(o.properties.OpportunityId)))];
      const old: string[] = [];
      for (const ids of chunkForIn(oppIds)) {
        const rows = await this.client.queryAll(
          `SELECT Id FROM CampaignInfluence WHERE ModelId = ${soqlString(modelId)} AND ${inList('OpportunityId', ids)}`,
          'read CampaignInfluence',
        );
        old.push(...rows.map((r) => String(r.Id)));
      }
      for (const ids of chunks(old)) {
        await this.client.call('delete CampaignInfluence', async (c) =>
          collectionResults(await c.sobject('CampaignInfluence').destroy(ids, { allOrNone: false })),
        );
      }
      const rows = ops.flatMap((op) =>
        ((op.properties.rows as InfluenceRow[] | undefined) ?? []).map((r) => ({
          op,
          rec: {
            CampaignId: r.CampaignId,
            OpportunityId: op.properties.OpportunityId,
            ModelId: modelId,
            Influence: r.Influence,
            ...(r.ContactId ? { ContactId: r.ContactId } : {}),
          },
        })),
      );
      const errors = new Map<string, string[]>();
      for (const part of chunks(rows)) {
        const res = await this.client.call(
          'create CampaignInfluence',
          async (c) =>
            collectionResults(
              await c.sobject('CampaignInfluence').create(
                part.map((p) => p.rec),
                { allOrNone: false },
              ),
            ),
          { retry: false },
        );
        part.forEach((p, i) => {
          if (!res[i]?.success)
            errors.set(p.op.key, [...(errors.get(p.op.key) ?? []), describeErrors(res[i]?.errors ?? [])]);
        });
      }
      for (const op of ops) {
        const e = errors.get(op.key);
        out.set(
          op.key,
          e
            ? { key: op.key, status: 'dead', error: e.join('; ') }
            : { key: op.key, status: 'ok', id: String(op.properties.OpportunityId), properties: { modelId } },
        );
      }
    } catch (err) {
      // replace is idempotent as a whole, so a retry of the op redoes delete-then-insert
      for (const op of ops) if (!out.has(op.key)) out.set(op.key, failureResult(op.key, err));
    }
    return out;
  }
}
