// review cli27: `check -n NS` on manifests that name another namespace. README: "-n, --namespace NS
// (objects that name none are in NS, as kubectl apply -n puts them)". kubectl apply -n NS refuses an
// object that names another namespace: cli-runtime pkg/resource/visitor.go RequireNamespace (used by
// Builder.FilenameParam when -n is given, enforceNamespace): `the namespace from the provided object
// "ais" does not match the namespace "other". You must pass '--namespace=ais' to perform this
// operation.` `ais-guard plan -n other` refuses the same input ("the CR is in namespace ais, not
// other", exit 2). `check -n other examples/multi-target/` says nothing of it and passes (exit 0,
// "0 denied"): a CI job that runs check as its apply runs (`kubectl apply -n other -f DIR`) is told
// the set is fine while the apply fails on every object.
import { describe, expect, it } from '@jest/globals';
import { ROOT, runCli } from './support/cli.js';

const run = (args: string[]) => runCli(args, { cwd: ROOT, env: { NO_COLOR: '1' } });

describe('review cli27: check -n NS and an object of another namespace', () => {
  it('plan -n other refuses the CR of namespace ais (the behaviour check should share)', () => {
    const r = run([
      'plan',
      '--disks',
      'examples/disks.yaml',
      '-n',
      'other',
      'examples/multi-target/01-aistore.yaml',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/namespace ais, not other/);
  });

  it('check -n other examples/multi-target/: an input error naming the file and both namespaces, exit 2', () => {
    const r = run(['check', '-n', 'other', 'examples/multi-target/']);
    expect(r.stdout + r.stderr).toMatch(
      /examples\/multi-target\/01-aistore\.yaml:\d+: error: .*"?ais"?.*"?other"?/,
    );
    expect(r.status).toBe(2);
  });
});
