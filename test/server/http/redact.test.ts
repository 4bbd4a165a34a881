// What a client may read of a server error: paths relative to the model repository, no listing of
// the repository's models; a model's own versions and everything else unchanged.
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactMessage, repositoryRoots } from '../../../src/server/http/redact.ts';

const roots = ['/srv/models'];

describe('redactMessage', () => {
  it('drops the listing of loaded or stored models from a 404', () => {
    expect(redactMessage('model "zzz" is not loaded (loaded: mlp, cnn)', roots)).toBe('model "zzz" is not loaded');
    expect(redactMessage('model "zzz" is not in repository /srv/models (models: cnn, mlp, pipeline)', roots)).toBe('model "zzz" is not in the model repository');
  });

  it("keeps the versions of the model the client named", () => {
    expect(redactMessage('model "mlp" version "9" is not loaded (loaded: version 1)', roots)).toBe('model "mlp" version "9" is not loaded (loaded: version 1)');
    expect(redactMessage('model "mlp" has no version "9" (versions: 1, 2)', roots)).toBe('model "mlp" has no version "9" (versions: 1, 2)');
  });

  it('makes paths under the repository relative to it, wherever they are in the message', () => {
    expect(redactMessage("/srv/models/mlp/1/config.json: model_file: 'x.onnx' is not in /srv/models/mlp/1 (files: config.json)", roots)).toBe(
      "mlp/1/config.json: model_file: 'x.onnx' is not in mlp/1 (files: config.json)",
    );
    expect(redactMessage("model repository /srv/models cannot be read (EACCES: permission denied, scandir '/srv/models')", roots)).toBe(
      "the model repository cannot be read (EACCES: permission denied, scandir '.')",
    );
  });

  it('leaves a longer sibling of the root and messages without paths alone', () => {
    expect(redactMessage('/srv/models2/x is elsewhere', roots)).toBe('/srv/models2/x is elsewhere');
    expect(redactMessage('inputs[0].shape: expected [-1, 784], got [2]', roots)).toBe('inputs[0].shape: expected [-1, 784], got [2]');
  });
});

describe('repositoryRoots', () => {
  it('lists the resolved root and, behind a symlink, its real path, longest first', () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sb-roots-')));
    try {
      const link = path.join(dir, 'link');
      symlinkSync(path.join(dir), link);
      expect(repositoryRoots(link)).toEqual([link, dir]);
      expect(repositoryRoots(path.join(dir, 'missing'))).toEqual([path.join(dir, 'missing')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
