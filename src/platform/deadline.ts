/**
 * Deadlines and a circuit for the calls to one CRM. A CRM that accepts connections and never
 * answers would otherwise hold a worker (and its socket) for as long as the HTTP stack's own
 * timeouts allow — minutes. Each call gets a total deadline; a call past it is abandoned and
 * fails as a retryable `CrmError`, so the one retry policy and the failed-work backoff take it
 * from there. After `openAfter` timeouts in a row the circuit opens: calls fail at once, with the
 * time left as their wait hint, instead of piling up sockets on a CRM that does not answer; when
 * that time is up one call at a time probes it, and the first answer closes the circuit.
 *
 * Abandoning a call must also free its connection, or a hung socket stays open until the HTTP
 * stack's own timeout (undici: 300 s) and an outage piles them up. Each call runs in a scope
 * (`AsyncLocalStorage`); the connectors' transports register the connection a call uses with
 * `onAbandon` (HubSpot: the http.Agent's sockets, `abandonableAgent`; Salesforce: jsforce's undici
 * dispatcher), and the deadline destroys it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { CrmError, type CrmName } from './errors.ts';

/** The connections of one guarded call, closed if the call is abandoned. */
const callScope = new AsyncLocalStorage<{ abandon: ((err: Error) => void)[] }>();

/** Closes what `close` closes if the current guarded call is abandoned at its deadline; a no-op outside one. */
export function onAbandon(close: (err: Error) => void): void {
  callScope.getStore()?.abandon.push(close);
}

/** A signal that aborts if the current guarded call is abandoned (for a `fetch` made inside it); none outside one. */
export function abandonSignal(): AbortSignal | undefined {
  const scope = callScope.getStore();
  if (!scope) return undefined;
  const controller = new AbortController();
  scope.abandon.push((err) => controller.abort(err));
  return controller.signal;
}

/**
 * An http(s) agent for an SDK that takes one (keep-alive): the socket a guarded call gets, new or
 * reused, is destroyed when the call is abandoned. `maxSockets` stays unlimited, so a socket is
 * always given to a request in that request's own call.
 */
export function abandonableAgent(protocol: string, options: AgentOptions = {}): HttpAgent {
  const base = protocol === 'https:' ? HttpsAgent : HttpAgent;
  const watch = (socket: Duplex) => onAbandon((err) => socket.destroy(err));
  class Abandonable extends (base as typeof HttpAgent) {
    override createConnection(...args: Parameters<HttpAgent['createConnection']>): Duplex | null | undefined {
      const socket = super.createConnection(...args);
      if (socket) watch(socket);
      return socket;
    }
    override reuseSocket(...args: Parameters<HttpAgent['reuseSocket']>): void {
      watch(args[0]);
      super.reuseSocket(...args);
    }
  }
  return new Abandonable({ keepAlive: true, ...options });
}

export interface CallGuardOptions {
  /** The longest one call may take, connect to last byte (default 30 s). */
  timeoutMs?: number;
  /** Timeouts in a row that open the circuit (default 5). */
  openAfter?: number;
  /** How long the circuit stays open before a probe (default `BATON_CRM_PAUSE_SECONDS`, else 30 s). */
  openMs?: number;
  now?: () => number;
  /** Told when the circuit opens and when it closes again. */
  onChange?: (open: boolean, reason: string) => void;
}

export interface CallGuard {
  /** Runs `fn` under the deadline; refuses at once while the circuit is open. */
  run<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  /** Throws the circuit's refusal while it is open (a check before queuing for a limiter). */
  check(operation: string): void;
  /** Why calls are refused now, or null while the circuit is closed. */
  openReason(): string | null;
}

/** `BATON_CRM_TIMEOUT_SECONDS`, in ms: the deadline of every CRM call (default 30 s). */
export function crmTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.BATON_CRM_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/** `BATON_CRM_PAUSE_SECONDS`, in ms: how long an open circuit pauses calls before a probe (default 30 s). */
export function crmPauseMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.BATON_CRM_PAUSE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

// The HTTP stack's own timeouts (undici's connect timeout of 10 s, a socket's ETIMEDOUT) are no
// answer either: they count toward the circuit like the deadline's own.
const TRANSPORT_TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Whether `err` or one of its causes is a timeout of the HTTP stack. */
function transportTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++)
    if (TRANSPORT_TIMEOUTS.has(String((e as { code?: unknown }).code))) return true;
  return false;
}

/** Creates the deadline and circuit of one CRM's calls. */
export function createCallGuard(crm: CrmName, options: CallGuardOptions = {}): CallGuard {
  const timeoutMs = options.timeoutMs ?? crmTimeoutMs();
  const openAfter = options.openAfter ?? 5;
  const openMs = options.openMs ?? crmPauseMs();
  const now = options.now ?? Date.now;
  let timeouts = 0;
  let openUntil = 0;
  let probing = false;
  let reason: string | null = null;

  const refuse = (operation: string, waitMs: number) =>
    new CrmError(crm, `${crm} ${operation}: not tried, ${reason ?? 'the circuit is open'}`, {
      code: 'crm_unresponsive',
      retryable: true,
      retryAfterMs: Math.max(1, waitMs),
    });

  function check(operation: string): void {
    if (reason === null) return;
    const left = openUntil - now();
    if (left > 0 || probing) throw refuse(operation, left > 0 ? left : 1000);
  }

  function opened(operation: string): void {
    openUntil = now() + openMs;
    if (reason === null) {
      reason = `${crm} did not answer ${timeouts} calls in a row within ${timeoutMs} ms (last: ${operation}); calls pause for ${openMs / 1000} s at a time`;
      options.onChange?.(true, reason);
    }
  }

  function answered(): void {
    timeouts = 0;
    if (reason !== null) {
      const was = reason;
      reason = null;
      options.onChange?.(false, was);
    }
  }

  async function run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    check(operation);
    const probe = reason !== null;
    if (probe) probing = true;
    let timer: NodeJS.Timeout | undefined;
    const scope = { abandon: [] as ((err: Error) => void)[] };
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        const err = new CrmError(crm, `${crm} ${operation}: no answer within ${timeoutMs} ms; the call was abandoned`, {
          code: 'crm_timeout',
          retryable: true,
        });
        fail(err);
        // The call's connections go with it (after the deadline settled, so the call fails as a timeout).
        for (const close of scope.abandon.splice(0)) close(err);
      }, timeoutMs);
      timer.unref();
    });
    try {
      // Awaited inside the scope: jsforce returns a lazy thenable that only starts its request when awaited.
      const result = await Promise.race([callScope.run(scope, async () => await fn()), deadline]);
      answered();
      return result;
    } catch (err) {
      if ((err instanceof CrmError && err.code === 'crm_timeout') || transportTimeout(err)) {
        timeouts++;
        if (probe || timeouts >= openAfter) opened(operation);
      } else answered(); // any answer, even an error, shows the CRM is there
      throw err;
    } finally {
      clearTimeout(timer);
      scope.abandon.length = 0;
      if (probe) probing = false;
    }
  }

  return { run, check, openReason: () => reason };
}
