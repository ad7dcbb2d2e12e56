/** The spec's example agreement, parsed, and helpers to build people for tests. */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { agreementSchema, type AgreementConfig } from '../../src/config/schema.ts';
import { compileAgreement } from '../../src/agreement/compile.ts';
import type { AgreementEvent, PersonFacts } from '../../src/agreement/types.ts';

export const EXAMPLE_PATH = new URL('./example-agreement.yaml', import.meta.url);
export const exampleText = readFileSync(EXAMPLE_PATH, 'utf8');

/** A fresh copy of the example config, with optional overrides applied by the caller. */
export function exampleConfig(): AgreementConfig {
  return agreementSchema.parse(YAML.parse(exampleText));
}

export function compileExample(edit?: (c: AgreementConfig) => void) {
  const c = exampleConfig();
  edit?.(c);
  return compileAgreement(c);
}

export function facts(over: Partial<PersonFacts> = {}): PersonFacts {
  return { email: 'ana@corp.example', person: {}, deal: null, events: [], ...over };
}

export function ev(type: string, at: string, properties: Record<string, unknown> = {}, id?: string): AgreementEvent {
  return id ? { id, type, at, properties } : { type, at, properties };
}

/** A small agreement to edit per test: no fit rules, one engagement rule, nothing else. */
export function minimalConfig(): AgreementConfig {
  return agreementSchema.parse({
    name: 'Test',
    version: 1,
    owners: {
      marketing: { name: 'M', email: 'm@x.example', approved: '2026-01-01' },
      sales: { name: 'S', email: 's@x.example', approved: '2026-01-01' },
    },
    score: {
      fit: { max: 100, rules: [] },
      engagement: { max: 100, half_life: '30d', rules: [{ id: 'form', on: 'form_submission', add: 40 }] },
    },
    stages: {},
  });
}
