// review fresh27c: `check -n NS` (94152c9, judge.ts namespaceMismatches) refuses an object that names
// another namespace, as `kubectl apply -n` does (cli-runtime pkg/resource/visitor.go RequireNamespace).
// But RequireNamespace returns nil at once for an object whose resource is not namespaced
// (`if !info.Namespaced() { return nil }`): kubectl never compares a cluster-scoped object's stray
// metadata.namespace with -n (the apiserver clears it on create). namespaceMismatches knows cluster
// scope only from the fixed list deploy/objects.ts CLUSTER_SCOPED, so a cluster-scoped kind missing
// from it (VolumeSnapshotClass, IngressClass, RuntimeClass, APIService, CSINode, VolumeAttachment, ...)
// is an input error (exit 2) where kubectl apply -n applies it.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const run = (args: string[], cwd: string) => runCli(args, { cwd, env: { NO_COLOR: '1' } });

const BUILTIN = [
  'apiVersion: snapshot.storage.k8s.io/v1',
  'kind: VolumeSnapshotClass',
  'metadata: {name: csi-snap, namespace: kube-system}',
  'driver: ebs.csi.aws.com',
  'deletionPolicy: Delete',
  '---',
  'apiVersion: networking.k8s.io/v1',
  'kind: IngressClass',
  'metadata: {name: nginx, namespace: ingress-nginx}',
  'spec: {controller: k8s.io/ingress-nginx}',
  '',
].join('\n');

describe('review fresh27c: check -n and cluster-scoped objects naming a namespace', () => {
  it('a VolumeSnapshotClass / IngressClass with a stray namespace is no -n mismatch (kubectl skips non-namespaced)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fresh27c-'));
    writeFileSync(join(dir, 'classes.yaml'), BUILTIN);
    const r = run(['check', '-n', 'ais', 'classes.yaml'], dir);
    expect(r.stdout + r.stderr).not.toMatch(/not "ais" of -n/);
    expect(r.status).toBe(0);
  });
});
