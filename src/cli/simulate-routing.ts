/**
 * `baton simulate --routing FILE --leads FILE [--accounts FILE]`: who would get whom under a
 * routing file, the round robin replayed in file order. No Salesforce: every named user counts as
 * active, and account matching runs only against the accounts given as JSON Lines
 * (`{ "id", "name", "website", "owner" }`). Scores and handoff times come from the agreement.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { CompiledAgreement } from '../agreement/compile.ts';
import { parseSimulationLine, simulatePerson } from '../agreement/simulation.ts';
import { validateWith } from '../config/issues.ts';
import { routingSchema } from '../config/routing-schema.ts';
import { parseYamlSource } from '../config/yaml-source.ts';
import { BatonError, ConfigError, errorMessage } from '../platform/errors.ts';
import type { AccountCandidate } from '../routing/accounts.ts';
import { capDay, routeInOrder, type RoutingState } from '../routing/batch.ts';
import type { UserInfo } from '../routing/decide.ts';
import { compileRouting, type CompiledRouting, type RoutedPerson } from '../routing/policy.ts';

export interface RoutingSimOptions {
  leads: string;
  routing: string;
  accounts?: string;
  at: string;
  json: boolean;
  agreement: CompiledAgreement;
  /** The agreement's business-hours zone: `cap_per_day` counts days there. */
  timeZone: string | null;
}

/** Reads and validates a routing file; throws `ConfigError` with `file:line:col` problems. */
export async function loadRoutingFile(path: string): Promise<CompiledRouting> {
  const source = parseYamlSource(path, await readFile(path, 'utf8'));
  if (source.problems.length) throw new ConfigError(source.problems);
  const checked = validateWith(source, routingSchema);
  if (!checked.ok) throw new ConfigError(checked.problems);
  return compileRouting(checked.value, source.text, path);
}

async function* jsonLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim()) yield { line, text };
  }
}

async function loadAccounts(path: string): Promise<AccountCandidate[]> {
  const out: AccountCandidate[] = [];
  for await (const { line, text } of jsonLines(path)) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new BatonError('bad_file', `${path}:${line}: not JSON: ${errorMessage(err)}`, {
        cause: err,
        details: { file: path, line },
      });
    }
    const id = r.id ?? r.Id;
    const owner = r.owner ?? r.ownerId ?? r.OwnerId;
    if (typeof id !== 'string' || typeof owner !== 'string')
      throw new BatonError('bad_file', `${path}:${line}: an account needs "id" and "owner"`, {
        details: { file: path, line },
      });
    out.push({
      id,
      name: String(r.name ?? r.Name ?? ''),
      website: (r.website ?? r.Website ?? null) as string | null,
      ownerId: owner,
    });
  }
  return out;
}

const user = (name: string): UserInfo => ({ id: name, name, email: name, active: true });

const write = (out: Writable, text: string) =>
  new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));

/** Runs the routing simulation; resolves to the exit code. */
export async function simulateRouting(
  opts: RoutingSimOptions,
  io: { stdout: Writable; stderr: Writable },
): Promise<number> {
  let routing: CompiledRouting;
  let accounts: AccountCandidate[] = [];
  try {
    routing = await loadRoutingFile(opts.routing);
    if (opts.accounts) accounts = await loadAccounts(opts.accounts);
  } catch (err) {
    io.stderr.write(`${errorMessage(err)}\n`);
    return 1;
  }
  const users = new Map(routing.users.map((u) => [u.name, user(u.name)]));
  const usersById = new Map([...users.values(), ...accounts.map((a) => user(a.ownerId))].map((u) => [u.id, u]));
  // the matching inputs: skipped without accounts
  const inputs = { policy: routing.policy, match: opts.accounts ? routing.match : null, accounts, users, usersById };
  const states = new Map<string, RoutingState>();
  const rotations = new Map();
  const counts: Record<string, number> = {};
  const rules: Record<string, number> = {};
  const people: { email: string; rule: string; user: string | null; reason: string }[] = [];
  const errors: { line: number; message: string }[] = [];
  try {
    for await (const { line, text } of jsonLines(opts.leads)) {
      const read = parseSimulationLine(text);
      if ('error' in read) {
        errors.push({ line, message: read.error });
        continue;
      }
      const sim = simulatePerson(read.input, opts.agreement, null, opts.at).person;
      const at = sim.transitions.find((t) => t.to === 'mql')?.at ?? opts.at;
      const day = capDay(at, opts.timeZone);
      const state = states.get(day) ?? { rotations, assignedToday: new Map<string, number>() };
      states.set(day, state);
      const p: RoutedPerson = {
        key: String(line),
        email: read.input.email,
        person: read.input.person ?? {},
        scores: { fit: sim.fit, engagement: sim.engagement },
        events: read.input.events as RoutedPerson['events'],
        at,
      };
      const d = routeInOrder([p], inputs, state).get(p.key)!;
      const who = d.user ? d.user.email : "(org's assignment rule)";
      counts[who] = (counts[who] ?? 0) + 1;
      rules[d.rule] = (rules[d.rule] ?? 0) + 1;
      people.push({ email: read.input.email, rule: d.rule, user: d.user?.email ?? null, reason: d.reason });
    }
  } catch (err) {
    io.stderr.write(`baton simulate: cannot read ${opts.leads}: ${errorMessage(err)}\n`);
    return 1;
  }
  if (opts.json) {
    await write(
      io.stdout,
      `${JSON.stringify({ routing: opts.routing, people: people.length, counts, rules, assignments: people, errors })}\n`,
    );
    return 0;
  }
  for (const e of errors) io.stderr.write(`${opts.leads}:${e.line}: ${e.message}\n`);
  const width = Math.max(10, ...Object.keys(counts).map((k) => k.length + 2));
  const lines = [
    `${people.length} people routed under ${opts.routing}${opts.accounts ? '' : ' (no --accounts: account matching skipped)'}`,
    '',
    `${'user'.padEnd(width)}${'people'.padStart(8)}`,
  ];
  for (const [u, n] of Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    lines.push(`${u.padEnd(width)}${String(n).padStart(8)}`);
  lines.push('', `${'rule'.padEnd(width)}${'people'.padStart(8)}`);
  for (const [r, n] of Object.entries(rules)) lines.push(`${r.padEnd(width)}${String(n).padStart(8)}`);
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}
