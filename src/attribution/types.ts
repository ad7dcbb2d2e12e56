/** Plain data of attribution: touches, a won deal, and the credit each touch gets. */
import type { AttributionModel } from '../config/schema.ts';

export type { AttributionModel };

/** An engagement event that carries a `campaign` or a `channel`. */
export interface Touch {
  id: string;
  /** ISO 8601 instant. */
  at: string;
  campaign: string | null;
  channel: string | null;
  /** The person the touch belongs to (normalized email). */
  personKey: string;
  /** The Salesforce Campaign id, when the touch came from Salesforce (CampaignMember). */
  campaignId?: string | null;
}

/** A won deal/opportunity. */
export interface DealInput {
  key: string;
  /** In currency units, e.g. `60250.38`. */
  amount: number;
  /** ISO date or date-time; a date-only close date means the end of that day, UTC. */
  closeDate: string;
  /** Opportunity `CreatedDate`, HubSpot deal `createdate` (ISO). */
  createdAt: string;
  /** Earliest `mql` transition of the deal's people at or before the deal's creation (see `mqlAtFor`). */
  mqlAt: string | null;
}

/** `agreement.yaml` `attribution:` settings a model needs; durations as text (`365d`) or milliseconds. */
export interface AttributionSettings {
  lookback: string | number;
  time_decay_half_life: string | number;
  custom?: { ft: number; lc: number; oc: number; cw: number; rest: number };
}

export interface Share {
  touchId: string;
  campaign: string | null;
  channel: string | null;
  personKey: string;
  campaignId?: string | null;
  /** Integer cents; all shares plus `unattributedCents` add up to the deal's amount. */
  cents: number;
}

/** Key touch ids (`null` when that touch does not exist in the window). */
export interface KeyTouches {
  ft: string | null;
  lc: string | null;
  oc: string | null;
  cw: string | null;
}

export interface AttributionResult {
  dealKey: string;
  model: AttributionModel;
  amountCents: number;
  /** Credited touches in time order. */
  shares: Share[];
  unattributedCents: number;
  keys: KeyTouches;
}
