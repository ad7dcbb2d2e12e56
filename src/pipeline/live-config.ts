/**
 * The configuration in force while `serve` runs. Loaded at start and whenever the folder changes
 * (fs.watch, plus a periodic check because watchers miss renames on some file systems); a change
 * takes effect within seconds, or is refused with the validator's message while the live version
 * keeps running. A version is its text: only a text both owners approved (`agreement-draft.ts`)
 * goes live, at once or at its `effective:` time; a changed text under a number already seen is
 * refused. Every live version is stored whole (text, hash, live from/to) and stamps the
 * transitions it causes. `goLive` is the one place where `live` becomes another version, and
 * `onLive` the one way to act on that moment.
 */
import { watch, type FSWatcher } from 'node:fs';
import { compileAgreement } from '../agreement/index.ts';
import { compressSla } from '../agreement/sla.ts';
import type { AgreementConfig } from '../config/agreement-schema.ts';
import { agreementHash } from '../config/agreement-text.ts';
import { loadConfig, parseAgreementText, type LoadedConfig } from '../config/load.ts';
import { footprintChanges } from '../mapping/footprint.ts';
import { errorMessage } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { Store } from '../store/types.ts';
import { examineDraft, type DraftState } from './agreement-draft.ts';
import type { LiveConfig } from './context.ts';

export interface LoadOutcome {
  ok: boolean;
  /** The validator's message when refused. */
  message?: string;
  changed?: boolean;
}

export interface Refusal {
  message: string;
  at: string;
  /** Set when the files hold a draft: its version and the owners (marketing, sales) still to approve it. */
  draft?: { version: number; missing: string[] };
  /** Set when the file holds an agreement that is not live: a draft, approved and scheduled, or refused as it is. */
  pending?: DraftState;
  /** Set when fields.yaml changed what the connectors read or set up: the changes waiting for a restart. */
  restart?: string[];
}

/** A new version went live in this process (at start too: `previous` is then null). */
export interface LiveEvent {
  version: number;
  hash: string;
  /** The version it replaced in this process; null at start. */
  previous: number | null;
  /** When the version went live (as stored: the first instance to make it live sets it). */
  at: string;
  /** True when this call stored the version (the first instance, the first time); false when it was stored already. */
  firstTime: boolean;
  config: LiveConfig;
}

export type LiveListener = (event: LiveEvent) => void | Promise<void>;

export interface LiveConfigSource {
  current(): LiveConfig | null;
  /** The last refusal (draft or invalid file), if the files on disk are not what is live; a draft names who has not approved it. */
  refused(): Refusal | null;
  /** The files as last loaded successfully. */
  loaded(): LoadedConfig | null;
  liveAt(): string | null;
  reload(): Promise<LoadOutcome>;
  /** Calls `listener` each time a new version goes live here (`goLive`), after `current()` shows it; returns the unsubscribe. */
  onLive(listener: LiveListener): () => void;
  /** Watches the folder; `intervalMs` is the periodic check. */
  watch(intervalMs?: number): void;
  close(): void;
}

export interface LiveConfigOptions {
  /** Demo only (`BATON_DEMO_TIME_SCALE`): SLA durations run this many times faster, without business hours. */
  slaTimeScale?: number;
}

/** Builds the live configuration of `dir`. */
export function liveConfig(
  dir: string,
  store: Store,
  log: Logger,
  now: () => Date = () => new Date(),
  options: LiveConfigOptions = {},
): LiveConfigSource {
  let live: LiveConfig | null = null;
  let loaded: LoadedConfig | null = null;
  let liveAt: string | null = null;
  let refused: Refusal | null = null;
  let lastTexts = '';
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let running: Promise<LoadOutcome> | null = null;
  let queued: Promise<LoadOutcome> | null = null;
  const listeners = new Set<LiveListener>();

  const textsOf = (cfg: LoadedConfig) =>
    `${cfg.texts.agreement}\0${cfg.texts.fields}\0${cfg.texts.routing ?? ''}\0${cfg.texts.alerts ?? ''}`;

  /**
   * The one place where the live configuration becomes `cfg`: the agreement compiled, the version
   * stored (closing the one it replaces), and, when the version differs from the one live here,
   * the `onLive` listeners told.
   */
  async function goLive(cfg: LoadedConfig): Promise<void> {
    const scale = options.slaTimeScale ?? 1;
    const agreementConfig: AgreementConfig =
      scale > 1 ? { ...cfg.agreement, sla: compressSla(cfg.agreement.sla, scale) } : cfg.agreement;
    const agreement = compileAgreement(agreementConfig);
    const at = now().toISOString();
    const hash = agreementHash(cfg.texts.agreement);
    const firstTime = await store.saveAgreementVersion({
      version: cfg.agreement.version,
      name: cfg.agreement.name,
      text: cfg.texts.agreement,
      owners: cfg.agreement.owners,
      hash,
      liveAt: at,
    });
    const stored = await store.liveAgreementVersion();
    const previous = live?.version ?? null;
    live = {
      agreement,
      agreementConfig,
      fields: cfg.fields,
      routing: cfg.routing,
      alerts: cfg.alerts,
      version: cfg.agreement.version,
      hash,
    };
    loaded = cfg;
    lastTexts = textsOf(cfg);
    liveAt = stored?.version === cfg.agreement.version ? stored.liveAt : at;
    if (previous === live.version) return;
    log.info('agreement live', { name: cfg.agreement.name, version: live.version, previous });
    const event: LiveEvent = { version: live.version, hash, previous, at: liveAt, firstTime, config: live };
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (err) {
        log.error('a listener of the new live version failed', { version: live.version, error: errorMessage(err) });
      }
    }
  }

  /** At start, with the files not live-able: the stored live version's text under the files' other settings. */
  async function startOnStored(cfg: LoadedConfig): Promise<void> {
    const stored = await store.liveAgreementVersion();
    if (!stored) return;
    const agreement = parseAgreementText(`${cfg.files.agreement} (stored v${stored.version})`, stored.text, cfg.fields);
    await goLive({ ...cfg, agreement, texts: { ...cfg.texts, agreement: stored.text } });
    log.warn(`the files do not hold a version that can go live; the stored live version ${stored.version} runs`);
  }

  async function load(): Promise<LoadOutcome> {
    let cfg: LoadedConfig;
    try {
      cfg = await loadConfig(dir);
    } catch (err) {
      return refuse(errorMessage(err));
    }
    if (live && textsOf(cfg) === lastTexts) return { ok: true, changed: false };
    // The connectors read and set up what fields.yaml names when they start: a mapping that reads
    // or writes other properties keeps the running one until a restart (writing a HubSpot property
    // Baton never created would fail every write), while the agreement and the rest go live.
    const needsRestart = live ? footprintChanges(live.fields, cfg.fields) : [];
    if (needsRestart.length) cfg = { ...cfg, fields: live!.fields };
    const pending = await examineDraft(store, cfg, now());
    if (pending && pending.status !== 'approved') {
      const outcome = refuse(pending.message, pending, pending.status === 'refused' ? 'error' : 'info');
      if (!live)
        await startOnStored(cfg).catch((err) =>
          log.error('the stored live version cannot run', { error: errorMessage(err) }),
        );
      return outcome;
    }
    try {
      await goLive(cfg);
    } catch (err) {
      return refuse(`${cfg.files.agreement}: ${errorMessage(err)}`);
    }
    refused = null;
    if (needsRestart.length) {
      const message = `${cfg.files.fields}: the change takes effect at the next start of baton serve (the connectors read and set up fields at start); until then the running mapping stays: ${needsRestart.join('; ')}`;
      log.warn(message);
      refused = { message, at: now().toISOString(), restart: needsRestart };
    }
    for (const w of cfg.warnings) log.warn(w);
    return { ok: true, changed: true };
  }

  function refuse(message: string, pending?: DraftState, level: 'error' | 'info' = 'error'): LoadOutcome {
    if (refused?.message !== message)
      log[level](
        live
          ? `configuration change refused; version ${live.version} stays live: ${message}`
          : `configuration refused: ${message}`,
      );
    const draft = pending?.status === 'draft' ? { version: pending.version, missing: pending.missing } : undefined;
    refused = { message, at: now().toISOString(), ...(draft ? { draft } : {}), ...(pending ? { pending } : {}) };
    return { ok: false, message };
  }

  const source: LiveConfigSource = {
    current: () => live,
    refused: () => refused,
    loaded: () => loaded,
    liveAt: () => liveAt,
    onLive(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload() {
      // One load at a time; a call while one runs gets the next one (which sees what the caller
      // just stored, e.g. an approval), and a burst of calls (the watcher) shares that one.
      if (running) {
        const next = () => {
          queued = null;
          return source.reload();
        };
        return (queued ??= running.then(next, next));
      }
      running = load().finally(() => (running = null));
      return running;
    },
    watch(intervalMs = 2000) {
      try {
        watcher = watch(dir, () => {
          if (debounce) clearTimeout(debounce);
          debounce = setTimeout(() => void source.reload(), 200);
        });
        watcher.on('error', () => {});
      } catch (err) {
        log.warn('cannot watch the configuration folder; checking periodically', { error: errorMessage(err) });
      }
      timer = setInterval(() => void source.reload(), intervalMs);
      timer.unref();
    },
    close() {
      watcher?.close();
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
    },
  };
  return source;
}

/** A fixed configuration (tests, one-shot commands). */
export function fixedConfig(config: LiveConfig): Pick<LiveConfigSource, 'current'> {
  return { current: () => config };
}
