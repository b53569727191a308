import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, loadConfig } from '../../src/server/config.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'ais-guard-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
};

describe('server config', () => {
  it('defaults', async () => {
    expect(await loadConfig({ flags: {}, env: {} })).toEqual(DEFAULTS);
  });

  it('flags win over env, env over the file', async () => {
    const config = file('port: 9000\nmode: audit\nrules: { pvc-name: warn }\nnamespaces: { exclude: [a] }\n');
    const cfg = await loadConfig({
      flags: { config, port: '9443' },
      env: { AIS_GUARD_MODE: 'warn', AIS_GUARD_PORT: '9100' },
    });
    expect(cfg).toMatchObject({
      port: 9443,
      modes: { default: 'warn', rules: { 'pvc-name': 'warn' } },
      excludeNamespaces: ['a'],
    });
  });

  it('--address (or its older name --host) picks the listen address; flags win over env and file', async () => {
    const config = file('address: 10.0.0.1\n');
    expect((await loadConfig({ flags: { config }, env: {} })).host).toBe('10.0.0.1');
    expect((await loadConfig({ flags: { config }, env: { AIS_GUARD_HOST: '::1' } })).host).toBe('::1');
    expect((await loadConfig({ flags: { host: '::' }, env: { AIS_GUARD_ADDRESS: '::1' } })).host).toBe('::');
    expect((await loadConfig({ flags: { address: '127.0.0.1', host: '::' }, env: {} })).host).toBe(
      '127.0.0.1',
    );
  });

  it('the guard never judges its own namespace', async () => {
    const cfg = await loadConfig({
      flags: { 'exclude-namespaces': 'x' },
      env: { AIS_GUARD_NAMESPACE: 'ais-guard' },
    });
    expect(cfg.excludeNamespaces).toEqual(['x', 'ais-guard']);
  });

  it('--ca-overlap (seconds) sets how long older CAs stay trusted after a CA change', async () => {
    expect(DEFAULTS.caOverlapMs).toBe(600_000);
    expect((await loadConfig({ flags: { 'ca-overlap': '30' }, env: {} })).caOverlapMs).toBe(30_000);
    expect((await loadConfig({ flags: {}, env: { AIS_GUARD_CA_OVERLAP: '0' } })).caOverlapMs).toBe(0);
  });

  it('per-rule modes from a flag', async () => {
    const cfg = await loadConfig({
      flags: { 'rule-mode': 'pvc-name=audit, target-host-port=warn' },
      env: {},
    });
    expect(cfg.modes.rules).toEqual({ 'pvc-name': 'audit', 'target-host-port': 'warn' });
  });

  it.each<[string, Parameters<typeof loadConfig>[0], RegExp]>([
    ['a bad port', { flags: { port: '70000' }, env: {} }, /--port: port must be 0-65535/],
    // Number() reads " " as 0 (a random port) and "0x50" as 80: only decimal digits are a port.
    ['a blank port', { flags: { port: ' ' }, env: {} }, /--port: port must be 0-65535/],
    ['a hex port', { flags: {}, env: { AIS_GUARD_PORT: '0x50' } }, /AIS_GUARD_PORT: port must be 0-65535/],
    [
      'seconds in exponent form',
      { flags: { 'shutdown-timeout': '1e3' }, env: {} },
      /must be a number of seconds >= 0/,
    ],
    [
      'a bad mode from env',
      { flags: {}, env: { AIS_GUARD_MODE: 'strict' } },
      /AIS_GUARD_MODE: mode must be one of enforce, warn, audit/,
    ],
    [
      'an unknown rule',
      { flags: { 'rule-mode': 'no-such-rule=warn' }, env: {} },
      /unknown rule "no-such-rule"/,
    ],
    [
      'a bad failure mode',
      { flags: { 'failure-mode': 'maybe' }, env: {} },
      /failure mode must be allow or deny/,
    ],
    ['cert without key', { flags: { 'tls-cert': 'a' }, env: {} }, /--tls-cert and --tls-key go together/],
    [
      'a missing config file',
      { flags: { config: '/nonexistent.yaml' }, env: {} },
      /--config \/nonexistent.yaml: ENOENT/,
    ],
    ['an unknown key in the file', { flags: { config: file('prot: 1\n') }, env: {} }, /unknown key "prot"/],
    ['a file that is not a mapping', { flags: { config: file('- a\n') }, env: {} }, /must be a mapping/],
    ['broken YAML', { flags: { config: file('mode: [\n') }, env: {} }, /not valid YAML/],
    ['a bad log level', { flags: { 'log-level': 'loud' }, env: {} }, /log level must be one of/],
    [
      'a negative shutdown timeout',
      { flags: { 'shutdown-timeout': '-1' }, env: {} },
      /must be a number of seconds >= 0/,
    ],
    [
      'a CA overlap past what a Node timer holds (it would fire at once and drop the old CA early)',
      { flags: {}, env: { AIS_GUARD_CA_OVERLAP: '3000000' } },
      /AIS_GUARD_CA_OVERLAP: at most 2147483 seconds/,
    ],
  ])('rejects %s with a clear error', async (_name, sources, message) => {
    await expect(loadConfig(sources)).rejects.toThrow(ConfigError);
    await expect(loadConfig(sources)).rejects.toThrow(message);
  });
});
