import { describe, expect, it } from 'vitest';
import { parseServingOverride, resolveConfig, serverConfigOf, servingSettingsFor } from '../../../src/server/config/resolve.ts';
import { configErrorOf } from '../../helpers/refused.ts';

describe('server settings precedence', () => {
  it('uses built-in defaults when no source sets a value', () => {
    const resolved = resolveConfig({});
    expect(resolved.values.host).toBe('127.0.0.1');
    expect(resolved.values.workers).toBe(1);
    expect(resolved.sources.workers).toBe('default');
  });

  it('ranks flags over env over file over defaults, and says where each value came from', () => {
    const resolved = resolveConfig({
      file: { path: 'servebench.yaml', data: { workers: 2, max_queue_size: 10, port: 9000 } },
      env: { SERVEBENCH_WORKERS: '3', SERVEBENCH_MAX_QUEUE_SIZE: '20' },
      flags: { workers: '4' },
    });
    expect(resolved.values.workers).toBe(4);
    expect(resolved.sources.workers).toBe('flag');
    expect(resolved.values.max_queue_size).toBe(20);
    expect(resolved.sources.max_queue_size).toBe('env');
    expect(resolved.values.port).toBe(9000);
    expect(resolved.sources.port).toBe('file');
  });

  it('per-model serving settings layer model defaults < file < model_settings < env < flags < override', () => {
    const resolved = resolveConfig({
      file: { path: 'c.yaml', data: { max_batch_delay_us: 100, model_settings: { mlp: { max_batch_delay_us: 200, workers: 2 } } } },
      env: { SERVEBENCH_MAX_BATCH_SIZE: '32' },
    });
    const mlp = servingSettingsFor('mlp', 64, { max_batch_size: 8, workers: 1, max_queue_size: 50 }, resolved);
    expect(mlp).toMatchObject({ max_batch_size: 32, max_batch_delay_us: 200, workers: 2, max_queue_size: 50 });
    const cnn = servingSettingsFor('cnn', 64, undefined, resolved, { workers: 3 });
    expect(cnn).toMatchObject({ max_batch_delay_us: 100, workers: 3, max_batch_size: 32 });
  });

  it('caps batching at what the model allows, and drops preferred sizes beyond it', () => {
    const resolved = resolveConfig({ flags: { max_batch_size: '128', preferred_batch_sizes: '4,8,256' } });
    expect(servingSettingsFor('m', 16, undefined, resolved)).toMatchObject({ max_batch_size: 16, preferred_batch_sizes: [4, 8] });
    expect(servingSettingsFor('static', 0, undefined, resolved).max_batch_size).toBe(0);
  });

  it('refuses an unknown setting naming it and suggesting the near one', () => {
    const err = configErrorOf(() => resolveConfig({ file: { path: 'c.yaml', data: { worker: 2 } } }));
    expect(err.message).toContain('c.yaml');
    expect(err.message).toContain('"worker"');
    expect(err.message).toContain('workers');
  });

  it('refuses invalid values naming the source and what was expected', () => {
    expect(configErrorOf(() => resolveConfig({ flags: { workers: 'many' } })).message).toBe('flag --workers: expected an integer, got "many"');
    expect(configErrorOf(() => resolveConfig({ env: { SERVEBENCH_PORT: '70000' } })).message).toContain('environment SERVEBENCH_PORT: expected a number between 0 and 65535');
    expect(configErrorOf(() => resolveConfig({ file: { path: 'c.json', data: { execution_provider: 'tpu' } } })).message).toContain('one of cpu, cuda');
    expect(configErrorOf(() => resolveConfig({ flags: { preferred_batch_sizes: '4,x' } })).message).toContain('a list of integers');
    expect(configErrorOf(() => resolveConfig({ file: { path: 'c.yaml', data: { model_settings: { mlp: { port: 1 } } } } })).message).toContain('cannot be set per model');
  });

  it('parses management overrides with the same rules', () => {
    expect(parseServingOverride({ workers: 2, max_batch_delay_us: '500' }, 'load')).toEqual({ workers: 2, max_batch_delay_us: 500 });
    expect(configErrorOf(() => parseServingOverride({ host: '0.0.0.0' }, 'load')).message).toContain('load.host: unknown serving setting');
  });

  it('caps a management override relative to the cores, naming the field, the value asked and the cap', () => {
    // 2 cores: workers <= 8, intra_op_threads <= 2, workers x intra_op_threads <= 8.
    expect(parseServingOverride({ workers: 8, intra_op_threads: 1 }, 'load', 2)).toEqual({ workers: 8, intra_op_threads: 1 });
    expect(parseServingOverride({ workers: 4, intra_op_threads: 2 }, 'load', 2)).toEqual({ workers: 4, intra_op_threads: 2 });
    expect(configErrorOf(() => parseServingOverride({ workers: 64, intra_op_threads: 256 }, 'load', 2), 'SB_ERR_BAD_OVERRIDE').message).toBe(
      "load: workers: asked 64, over the cap of 8 (4 x 2 cores); intra_op_threads: asked 256, over the cap of 2 (the machine's 2 cores)",
    );
    expect(configErrorOf(() => parseServingOverride({ workers: 8, intra_op_threads: 2 }, 'load', 2), 'SB_ERR_BAD_OVERRIDE').message).toBe('load: workers x intra_op_threads: 8 x 2 = 16, over the cap of 8 (4 x 2 cores)');
    expect(configErrorOf(() => parseServingOverride({ intra_op_threads: 3 }, 'load', 2), 'SB_ERR_BAD_OVERRIDE').message).toContain('intra_op_threads: asked 3, over the cap of 2');
  });

  it('caps an override together with the thread counts the other layers give the model, and leaves the operator\'s own settings to the static limits', () => {
    const resolved = resolveConfig({ flags: { workers: '64', intra_op_threads: '4' } });
    expect(servingSettingsFor('mlp', 64, undefined, resolved, {}, 2)).toMatchObject({ workers: 64, intra_op_threads: 4 });
    expect(configErrorOf(() => servingSettingsFor('mlp', 64, undefined, resolved, { workers: 4 }, 2), 'SB_ERR_BAD_OVERRIDE').message).toBe('load of mlp: workers x intra_op_threads: 4 x 4 = 16, over the cap of 8 (4 x 2 cores)');
    expect(servingSettingsFor('mlp', 64, undefined, resolved, { workers: 2 }, 2)).toMatchObject({ workers: 2, intra_op_threads: 4 });
  });

  it('builds the typed server config with fault settings', () => {
    const config = serverConfigOf(resolveConfig({ flags: { fault_stall_ms: '200', fault_stall_every_s: '2', load_models: 'mlp, cnn' } }));
    expect(config.faults.stallMs).toBe(200);
    expect(config.faults.stallEverySeconds).toBe(2);
    expect(config.loadModels).toEqual(['mlp', 'cnn']);
  });
});
