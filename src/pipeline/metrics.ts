/**
 * Prometheus metrics of one Baton instance. One registry per instance (not prom-client's global),
 * so tests can run several apps in one process; every series carries the `instance` label.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  eventsReceived: Counter<'source'>;
  eventsProcessed: Counter<'source'>;
  inputRejected: Counter<'route' | 'reason'>;
  inboxLagSeconds: Gauge;
  inboxPending: Gauge;
  writebacks: Counter<'crm' | 'outcome'>;
  apiCalls: Counter<'crm' | 'outcome'>;
  deadLetters: Counter<'crm'>;
  heldWrites: Gauge<'crm'>;
  slaBreaches: Counter;
  stageTransitions: Counter<'to'>;
  rescoreProgress: Gauge<'version'>;
}

/** Creates the metrics of one instance; `defaults` adds the process metrics (serve only). */
export function createMetrics(instance: string, options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ instance });
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsReceived: new Counter({
      name: 'baton_events_received_total',
      help: 'Changes and events accepted into the inbox',
      labelNames: ['source'],
      registers,
    }),
    eventsProcessed: new Counter({
      name: 'baton_events_processed_total',
      help: 'Inbox items processed',
      labelNames: ['source'],
      registers,
    }),
    inputRejected: new Counter({
      name: 'baton_input_rejected_total',
      help: 'Requests refused for bad input or signature',
      labelNames: ['route', 'reason'],
      registers,
    }),
    inboxLagSeconds: new Gauge({
      name: 'baton_inbox_lag_seconds',
      help: 'Age of the oldest pending inbox item',
      registers,
    }),
    inboxPending: new Gauge({ name: 'baton_inbox_pending', help: 'Pending inbox items', registers }),
    writebacks: new Counter({
      name: 'baton_writebacks_total',
      help: 'Outbox writes by CRM and outcome',
      labelNames: ['crm', 'outcome'],
      registers,
    }),
    apiCalls: new Counter({
      name: 'baton_crm_api_calls_total',
      help: 'CRM batch calls by CRM and outcome',
      labelNames: ['crm', 'outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'baton_dead_letters_total',
      help: 'Writes moved to the dead letters',
      labelNames: ['crm'],
      registers,
    }),
    heldWrites: new Gauge({
      name: 'baton_outbox_held',
      help: 'Writes held for a setup problem (a missing field, property or scope), by CRM',
      labelNames: ['crm'],
      registers,
    }),
    slaBreaches: new Counter({ name: 'baton_sla_breaches_total', help: 'SLA breaches marked', registers }),
    stageTransitions: new Counter({
      name: 'baton_stage_transitions_total',
      help: 'Stage transitions recorded',
      labelNames: ['to'],
      registers,
    }),
    rescoreProgress: new Gauge({
      name: 'baton_rescore_progress',
      help: 'Share of stored people re-scored under the agreement version that went live last (1 when done)',
      labelNames: ['version'],
      registers,
    }),
  };
}

/**
 * Gauges of the states `/readyz` reports, read at each scrape: the store up or not, the shared limits
 * kept per instance because Redis is gone, and the CRMs whose circuit is open because they stopped answering.
 */
export function watchDegraded(
  metrics: Metrics,
  sources: {
    sharedLimits?: () => string | null;
    crms: Record<string, { unavailable?(): string | null } | undefined>;
    /** Null while the store can be read and written, else why not. */
    store?: () => Promise<string | null>;
  },
): void {
  const registers = [metrics.registry];
  if (sources.store) {
    const store = sources.store;
    new Gauge({
      name: 'baton_store_up',
      help: 'Whether the store can be read and written (1) or not (0: down, disk full, read-only)',
      registers,
      async collect() {
        this.set((await store().catch(() => 'unreachable')) === null ? 1 : 0);
      },
    });
  }
  if (sources.sharedLimits) {
    const sharedLimits = sources.sharedLimits;
    new Gauge({
      name: 'baton_shared_limits_degraded',
      help: "1 while CRM rate limits are kept at this instance's share because Redis cannot be reached",
      registers,
      collect() {
        this.set(sharedLimits() === null ? 0 : 1);
      },
    });
  }
  new Gauge({
    name: 'baton_crm_circuit_open',
    help: '1 while calls to a CRM are paused because it stopped answering within the deadline',
    labelNames: ['crm'],
    registers,
    collect() {
      for (const [crm, connector] of Object.entries(sources.crms))
        if (connector) this.set({ crm }, connector.unavailable?.() ? 1 : 0);
    },
  });
}
