// The harness's own embedded server turns management on for itself (tune drives it) on the
// loopback address it picks, and leaves the choice to the scenario when target.server says.
import { describe, expect, it } from 'vitest';
import { harnessFlags, serverFlags } from '../../src/runner/embeddedServer.ts';

describe('the embedded server the harness starts', () => {
  it('turns management on for its own loopback server when the scenario does not say', () => {
    expect(harnessFlags({})).toEqual(['--management', 'true']);
    expect(harnessFlags({ workers: 2 })).toEqual(['--management', 'true']);
    expect(harnessFlags({ management_token_file: '/run/token' })).toEqual(['--management', 'true']);
  });

  it('leaves management to target.server when it names it, or chooses the address', () => {
    expect(harnessFlags({ management: false })).toEqual([]);
    expect(harnessFlags({ management: true })).toEqual([]);
    expect(harnessFlags({ host: '0.0.0.0' })).toEqual([]);
    expect(harnessFlags({ host: '127.0.0.1' })).toEqual([]);
  });

  it('passes target.server on as flags', () => {
    expect(serverFlags({ max_batch_size: 16, preferred_batch_sizes: [4, 8], management: false })).toEqual(['--max-batch-size', '16', '--preferred-batch-sizes', '4,8', '--management', 'false']);
  });
});
