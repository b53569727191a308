// review deploy30: the chart into a namespace every cluster has (namespace.name kube-system, default,
// kube-public, kube-node-lease) with namespace.create left true rendered that Namespace labelled
// Pod Security restricted. `helm install` refuses to take it over, but Argo CD renders the chart
// with `helm template` and applies it: kube-system was relabelled restricted, and the apiserver
// refused its privileged pods (kube-proxy, CNI agents) from then on. `ais-guard render --namespace`
// leaves such a Namespace out (src/deploy BUILT_IN_NAMESPACES); the chart now does the same, and
// the two stay equal (test/e2e/10-helm-chart: render --namespace = namespace.name).
import { expect, it } from '@jest/globals';
import { renderManifests } from '../../src/deploy/index.js';
import { template } from './support/helm.js';

it.each(['kube-system', 'default', 'kube-public', 'kube-node-lease'])(
  'namespace.name %s: no Namespace object, whatever namespace.create says; the rest as render --namespace',
  async (namespace) => {
    const { objects } = await template({ 'namespace.name': namespace });
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    const rendered = await renderManifests({ namespace });
    const key = (o: { kind?: string; metadata?: { name?: string } }) => `${o.kind}/${o.metadata?.name}`;
    expect(objects.map(key).sort()).toEqual(rendered.map(key).sort());
  },
);

it('another namespace still gets its Namespace, labelled restricted', async () => {
  const { objects } = await template({ 'namespace.name': 'guard-ops' });
  expect(objects.find((o) => o.kind === 'Namespace')?.metadata).toMatchObject({
    name: 'guard-ops',
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
  });
});
