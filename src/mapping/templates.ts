/**
 * Write-back templates (`{{stage}}`, `{{person.first_name}}`, …): compiled once, rendered per
 * person. Only the names of `mappings.md` "Templates" are allowed; a missing value renders empty.
 */
import { InputError } from '../platform/errors.ts';
import { isBlank } from './normalize.ts';
import { truncate } from './truncate.ts';
import { isoUtc, parseInstant } from './time.ts';

// One list of allowed names, shared with the validator.
import { TEMPLATE_NAMES } from '../config/templates.ts';
export { TEMPLATE_NAMES };

/** What a template can read. Every part is optional: a missing value renders as `""`. */
export interface TemplateContext {
  stage?: string | null;
  scores?: { fit?: number | null; engagement?: number | null };
  reason?: string | null;
  reject_reason?: string | null;
  sla?: { due?: string | number | Date | null };
  attribution?: { summary?: string | null };
  owner?: { name?: string | null; email?: string | null };
  routing?: { reason?: string | null };
  person?: Record<string, unknown>;
  deal?: Record<string, unknown>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The names a template uses, in order of appearance, each once. */
export function templateNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) names.add(m[1]);
  return [...names];
}

/**
 * Whether a template may use `name`. With a vocabulary, `person.NAME`/`deal.NAME` must be one
 * of its field names; without one any name passes.
 */
export function isTemplateName(
  name: string,
  vocabulary?: { person: Iterable<string>; deal: Iterable<string> },
): boolean {
  if ((TEMPLATE_NAMES as readonly string[]).includes(name)) return true;
  const m = /^(person|deal)\.([A-Za-z0-9_]+)$/.exec(name);
  if (!m) return false;
  if (!vocabulary) return true;
  return new Set(vocabulary[m[1] as 'person' | 'deal']).has(m[2]);
}

function text(value: unknown): string {
  if (isBlank(value)) return '';
  if (value instanceof Date) return isoUtc(value.getTime());
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function wholeNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Math.round(value) + 0) : '';
}

function isoDue(value: unknown): string {
  if (isBlank(value)) return '';
  const ms = parseInstant(value);
  return ms === undefined ? '' : isoUtc(ms);
}

function reader(name: string): (ctx: TemplateContext) => string {
  switch (name) {
    case 'stage':
      return (c) => text(c.stage);
    case 'scores.fit':
      return (c) => wholeNumber(c.scores?.fit);
    case 'scores.engagement':
      return (c) => wholeNumber(c.scores?.engagement);
    case 'reason':
      return (c) => text(c.reason);
    case 'reject_reason':
      return (c) => text(c.reject_reason);
    case 'sla.due':
      return (c) => isoDue(c.sla?.due);
    case 'attribution.summary':
      return (c) => text(c.attribution?.summary);
    case 'owner.name':
      return (c) => text(c.owner?.name);
    case 'owner.email':
      return (c) => text(c.owner?.email);
    case 'routing.reason':
      return (c) => text(c.routing?.reason);
  }
  const m = /^(person|deal)\.([A-Za-z0-9_]+)$/.exec(name);
  if (!m)
    throw new InputError(`template name '{{${name}}}' is not allowed (see mappings.md "Templates")`, { field: name });
  const [, section, field] = m;
  return (c) => {
    const record = section === 'person' ? c.person : c.deal;
    return record && Object.hasOwn(record, field) ? text(record[field]) : '';
  };
}

/** A renderer for `text`; throws `InputError` for a name templates may not use. */
export function compileTemplate(text: string): (ctx: TemplateContext) => string {
  const parts: (string | ((ctx: TemplateContext) => string))[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(reader(m[1]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (ctx) => parts.map((p) => (typeof p === 'string' ? p : p(ctx))).join('');
}

const compiled = new Map<string, (ctx: TemplateContext) => string>();

/** Lengths to cut rendered values to: per target field (Salesforce describe), else `maxLength` (HubSpot 65,536). */
export interface RenderLimits {
  fieldLengths?: Record<string, number>;
  maxLength?: number;
}

/** Renders each target field's template, cut to the field's length; templates are compiled once and kept. */
export function renderWriteback(
  map: Record<string, string>,
  ctx: TemplateContext,
  limits: RenderLimits = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, template] of Object.entries(map)) {
    let render = compiled.get(template);
    if (!render) {
      render = compileTemplate(template);
      compiled.set(template, render);
    }
    const max = limits.fieldLengths?.[target] ?? limits.maxLength;
    const value = render(ctx);
    out[target] = max === undefined ? value : truncate(value, max);
  }
  return out;
}
