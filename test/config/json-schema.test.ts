import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { ROUTING_EXAMPLE, SHIPPED } from './fixture.ts';

/** The JSON Schema keywords zod emits for the config (and any others it may add). */
interface Schema {
  $ref?: string;
  $defs?: Record<string, Schema>;
  anyOf?: Schema[];
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  items?: Schema;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  description?: string;
  [keyword: string]: unknown;
}

/** A small JSON Schema checker for the keywords zod emits here; returns the paths that do not conform. */
function errors(schema: Schema, value: unknown, root: Schema, path = '$'): string[] {
  if (schema.$ref) return errors(root.$defs![String(schema.$ref).replace('#/$defs/', '')], value, root, path);
  if (schema.anyOf) {
    const each = (schema.anyOf as Schema[]).map((s) => errors(s, value, root, path));
    return each.some((e) => e.length === 0)
      ? []
      : [`${path}: no branch of anyOf fits (${each.map((e) => e[0]).join(' | ')})`];
  }
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  const kind = Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;
  if (types.length && !types.includes(kind) && !(kind === 'integer' && types.includes('number')))
    return [`${path}: ${kind} is not ${types.join('|')}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${String(value)} not in enum`];
  if (schema.const !== undefined && schema.const !== value) return [`${path}: not ${schema.const}`];
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value))
    return [`${path}: does not match ${schema.pattern}`];
  if (Array.isArray(value))
    return value.flatMap((v, i) => (schema.items ? errors(schema.items, v, root, `${path}[${i}]`) : []));
  if (kind !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const out = (schema.required ?? []).filter((k: string) => !(k in obj)).map((k: string) => `${path}: missing ${k}`);
  for (const [k, v] of Object.entries(obj)) {
    const sub = schema.properties?.[k] ?? schema.additionalProperties;
    if (sub === false) out.push(`${path}: unexpected ${k}`);
    else if (sub && sub !== true) out.push(...errors(sub, v, root, `${path}.${k}`));
  }
  return out;
}

describe('configJsonSchema', () => {
  const schema = configJsonSchema();
  const files = {
    agreement: parse(readFileSync(join(SHIPPED, 'agreement.yaml'), 'utf8')),
    fields: parse(readFileSync(join(SHIPPED, 'fields.yaml'), 'utf8')),
    routing: parse(readFileSync(ROUTING_EXAMPLE, 'utf8')),
  };

  it('accepts the shipped files, together and each through its own $defs entry', () => {
    expect(errors(schema, files, schema)).toEqual([]);
    for (const [name, data] of Object.entries(files))
      expect(errors({ $ref: `#/$defs/${name}` }, data, schema)).toEqual([]);
  });

  it('refuses what the validator refuses at the shape level', () => {
    const bad = structuredClone(files.agreement);
    bad.score.fit.maxx = 3;
    bad.stages.sqll = bad.stages.sql;
    bad.score.fit.rules[0].if = { field: 'person.employees', greater: 200 };
    expect(errors({ $ref: '#/$defs/agreement' }, bad, schema)).toEqual([
      expect.stringMatching(
        /^\$\.score\.fit\.rules\[0\]\.if: no branch of anyOf fits \(\$\.score\.fit\.rules\[0\]\.if: unexpected greater \|/,
      ),
      '$.score.fit: unexpected maxx',
      '$.stages: unexpected sqll',
    ]);
  });

  it('describes every key, so editors show what it means on hover', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (!node || typeof node !== 'object') return;
      const props = (node as Schema).properties;
      if (props && typeof props === 'object') {
        for (const [key, sub] of Object.entries(props as Schema))
          if (!(sub as Schema).description) undescribed.push(`${path}.properties.${key}`);
      }
      for (const [key, sub] of Object.entries(node)) walk(sub, `${path}/${key}`);
    };
    walk(schema, '#');
    expect(undescribed).toEqual([]);
    // The walk reaches keys of every file and of the condition language.
    const defs = schema.$defs as Record<string, Schema>;
    expect(defs.agreement.properties!.sla.description).toMatch(/answer/);
    expect(defs.fields.properties!.person.description).toBeTruthy();
    expect(defs.routing.properties!.cap_per_day.description).toMatch(/a day/);
    expect(JSON.stringify(defs)).toContain('case-insensitive');
    // Describing the uses of `condition` leaves the condition language one definition.
    expect(Object.keys(defs).sort()).toEqual(['agreement', 'alerts', 'condition', 'fields', 'routing']);
  });

  it('is stable JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(configJsonSchema());
  });
});
