/**
 * Weighted round robin that stays fair when users are passed over. Smooth weighted round robin
 * (each pick adds every eligible user's weight to its credit, takes the highest credit and
 * subtracts the eligible total from it) keeps every user within one assignment of its weighted
 * share over any stretch. A passed-over user's credit is frozen, so it neither loses its place
 * nor floods back when it returns; its turns go to the others in proportion to their weights.
 */

export interface RotationUser {
  user: string;
  weight: number;
}

/** Credits per user; kept in the store per rule so restarts and other instances continue it. */
export type RotationState = Record<string, number>;

/** The next user among `eligible` ones, and the rotation state after the pick; null when nobody is eligible. */
export function pickNext(
  users: RotationUser[],
  state: RotationState,
  eligible: (user: string) => boolean,
): { user: string; state: RotationState } | null {
  const open = users.filter((u) => u.weight > 0 && eligible(u.user));
  if (open.length === 0) return null;
  const next: RotationState = { ...state };
  const total = open.reduce((s, u) => s + u.weight, 0);
  let best: RotationUser | null = null;
  for (const u of open) {
    next[u.user] = (next[u.user] ?? 0) + u.weight;
    if (!best || next[u.user] > next[best.user]) best = u;
  }
  next[best!.user] -= total;
  return { user: best!.user, state: next };
}

/** The rotation of a `round_robin` list with optional `weights` (default 1 each). */
export function rotationOf(list: string[], weights: Record<string, number> = {}): RotationUser[] {
  return list.map((user) => ({ user, weight: weights[user] ?? 1 }));
}
