/**
 * Loads the configuration folder (`agreement.yaml`, `fields.yaml`, optional `routing.yaml` and
 * `alerts.yaml`) and
 * reports every problem as `file:line:col: message`, positioned at the offending YAML node.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ConfigProblem } from '../platform/errors.ts';
import { ConfigError } from '../platform/errors.ts';
import type { AgreementConfig } from './agreement-schema.ts';
import { agreementSchema } from './agreement-schema.ts';
import type { CheckResult } from './cross-check.ts';
import { checkAgreement, checkFields, checkRouting } from './cross-check.ts';
import type { FieldsConfig } from './fields-schema.ts';
import { fieldsSchema } from './fields-schema.ts';
import type { PathProblem } from './issues.ts';
import { locate, validateWith } from './issues.ts';
import type { RoutingConfig } from './routing-schema.ts';
import { routingSchema } from './routing-schema.ts';
import type { AlertsConfig } from './alerts-schema.ts';
import { alertsSchema } from './alerts-schema.ts';
import { checkAlerts } from './alerts-check.ts';
import type { Vocabulary } from './vocabulary.ts';
import { vocabularyOf } from './vocabulary.ts';
import type { YamlSource } from './yaml-source.ts';
import { parseYamlSource, positionOf } from './yaml-source.ts';

export { routingSchema } from './routing-schema.ts';
export type { RoutingConfig } from './routing-schema.ts';

export const AGREEMENT_FILE = 'agreement.yaml';
export const FIELDS_FILE = 'fields.yaml';
export const ROUTING_FILE = 'routing.yaml';
export const ALERTS_FILE = 'alerts.yaml';

export interface LoadedConfig {
  dir: string;
  agreement: AgreementConfig;
  fields: FieldsConfig;
  routing: RoutingConfig | null;
  /** The optional `alerts.yaml`; null when absent (no alert is ever queued). */
  alerts: AlertsConfig | null;
  texts: { agreement: string; fields: string; routing: string | null; alerts: string | null };
  /** The files as shown in messages: the folder as given joined with each name; routing and alerts null when absent. */
  files: { agreement: string; fields: string; routing: string | null; alerts: string | null };
  warnings: string[];
}

export interface ConfigCheck {
  problems: ConfigProblem[];
  warnings: string[];
  /** Present when there are no problems. */
  config?: LoadedConfig;
}

type Read = { source: YamlSource } | { missing: true; problem: ConfigProblem };

async function readSource(file: string): Promise<Read> {
  try {
    return { source: parseYamlSource(file, await readFile(file, 'utf8')) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read the file: ${(err as Error).message}`;
    return { missing: true, problem: { file, line: 1, col: 1, message } };
  }
}

/** One file parsed and validated: the data when valid; its problems and warnings either way. */
interface Checked<T> {
  source?: YamlSource;
  value?: T;
  problems: ConfigProblem[];
  warnings: string[];
}

function checkSource<T>(read: Read, schema: Parameters<typeof validateWith<T>>[1]): Checked<T> {
  if (!('source' in read)) return { problems: [read.problem], warnings: [] };
  const { source } = read;
  if (source.problems.length) return { source, problems: source.problems, warnings: source.warnings };
  const result = validateWith(source, schema);
  if (!result.ok) return { source, problems: result.problems, warnings: source.warnings };
  return { source, value: result.value, problems: [], warnings: source.warnings };
}

function warningLines(source: YamlSource, warnings: readonly PathProblem[]): string[] {
  return warnings.map((w) => {
    const { line, col } = positionOf(source, w.path, w.anchor);
    return `${source.file}:${line}:${col}: warning: ${w.message}`;
  });
}

function applyChecks<T>(checked: Checked<T>, result: CheckResult): void {
  if (!checked.source) return;
  checked.problems.push(...locate(checked.source, result.problems));
  checked.warnings.push(...warningLines(checked.source, result.warnings));
}

/** The sides of the agreement that have not approved it (a draft has at least one). */
export function missingApprovals(agreement: AgreementConfig): ('marketing' | 'sales')[] {
  return (['marketing', 'sales'] as const).filter((side) => agreement.owners[side].approved === undefined);
}

function draftWarning(source: YamlSource, agreement: AgreementConfig): string[] {
  const sides = missingApprovals(agreement);
  if (!sides.length) return [];
  const { line, col } = positionOf(source, ['owners', sides[0]], 'mapping');
  const who = sides.length === 2 ? 'neither marketing nor sales has' : `${sides[0]} has not`;
  return [
    `${source.file}:${line}:${col}: warning: draft agreement '${agreement.name}' v${agreement.version}: ${who} approved it ` +
      `(owners.${sides.join('.approved, owners.')}.approved); baton serve applies only an agreement both sides approved`,
  ];
}

function checkAgreementSource(read: Read, vocab: Vocabulary | null): Checked<AgreementConfig> {
  const checked = checkSource(read, agreementSchema);
  if (checked.value && checked.source) {
    applyChecks(checked, checkAgreement(checked.value, vocab));
    checked.warnings.push(...draftWarning(checked.source, checked.value));
  }
  return checked;
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.col - b.col;
}

/** An optional file that is there and not comments only (as `baton init` writes one left off). */
function isPresent(read: Read): boolean {
  if ('missing' in read) return read.problem.message !== 'file not found';
  return !read.source.text.split('\n').every((line) => /^\s*(#.*)?$/.test(line));
}

/** Checks a configuration folder; `config` is present when there are no problems. */
export async function checkConfig(dir: string): Promise<ConfigCheck> {
  const files = {
    agreement: join(dir, AGREEMENT_FILE),
    fields: join(dir, FIELDS_FILE),
    routing: join(dir, ROUTING_FILE),
    alerts: join(dir, ALERTS_FILE),
  };
  const [agreementRead, fieldsRead, routingRead, alertsRead] = await Promise.all([
    readSource(files.agreement),
    readSource(files.fields),
    readSource(files.routing),
    readSource(files.alerts),
  ]);

  const fields = checkSource(fieldsRead, fieldsSchema);
  if (fields.value) applyChecks(fields, checkFields(fields.value));
  // Names are checked against fields.yaml only when it is itself valid; otherwise its problems say enough.
  const vocab = fields.value && fields.problems.length === 0 ? vocabularyOf(fields.value) : null;
  const agreement = checkAgreementSource(agreementRead, vocab);

  // A routing.yaml of comments only (as `baton init` writes it) is routing left off, like no file.
  const routingPresent = isPresent(routingRead);
  const routing: Checked<RoutingConfig> = routingPresent
    ? checkSource(routingRead, routingSchema)
    : { problems: [], warnings: [] };
  if (routing.value) applyChecks(routing, checkRouting(routing.value, vocab));
  const alertsPresent = isPresent(alertsRead);
  const alerts: Checked<AlertsConfig> = alertsPresent
    ? checkSource(alertsRead, alertsSchema)
    : { problems: [], warnings: [] };
  if (alerts.value) applyChecks(alerts, checkAlerts(alerts.value, vocab));

  if (agreement.value?.sla?.on_breach === 'reassign' && !routingPresent && agreement.source) {
    const { line, col } = positionOf(agreement.source, ['sla', 'on_breach'], 'value');
    agreement.warnings.push(
      `${files.agreement}:${line}:${col}: warning: on_breach: reassign needs routing.yaml to know whom to give the person to`,
    );
  }

  const problems = [agreement, fields, routing, alerts].flatMap((c) => [...c.problems].sort(byPosition));
  const warnings = [agreement, fields, routing, alerts].flatMap((c) => c.warnings);
  if (problems.length || !agreement.value || !fields.value || !agreement.source || !fields.source)
    return { problems, warnings };
  return {
    problems,
    warnings,
    config: {
      dir,
      agreement: agreement.value,
      fields: fields.value,
      routing: routing.value ?? null,
      alerts: alerts.value ?? null,
      texts: {
        agreement: agreement.source.text,
        fields: fields.source.text,
        routing: routing.source?.text ?? null,
        alerts: alertsPresent ? (alerts.source?.text ?? null) : null,
      },
      files: { ...files, routing: routingPresent ? files.routing : null, alerts: alertsPresent ? files.alerts : null },
      warnings,
    },
  };
}

/** Loads a configuration folder; throws `ConfigError` listing every problem. */
export async function loadConfig(dir: string): Promise<LoadedConfig> {
  const { problems, config } = await checkConfig(dir);
  if (!config) throw new ConfigError(problems);
  return config;
}

/**
 * Checks an agreement given as text (a stored version, as `serve` restarts on the live one while
 * the file holds a draft), names checked against `fields`; throws `ConfigError` listing every problem.
 */
export function parseAgreementText(file: string, text: string, fields: FieldsConfig): AgreementConfig {
  const checked = checkAgreementSource({ source: parseYamlSource(file, text) }, vocabularyOf(fields));
  if (checked.problems.length || !checked.value) throw new ConfigError(checked.problems.sort(byPosition));
  return checked.value;
}

/**
 * Loads one agreement file (for `baton simulate --agreement FILE`). Names are checked against
 * `fieldsFile` (default: the `fields.yaml` beside it) when that one is present and valid; otherwise
 * they are not checked and a warning says so. Throws `ConfigError` listing every problem.
 */
export async function loadAgreementFile(
  path: string,
  fieldsFile?: string,
): Promise<{ agreement: AgreementConfig; text: string; warnings: string[] }> {
  return loadAgreementRead(path, await readSource(path), fieldsFile);
}

/**
 * `loadAgreementFile` on text already in hand (a draft sent to `POST /api/agreement/preview`, a
 * version's stored text); problems are positioned in `text` and named `file`.
 */
export async function loadAgreementText(
  file: string,
  text: string,
  fieldsFile: string,
): Promise<{ agreement: AgreementConfig; text: string; warnings: string[] }> {
  return loadAgreementRead(file, { source: parseYamlSource(file, text) }, fieldsFile);
}

async function loadAgreementRead(
  path: string,
  read: Read,
  fieldsFile?: string,
): Promise<{ agreement: AgreementConfig; text: string; warnings: string[] }> {
  const fieldsPath = fieldsFile ?? join(dirname(path), FIELDS_FILE);
  const fieldsRead = basename(path) === FIELDS_FILE ? null : await readSource(fieldsPath);
  const fields = fieldsRead && 'source' in fieldsRead ? checkSource(fieldsRead, fieldsSchema) : null;
  const vocab = fields?.value ? vocabularyOf(fields.value) : null;
  const agreement = checkAgreementSource(read, vocab);
  if (agreement.problems.length || !agreement.value || !agreement.source)
    throw new ConfigError(agreement.problems.sort(byPosition));
  const warnings = [...agreement.warnings];
  if (!vocab) {
    const why = fields ? `${fieldsPath} has problems` : `there is no ${fieldsPath}`;
    warnings.push(`${path}:1:1: warning: field names were not checked (${why})`);
  }
  return { agreement: agreement.value, text: agreement.source.text, warnings };
}
