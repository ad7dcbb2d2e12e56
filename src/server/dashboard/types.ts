/** Plain data of the dashboard: what its router needs from the server, and what `/api/dashboard` answers. */
import type { Store } from '../../store/types.ts';
import type { Auth } from '../auth.ts';
import type { SetupProblem } from '../../platform/errors.ts';

export interface HealthInfo {
  inboxLagMs: number;
  inboxPending: number;
  outboxPending: number;
  deadLetters: number;
  connectors: { hubspot: boolean; salesforce: boolean };
  /** Problems that are not a record's (a missing field, property or scope): what is wrong, how to fix it, writes held. */
  problems?: HealthProblem[];
}

/** A standing setup problem as `/readyz` and the health panel show it: since when, the next re-check, the writes it holds. */
export interface HealthProblem extends SetupProblem {
  since: string;
  recheckAt: string;
  held: number;
}

export interface AgreementOwner {
  name: string;
  email: string;
  /** ISO date of the owner's approval; absent while not approved. */
  approved?: string | null;
}

export interface AgreementInfo {
  name: string;
  version: number;
  owners: { marketing: AgreementOwner; sales: AgreementOwner };
  /** When the live version went live. */
  liveAt?: string | null;
  /** A newer version on disk that is not approved by both sides yet. */
  draft?: { version: number; missing: string[] } | null;
  /** fields.yaml changes that wait for a restart of baton serve (new properties to read or set up). */
  restart?: string[] | null;
}

/** What `dashboardRouter` needs; the server wires it from its own parts. */
export interface DashboardDeps {
  store: Store;
  /** The API token (`BATON_API_TOKEN`); the login compares against it. */
  token: string;
  health(): Promise<HealthInfo>;
  agreementInfo(): AgreementInfo;
  /** ISO 4217 code of the deals' amounts (`BATON_CURRENCY`, default USD). */
  currency?: string;
  /** Clock for tests; defaults to `Date.now`. */
  now?: () => Date;
  /** The app's sessions (its settings and public URL); a default one over `store` and `token` without it. */
  auth?: Auth;
}

export interface Distribution {
  count: number;
  median_hours: number | null;
  p90_hours: number | null;
}

export interface RecentHandoff {
  at: string;
  person: { id: number; email: string | null };
  from: string | null;
  stage: string;
  cause: string;
  /** The rule id when the cause is `rule:ID`. */
  rule: string | null;
  reason: string | null;
  breached: boolean;
  version: number;
}

/** `GET /api/dashboard?from&to`: what the page needs beyond `/api/funnel` and `/api/attribution`. */
export interface DashboardSummary {
  from: string | null;
  to: string | null;
  agreement: AgreementInfo;
  /** ISO 4217 code the page shows money in. */
  currency: string;
  marketing: {
    mqls_delivered: number;
    accepted: number;
    rejected: number;
    /** accepted / (accepted + rejected); null while nothing is answered. */
    acceptance_rate: number | null;
    reject_reasons: Record<string, number>;
    /** People who entered `mql` in the window after an earlier rejection. */
    requalified: number;
  };
  sales: {
    sla: { answered_in_time: number; breached: number; open: number };
    /** Change → Task created (Baton's own delay), and Task → answer (the rep's). */
    time_to_answer: { total: Distribution; baton: Distribution; rep: Distribution };
    breaches_by_owner: Record<string, number>;
  };
  health: HealthInfo;
  recent: RecentHandoff[];
}
