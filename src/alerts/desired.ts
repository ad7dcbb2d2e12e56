/**
 * Pure: the alerts one event of one person calls for under `alerts.yaml`, as outbox writes. Each
 * alert's key names the event, its time, the rule's template and the recipient, so one event alerts
 * each recipient once (the outbox coalesces a pending one; a written key is never queued again).
 */
import { compileCondition, type CompiledCondition } from '../agreement/condition.ts';
import type { ConditionContext, PersonState } from '../agreement/types.ts';
import type { AlertEvent, AlertRule, AlertsConfig } from '../config/alerts-schema.ts';
import { renderWriteback, type TemplateContext } from '../mapping/index.ts';
import type { PersonRow } from '../store/types.ts';
import type { AlertMessage, AlertPayload } from './types.ts';

/** An event older than this when first seen alerts nobody (an `alerts.yaml` added later does not page old news). */
export const ALERT_FRESH_MS = 24 * 3_600_000;

/** One event of a person: what happened and when (part of each alert's key). */
export interface PersonEvent {
  event: AlertEvent;
  at: string;
}

/** The events a person's state shows now: a handoff with its clock running, a breach, a rejection. */
export function stateEvents(state: PersonState, now: string): PersonEvent[] {
  const out: PersonEvent[] = [];
  const sla = state.sla;
  if (state.stage === 'mql' && sla && !sla.breached && !sla.answeredAt && !sla.stoppedAt)
    out.push({ event: 'handoff', at: sla.startedAt });
  if (sla?.breached && !sla.answeredAt) out.push({ event: 'breach', at: sla.startedAt });
  const rejectedAt = state.movedAt ?? state.entered.recycled;
  if (state.stage === 'recycled' && state.rejectReason && rejectedAt) out.push({ event: 'rejected', at: rejectedAt });
  const t = Date.parse(now);
  return out.filter((e) => e.event === 'breach' || t - Date.parse(e.at) <= ALERT_FRESH_MS);
}

export interface AlertInput {
  config: AlertsConfig;
  event: PersonEvent;
  person: PersonRow;
  template: TemplateContext;
  /** Why the person qualified (the explanation lines). */
  why: string[];
  deadline: string | null;
  /** The recipient `owner` (for `reassigned`, the new owner) and `manager`, by email when known. */
  ownerEmail: string | null;
  managerEmail: string | null;
  /** For `when` conditions; built only when a rule of the event has one. */
  condition: () => ConditionContext;
  /** The channels this instance can send on. */
  can: { slack: boolean; email: boolean };
}

export interface AlertWrite {
  channel: 'slack' | 'email';
  key: string;
  idempotencyKey: string;
  payload: AlertPayload;
}

const conditions = new WeakMap<object, CompiledCondition>();

function holds(rule: AlertRule, ctx: () => ConditionContext): boolean {
  if (!rule.when) return true;
  let c = conditions.get(rule.when);
  if (!c) {
    c = compileCondition(rule.when);
    conditions.set(rule.when, c);
  }
  return c(ctx());
}

/** The rules of `event`, in the file's order. */
export function rulesFor(config: AlertsConfig | null | undefined, event: AlertEvent): AlertRule[] {
  return config?.rules.filter((r) => r.on === event) ?? [];
}

function messageOf(input: AlertInput, rule: AlertRule): AlertMessage {
  const t = input.config.templates[rule.template];
  const r = renderWriteback({ subject: t.subject, body: t.body ?? '' }, input.template);
  const links: AlertMessage['links'] = [];
  const { baton, salesforce } = input.config.links;
  if (salesforce && input.person.salesforceId)
    links.push({ label: 'Salesforce record', url: `${salesforce.replace(/\/+$/, '')}/${input.person.salesforceId}` });
  if (baton)
    links.push({
      label: 'Baton person view',
      url: `${baton.replace(/\/+$/, '')}/api/people/${encodeURIComponent(input.person.email)}`,
    });
  return {
    subject: r.subject,
    body: r.body ? r.body.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) : [],
    why: input.event.event === 'handoff' || input.event.event === 'reassigned' ? input.why : [],
    deadline: input.event.event === 'rejected' ? null : input.deadline,
    links,
  };
}

/** Every alert the event calls for that this instance can send. */
export function alertWrites(input: AlertInput): AlertWrite[] {
  const { event, at } = input.event;
  const out: AlertWrite[] = [];
  for (const rule of rulesFor(input.config, event)) {
    const via = rule.via ?? (input.config.channels.slack ? 'slack' : 'email');
    if (!input.can[via] || !holds(rule, input.condition)) continue;
    const message = messageOf(input, rule);
    for (const role of rule.to) {
      const target =
        role === 'owner'
          ? input.ownerEmail && { email: input.ownerEmail }
          : role === 'manager'
            ? input.managerEmail && { email: input.managerEmail }
            : via === 'slack'
              ? rule.channel && { channel: rule.channel }
              : rule.email && { email: rule.email };
      if (!target) continue;
      const id = `${event}:person-${input.person.id}:${at}:${rule.template}:${role}`;
      out.push({
        channel: via,
        key: `${via}:${id}`,
        idempotencyKey: `alert:${id}`,
        payload: { purpose: 'alert', event, role, ...target, message },
      });
    }
  }
  return out;
}
