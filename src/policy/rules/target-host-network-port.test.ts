import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore, type AIStoreOptions } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

/** The CR (its targetSpec servicePort 51081) with targetSpec fields added or replaced. */
const withTarget = (o: AIStoreOptions, fields: Record<string, unknown> = {}): KubeObject => {
  const cr = aistore(o);
  const spec = cr.spec as Record<string, Record<string, unknown>>;
  spec.targetSpec = { ...spec.targetSpec, ...fields };
  return cr;
};

const REFUSED =
  /spec.targetSpec.hostPort 8080 differs from .*servicePort 51081.*hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"/;

const rows: Row[] = [
  {
    name: 'hostNetwork with a hostPort other than the servicePort',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }),
    expect: { warn: [REFUSED] },
  },
  {
    name: 'the warning says what happens to the targets',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }),
    expect: {
      warn: [
        /refuses every target pod made from the operator's StatefulSet.*never start.*rolling update stops/,
      ],
    },
  },
  {
    // One target, anti-affinity off: no multi-target layout, so no deny says anything of hostNetwork.
    name: 'one target with anti-affinity off: still refused by the apiserver',
    object: withTarget({ disable: true, size: 1, hostNetwork: true, hostPort: 8080 }),
    expect: { warn: [REFUSED] },
  },
  {
    name: 'on UPDATE too (without the operator webhook the targetSpec can change)',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }),
    operation: 'UPDATE',
    oldObject: withTarget({ hostNetwork: true }),
    expect: { warn: [REFUSED] },
  },
  {
    // The refusal waits behind the fix operator-refuses-spec asks for: named now, not after it.
    name: 'whatever else the operator refuses in the spec',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }, { size: 0 }),
    expect: { warn: [REFUSED] },
  },
  {
    name: 'hostPort equal to the servicePort',
    object: withTarget({ hostNetwork: true, hostPort: 51081 }),
    expect: {},
  },
  { name: 'no hostPort', object: withTarget({ hostNetwork: true }), expect: {} },
  // 0 is the operator's "none" on the container port: a template may leave it for the apiserver to default.
  { name: 'hostPort 0', object: withTarget({ hostNetwork: true, hostPort: 0 }), expect: {} },
  {
    name: 'hostPort without hostNetwork',
    object: withTarget({ hostNetwork: false, hostPort: 8080 }),
    expect: {},
  },
  { name: 'hostPort, hostNetwork absent', object: withTarget({ hostPort: 8080 }), expect: {} },
  {
    // IntOrString.IntValue: a string of digits is that number, so the container port is 51081.
    name: 'servicePort as a string of digits equal to hostPort',
    object: withTarget({ hostNetwork: true, hostPort: 51081 }, { servicePort: '51081' }),
    expect: {},
  },
  {
    name: 'servicePort as a string of digits other than hostPort',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }, { servicePort: '+51081' }),
    expect: { warn: [/hostPort 8080 differs from .*servicePort "\+51081".* 51081/] },
  },
  {
    // The operator refuses the spec first (operator-refuses-spec): it never renders the StatefulSet.
    name: 'servicePort no port number: the operator never gets to render',
    object: withTarget({ hostNetwork: true, hostPort: 8080 }, { servicePort: 'http' }),
    expect: {},
  },
  {
    // target-host-network denies hostNetwork (and target-host-port the hostPort) there; "set hostPort to
    // the servicePort" would contradict them.
    name: 'multi-target layout: left to the denies',
    object: withTarget({ disable: true, hostNetwork: true, hostPort: 8080 }),
    expect: {},
  },
  {
    name: 'the proxies have no hostNetwork in the operator',
    object: (() => {
      const cr = aistore();
      const spec = cr.spec as Record<string, Record<string, unknown>>;
      spec.proxySpec = { ...spec.proxySpec, hostNetwork: true, hostPort: 8080 };
      return cr;
    })(),
    expect: {},
  },
];

describe('rule target-host-network-port', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-host-network-port', row);
  });
});
