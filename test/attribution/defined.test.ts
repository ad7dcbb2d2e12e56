import { expect, test } from 'vitest';
import { definedModel, definedModels } from '../../src/attribution/index.ts';
import { InputError } from '../../src/platform/errors.ts';

const custom = { ft: 0.5, lc: 0, oc: 0.5, cw: 0, rest: 0 };

test('custom is defined only with its weights', () => {
  expect(definedModels(undefined)).not.toContain('custom');
  expect(definedModels({ custom })).toContain('custom');
  expect(definedModel('custom', { custom })).toBe('custom');
});

test('an unknown model, or custom without weights, is an InputError naming the defined models', () => {
  for (const [name, settings] of [
    ['nope', { custom }],
    ['custom', undefined],
  ] as const) {
    let err: unknown;
    try {
      definedModel(name, settings);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toContain(`'${name}' is not a model the agreement defines`);
    expect(String((err as Error).message)).toContain(definedModels(settings).join(', '));
  }
});

test('markov is defined whenever there is an attribution section', () => {
  expect(definedModels({})).toContain('markov');
  expect(definedModels(undefined)).not.toContain('markov');
  expect(definedModel('markov', {})).toBe('markov');
});
