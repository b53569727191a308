// test/oracle/build.sh caches the oracle binary under a key meant to change whenever the binary
// would: the program, the operator's sources, and the Go toolchain that compiles them (the build
// uses the local one, GOTOOLCHAIN=local). `go` here is a fake on PATH that reports a version and
// writes a binary, so the test needs neither Go nor the operator source; it counts the builds.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

const FAKE_GO = `#!/bin/sh
case "$1" in
  version) echo "go version $FAKE_GO_VERSION linux/amd64" ;;
  build)
    echo build >> "$FAKE_GO_LOG"
    if [ "$FAKE_GO_FAIL" = 1 ]; then echo "cmd/aisguard-oracle/main.go:1:1: expected 'package'" >&2; exit 1; fi
    while [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then out=$2; fi; shift; done
    printf '#!/bin/sh\\n' > "$out"; chmod +x "$out" ;;
  *) echo "fake go: $*" >&2; exit 2 ;;
esac
`;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-oracle33-build-'));
  const operator = join(dir, 'ais-k8s', 'operator');
  mkdirSync(join(operator, 'api'), { recursive: true });
  mkdirSync(join(operator, 'internal', 'controller', 'aistore'), { recursive: true });
  mkdirSync(join(operator, 'cmd'), { recursive: true });
  writeFileSync(join(operator, 'cmd', 'main.go'), 'package main\n');
  writeFileSync(join(operator, 'go.mod'), 'module github.com/ais-operator\n\ngo 1.26.0\n');
  writeFileSync(join(operator, 'go.sum'), '');
  writeFileSync(join(operator, 'api', 'types.go'), 'package api\n');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'go'), FAKE_GO, { mode: 0o755 });
  const log = join(dir, 'builds.log');
  writeFileSync(log, '');
  const run = (script: string, env: Record<string, string>) =>
    spawnSync('bash', [join(ROOT, 'test', 'oracle', script)], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        AIS_K8S_SOURCE: join(dir, 'ais-k8s'),
        AIS_GUARD_CACHE: join(dir, 'cache'),
        FAKE_GO_LOG: log,
        FAKE_GO_VERSION: 'go1.26.8',
        ...env,
      },
    });
  const builds = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  return { run, builds };
}

describe('oracle build.sh: the cached binary', () => {
  it('is reused for the same toolchain and rebuilt by another Go version', () => {
    const { run, builds } = setup();
    const first = run('build.sh', {});
    expect(first.status).toBe(0);
    expect(builds()).toBe(1);
    const again = run('build.sh', {});
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(first.stdout.trim().split('\n').at(-1));
    expect(builds()).toBe(1);
    const upgraded = run('build.sh', { FAKE_GO_VERSION: 'go1.27.1' });
    expect(upgraded.status).toBe(0);
    expect(builds()).toBe(2);
    expect(upgraded.stdout.trim().split('\n').at(-1)).not.toBe(first.stdout.trim().split('\n').at(-1));
  });

  it('a failed build fails run.sh (in CI too) before any test runs, saying why', () => {
    const { run } = setup();
    const r = run('run.sh', { FAKE_GO_FAIL: '1', CI: 'true' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("expected 'package'");
    expect(r.stderr).not.toContain('oracle: tests');
  });
});
