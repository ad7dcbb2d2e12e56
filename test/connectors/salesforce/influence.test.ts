import { describe, expect, it } from 'vitest';
import { chooseInfluenceModel } from '../../../connectors/salesforce/influence.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

const m = (Id: string, IsDefaultModel: boolean, IsActive: boolean, IsModelLocked: boolean) => ({
  Id,
  DeveloperName: Id,
  IsDefaultModel,
  IsActive,
  IsModelLocked,
});

describe('CampaignInfluence', () => {
  it('chooses the unlocked default model, else the one active custom model, never the locked one', () => {
    expect(chooseInfluenceModel([m('primary', true, true, true), m('baton', false, true, false)])).toEqual({
      model: m('baton', false, true, false),
    });
    expect(chooseInfluenceModel([m('primary', false, true, true), m('mine', true, true, false)])).toEqual({
      model: m('mine', true, true, false),
    });
    expect(chooseInfluenceModel([m('primary', true, true, true)])).toHaveProperty('error');
    expect(
      chooseInfluenceModel([m('primary', true, true, true), m('a', false, true, false), m('b', false, true, false)]),
    ).toHaveProperty('error');
  });

  it('replaces an opportunity’s rows in the custom model', async () => {
    const api = freshOrg();
    const model = api.org.insert('CampaignInfluenceModel', {
      DeveloperName: 'baton',
      IsDefaultModel: false,
      IsActive: true,
      IsModelLocked: false,
    });
    const c1 = api.org.insert('Campaign', { Name: 'Summit' }).Id;
    const c2 = api.org.insert('Campaign', { Name: 'Ads' }).Id;
    const opp = api.org.insert('Opportunity', { Name: 'Deal', StageName: 'Closed Won', CloseDate: '2026-11-01' }).Id;
    const sf = connectorFor(api);
    const op = (rows: unknown[], k: string) => ({
      key: `salesforce:CampaignInfluence:${opp}`,
      object: 'CampaignInfluence' as const,
      action: 'upsert' as const,
      properties: { OpportunityId: opp, rows },
      idempotencyKey: k,
    });
    await sf.write([
      op(
        [
          { CampaignId: c1, Influence: 60 },
          { CampaignId: c2, Influence: 40 },
        ],
        'a',
      ),
    ]);
    const [r] = await sf.write([op([{ CampaignId: c1, Influence: 100 }], 'b')]);
    expect(r).toMatchObject({ status: 'ok', properties: { modelId: model.Id } });
    const live = api.org.rows('CampaignInfluence');
    expect(live.map((x) => [x.CampaignId, x.Influence, x.ModelId])).toEqual([[c1, 100, model.Id]]);
  });

  it('finds Campaign ids by name in one query; names the org lacks are absent', async () => {
    const api = freshOrg();
    const c1 = api.org.insert('Campaign', { Name: 'Summit' }).Id;
    const c2 = api.org.insert('Campaign', { Name: "Ana's Ads" }).Id;
    const sf = connectorFor(api);
    const before = api.calls('/query').length;
    const found = await sf.campaignIdsByName!(['Summit', "Ana's Ads", 'Nobody Knows', 'Summit']);
    expect(api.calls('/query').length - before).toBe(1);
    expect([...found]).toEqual([
      ['Summit', c1],
      ["Ana's Ads", c2],
    ]);
  });

  it("reads every Campaign's ActualCost by name in one query; Campaigns without one are absent", async () => {
    const api = freshOrg();
    api.org.insert('Campaign', { Name: 'Summit', ActualCost: 18000 });
    api.org.insert('Campaign', { Name: 'Ads', ActualCost: 1200.5 });
    api.org.insert('Campaign', { Name: 'Ads', ActualCost: 300 });
    api.org.insert('Campaign', { Name: 'Free webinar' });
    const sf = connectorFor(api);
    const before = api.calls('/query').length;
    const costs = await sf.campaignCosts!();
    expect(api.calls('/query').length - before).toBe(1);
    // two Campaigns of one name share it in the report, so their costs add
    expect(Object.fromEntries(costs)).toEqual({ Summit: 18000, Ads: 1500.5 });
  });

  it('reads the models again when the org had none Baton may write into', async () => {
    const api = freshOrg();
    const c1 = api.org.insert('Campaign', { Name: 'Summit' }).Id;
    const opp = api.org.insert('Opportunity', { Name: 'Deal', StageName: 'Closed Won', CloseDate: '2026-11-01' }).Id;
    const sf = connectorFor(api);
    const op = {
      key: `salesforce:CampaignInfluence:${opp}`,
      object: 'CampaignInfluence' as const,
      action: 'upsert' as const,
      properties: { OpportunityId: opp, rows: [{ CampaignId: c1, Influence: 100 }] },
      idempotencyKey: 'k',
    };
    expect((await sf.write([op]))[0]).toMatchObject({ status: 'dead' });
    const model = api.org.insert('CampaignInfluenceModel', {
      DeveloperName: 'baton',
      IsDefaultModel: false,
      IsActive: true,
      IsModelLocked: false,
    });
    expect((await sf.write([op]))[0]).toMatchObject({ status: 'ok', properties: { modelId: model.Id } });
  });
});
