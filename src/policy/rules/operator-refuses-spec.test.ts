// Each row follows one check of the operator's ValidateSpec (api/aistore/v1beta1/aistore_validation.go,
// v3.4.0): validateSize, validateStateStorage, validateShutdownWithEmptyDir, validateAutoScaling,
// validateServiceSpec (ServiceSpec.validate: IsValidPortNum of IntOrString.IntValue) and
// validateTLSCertPaths, read with the Go types' nil/zero distinctions (aistore_types.go). The
// oracle (test/oracle, property operator-refuses-spec) holds the rule to the operator's own answer.
import { describe, it } from '@jest/globals';
import type { KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const PORTS = (base: number) => ({
  servicePort: base,
  portPublic: base,
  portIntraControl: base + 2,
  portIntraData: base + 3,
});

type Spec = Record<string, unknown>;

/**
 * A CR the operator accepts (sizes, one state storage, the four ports of each daemon), then changed
 * by `edit` on its spec.
 */
function cr(edit: (spec: Spec & { proxySpec: Spec; targetSpec: Spec }) => void = () => {}): KubeObject {
  const o = structuredClone(aistore());
  const spec = o.spec as Spec & { proxySpec: Spec; targetSpec: Spec };
  Object.assign(spec.proxySpec, PORTS(51080));
  Object.assign(spec.targetSpec, PORTS(51081));
  delete spec.hostpathPrefix;
  spec.stateStorage = { hostPath: { prefix: '/etc/ais' } };
  edit(spec);
  return o;
}

const REFUSED = /the operator refuses the spec and deploys \(or updates\) nothing/;

const rows: Row[] = [
  { name: 'a spec the operator accepts', object: cr(), expect: {} },

  // validateSize: a daemon size below 1 unless that daemon autoscales.
  {
    name: 'targetSpec.size 0',
    object: cr((s) => (s.targetSpec.size = 0)),
    expect: { warn: [/^spec.targetSpec.size is 0: a target count must be at least 1/] },
  },
  {
    name: 'proxySpec.size 0',
    object: cr((s) => (s.proxySpec.size = 0)),
    expect: { warn: [/^spec.proxySpec.size is 0: a proxy count/] },
  },
  {
    name: 'proxySpec.size 0 while spec.size -1 autoscales the proxies too (nodeSelectors given)',
    object: cr((s) => {
      s.size = -1;
      s.proxySpec.size = 0;
      s.proxySpec.nodeSelector = { pool: 'a' };
      s.targetSpec.nodeSelector = { pool: 'a' };
    }),
    expect: {},
  },
  {
    name: 'targetSpec.size null is nil: spec.size decides',
    object: cr((s) => {
      s.targetSpec.size = null;
      s.size = 3;
    }),
    expect: {},
  },
  // The cluster size: spec.size is read while either daemon size is nil.
  {
    name: 'no size anywhere but the proxies',
    object: cr((s) => delete s.targetSpec.size),
    expect: { warn: [/^spec.size is not set and spec.targetSpec.size is not set: the cluster has no size/] },
  },
  {
    name: 'spec.size 0 with a daemon size unset',
    object: cr((s) => {
      delete s.proxySpec.size;
      s.size = 0;
    }),
    expect: { warn: [/^spec.size is 0 and spec.proxySpec.size is not set/] },
  },
  {
    name: 'spec.size -2 with a daemon size unset',
    object: cr((s) => {
      delete s.proxySpec.size;
      s.size = -2;
    }),
    expect: { warn: [/^spec.size is -2/] },
  },
  {
    name: 'spec.size 0 is not read while both daemon sizes are set',
    object: cr((s) => (s.size = 0)),
    expect: {},
  },
  // An integer past int32 is an "integer" to the CRD (Kubernetes before 1.36 does not hold format
  // int32 to its range: kube-openapi numberValidator), but no *int32 to the operator's decoder
  // (AIStoreSpec.Size, DaemonSpec.Size): the CR cannot be read at all. The size checks then leave it.
  {
    name: 'a targetSpec.size past int32',
    object: cr((s) => (s.targetSpec.size = 2147483648)),
    expect: {
      warn: [/^spec.targetSpec.size 2147483648 is more than the 2147483647 the operator's int32 holds/],
    },
  },
  {
    name: 'a spec.size past int32 with a daemon size unset: the decoding, not the size, is named',
    object: cr((s) => {
      delete s.proxySpec.size;
      s.size = 3000000000;
    }),
    expect: { warn: [/^spec.size 3000000000 is more than the 2147483647/] },
  },
  {
    name: 'the largest int32 is a size',
    object: cr((s) => (s.targetSpec.size = 2147483647)),
    expect: {},
  },
  {
    name: 'a size the CRD refuses as no integer is left to the apiserver',
    object: cr((s) => {
      s.targetSpec.size = '2';
      s.size = 0;
    }),
    expect: {},
  },

  // validateAutoScaling: -1 needs the daemon's nodeSelector, which `{}` gives (a Go map, not nil).
  {
    name: 'targetSpec.size -1 without a nodeSelector',
    object: cr((s) => (s.targetSpec.size = -1)),
    expect: { warn: [/^the targets autoscale \(size -1\) but spec.targetSpec.nodeSelector is not set/] },
  },
  {
    name: 'spec.size -1 autoscales both: both nodeSelectors are needed',
    object: cr((s) => {
      s.size = -1;
      s.targetSpec.nodeSelector = { pool: 'a' };
      s.proxySpec.nodeSelector = null;
    }),
    expect: { warn: [/^the proxies autoscale \(size -1\) but spec.proxySpec.nodeSelector is not set/] },
  },
  {
    name: 'an empty nodeSelector is set',
    object: cr((s) => {
      s.targetSpec.size = -1;
      s.targetSpec.nodeSelector = {};
    }),
    expect: {},
  },

  // validateStateStorage.
  {
    name: 'no state storage at all',
    object: cr((s) => delete s.stateStorage),
    expect: { warn: [/^the CR says nowhere where the AIStore state goes/] },
  },
  {
    name: 'the legacy hostpathPrefix alone',
    object: cr((s) => {
      delete s.stateStorage;
      s.hostpathPrefix = '/etc/ais';
    }),
    expect: {},
  },
  {
    name: 'the legacy stateStorageClass alone, even empty',
    object: cr((s) => {
      delete s.stateStorage;
      s.stateStorageClass = '';
    }),
    expect: {},
  },
  {
    name: 'the legacy hostpathPrefix alone, even empty (a set *string)',
    object: cr((s) => {
      delete s.stateStorage;
      s.hostpathPrefix = '';
    }),
    expect: {},
  },
  {
    name: 'a shutdown with the legacy stateStorageClass (no emptyDir)',
    object: cr((s) => {
      delete s.stateStorage;
      s.stateStorageClass = 'sc';
      s.shutdownCluster = true;
    }),
    expect: {},
  },
  // The apiserver prunes a key the CRD does not name, case-sensitively, and the operator decodes
  // case-sensitively (sigs.k8s.io/json), so "Size" is no size, unlike to encoding/json.
  {
    name: 'spec.Size is not spec.size',
    object: cr((s) => {
      delete s.targetSpec.size;
      s.Size = 3;
    }),
    expect: { warn: [/^spec.size is not set and spec.targetSpec.size is not set/] },
  },
  {
    name: 'targetSpec.Size 0 is no size beside targetSpec.size',
    object: cr((s) => (s.targetSpec.Size = 0)),
    expect: {},
  },
  {
    name: 'stateStorage with two modes',
    object: cr((s) => (s.stateStorage = { hostPath: { prefix: '/etc/ais' }, emptyDir: {} })),
    expect: { warn: [/^spec.stateStorage names hostPath and emptyDir: it must name exactly one/] },
  },
  {
    name: 'an empty stateStorage, legacy fields beside it ignored',
    object: cr((s) => {
      s.stateStorage = {};
      s.hostpathPrefix = '/etc/ais';
    }),
    expect: { warn: [/^spec.stateStorage names no mode/] },
  },
  {
    name: 'a null mode is no mode',
    object: cr((s) => (s.stateStorage = { pvc: { storageClass: 'sc' }, emptyDir: null })),
    expect: {},
  },

  // validateShutdownWithEmptyDir.
  {
    name: 'a shutdown with emptyDir state',
    object: cr((s) => {
      s.stateStorage = { emptyDir: {} };
      s.shutdownCluster = true;
    }),
    expect: { warn: [/^spec.shutdownCluster is true with the state in an emptyDir/] },
  },
  {
    name: 'a shutdown with hostPath state',
    object: cr((s) => (s.shutdownCluster = true)),
    expect: {},
  },

  // validateServiceSpec: IntValue of each port, then 1..65535.
  {
    name: 'ports as strings of digits',
    object: cr((s) => Object.assign(s.targetSpec, { servicePort: '51081', portPublic: '+51081' })),
    expect: {},
  },
  {
    name: 'a named port is 0 to the operator',
    object: cr((s) => (s.proxySpec.portIntraData = 'data')),
    expect: { warn: [/^spec.proxySpec has no port number from 1 to 65535 at portIntraData "data"/] },
  },
  {
    name: 'port 0, 65536 and an unset one, all named in one warning',
    object: cr((s) => {
      s.targetSpec.servicePort = 0;
      s.targetSpec.portPublic = 65536;
      delete s.targetSpec.portIntraControl;
    }),
    expect: {
      warn: [/^spec.targetSpec has no port .* at servicePort 0, portPublic 65536, portIntraControl unset/],
    },
  },
  // strconv.Atoi as IntValue calls it (checked against the operator's ValidateSpec): no spaces, no
  // hex, no "_", no other digits than ASCII; leading zeros and a sign are fine.
  ...[' 51081', '0x10', '', '5_1081', '٥١٠٨١'].map((port) => ({
    name: `port ${JSON.stringify(port)} is 0 to the operator`,
    object: cr((s) => (s.targetSpec.servicePort = port)),
    expect: { warn: [/^spec.targetSpec has no port number from 1 to 65535 at servicePort/] },
  })),
  ...['-1', '65536'].map((port) => ({
    name: `port ${JSON.stringify(port)} is out of range`,
    object: cr((s) => (s.targetSpec.servicePort = port)),
    expect: { warn: [/^spec.targetSpec has no port number from 1 to 65535 at servicePort/] },
  })),
  ...['051081', '+000000000000000051081'].map((port) => ({
    name: `port ${JSON.stringify(port)} is 51081`,
    object: cr((s) => (s.targetSpec.servicePort = port)),
    expect: {},
  })),
  {
    name: 'port 65535',
    object: cr((s) => (s.targetSpec.portIntraData = 65535)),
    expect: {},
  },

  // validateTLSCertPaths.
  {
    name: 'spec.tls with server_crt and client_ca_tls',
    object: cr((s) => {
      s.tls = { secretName: 'ais-tls' };
      s.configToUpdate = { net: { http: { server_crt: '/x/crt', client_ca_tls: '', use_https: true } } };
    }),
    expect: { warn: [/^spec.tls is set and so is configToUpdate.net.http server_crt, client_ca_tls/] },
  },
  {
    name: 'spec.tls {} with an empty server_key: both pointers are set',
    object: cr((s) => {
      s.tls = {};
      s.configToUpdate = { net: { http: { server_key: '' } } };
    }),
    expect: { warn: [/^spec.tls is set and so is configToUpdate.net.http server_key/] },
  },
  {
    name: 'spec.tls with domain_tls, no cert path',
    object: cr((s) => {
      s.tls = { secretName: 'ais-tls' };
      s.configToUpdate = { net: { http: { domain_tls: 'ais.example' } } };
    }),
    expect: {},
  },
  {
    name: 'cert paths without spec.tls',
    object: cr((s) => (s.configToUpdate = { net: { http: { server_crt: '/x/crt' } } })),
    expect: {},
  },
  {
    name: 'spec.tls with other http settings',
    object: cr((s) => {
      s.tls = {};
      s.configToUpdate = { net: { http: { use_https: true } } };
    }),
    expect: {},
  },

  // Every failing check is named, not only the first the operator returns.
  {
    name: 'several faults at once',
    object: cr((s) => {
      s.targetSpec.size = 0;
      delete s.stateStorage;
    }),
    expect: { warn: [/^spec.targetSpec.size is 0/, /nowhere where the AIStore state goes/] },
  },
  {
    name: 'on UPDATE too',
    object: cr((s) => (s.targetSpec.servicePort = 'http')),
    operation: 'UPDATE',
    oldObject: cr(),
    expect: { warn: [REFUSED] },
  },
];

describe('rule operator-refuses-spec', () => {
  it.each(rows)('$name', (row) => {
    checkRow('operator-refuses-spec', row);
  });
});
