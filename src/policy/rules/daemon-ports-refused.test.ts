// Each row is a hostPort validateContainerPorts refuses or takes on the pods the operator renders
// (NewDaemonPorts), or a set of the three headless Service ports ValidateService refuses or takes
// (NewProxyHeadlessSvc, NewTargetHeadlessSvc; k8s v1.33 pkg/apis/core/validation validation.go,
// "Check for duplicate Ports"). e2e 23 asks the real apiserver about the hostPort rows' pods.
import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `fields` on the daemon named (the builder's ports are 51081-51084 apart). */
function cr(fields: Record<string, unknown>, daemon: 'targetSpec' | 'proxySpec' = 'targetSpec'): KubeObject {
  const o = structuredClone(aistore());
  const spec = o.spec as Spec;
  for (const [d, base] of [
    ['proxySpec', 51080],
    ['targetSpec', 51081],
  ] as const)
    Object.assign(spec[d]!, {
      servicePort: base,
      portPublic: base,
      portIntraControl: base + 2,
      portIntraData: base + 3,
    });
  Object.assign(spec[daemon]!, fields);
  return o;
}

const rows: Row[] = [
  { name: 'distinct ports and no host port', object: cr({}), expect: {} },
  // The proxies and the targets have a Service each: the same intra ports on both are fine.
  {
    name: 'proxies and targets with the same three ports',
    object: cr({ servicePort: 51080, portIntraControl: 51082, portIntraData: 51083 }),
    expect: {},
  },
  // portPublic is no port of the headless Service (it is the load balancer's target port).
  { name: 'portPublic equal to portIntraData', object: cr({ portPublic: 51084 }), expect: {} },
  {
    name: 'portIntraControl equal to portIntraData, on the targets',
    object: cr({ portIntraData: 51083 }),
    expect: {
      warn: [
        /^spec.targetSpec.portIntraControl and portIntraData are both 51083: the operator's headless Service for the targets has a TCP port for each of servicePort, portIntraControl, portIntraData, and Kubernetes refuses a Service with one port twice/,
      ],
    },
  },
  {
    name: 'servicePort equal to portIntraData, on the proxies, written as a string of digits',
    object: cr({ portIntraData: '51080' }, 'proxySpec'),
    expect: { warn: [/^spec.proxySpec.servicePort and portIntraData are both 51080: .* for the proxies /] },
  },
  // A port that is no port number is operator-refuses-spec's (the operator's own check), not a repeat.
  {
    name: 'two named ports, 0 to the operator',
    object: cr({ portIntraControl: 'a', portIntraData: 'b' }),
    expect: {},
  },
  ...[-1, 65536, 70000].map((hostPort) => ({
    name: `hostPort ${hostPort} on the proxies`,
    object: cr({ hostPort }, 'proxySpec'),
    expect: {
      warn: [
        new RegExp(
          `^spec.proxySpec: Kubernetes refuses every proxy pod made from the operator's StatefulSet .*: hostPort ${hostPort} is no port number`,
        ),
      ],
    },
  })),
  ...[0, 1, 65535, null].map((hostPort) => ({
    name: `hostPort ${hostPort}`,
    object: cr({ hostPort }),
    expect: {},
  })),
  // Past int32 the operator cannot decode the CR: operator-refuses-spec says so, alone.
  { name: 'hostPort past int32', object: cr({ hostPort: 2 ** 31 }), expect: {} },
  {
    name: 'on UPDATE too',
    object: cr({ hostPort: -1 }),
    operation: 'UPDATE',
    oldObject: cr({}),
    expect: { warn: [/hostPort -1 is no port number/] },
  },
];

describe('rule daemon-ports-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-ports-refused', row);
  });
});
