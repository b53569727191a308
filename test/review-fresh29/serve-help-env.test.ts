// Review fresh29: `serve --help` says "Flags win over environment variables (AIS_GUARD_*)" and names
// the variable beside seven flags; src/server/config.ts reads one for ten more (--failure-mode,
// --log-level, --tls-cert, --include-namespaces, --shutdown-timeout, --no-cluster, ...). A user who
// sets the guard up by environment (a Deployment's env, a systemd unit) reads the help and finds no
// way to give those but flags.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVE_HELP } from '../../src/cli/serve.js';

const CONFIG = readFileSync(join(import.meta.dirname, '../../src/server/config.ts'), 'utf8');
/** The variables config.ts reads; AIS_GUARD_HOST is the older name of AIS_GUARD_ADDRESS. */
const READ = [...new Set(CONFIG.match(/AIS_GUARD_[A-Z_]+[A-Z]/g))].filter((v) => v !== 'AIS_GUARD_HOST');

describe('review fresh29: serve --help names every environment variable serve reads', () => {
  it('config.ts reads some (the list is not empty)', () => {
    expect(READ.length).toBeGreaterThan(10);
  });
  it.each(READ.map((v) => [v]))('%s', (variable) => {
    expect(SERVE_HELP).toContain(variable);
  });
});
