/**
 * `GET /api/people/:key`: finds a person by email, `hubspot:ID` or `salesforce:ID`, and shows
 * ids, fields, stage, scores, the explanation, the SLA, transitions with reasons, routing and the alerts sent.
 */
import { normalizeEmail } from '../../mapping/index.ts';
import { InputError } from '../../platform/errors.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { LiveConfig } from '../context.ts';
import { factsFor } from '../person/person-update.ts';
import { storedRouting } from '../routing/stored-routing.ts';
import { getKv, kv } from '../../store/keys.ts';

/** Looks a person up by its key; throws `InputError` for a key that is neither form. */
export async function findPersonByKey(store: Store, key: string): Promise<PersonRow | null> {
  const m = /^(hubspot|salesforce):(.+)$/.exec(key);
  if (m) return store.findPersonByCrmId(m[1] as 'hubspot' | 'salesforce', m[2]);
  const email = normalizeEmail(key);
  if (!email || !email.includes('@'))
    throw new InputError(`'${key}' is not a person key (an email, hubspot:ID or salesforce:ID)`, { field: 'key' });
  return store.findPersonByEmail(email);
}

/** The person in the spec's shape. */
export async function personView(store: Store, live: LiveConfig | null, p: PersonRow, now: string) {
  const state = p.state;
  const transitions = await store.listTransitions(p.id);
  let explanation: string[] = [];
  if (live && state?.stage) {
    try {
      explanation = live.agreement.explain(await factsFor(store, p), state, now).lines;
    } catch {
      explanation = [];
    }
  }
  const alerts = (await getKv(store, kv.alertsSent(p.id))) ?? [];
  const stored = storedRouting(p);
  // The whole stored decision: rule, user and reason, plus the owner and any SLA reassignment.
  const routing = stored ?? transitions.map((t) => t.meta?.routing).find(Boolean);
  return {
    email: p.email,
    ids: {
      hubspot: p.hubspotId,
      salesforce: p.salesforceId,
      ...(p.salesforceObject ? { salesforce_object: p.salesforceObject } : {}),
    },
    person: p.fields,
    stage: p.stage,
    scores: p.scores,
    explanation,
    sla: state?.sla
      ? {
          due: state.sla.due,
          breached: state.sla.breached,
          started: state.sla.startedAt,
          ...(state.sla.answeredAt ? { answered: state.sla.answeredAt } : {}),
        }
      : null,
    ...(state?.rejectReason ? { reject_reason: state.rejectReason } : {}),
    transitions: transitions.map((t) => ({
      from: t.from,
      to: t.to,
      at: t.at,
      cause: t.cause,
      version: t.version,
      scores: t.scores,
      ...(t.passed.length ? { passed: t.passed } : {}),
      ...(t.breached ? { breached: true } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
    })),
    ...(routing ? { routing } : {}),
    ...(alerts.length ? { alerts } : {}),
  };
}
