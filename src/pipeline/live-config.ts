/**
 * The configuration in force while `serve` runs. Loaded at start and whenever the folder changes
 * (fs.watch, plus a periodic check because watchers miss renames on some file systems); a change
 * takes effect within seconds, or is refused with the validator's message while the live version
 * keeps running. Only an agreement both owners approved goes live; each live version is stored
 * (text, owners, when) and stamps the transitions it causes.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { compileAgreement } from '../agreement/index.ts';
import { compressSla } from '../agreement/sla.ts';
import { loadConfig, missingApprovals, type LoadedConfig } from '../config/load.ts';
import { footprintChanges } from '../mapping/footprint.ts';
import { errorMessage } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { Store } from '../store/types.ts';
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
  /** Set when fields.yaml changed what the connectors read or set up: the changes waiting for a restart. */
  restart?: string[];
}

/** A new agreement text went live (its number, its hash, and what was live in this process before it). */
export interface WentLive {
  version: number;
  hash: string;
  /** Null on the first load of this process. */
  previous: { version: number; hash: string } | null;
}

export interface LiveConfigSource {
  current(): LiveConfig | null;
  /** The last refusal (draft or invalid file), if the files on disk are not what is live; a draft names who has not approved it. */
  refused(): Refusal | null;
  /** The files as last loaded successfully. */
  loaded(): LoadedConfig | null;
  liveAt(): string | null;
  reload(): Promise<LoadOutcome>;
  /** Calls `listener` (awaited; a throw is logged) each time a new agreement text goes live, after it is live. */
  onLive(listener: (v: WentLive) => Promise<void> | void): void;
  /** Watches the folder; `intervalMs` is the periodic check. */
  watch(intervalMs?: number): void;
  close(): void;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

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
  const listeners: ((v: WentLive) => Promise<void> | void)[] = [];

  async function load(): Promise<LoadOutcome> {
    let cfg: LoadedConfig;
    try {
      cfg = await loadConfig(dir);
    } catch (err) {
      return refuse(errorMessage(err));
    }
    const texts = `${cfg.texts.agreement}\0${cfg.texts.fields}\0${cfg.texts.routing ?? ''}\0${cfg.texts.alerts ?? ''}`;
    if (live && texts === lastTexts) return { ok: true, changed: false };
    // The connectors read and set up what fields.yaml names when they start: a mapping that reads
    // or writes other properties keeps the running one until a restart (writing a HubSpot property
    // Baton never created would fail every write), while the agreement and the rest go live.
    const needsRestart = live ? footprintChanges(live.fields, cfg.fields) : [];
    if (needsRestart.length) cfg = { ...cfg, fields: live!.fields };
    const missing = missingApprovals(cfg.agreement);
    if (missing.length) {
      return refuse(
        `${cfg.files.agreement}: draft agreement '${cfg.agreement.name}' v${cfg.agreement.version} is not live: ${missing.join(' and ')} ha${missing.length > 1 ? 've' : 's'} not approved it`,
        { version: cfg.agreement.version, missing },
      );
    }
    const scale = options.slaTimeScale ?? 1;
    const agreementConfig =
      scale > 1 ? { ...cfg.agreement, sla: compressSla(cfg.agreement.sla, scale) } : cfg.agreement;
    let agreement;
    try {
      agreement = compileAgreement(agreementConfig);
    } catch (err) {
      return refuse(`${cfg.files.agreement}: ${errorMessage(err)}`);
    }
    const at = now().toISOString();
    const hash = hashOf(cfg.texts.agreement);
    await store.saveAgreementVersion({
      version: cfg.agreement.version,
      name: cfg.agreement.name,
      text: cfg.texts.agreement,
      owners: cfg.agreement.owners,
      hash,
      liveAt: at,
    });
    const stored = await store.liveAgreementVersion();
    const previous = live?.version;
    const before = live ? { version: live.version, hash: live.hash ?? '' } : null;
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
    lastTexts = texts;
    liveAt = stored?.version === cfg.agreement.version ? stored.liveAt : at;
    refused = null;
    if (needsRestart.length) {
      const message = `${cfg.files.fields}: the change takes effect at the next start of baton serve (the connectors read and set up fields at start); until then the running mapping stays: ${needsRestart.join('; ')}`;
      log.warn(message);
      refused = { message, at, restart: needsRestart };
    }
    for (const w of cfg.warnings) log.warn(w);
    log.info('agreement live', { name: cfg.agreement.name, version: cfg.agreement.version, previous });
    // The one moment a new agreement text becomes live (a fields or routing change keeps the text).
    if (before?.hash !== hash) await wentLive({ version: cfg.agreement.version, hash, previous: before });
    return { ok: true, changed: true };
  }

  async function wentLive(v: WentLive): Promise<void> {
    for (const l of listeners)
      try {
        await l(v);
      } catch (err) {
        log.error('a listener of the new agreement version failed', { version: v.version, error: errorMessage(err) });
      }
  }

  function refuse(message: string, draft?: Refusal['draft']): LoadOutcome {
    if (refused?.message !== message)
      log.error(
        live
          ? `configuration change refused; version ${live.version} stays live: ${message}`
          : `configuration refused: ${message}`,
      );
    refused = { message, at: now().toISOString(), ...(draft ? { draft } : {}) };
    return { ok: false, message };
  }

  const source: LiveConfigSource = {
    current: () => live,
    refused: () => refused,
    loaded: () => loaded,
    liveAt: () => liveAt,
    reload() {
      // One load at a time; a watcher burst collapses into the running one.
      running ??= load().finally(() => (running = null));
      return running;
    },
    onLive: (listener) => void listeners.push(listener),
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
