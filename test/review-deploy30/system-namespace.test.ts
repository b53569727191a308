// Review deploy30: `ais-guard render --namespace kube-system` (or default, kube-public,
// kube-node-lease: namespaces every cluster has) printed a Namespace object of that name labelled
// pod-security.kubernetes.io/enforce: restricted, as it does for the guard's own namespace.
// DEFECT: `render ... | kubectl apply -f -` then relabelled the cluster's own namespace: from then on
// the apiserver refuses every new pod there that is not "restricted" (kube-system's kube-proxy, CNI
// and CSI node pods are privileged and host-networked), with nothing said by render. The chart's
// Namespace (namespace.create) in that case fails the install loudly instead (Helm will not take
// over an existing namespace). The webhooks' own-namespace exclusion also listed kube-system twice.
// EXPECTED: no Namespace object for a namespace Kubernetes makes itself (it always exists, so the
// object could only relabel it), a note on stderr saying so, and each excluded namespace once.
import { expect, it } from '@jest/globals';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import { captureIo } from '../tls/support.js';

interface Webhook {
  namespaceSelector: { matchExpressions: { key: string; values: string[] }[] };
}

it.each(['kube-system', 'default', 'kube-public', 'kube-node-lease'])(
  'render --namespace %s prints no Namespace object to relabel it restricted, and says so',
  async (namespace) => {
    const io = captureIo();
    expect(await main(['render', '--namespace', namespace], io)).toBe(0);
    const objects = YAML.parseAllDocuments(io.out(), { version: '1.1' }).map((d) => d.toJS() as KObject);
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(objects.find((o) => o.kind === 'Deployment')?.metadata?.namespace).toBe(namespace);
    expect(io.err()).toMatch(new RegExp(`namespace ${namespace} .*not rendered`));
  },
);

it('the own-namespace exclusion names kube-system once when the guard runs there', async () => {
  const objects = await renderManifests({ namespace: 'kube-system' });
  const webhooks = objects
    .filter((o) => o.kind?.endsWith('WebhookConfiguration'))
    .flatMap((o) => o.webhooks as Webhook[]);
  expect(webhooks).toHaveLength(8);
  for (const w of webhooks)
    expect(w.namespaceSelector.matchExpressions[0]!.values).toEqual([
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ]);
});

it('another namespace still gets its Namespace, labelled restricted', async () => {
  const objects = await renderManifests({ namespace: 'guard-ops' });
  expect(objects.find((o) => o.kind === 'Namespace')?.metadata).toMatchObject({
    name: 'guard-ops',
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
  });
});
