import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore, type AIStoreOptions } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

/** The CR (proxy servicePort 51080, target 51081) with proxySpec fields added or replaced. */
const withProxy = (o: AIStoreOptions, proxy: Record<string, unknown>): KubeObject => {
  const cr = aistore(o);
  const spec = cr.spec as Record<string, Record<string, unknown>>;
  spec.proxySpec = { ...spec.proxySpec, ...proxy };
  return cr;
};

const CLASH =
  /both hold port 51081 on their node \(spec.proxySpec.hostPort, spec.targetSpec.hostPort\).*stays Pending/;

const rows: Row[] = [
  {
    name: 'one hostPort for proxies and targets',
    object: withProxy({ hostPort: 51081 }, { hostPort: 51081 }),
    expect: { warn: [CLASH] },
  },
  {
    name: "the proxies' hostPort is the targets' servicePort, with the host network",
    object: withProxy({ hostNetwork: true }, { hostPort: 51081 }),
    expect: { warn: [/\(spec.proxySpec.hostPort, spec.targetSpec.servicePort, with hostNetwork\)/] },
  },
  {
    name: 'the operator defaults: 51080 and 51081',
    object: withProxy({ hostPort: 51081 }, { hostPort: 51080 }),
    expect: {},
  },
  {
    name: 'only the targets ask for a host port',
    object: aistore({ hostPort: 51081 }),
    expect: {},
  },
  {
    name: 'hostPort 0 is none',
    object: withProxy({ hostPort: 0 }, { hostPort: 0 }),
    expect: {},
  },
  {
    // The operator reads hostNetwork from targetSpec only (UseHostNetwork).
    name: 'proxySpec.hostNetwork is read by nobody',
    object: withProxy({ hostNetwork: true }, { hostNetwork: true, servicePort: 51081 }),
    expect: {},
  },
  {
    name: 'nodeSelectors no node meets together keep them apart',
    object: withProxy(
      { hostPort: 51081, nodeSelector: { pool: 'storage' } },
      { hostPort: 51081, nodeSelector: { pool: 'gateway' } },
    ),
    expect: {},
  },
  {
    name: 'nodeSelectors a node may meet together do not',
    object: withProxy(
      { hostPort: 51081, nodeSelector: { pool: 'storage' } },
      { hostPort: 51081, nodeSelector: { zone: 'a' } },
    ),
    expect: { warn: [CLASH] },
  },
  {
    // target-host-port denies the targets' hostPort there already.
    name: 'a multi-target layout: silent',
    object: withProxy({ disable: true, hostPort: 51081 }, { hostPort: 51081 }),
    expect: {},
  },
  {
    name: 'on UPDATE too',
    object: withProxy({ hostPort: 51081 }, { hostPort: 51081 }),
    operation: 'UPDATE',
    oldObject: withProxy({ hostPort: 51081 }, { hostPort: 51081 }),
    expect: { warn: [CLASH] },
  },
];

describe('rule proxy-target-host-port', () => {
  for (const row of rows) it(row.name, () => void checkRow('proxy-target-host-port', row));
});
