// Review "fresh28": check -n NS holds an object to -n only when its kind is in judge.ts NAMESPACED,
// a hand list that misses namespaced kinds of Kubernetes' own core API (group "", apiVersion v1) whose
// scope is not the cluster's to choose: ReplicationController (a core workload kind), LimitRange and
// ResourceQuota (core config kinds), Endpoints, PodTemplate, and apps/v1 ControllerRevision,
// coordination.k8s.io/v1 Lease, discovery.k8s.io/v1 EndpointSlice. kubectl apply -n NS refuses each
// of them when it names another namespace (k8s.io/cli-runtime pkg/resource/visitor.go RequireNamespace:
// `if !info.Namespaced() { return nil }` ... `if info.Namespace != namespace { return fmt.Errorf("the
// namespace from the provided object %q does not match the namespace %q ...`), as it does a ConfigMap;
// their scope comes from the apiserver's built-in discovery (all are namespaced:
// `kubectl api-resources --namespaced=true`). README: "With -n, an object of a namespaced kind (AIStore,
// Pod, PersistentVolumeClaim, StatefulSet and the other core workload and config kinds) that names
// another namespace is an input error (exit 2)". Today these pass with no finding (exit 0).
import { describe, expect, it } from '@jest/globals';
import { namespaceMismatches } from '../../src/cli/judge.js';
import type { Manifest, SourceFile } from '../../src/cli/load.js';

const source: SourceFile = { file: 'objects.yaml', argument: 0, viaSymlink: false, text: '' } as SourceFile;
const manifest = (apiVersion: string, kind: string): Manifest => ({
  source,
  document: 1,
  yamlPath: [],
  line: 1,
  object: { apiVersion, kind, metadata: { name: 'x', namespace: 'other' } },
});

describe('review fresh28: check -n holds the namespaced kinds of the core API to -n', () => {
  it('control: a ConfigMap naming another namespace is refused', () =>
    expect(namespaceMismatches([manifest('v1', 'ConfigMap')], 'ais')).toHaveLength(1));
  it.each([
    ['v1', 'ReplicationController'],
    ['v1', 'LimitRange'],
    ['v1', 'ResourceQuota'],
    ['v1', 'Endpoints'],
    ['v1', 'PodTemplate'],
    ['apps/v1', 'ControllerRevision'],
    ['coordination.k8s.io/v1', 'Lease'],
    ['discovery.k8s.io/v1', 'EndpointSlice'],
  ])('%s %s naming namespace "other" under -n ais is refused, as kubectl apply -n ais refuses it', (v, k) =>
    expect(namespaceMismatches([manifest(v, k)], 'ais')).toHaveLength(1),
  );
});
