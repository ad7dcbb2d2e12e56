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
