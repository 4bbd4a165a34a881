// The loaded models: which version of each is served, with which settings, by which scheduler.
// Reloads swap a new scheduler in before draining the old one, so no accepted request is lost.
import type { ResolvedConfig } from './config/resolve.ts';
import { servingSettingsFor } from './config/resolve.ts';
import { serveError } from './errors.ts';
import type { FaultInjector } from './faults.ts';
import type { SchedulerObserver, ServingSettings } from './inference.ts';
import type { ModelConfig } from './repository/modelConfig.ts';
import { isSafeName, loadModelVersion, scanRepository } from './repository/repository.ts';
import { ModelScheduler } from './scheduler.ts';
import type { SettingValue } from './config/settings.ts';

export interface LoadedModel {
  name: string;
  version: string;
  config: ModelConfig;
  settings: ServingSettings;
  /** False when the version folder has no manifest binding its files. */
  bound: boolean;
  scheduler: ModelScheduler;
}

export interface RegistryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ModelRegistryOptions {
  root: string;
  resolved: ResolvedConfig;
  logger: RegistryLogger;
  faults: FaultInjector;
  observerFor(model: string, version: string): SchedulerObserver;
}

export class ModelRegistry {
  private readonly loaded = new Map<string, LoadedModel>();
  /** Serializes load/unload per model so two management calls cannot interleave. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Set by drainAndStop: a load still running then stops what it started instead of serving it. */
  private closing = false;

  constructor(private readonly opts: ModelRegistryOptions) {}

  /** Looks up the model a request names; 404s list what is loaded. */
  get(name: string, version?: string): LoadedModel {
    const model = isSafeName(name) ? this.loaded.get(name) : undefined;
    if (!model) {
      const names = [...this.loaded.keys()].join(', ') || 'none';
      throw serveError('SB_ERR_MODEL_NOT_FOUND', `model "${name}" is not loaded (loaded: ${names})`);
    }
    if (version !== undefined && version !== model.version) {
      throw serveError('SB_ERR_VERSION_NOT_FOUND', `model "${name}" version "${version}" is not loaded (loaded: version ${model.version})`);
    }
    return model;
  }

  list(): LoadedModel[] {
    return [...this.loaded.values()];
  }

  has(name: string): boolean {
    return this.loaded.has(name);
  }

  /** Repository index: every model on disk with its state (KServe/Triton repository index). */
  async index(): Promise<{ name: string; version: string; state: 'READY' | 'UNAVAILABLE'; reason?: string }[]> {
    const onDisk = await scanRepository(this.opts.root);
    return onDisk.map((entry) => {
      const model = this.loaded.get(entry.name);
      const latest = entry.versions[entry.versions.length - 1] ?? '';
      return model
        ? { name: entry.name, version: model.version, state: 'READY' as const }
        : { name: entry.name, version: latest, state: 'UNAVAILABLE' as const, reason: 'unloaded' };
    });
  }

  async loadAll(names: string[]): Promise<void> {
    const onDisk = await scanRepository(this.opts.root);
    const wanted = names.length > 0 ? names : onDisk.map((m) => m.name);
    for (const name of wanted) await this.load(name);
  }

  /** Loads (or reloads with new settings) the latest version of a model. */
  load(name: string, override: Record<string, SettingValue> = {}): Promise<LoadedModel> {
    return this.serialized(name, async () => {
      this.refuseWhenClosing(name);
      const { root, resolved, logger } = this.opts;
      logger.info({ model: name }, 'loading model');
      const version = await loadModelVersion(root, name);
      for (const warning of version.warnings) logger.warn({ model: name, version: version.config.version }, warning);
      for (const note of version.notes) logger.info({ model: name, version: version.config.version }, note);
      const settings = servingSettingsFor(name, version.config.max_batch_size, version.config.serving, resolved, override);
      const scheduler = new ModelScheduler({
        modelName: name,
        config: version.config,
        files: version.files,
        settings,
        observer: this.opts.observerFor(name, version.config.version),
        faults: { shouldCrashWorker: () => this.opts.faults.shouldCrashWorker() },
      });
      await scheduler.start();
      if (this.closing) {
        await scheduler.stop();
        this.refuseWhenClosing(name);
      }
      const next: LoadedModel = { name, version: version.config.version, config: version.config, settings, bound: version.bound, scheduler };
      const previous = this.loaded.get(name);
      this.loaded.set(name, next);
      logger.info({ model: name, version: next.version, settings }, previous ? 'model reloaded' : 'model loaded');
      if (previous) await retire(previous);
      return next;
    });
  }

  unload(name: string): Promise<void> {
    return this.serialized(name, async () => {
      const model = this.loaded.get(name);
      if (!model) throw serveError('SB_ERR_MODEL_NOT_FOUND', `model "${name}" is not loaded`);
      this.loaded.delete(name);
      await retire(model);
      this.opts.logger.info({ model: name }, 'model unloaded');
    });
  }

  /** Completes every accepted request, then stops all workers, those of loads still under way included. */
  async drainAndStop(): Promise<void> {
    this.closing = true;
    await Promise.all(this.pending.values());
    const models = this.list();
    this.loaded.clear();
    await Promise.all(models.map(retire));
  }

  private refuseWhenClosing(name: string): void {
    if (this.closing) throw serveError('SB_ERR_SHUTTING_DOWN', `model "${name}" was not loaded: the server is shutting down`);
  }

  private serialized<T>(name: string, work: () => Promise<T>): Promise<T> {
    const before = this.pending.get(name) ?? Promise.resolve();
    const result = before.then(work, work);
    this.pending.set(name, result.catch(() => undefined));
    return result;
  }
}

async function retire(model: LoadedModel): Promise<void> {
  await model.scheduler.drain();
  await model.scheduler.stop();
}
