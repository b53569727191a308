// review fresh24: shutdown timers past what setTimeout holds.
//
// DEFECT: src/server/config.ts refuses --ca-overlap above 2^31-1 ms ("A longer timer would overflow
// Node's setTimeout and fire at once"), but --shutdown-delay / --shutdown-timeout (and
// AIS_GUARD_SHUTDOWN_*, shutdownDelaySeconds / shutdownTimeoutSeconds in the file) go through the
// same seconds() with no bound, straight into setTimeout (src/server/server.ts: the delay before
// closing, the timeout that cuts connections). Node clamps a delay over 2147483647 ms to 1 ms
// (TimeoutOverflowWarning): `--shutdown-delay 2592000` (30 days, "as long as it takes") keeps no
// delay at all, and `--shutdown-timeout 2592000` cuts in-flight reviews at once on SIGTERM.
// IMPACT: the opposite of what was asked, silently: during a rollout the apiserver's calls to a
// pod that stops serving fail, which on the Fail entries rejects AIStore writes.
// EXPECTED: a ConfigError at start, as for --ca-overlap.
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/server/config.js';

describe('review fresh24: shutdown timers past 24 days', () => {
  it.each(['shutdown-delay', 'shutdown-timeout'])('--%s 2592000 is refused at start', async (flag) => {
    await expect(loadConfig({ flags: { [flag]: '2592000' }, env: {} })).rejects.toThrow(ConfigError);
  });
});
