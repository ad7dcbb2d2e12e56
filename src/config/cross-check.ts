/**
 * Checks that need more than one node or more than one file: unique rule ids, names that must exist
 * in `fields.yaml`, template names, round-robin users. Pure: plain data in, path problems out.
 */
import type { AgreementConfig } from './agreement-schema.ts';
import { parseDuration } from './duration.ts';
import type { FieldsConfig } from './fields-schema.ts';
import type { PathProblem } from './issues.ts';
import type { RoutingConfig } from './routing-schema.ts';
import { TEMPLATE_NAMES, templateRefs } from './templates.ts';
import type { Vocabulary } from './vocabulary.ts';
import { checkCondition, checkFieldCondition, lookupName, vocabularyOf } from './vocabulary.ts';
import type { ConfigPath } from './yaml-source.ts';
import { formatPath } from './yaml-source.ts';

export interface CheckResult {
  problems: PathProblem[];
  warnings: PathProblem[];
}

function uniqueIds(rules: { id: string; path: ConfigPath }[]): PathProblem[] {
  const first = new Map<string, ConfigPath>();
  const out: PathProblem[] = [];
  for (const r of rules) {
    const seen = first.get(r.id);
    if (seen)
      out.push({
        path: [...r.path, 'id'],
        anchor: 'value',
        message: `duplicate rule id '${r.id}' (already used by ${formatPath(seen)})`,
      });
    else first.set(r.id, r.path);
  }
  return out;
}

/** Rule ids (one namespace across fit, engagement and disqualify), names, and rules that can never count. */
export function checkAgreement(agreement: AgreementConfig, vocab: Vocabulary | null): CheckResult {
  const fit = agreement.score.fit.rules.map((r, i) => ({ ...r, path: ['score', 'fit', 'rules', i] as ConfigPath }));
  const eng = agreement.score.engagement.rules.map((r, i) => ({
    ...r,
    path: ['score', 'engagement', 'rules', i] as ConfigPath,
  }));
  const dq = (agreement.disqualify ?? []).map((r, i) => ({ ...r, path: ['disqualify', i] as ConfigPath }));
  const problems = uniqueIds([...fit, ...eng, ...dq]);
  const warnings: PathProblem[] = [];

  if (vocab) {
    for (const r of fit) problems.push(...checkCondition(vocab, r.if, [...r.path, 'if']));
    for (const r of dq) problems.push(...checkCondition(vocab, r.if, [...r.path, 'if']));
    for (const s of ['mql', 'sql'] as const) {
      const cond = agreement.stages[s];
      if (cond) problems.push(...checkCondition(vocab, cond, ['stages', s]));
    }
    agreement.sla?.tiers?.forEach((t, i) =>
      problems.push(...checkCondition(vocab, t.when, ['sla', 'tiers', i, 'when'])),
    );
  }

  const sla = agreement.sla;
  if (sla?.remind_before !== undefined) {
    const shortest = Math.min(
      parseDuration(sla.accept_within),
      ...(sla.tiers ?? []).map((t) => parseDuration(t.accept_within)),
    );
    if (parseDuration(sla.remind_before) >= shortest) {
      warnings.push({
        path: ['sla', 'remind_before'],
        anchor: 'value',
        message: `remind_before ${sla.remind_before} is not shorter than every deadline, so some reminders would come at the handoff itself`,
      });
    }
  }
  const reasons = agreement.recycle?.reasons ?? [];
  reasons.forEach((r, i) => {
    if (reasons.indexOf(r) < i)
      problems.push({ path: ['recycle', 'reasons', i], anchor: 'value', message: `reason '${r}' is listed twice` });
  });

  // An event counts under the first rule it matches, so a rule below a catch-all of its type never counts.
  eng.forEach((r, i) => {
    const catchAll = eng.slice(0, i).find((above) => above.on === r.on && !above.where);
    if (catchAll) {
      warnings.push({
        path: [...r.path, 'id'],
        anchor: 'value',
        message: `rule '${r.id}' never counts: rule '${catchAll.id}' above it takes every ${r.on} event`,
      });
    }
  });
  return { problems, warnings };
}

/** A `{{ name }}` template's syntax and names (the write-back template names, `person.NAME`, `deal.NAME`). */
export function checkTemplate(vocab: Vocabulary, text: string, path: ConfigPath): PathProblem[] {
  const { refs, error } = templateRefs(text);
  const out: PathProblem[] = [];
  if (error) out.push({ path, anchor: 'value', message: error });
  for (const ref of refs) {
    if ((TEMPLATE_NAMES as readonly string[]).includes(ref.name)) continue;
    if (/^(person|deal)\./.test(ref.name)) {
      const { error: nameError } = lookupName(vocab, ref.name);
      if (nameError) out.push({ path, anchor: 'value', message: `template {{${ref.name}}}: ${nameError}` });
      continue;
    }
    out.push({
      path,
      anchor: 'value',
      message: `template {{${ref.name}}} names nothing Baton knows (allowed: ${TEMPLATE_NAMES.join(', ')}, person.NAME, deal.NAME)`,
    });
  }
  return out;
}

/** `fields.yaml`'s own names: feedback conditions and write-back templates. */
export function checkFields(fields: FieldsConfig): CheckResult {
  const vocab = vocabularyOf(fields);
  const problems: PathProblem[] = [];
  for (const side of ['accept', 'reject'] as const) {
    const cond = fields.feedback?.[side];
    if (cond) problems.push(...checkFieldCondition(vocab, cond, ['feedback', side]));
  }
  const templates: [string, ConfigPath][] = [];
  const wb = fields.writeback;
  for (const [key, text] of Object.entries(wb?.hubspot?.contact ?? {}))
    templates.push([text, ['writeback', 'hubspot', 'contact', key]]);
  for (const [key, text] of Object.entries(wb?.hubspot?.deal ?? {}))
    templates.push([text, ['writeback', 'hubspot', 'deal', key]]);
  for (const [key, text] of Object.entries(wb?.salesforce?.person ?? {}))
    templates.push([text, ['writeback', 'salesforce', 'person', key]]);
  const task = wb?.salesforce?.task;
  if (task) templates.push([task.subject, ['writeback', 'salesforce', 'task', 'subject']]);
  if (task?.description !== undefined)
    templates.push([task.description, ['writeback', 'salesforce', 'task', 'description']]);
  for (const [text, path] of templates) problems.push(...checkTemplate(vocab, text, path));
  return { problems, warnings: [] };
}

function checkAssignment(assign: RoutingConfig['fallback'], path: ConfigPath): PathProblem[] {
  if (!assign || !('round_robin' in assign)) return [];
  const out: PathProblem[] = [];
  const seen = new Set<string>();
  assign.round_robin.forEach((u, i) => {
    if (seen.has(u.toLowerCase()))
      out.push({
        path: [...path, 'round_robin', i],
        anchor: 'value',
        message: `'${u}' is already in this round robin`,
      });
    seen.add(u.toLowerCase());
  });
  for (const name of Object.keys(assign.weights ?? {})) {
    if (!seen.has(name.toLowerCase())) {
      out.push({
        path: [...path, 'weights', name],
        anchor: 'key',
        message: `weight for '${name}', who is not in round_robin`,
      });
    }
  }
  return out;
}

/** Routing rule ids, the names its conditions use, and its round robins. */
export function checkRouting(routing: RoutingConfig, vocab: Vocabulary | null): CheckResult {
  const rules = routing.rules.map((r, i) => ({ ...r, path: ['rules', i] as ConfigPath }));
  const problems = uniqueIds(rules);
  for (const r of rules) {
    if (vocab) problems.push(...checkCondition(vocab, r.if, [...r.path, 'if']));
    problems.push(...checkAssignment(r.assign, [...r.path, 'assign']));
  }
  problems.push(...checkAssignment(routing.fallback, ['fallback']));
  return { problems, warnings: [] };
}
