// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Issue 18: the pipeline reads as one line. Its folders stand in LINE's order: each imports the
// folders before it and the shared modules at the top of src/pipeline, never one after it. The
// features the person stage calls (routing at a handoff, deals and attribution on a deal change)
// come before it; the SLA scheduler, which drives person updates, after it; the reports, which
// read all of them, last. The shared modules import no folder: only runtime.ts, which builds the
// workers, does. The product reaches a CRM only through the `Connector` interface
// (connectors/types.ts), and only the composition root (src/cli, and the receivers in src/server)
// imports a connector's index.ts to build or feed it.
const LINE = ['inbox', 'routing', 'deals', 'attribution', 'person', 'sla', 'outbox', 'reports'];
const crmInternals = (indexAllowed) => ({
  regex: indexAllowed
    ? '(^|/)connectors/(hubspot|salesforce)/(?!index\\.ts$)'
    : '(^|/)connectors/(hubspot|salesforce)/',
  message: indexAllowed
    ? "Reach a CRM through the Connector interface (connectors/types.ts) or the connector's index.ts, not its internals (issue 18)."
    : 'The pipeline and the domain reach a CRM only through the Connector interface (connectors/types.ts); add a Connector member (issue 18).',
});
const laterOnTheLine = (folder) =>
  LINE.slice(LINE.indexOf(folder) + 1).map((later) => ({
    regex: `^\\.\\./${later}/|/pipeline/${later}/`,
    message: `src/pipeline/${folder} comes before src/pipeline/${later} on the line: a folder imports the folders before it and the shared modules, never a later one (issue 18).`,
  }));
const anyFolder = {
  regex: `^\\./(${LINE.join('|')})/|/pipeline/(${LINE.join('|')})/`,
  message:
    'A shared module at the top of src/pipeline is below every folder of the line: it imports none (only runtime.ts does); move what both need down here or into the domain (issue 18).',
};
const importRules = [
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(false)] }] } },
  {
    files: ['src/cli/**/*.ts', 'src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(true)] }] },
  },
  ...LINE.map((folder) => ({
    files: [`src/pipeline/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(false), ...laterOnTheLine(folder)] }] },
  })),
  {
    files: ['src/pipeline/*.ts'],
    ignores: ['src/pipeline/runtime.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(false), anyFolder] }] },
  },
  // The pure parts of the person stage: plain data in and out, so they are tested with plain data.
  // The store, the pipeline's context and Node's modules reach them as types only.
  {
    files: [
      'src/pipeline/person/desired.ts',
      'src/pipeline/person/person-record.ts',
      'src/pipeline/person/record-accounts.ts',
      'src/pipeline/routing/stored-routing.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '(^|/)store/|(^|/)pipeline/[^/]+\\.ts$|^\\.\\./[^./][^/]*\\.ts$|^node:|(^|/)platform/(?!errors\\.ts$)',
              allowTypeImports: true,
              message:
                'A pure module: no store, context, platform I/O or Node module; take what it needs as plain data (issue 18).',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'test-output/**', 'src/server/assets/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  ...importRules,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
