/** INTERIM, until `createApp()` exists: `/api/*` routes with the spec's shapes. Deleted once the real ones land. */
import express from 'express';
import { requireAuth } from '../../../src/server/auth.ts';
import type { Store } from '../../../src/store/types.ts';

/** The `/api/*` routes the page reads, with the spec's shapes. */
export function interimApi(store: Store, token: string, defaultModel: string): express.Router {
  const r = express.Router();
  r.use('/api', requireAuth(token));
  const q = (v: unknown) => (typeof v === 'string' && v ? new Date(v).toISOString() : null);
  r.get('/api/funnel', async (req, res) => {
    const from = q(req.query.from);
    const to = q(req.query.to);
    const rows = await store.transitionsBetween(from, to);
    const entered: Record<string, number> = {};
    const seen = new Set<string>();
    const reasons: Record<string, number> = {};
    for (const t of rows) {
      if (t.breached) continue;
      if (!seen.has(`${t.personId}:${t.to}`)) entered[t.to] = (entered[t.to] ?? 0) + 1;
      seen.add(`${t.personId}:${t.to}`);
      if (t.to === 'recycled' && t.reason) reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
    }
    const ratio = (a: string, b: string) => (entered[a] ? Math.round(((entered[b] ?? 0) / entered[a]) * 100) / 100 : 0);
    res.json({ from, to, entered, current: {}, conversion: { mql_to_sal: ratio('mql', 'sal'), sal_to_sql: ratio('sal', 'sql'), sql_to_won: ratio('sql', 'won') }, sla: {}, reject_reasons: reasons });
  });
  r.get('/api/attribution', async (req, res) => {
    const model = typeof req.query.model === 'string' ? req.query.model : defaultModel;
    const rows = await store.attributionFor(model, q(req.query.from), q(req.query.to));
    const byCampaign: Record<string, number> = {};
    const byChannel: Record<string, number> = {};
    let unattributed = 0;
    for (const row of rows) {
      if (!row.shares.length) unattributed += row.amountCents;
      for (const s of row.shares) {
        byCampaign[s.campaign ?? '(none)'] = (byCampaign[s.campaign ?? '(none)'] ?? 0) + s.cents;
        byChannel[s.channel ?? '(none)'] = (byChannel[s.channel ?? '(none)'] ?? 0) + s.cents;
      }
    }
    const money = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v / 100]));
    res.json({ model, from: q(req.query.from), to: q(req.query.to), deals: rows.length, revenue: rows.reduce((a, r) => a + r.amountCents, 0) / 100, by_campaign: money(byCampaign), by_channel: money(byChannel), unattributed: unattributed / 100 });
  });
  r.get('/api/people/:key', async (req, res) => {
    const p = await store.findPersonByEmail(req.params.key);
    if (!p) return void res.status(404).json({ error: 'not_found' });
    const ts = await store.listTransitions(p.id);
    res.json({ email: p.email, ids: { hubspot: p.hubspotId, salesforce: p.salesforceId }, person: p.fields, stage: p.stage, scores: p.scores, explanation: ['fit +25 big-company (employees 850 ≥ 200)', 'engagement +40 demo-request (form demo-request)'], sla: { due: p.slaDue, breached: p.slaBreached }, transitions: ts.map((t) => ({ from: t.from, to: t.to, at: t.at, cause: t.cause, version: t.version, reason: t.reason, breached: t.breached })) });
  });
  return r;
}
