// Each row is a container resource list Kubernetes' validateResourceRequirements (pkg/apis/core/
// validation, v1.33) refuses or takes on the StatefulSet the operator renders from the CR (cmn/
// statefulset.go NewResourceReq, NewLogSidecar). The e2e suite (test/e2e/23-daemon-pods) asks
// the real apiserver about the pods of the operator's own rendering of such CRs.
import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `resources` on the targets (and whatever else `edit` sets). */
function cr(resources: unknown, edit: (spec: Spec) => void = () => {}): KubeObject {
  const o = structuredClone(aistore());
  const spec = o.spec as Spec;
  if (resources !== undefined) spec.targetSpec!.resources = resources;
  edit(spec);
  return o;
}

const REFUSED =
  /Every pod of the operator's StatefulSet is refused \(from Kubernetes 1.36 the StatefulSet itself\), so the targets never start, or a rolling update stops/;

const rows: Row[] = [
  { name: 'no resources', object: cr(undefined), expect: {} },
  {
    name: 'requests within limits, an ephemeral-storage request of its own',
    object: cr({
      requests: { cpu: '1', memory: '8Gi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: 2, memory: '16Gi', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': 1 },
    }),
    expect: {},
  },
  {
    name: 'a memory request above its limit',
    object: cr({ requests: { memory: '16Gi' }, limits: { memory: '8Gi' } }),
    expect: {
      warn: [
        /^spec.targetSpec.resources: Kubernetes refuses the target ais-node container the operator renders from it: requests.memory 16Gi is more than limits.memory 8Gi\. Every pod/,
      ],
    },
  },
  {
    name: 'quantities compared as values: 1.5 and 1500m are one',
    object: cr({ requests: { cpu: '1500m' }, limits: { cpu: '1.5' } }),
    expect: {},
  },
  {
    name: 'compared as stored, rounded up to milli-units: 1.5m and 1.2m are both 2m',
    object: cr({ requests: { cpu: '1.5m' }, limits: { cpu: '1.2m' } }),
    expect: {},
  },
  // NewResourceReq: without a non-zero request of the CR's, the operator asks log.max_total plus
  // 144Mi of ephemeral storage, 656Mi when max_total is unset.
  {
    name: "an ephemeral-storage limit below the operator's own request",
    object: cr({ limits: { 'ephemeral-storage': '500Mi' } }),
    expect: {
      warn: [
        /requests.ephemeral-storage 656Mi is more than limits.ephemeral-storage 500Mi \(the operator's own: log.max_total unset, 512Mi plus 144Mi\)/,
      ],
    },
  },
  {
    name: "the operator's request follows log.max_total",
    object: cr(
      { limits: { 'ephemeral-storage': '1Gi' } },
      (s) => (s.configToUpdate = { log: { max_total: '1GiB' } }),
    ),
    expect: {
      warn: [
        /requests.ephemeral-storage 1168Mi is more than limits.ephemeral-storage 1Gi \(the operator's own: log.max_total 1GiB plus 144Mi\)/,
      ],
    },
  },
  {
    name: "a request of 0 is the operator's to replace",
    object: cr({ requests: { 'ephemeral-storage': 0 }, limits: { 'ephemeral-storage': '600Mi' } }),
    expect: { warn: [/requests.ephemeral-storage 656Mi is more than limits.ephemeral-storage 600Mi/] },
  },
  {
    name: "a request above its limit and the operator's below a limit: both fixes",
    object: cr({ requests: { memory: '16Gi' }, limits: { memory: '8Gi', 'ephemeral-storage': '500Mi' } }),
    expect: {
      warn: [
        /requests.memory 16Gi is more than limits.memory 8Gi; requests.ephemeral-storage 656Mi is more than/,
      ],
      fix: [
        /^Keep each request at or below its limit .+ Write spec.targetSpec.resources.requests.ephemeral-storage at or below limits.ephemeral-storage, or raise the limit to at least 656Mi\.$/,
      ],
    },
  },
  {
    name: "a negative log.max_total makes the operator's requests negative, on both daemons: the fix is max_total",
    object: cr({}, (s) => (s.configToUpdate = { log: { max_total: '-1GiB' } })),
    expect: {
      warn: [
        /^spec.targetSpec.resources: .+requests.ephemeral-storage -880Mi is negative \(the operator's own: log.max_total -1GiB plus 144Mi\)/,
        /^spec.proxySpec.resources: .+requests.ephemeral-storage -880Mi is negative/,
      ],
      fix: [
        /^Give spec.configToUpdate.log.max_total a size of 0 or more\.$/,
        /^Give spec.configToUpdate.log.max_total/,
      ],
    },
  },
  {
    name: "the CR's own ephemeral-storage request within the limit",
    object: cr({ requests: { 'ephemeral-storage': '400Mi' }, limits: { 'ephemeral-storage': '500Mi' } }),
    expect: {},
  },
  {
    name: "a log.max_total the operator cannot read is operator-refuses-spec's",
    object: cr(
      { limits: { 'ephemeral-storage': '1Mi' } },
      (s) => (s.configToUpdate = { log: { max_total: '1 GiB' } }),
    ),
    expect: {},
  },
  // Extended resources and hugepages are never overcommitted: a request needs an equal limit.
  {
    name: 'a GPU request without a limit',
    object: cr({ requests: { 'nvidia.com/gpu': 1 } }),
    expect: { warn: [/requests.nvidia.com\/gpu has no limits.nvidia.com\/gpu \(it needs one\)/] },
  },
  {
    name: 'a GPU request below its limit',
    object: cr({ requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 2 } }),
    expect: { warn: [/requests.nvidia.com\/gpu 1 is not limits.nvidia.com\/gpu 2/] },
  },
  {
    name: 'half a GPU',
    object: cr({ limits: { 'nvidia.com/gpu': '0.5' } }),
    expect: { warn: [/limits.nvidia.com\/gpu 0.5 is no whole number/] },
  },
  {
    name: 'names no container asks for',
    object: cr({ requests: { storage: '100Gi', gpu: 1 } }),
    expect: {
      warn: [
        /requests.storage is no resource a container asks for .+; requests.gpu is no resource a container asks for/,
      ],
    },
  },
  {
    name: 'a quantity past 40 digits: the container is not judged, rather than judged without it',
    object: cr({ requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': `${'0'.repeat(40)}1` } }),
    expect: {},
  },
  {
    name: 'a negative cpu limit',
    object: cr({ limits: { cpu: '-1' } }),
    expect: { warn: [/limits.cpu -1 is negative/] },
  },
  {
    name: 'hugepages: whole pages, an equal limit, and cpu or memory beside them',
    object: cr({ limits: { 'hugepages-2Mi': '3Mi' }, requests: { 'hugepages-2Mi': '2Mi' } }),
    expect: {
      warn: [
        /limits.hugepages-2Mi 3Mi is no whole number of 2Mi pages; requests.hugepages-2Mi 2Mi is not limits.hugepages-2Mi 3Mi; hugepages are asked for without cpu or memory/,
      ],
    },
  },
  {
    name: 'hugepages done right',
    object: cr({ limits: { 'hugepages-2Mi': '4Mi', memory: '1Gi' }, requests: { 'hugepages-2Mi': '4Mi' } }),
    expect: {},
  },
  {
    // Kubernetes drops them where dynamic resource allocation is off, and refuses them where it is on.
    name: 'resource claims are left to the cluster',
    object: cr({ claims: [{ name: 'gpu' }] }),
    expect: {},
  },
  {
    name: 'the proxies, named as such',
    object: cr(undefined, (s) => (s.proxySpec!.resources = { requests: { cpu: 2 }, limits: { cpu: 1 } })),
    expect: {
      warn: [
        /^spec.proxySpec.resources: Kubernetes refuses the proxy ais-node container .+ so the proxies never start/,
      ],
    },
  },
  {
    name: 'the log sidecar, on both daemons',
    object: cr(
      undefined,
      (s) =>
        (s.logSidecar = {
          image: 'busybox',
          resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } },
        }),
    ),
    expect: {
      warn: [
        /^spec.logSidecar.resources: Kubernetes refuses the ais-logs container .+ so the targets and proxies never start/,
      ],
    },
  },
  {
    name: 'a log sidecar without an image is not rendered',
    object: cr(
      undefined,
      (s) => (s.logSidecar = { resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }),
    ),
    expect: {},
  },
  {
    name: 'the admin client, whose Deployment stops the reconcile before the daemons',
    object: cr(
      undefined,
      (s) => (s.adminClient = { resources: { requests: { cpu: 2 }, limits: { cpu: 1 } } }),
    ),
    expect: {
      warn: [
        /^spec.adminClient.resources: Kubernetes refuses the admin client container the operator renders from it: requests.cpu 2 is more than limits.cpu 1\. Kubernetes refuses the admin client Deployment, and the operator's reconcile fails there/,
      ],
    },
  },
  {
    name: 'a disabled admin client is not made',
    object: cr(
      undefined,
      (s) => (s.adminClient = { enabled: false, resources: { requests: { cpu: 2 }, limits: { cpu: 1 } } }),
    ),
    expect: {},
  },
  {
    name: 'on UPDATE too',
    object: cr({ requests: { memory: '16Gi' }, limits: { memory: '8Gi' } }),
    operation: 'UPDATE',
    oldObject: cr(undefined),
    expect: { warn: [REFUSED] },
  },
];

describe('rule daemon-resources-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-resources-refused', row);
  });
});
