/**
 * `baton agreement log | show V | diff A B|draft | diff draft | approve [--as EMAIL|--token TOKEN]
 * | rollback V`: the versions that went live and the draft on disk. `diff A draft` compares a
 * stored version with agreement.yaml as it is on disk (`diff draft`: the live version with it).
 * `approve` records a named user's approval of the draft's text (its sha256); `baton serve` makes
 * the version live at its next check, within seconds, once both owners approved. `rollback`
 * writes a new version with an old one's text and the next number to agreement.yaml: a draft,
 * approved like any change.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { redraft, shortHash } from '../config/agreement-text.ts';
import { AGREEMENT_FILE, loadConfig } from '../config/load.ts';
import { approveDraft, examineDraft, nextVersion, type DraftState } from '../pipeline/agreement-draft.ts';
import {
  diffToDisk,
  listVersions,
  versionDetail,
  versionsDiff,
  type ApprovalView,
} from '../pipeline/reports/agreement-history.ts';
import { errorMessage, InputError, NotFoundError } from '../platform/errors.ts';
import { userTokenHash } from '../server/auth.ts';
import type { Store } from '../store/types.ts';
import { runWithStore } from './with-store.ts';

export const summary = 'the agreement versions: log, show V, diff A B|draft, approve, rollback V';

const USAGE = `usage: baton agreement log [--json] [--config DIR]
       baton agreement show V
       baton agreement diff A B | diff A draft | diff draft [--config DIR]
       baton agreement approve (--as EMAIL | --token TOKEN) [--config DIR]
       baton agreement rollback V [--config DIR]

log       every version that went live (newest first: hash, live from/to, who approved and how), and the draft on disk
show V    version V's text as it went live (on stdout; its hash and approvals on stderr)
diff A B  the unified diff from version A's text to version B's; B 'draft': to agreement.yaml on disk
          (as it is, even when it does not validate); 'diff draft': from the live version to agreement.yaml
approve   approve the draft in agreement.yaml as a named user (baton users add): --as their email, or
          --token their token (or BATON_USER_TOKEN); baton serve makes it live once both owners approved
rollback  write version V's text to agreement.yaml as a new version (the next number), approvals removed:
          a draft, approved like any change
--config DIR  the configuration folder (default: BATON_CONFIG_DIR or ./mappings)`;

const SUBCOMMANDS = ['log', 'show', 'diff', 'approve', 'rollback'];

const versionArg = (v: string | undefined, name: string, expected = 'a version number'): number => {
  if (!v || !/^\d{1,9}$/.test(v))
    throw new InputError(`${name}: expected ${expected}, got '${v ?? ''}'`, { field: name });
  return Number(v);
};

/** `diff A draft` or `diff draft` (from the live version): the stored text against agreement.yaml as it is on disk. */
async function diffDraft(store: Store, dir: string, from: string | null): Promise<void> {
  const file = join(dir, AGREEMENT_FILE);
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new NotFoundError(`${file}: no agreement on disk to compare (${errorMessage(e)})`, { cause: e });
  });
  const r = await diffToDisk(store, from === null ? null : versionArg(from, 'A'), text, fileVersion(text));
  console.log(r.diff.replace(/\n$/, '') || `${file} has the same text as v${r.from}`);
}

const approvalsLine = (approvals: ApprovalView[]): string =>
  approvals.length
    ? approvals
        .map(
          (a) =>
            `${a.side} ${a.name} (${a.via} ${a.via === 'file' ? a.approved_on : a.at.slice(0, 16).replace('T', ' ')})`,
        )
        .join(', ')
    : 'no approvals recorded';

/** The draft's state in one line. */
export function draftLine(d: DraftState): string {
  const head = `v${d.version} (sha256 ${shortHash(d.hash)})`;
  if (d.status === 'refused') return d.message;
  if (d.status === 'draft')
    return `draft ${head} on disk: approved by ${d.approvals.map((a) => `${a.side} ${a.name}`).join(', ') || 'no one'}; waiting for ${d.missing.join(' and ')}`;
  if (d.status === 'scheduled') return `${head} is approved by both owners; it goes live at ${d.effective} (effective)`;
  return `${head} is approved by both owners: baton serve makes it live at its next check (within seconds)`;
}

/** The `version:` a file holds, or 0 when it does not parse or has none. */
function fileVersion(text: string): number {
  try {
    return Number((parse(text) as { version?: unknown } | null)?.version) || 0;
  } catch {
    return 0;
  }
}

async function draftOnDisk(store: Store, dir: string): Promise<DraftState | null> {
  return examineDraft(store, await loadConfig(dir), new Date());
}

export function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    console.log(USAGE);
    return Promise.resolve(sub === '--help' || sub === '-h' ? 0 : 1);
  }
  return runWithStore(`agreement ${sub}`, USAGE, rest, async (store) => {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean' },
        as: { type: 'string' },
        token: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const dir = resolve(values.config ?? process.env.BATON_CONFIG_DIR ?? 'mappings');
    switch (sub) {
      case 'log': {
        const versions = await listVersions(store);
        const draft = await draftOnDisk(store, dir).catch(() => null);
        if (values.json) {
          console.log(JSON.stringify({ versions, draft: draft ? { ...draft, text: undefined } : null }, null, 2));
          return 0;
        }
        if (draft) console.log(draftLine(draft), '\n');
        if (!versions.length) console.log('no version went live yet');
        for (const v of versions)
          console.log(
            `v${v.version}${v.live ? ' (live)' : ''}  sha256 ${shortHash(v.hash)}  ${v.live_from} → ${v.live_to ?? 'now'}\n` +
              `    ${approvalsLine(v.approvals)}`,
          );
        return 0;
      }
      case 'show': {
        const v = await versionDetail(store, versionArg(positionals[0], 'V'));
        console.error(
          `v${v.version} sha256 ${v.hash}, live ${v.live_from} → ${v.live_to ?? 'now'}; ${approvalsLine(v.approvals)}`,
        );
        console.log(v.text.replace(/\n$/, ''));
        return 0;
      }
      case 'diff': {
        const [a, b] = positionals;
        if (b === 'draft' || (a === 'draft' && b === undefined)) {
          await diffDraft(store, dir, a === 'draft' ? null : a);
          return 0;
        }
        if (a === 'draft') {
          const hint = `the draft on disk goes last: diff ${b} draft, or diff draft (from the live version)`;
          throw new InputError(`A: ${hint}`, { field: 'A' });
        }
        const diff = await versionsDiff(
          store,
          versionArg(positionals[0], 'A'),
          versionArg(positionals[1], 'B', "a version number or 'draft'"),
        );
        console.log(diff.replace(/\n$/, '') || 'the two versions have the same text');
        return 0;
      }
      case 'approve': {
        const token = values.token ?? process.env.BATON_USER_TOKEN;
        const user = values.as
          ? (await store.listUsers()).find((u) => u.email === values.as!.trim().toLowerCase())
          : token
            ? await store.userByTokenHash(userTokenHash(token))
            : undefined;
        if (!values.as && !token)
          throw new InputError('approve: say who approves: --as EMAIL or --token TOKEN (or BATON_USER_TOKEN)', {
            field: 'as',
          });
        if (!user)
          throw new InputError(values.as ? `no user ${values.as} (baton users list)` : 'that token is no user’s', {
            field: values.as ? 'as' : 'token',
          });
        const before = await draftOnDisk(store, dir);
        const r = await approveDraft(store, before, { user, via: 'cli' }, new Date());
        console.log(
          r.recorded
            ? `${user.name} approved v${before!.version} (sha256 ${shortHash(before!.hash)}) for ${r.side}`
            : `${r.side} had approved v${before!.version} (sha256 ${shortHash(before!.hash)}) already`,
        );
        const after = await draftOnDisk(store, dir);
        if (after) console.log(draftLine(after));
        return 0;
      }
      default: {
        const v = await versionDetail(store, versionArg(positionals[0], 'V'));
        const file = join(dir, AGREEMENT_FILE);
        // The file's own number counts too (a draft above every stored version), even when the file does not validate.
        const onDisk = await readFile(file, 'utf8').then(fileVersion, () => 0);
        const next = nextVersion(await store.listAgreementVersions(), onDisk);
        await writeFile(file, redraft(v.text, next));
        console.log(
          `wrote ${file}: v${next} with the text of v${v.version}, approvals removed — a draft; ` +
            `both owners approve it (dashboard or baton agreement approve) before it goes live`,
        );
        return 0;
      }
    }
  });
}
