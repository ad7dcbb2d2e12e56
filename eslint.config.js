// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Issue 18: the pipeline reads as one line. A stage folder imports earlier stages and the shared
// modules at the top of src/pipeline, never a later stage; the product reaches a CRM only through
// the `Connector` interface (connectors/types.ts), and only the composition root (src/cli, and the
// receivers in src/server) imports a connector's index.ts to build or feed it.
const STAGES = ['inbox', 'person', 'outbox'];
const crmInternals = (indexAllowed) => ({
  regex: indexAllowed
    ? '(^|/)connectors/(hubspot|salesforce)/(?!index\\.ts$)'
    : '(^|/)connectors/(hubspot|salesforce)/',
  message: indexAllowed
    ? "Reach a CRM through the Connector interface (connectors/types.ts) or the connector's index.ts, not its internals (issue 18)."
    : 'The pipeline and the domain reach a CRM only through the Connector interface (connectors/types.ts); add a Connector member (issue 18).',
});
const laterStages = (stage) =>
  STAGES.slice(STAGES.indexOf(stage) + 1).map((later) => ({
    regex: `^\\.\\./${later}/|/pipeline/${later}/`,
    message: `src/pipeline/${stage} runs before src/pipeline/${later}: a stage imports earlier stages and the shared modules, never a later one (issue 18).`,
  }));
const importRules = [
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(false)] }] } },
  {
    files: ['src/cli/**/*.ts', 'src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(true)] }] },
  },
  ...STAGES.map((stage) => ({
    files: [`src/pipeline/${stage}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [crmInternals(false), ...laterStages(stage)] }] },
  })),
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
