import { describe, it } from '@jest/globals';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

/** The CR with extra top-level spec fields (TLS, tracing, cloud secrets). */
function withSpec(cr: KubeObject, extra: Record<string, unknown>): KubeObject {
  const out = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  Object.assign(out.spec, extra);
  return out;
}

const disk = (path: string, useHostPath = false) =>
  useHostPath ? { path, useHostPath: true } : { path, size: '1Ti', storageClass: 'local-nvme' };
const TWICE =
  /Kubernetes rejects every target pod, whose container would mount one path twice, so no target starts/;

const NESTED = /aisnode refuses to start with one inside another \("mountpath nesting is not permitted"\)/;

const rows: Row[] = [
  { name: 'distinct mounts', object: aistore({ mounts: [disk('/ais/sda'), disk('/ais/sdb')] }), expect: {} },
  {
    // target/configmap.go definePathsWithLabels makes every mount a mountpath; aisnode's FSPConf
    // validation refuses one inside another.
    name: 'a mount inside another (claim or hostPath alike): nested mountpaths',
    object: aistore({
      mounts: [disk('/ais'), disk('/ais/disk1'), disk('/data/', true), disk('/data//x/y', true)],
    }),
    expect: {
      deny: [
        new RegExp(`mount /ais/disk1 is inside mount /ais: .*${NESTED.source}`),
        new RegExp(`mount /data//x/y is inside mount /data/: .*${NESTED.source}`),
      ],
    },
  },
  {
    // aistore cmn/config.go ValidateMpath, asked by FSPConf.Validate of every fspath the operator's
    // target/configmap.go definePathsWithLabels writes: the root and paths over 255 are refused.
    name: 'a hostPath mount at the root directory, however spelled, and one past 255 characters',
    object: aistore({
      mounts: [disk('/', true), disk('//./', true), disk(`/ais/${'d'.repeat(251)}`, true)],
    }),
    expect: {
      deny: [
        /^mount \/ is the root directory, which aisnode takes for no mountpath: .*every target fails at start\.$/,
        /^mount \/\/\.\/ is the root directory/,
        /^mount \/ais\/d+ is 256 bytes long as a directory, past the 255 aisnode allows a mountpath/,
      ],
    },
  },
  {
    // aisnode cleans paths (filepath.Clean): /ais/.. is the root, /ais/x/../sda is /ais/sda.
    name: 'a hostPath mount through ".."',
    object: aistore({ mounts: [disk('/ais/..', true), disk('/ais/x/../sda', true)] }),
    expect: {
      deny: [
        /^mount \/ais\/\.\. is a path through "\.\."/,
        /^mount \/ais\/x\/\.\.\/sda is a path through "\.\."/,
      ],
    },
  },
  {
    name: 'a hostPath mount of exactly 255 bytes is taken',
    object: aistore({ mounts: [disk(`/ais/${'d'.repeat(250)}/`, true)] }),
    expect: {},
  },
  {
    // Go's len counts bytes: 126 "é" are 252 bytes, 257 with "/ais/".
    name: 'a hostPath mount of 131 characters but 257 bytes',
    object: aistore({ mounts: [disk(`/ais/${'é'.repeat(126)}`, true)] }),
    expect: { deny: [/is 257 bytes long as a directory/] },
  },
  {
    name: 'a shared prefix is no nesting: /ais/sd and /ais/sdb',
    object: aistore({ mounts: [disk('/ais/sd'), disk('/ais/sdb')] }),
    expect: {},
  },
  {
    // cmn/volumes.go NewAISVolumeMounts: the state directory, whatever the state storage.
    name: "a mount at the operator's state directory",
    object: aistore({ mounts: [disk('/ais/sda'), disk('/etc/ais')] }),
    expect: {
      deny: [new RegExp(`mount /etc/ais is where the operator mounts the target's state .*${TWICE.source}`)],
    },
  },
  {
    name: 'the config and log directories, written with a trailing "/" and "//"',
    object: aistore({ mounts: [disk('/var/ais_config/', true), disk('/var//log/ais', true)] }),
    expect: {
      deny: [
        /mount \/var\/ais_config\/ is where the operator mounts the AIStore config in the target container: one volume would hide the other\.$/,
        /mount \/var\/\/log\/ais is where the operator mounts the AIStore logs in the target container: one volume would hide the other\.$/,
      ],
    },
  },
  {
    name: 'a nested directory of the state is another path: fine',
    object: aistore({ mounts: [disk('/etc/ais/disk0', true)] }),
    expect: {},
  },
  {
    // target/volumes.go appendCloudVolumeMounts, cmn/volumes.go NewAISVolumeMounts: only when set.
    name: 'the secrets directories, with no secret set: fine',
    object: aistore({
      mounts: ['/var/certs', '/var/traces', '/root/.aws', '/var/gcp', '/root/.oci'].map((p) => disk(p, true)),
    }),
    expect: {},
  },
  {
    name: 'the secrets directories, each with its field set',
    object: withSpec(
      aistore({
        mounts: ['/var/certs', '/var/traces', '/root/.aws', '/var/gcp', '/root/.oci'].map((p) =>
          disk(p, true),
        ),
      }),
      { tls: {}, tracingTokenSecretName: 't', awsSecretName: 'a', gcpSecretName: 'g', ociSecretName: 'o' },
    ),
    expect: {
      deny: [
        /mount \/var\/certs is where the operator mounts the TLS certificate \(spec.tls\)/,
        /mount \/var\/traces is where the operator mounts the tracing token/,
        /mount \/root\/.aws is where the operator mounts the AWS credentials/,
        /mount \/var\/gcp is where the operator mounts the GCP credentials/,
        /mount \/root\/.oci is where the operator mounts the OCI credentials/,
      ],
    },
  },
  {
    name: 'a field set to null is not set',
    object: withSpec(aistore({ mounts: [disk('/var/certs', true)] }), { tls: null }),
    expect: {},
  },
  {
    name: 'a claim mount and a hostPath mount on one path',
    object: aistore({ mounts: [disk('/ais/sda'), disk('/ais/sda', true)] }),
    expect: {
      deny: [new RegExp(`mounts 0 and 1 both mount /ais/sda in the target container: ${TWICE.source}`)],
    },
  },
  {
    name: 'two hostPath mounts on one path',
    object: aistore({ mounts: [disk('/ais/sda', true), disk('/ais/sdb', true), disk('/ais/sda', true)] }),
    expect: { deny: [/mounts 0 and 2 both mount \/ais\/sda/] },
  },
  {
    name: 'two claim mounts on one path: mount-template-name says so',
    object: aistore({ mounts: [disk('/ais/sda'), disk('/ais/sda')] }),
    expect: {},
  },
  {
    // Kubernetes compares the strings and accepts both; the runtime mounts both on one directory.
    name: 'two spellings of one directory',
    object: aistore({ mounts: [disk('/ais/sda', true), disk('/ais//sda/./', true)] }),
    expect: {
      deny: [
        /mounts \/ais\/sda and \/ais\/\/sda\/.\/ are one directory \(\/ais\/sda\) in the target container: one disk would hide the other/,
      ],
    },
  },
  {
    name: 'claim mounts "/a//b" and "/a/b" (distinct templates, one directory)',
    object: aistore({ mounts: [disk('/a/b'), disk('/a//b')] }),
    expect: { deny: [/mounts \/a\/b and \/a\/\/b are one directory/] },
  },
  {
    // polish28: one finding per nested mount made a 434 KB status message for ~1,000 of them. As
    // pv-target-binding's PV clashes: the first five of each kind, then one finding counting the rest.
    name: 'nine mounts inside one: five listed, the other three counted',
    object: aistore({ mounts: [disk('/ais'), ...Array.from({ length: 8 }, (_, i) => disk(`/ais/d${i}`))] }),
    expect: {
      deny: [
        ...[0, 1, 2, 3, 4].map(
          (i) => new RegExp(`^mount /ais/d${i} is inside mount /ais: .*${NESTED.source}`),
        ),
        /^3 more mount path\(s\) are refused in the ways above \(not listed one by one\)\.$/,
      ],
    },
  },
  {
    name: '999 mounts inside one: six findings, not 999',
    object: aistore({
      mounts: [disk('/ais', true), ...Array.from({ length: 999 }, (_, i) => disk(`/ais/d${i}`, true))],
    }),
    expect: {
      deny: [
        ...[0, 1, 2, 3, 4].map((i) => new RegExp(`^mount /ais/d${i} is inside mount /ais: `)),
        /^994 more mount path\(s\) are refused in the ways above \(not listed one by one\)\.$/,
      ],
    },
  },
  {
    name: 'each kind listed up to five, one count for the rest of all kinds',
    object: aistore({
      mounts: [
        disk('/ais', true),
        ...Array.from({ length: 6 }, (_, i) => disk(`/ais/n${i}`, true)),
        ...Array.from({ length: 7 }, () => disk('/x', true)),
      ],
    }),
    expect: {
      deny: [
        ...[8, 9, 10, 11, 12].map(
          (i) => new RegExp(`^mounts ${i - 1} and ${i} both mount /x in the target container`),
        ),
        ...[0, 1, 2, 3, 4].map((i) => new RegExp(`^mount /ais/n${i} is inside mount /ais: `)),
        /^2 more mount path\(s\) are refused in the ways above \(not listed one by one\)\.$/,
      ],
    },
  },
  {
    name: "a relative path is mount-template-name's",
    object: aistore({ mounts: [disk('etc/ais'), disk('etc/ais', true)] }),
    expect: {},
  },
];

describe('rule mount-path-unique', () => {
  it.each(rows)('$name', (row) => {
    checkRow('mount-path-unique', row);
  });
});
