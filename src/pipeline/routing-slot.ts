/**
 * The routing a pipeline context holds (`ctx.routing`): the slot `routing/routing-setup.ts` fills
 * and the interface of the runtime `routing/routing-runtime.ts` builds. Types only, at the top of
 * the pipeline, so the context names them without importing the routing feature that uses it.
 */
import type { RoutingConfig } from '../config/routing-schema.ts';
import type { RoutingDecision, UserInfo } from '../routing/decide.ts';
import type { RoutedPerson } from '../routing/policy.ts';
import type { Store } from '../store/types.ts';

/** The routing of one pipeline: the runtime of the `routing.yaml` it was built from. */
export interface RoutingSlot {
  /** The configuration the runtime was built from; null when routing is off. */
  config: RoutingConfig | null;
  runtime: RoutingRuntime | null;
  /** Builds the runtime again when the live `routing.yaml` changed; `store` takes what it remembers. */
  refresh(store: Store): Promise<void>;
}

/** What the routing runtime of one instance does for the pipeline (`createRoutingRuntime` builds it). */
export interface RoutingRuntime {
  /** Resolves the users; returns one `routing.yaml:LINE:COL: no Salesforce user 'x'` per unknown name. */
  start(): Promise<string[]>;
  /**
   * Decides every person in order, keyed by `RoutedPerson.key`. `persist` stores the decisions in
   * the same transaction as the advanced rotation, so a crash never advances one without the other.
   * With `within` (an open transaction: the person's), the lease, the state and `persist` all run
   * in it, and commit or roll back with the person.
   */
  routeBatch(
    people: RoutedPerson[],
    persist?: (tx: Store, decisions: Map<string, RoutingDecision>) => Promise<void>,
    within?: Store,
  ): Promise<Map<string, RoutingDecision>>;
  /**
   * The next user of `rule` (or the fallback) who can take a person, other than `notUserId`, with
   * the rotation advanced (SLA reassignment); null when nobody can.
   */
  nextUser(rule: string, notUserId: string | null): Promise<{ user: UserInfo; rule: string } | null>;
  /** The resolved users, by the name `routing.yaml` gives them. */
  users(): ReadonlyMap<string, UserInfo>;
}
