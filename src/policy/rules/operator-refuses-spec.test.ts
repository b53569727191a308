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
  // A value its Go type refuses (src/policy/operator-decoding.ts): the operator cannot decode
  // the CR at all, so its spec checks never run, and the guard names those values alone, in one warning. The CRD gives
  // uint8 and int fields no range, and holds format int32 to its range only from Kubernetes 1.36
  // (kube-openapi numberValidator). The oracle checks every field's type and bounds.
  {
    name: 'a targetSpec.size past int32',
    object: cr((s) => (s.targetSpec.size = 2147483648)),
    expect: {
      warn: [
        /^spec.targetSpec.size 2147483648 is no int32 \(-2147483648 to 2147483647\): the operator's Go types cannot hold it, so the operator cannot decode the CR/,
      ],
    },
  },
  {
    name: 'a spec.size past int32 with a daemon size unset: the decoding, not the size, is named',
    object: cr((s) => {
      delete s.proxySpec.size;
      s.size = 3000000000;
    }),
    expect: { warn: [/^spec.size 3000000000 is no int32/] },
  },
  {
    name: 'the largest int32 is a size',
    object: cr((s) => (s.targetSpec.size = 2147483647)),
    expect: {},
  },
  {
    name: 'a size below int32 is named, not judged as a size',
    object: cr((s) => (s.proxySpec.size = -2147483649)),
    expect: { warn: [/^spec.proxySpec.size -2147483649 is no int32/] },
  },
  {
    name: 'the smallest int32 decodes, and is then no size',
    object: cr((s) => (s.proxySpec.size = -2147483648)),
    expect: { warn: [/^spec.proxySpec.size is -2147483648: a proxy count must be at least 1/] },
  },
  {
    name: 'a keepalivetracker retry_factor past uint8, which no Kubernetes refuses',
    object: cr(
      (s) => (s.configToUpdate = { keepalivetracker: { retry_factor: 256, proxy: { factor: 255 } } }),
    ),
    expect: { warn: [/^spec.configToUpdate.keepalivetracker.retry_factor 256 is no uint8 \(0 to 255\)/] },
  },
  {
    name: 'a negative chunks flags (uint64)',
    object: cr((s) => (s.configToUpdate = { chunks: { flags: -1, checkpoint_every: -1 } })),
    expect: { warn: [/^spec.configToUpdate.chunks.flags -1 is no uint64/] },
  },
  {
    name: 'a port past int32 is named for its decoding, and the port check does not run',
    object: cr((s) => (s.targetSpec.servicePort = 3000000000)),
    expect: { warn: [/^spec.targetSpec.servicePort 3000000000 is no int32/] },
  },
  {
    name: 'a hostPort past int32 and a fractional probe period, in one warning',
    object: cr((s) => {
      s.proxySpec.hostPort = 2147483648;
      s.targetSpec.probes = { liveness: { periodSeconds: 1.5 } };
    }),
    expect: {
      warn: [
        /^spec.proxySpec.hostPort 2147483648 is no int32 \([-\d to]+\); spec.targetSpec.probes.liveness.periodSeconds 1.5 is no int32 \([-\d to]+\): the operator's Go types cannot hold them/,
      ],
    },
  },
  {
    name: 'a list item is found by its index',
    object: cr((s) => {
      s.targetSpec.tolerations = [{ key: 'a' }, { key: 'b', tolerationSeconds: 1e19 }];
      s.targetSpec.affinity = {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100 }, { weight: -2147483649 }],
        },
      };
    }),
    expect: {
      warn: [
        /^spec.targetSpec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution\[1\].weight -2147483649 is no int32 .+; spec.targetSpec.tolerations\[1\].tolerationSeconds 10000000000000000000 is no int64/,
      ],
    },
  },
  {
    name: 'a configToUpdate duration with no unit, and an IEC size with a space',
    object: cr(
      (s) =>
        (s.configToUpdate = {
          timeout: { max_keepalive: '4', startup_time: '1m30s' },
          memsys: { min_free: '2 GiB' },
        }),
    ),
    expect: {
      warn: [
        /^spec.configToUpdate.memsys.min_free "2 GiB" is no IEC size: no plain number before the unit; spec.configToUpdate.timeout.max_keepalive "4" is no Go duration: no unit after the number: the operator's Go types cannot hold them, so the operator cannot decode the CR/,
      ],
    },
  },
  {
    name: 'a certificate duration in days, which Go has no unit for',
    object: cr((s) => (s.tls = { certificate: { duration: '90d' } })),
    expect: { warn: [/^spec.tls.certificate.duration "90d" is no Go duration: unknown unit "d"/] },
  },
  {
    name: 'past four such values, the warning counts the rest',
    object: cr(
      (s) =>
        (s.configToUpdate = {
          timeout: {
            max_keepalive: '1',
            startup_time: '2',
            send_file_time: '3',
            object_md: '4',
            max_host_busy: '5',
            cplane_operation: '6',
          },
        }),
    ),
    expect: {
      warn: [
        /^(spec.configToUpdate.timeout.\w+ "\d" is no Go duration: no unit after the number; ){3}spec.configToUpdate.timeout.\w+ "\d" is no Go duration: no unit after the number \(and 2 more\): the operator's Go types cannot hold them/,
      ],
    },
  },
  {
    name: 'text in an int-or-string, and numbers in fields that hold no integer, are not read as integers',
    object: cr((s) => {
      s.targetSpec.pdb = { maxUnavailable: '50%' };
      s.configToUpdate = { memsys: { min_free: 3000000000 } };
    }),
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
