/** What every pipeline worker is given: the store, the connectors, the live configuration, a clock. */
import type { Connector } from '../../connectors/types.ts';
import type { Agreement } from '../agreement/types.ts';
import type { AgreementConfig, FieldsConfig } from '../config/schema.ts';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import type { AlertTransports } from '../alerts/types.ts';
import type { Logger } from '../platform/logger.ts';
import type { Crm, Store } from '../store/types.ts';
import type { Metrics } from './metrics.ts';
import type { SetupProblems } from './setup-problems.ts';
import type { RoutingSlot } from './routing-slot.ts';
import { BatonError } from '../platform/errors.ts';

/** The configuration in force: the live agreement version and the field mappings. */
export interface LiveConfig {
  agreement: Agreement;
  agreementConfig: AgreementConfig;
  fields: FieldsConfig;
  routing?: unknown;
  /** The optional `alerts.yaml`; absent or null: no alert is queued. */
  alerts?: AlertsConfig | null;
  version: number;
  /** sha256 of the agreement's text: which text of `version` is live. */
  hash?: string;
}

export interface PipelineContext {
  store: Store;
  connectors: Partial<Record<Crm, Connector>>;
  /** The configuration in force, or null before one loaded. */
  config(): LiveConfig | null;
  now(): Date;
  /** Names this process in leases and metrics. */
  instanceId: string;
  metrics: Metrics;
  log: Logger;
  /** Called when work committed new outbox rows, so idle senders start now (set by the runtime). */
  queued?: () => void;
  /** Slack and email for `alerts.yaml` (none: alerts are not queued). */
  alerts?: AlertTransports;
  /** Writes held for problems that are not the record's (`setup-problems.ts`); made on first use when absent. */
  problems?: SetupProblems;
  /** Routing by `routing.yaml`, once `enableRouting` started it; absent: the org's assignment rule places new people. */
  routing?: RoutingSlot;
}

/** The live configuration, or an error saying none is loaded. */
export function requireConfig(ctx: PipelineContext): LiveConfig {
  const c = ctx.config();
  if (!c) throw new BatonError('no_live_agreement', 'no agreement is live yet');
  return c;
}

export const nowIso = (ctx: PipelineContext): string => ctx.now().toISOString();
