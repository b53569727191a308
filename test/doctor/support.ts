// Building blocks for doctor's table tests (and its e2e file): certificates with any validity, a
// healthy snapshot of a base install as the fetch layer would return it, and small edits of it.
import { beforeAll, it } from '@jest/globals';
import forge from 'node-forge';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { renderManifests, type KObject, type Overlay } from '../../src/deploy/index.js';
import { containerArgs, expectationsOf, type DeploymentSpec } from '../../src/doctor/expected.js';
import {
  absent,
  found,
  type Expected,
  type Snapshot,
  type WebhookConfiguration,
} from '../../src/doctor/types.js';
import { issueCA, type Pem } from '../../src/tls/issue.js';
import { keyPairFromPem, randomSerialHex, rsaKeyPairSync } from '../../src/tls/keys.js';
import { serviceDnsNames } from '../../src/tls/names.js';

export const DAY = 86_400_000;
export const NOW = new Date('2026-11-30T12:00:00Z');

/**
 * A CA as `ais-guard certs` issues it, re-dated to start a day before NOW (or to `validity`): the library dates from the
 * real clock, and a fixed NOW must not fall before a CA made on a later day.
 */
export function makeCA(commonName = 'ais-guard webhook CA', validity: { from?: Date; to?: Date } = {}): Pem {
  const issued = issueCA(rsaKeyPairSync(), { commonName, validityDays: 3650 });
  const cert = forge.pki.certificateFromPem(issued.cert);
  cert.validity.notBefore = validity.from ?? new Date(NOW.getTime() - DAY);
  cert.validity.notAfter = validity.to ?? new Date(NOW.getTime() + 3650 * DAY);
  cert.sign(keyPairFromPem(issued.key).signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: issued.key };
}

/**
 * An intermediate CA signed by `root` (a cert-manager intermediate-CA Issuer, a corporate PKI), or
 * with no `root` a PKI's root CA: neither has a path length limit (`ais-guard certs`' CA has pathLen 0).
 */
export function intermediateCA(
  root: Pem | undefined,
  commonName = 'ais-guard intermediate CA',
  validity: { from?: Date; to?: Date } = {},
): Pem {
  const keys = rsaKeyPairSync();
  root ??= { cert: '', key: keys.pem };
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = validity.from ?? new Date(NOW.getTime() - DAY);
  cert.validity.notAfter = validity.to ?? new Date(NOW.getTime() + 1000 * DAY);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(
    root.cert ? forge.pki.certificateFromPem(root.cert).subject.attributes : cert.subject.attributes,
  );
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ]);
  cert.sign(keyPairFromPem(root.key).signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keys.pem };
}

/** A serving certificate signed by `ca`, valid from `from` to `to` (either may lie in the past). */
export function servingCert(
  ca: Pem,
  opts: { from?: Date; to?: Date; dnsNames?: string[]; ipAddresses?: string[] } = {},
): Pem {
  const keys = rsaKeyPairSync();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = opts.from ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = opts.to ?? new Date(Date.now() + 365 * DAY);
  const dns = opts.dnsNames ?? serviceDnsNames('ais-guard', 'ais-guard');
  const ips = opts.ipAddresses ?? [];
  cert.setSubject([{ name: 'commonName', value: dns[0] ?? ips[0]! }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  cert.sign(keyPairFromPem(ca.key).signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keys.pem };
}

export const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export async function expectedFor(overlay: Overlay = 'base', namespace = 'ais-guard'): Promise<Expected> {
  // With deploy/audit, as doctor renders it: the audit CronJob's rights come from its ClusterRole.
  return expectationsOf(await renderManifests({ overlay, namespace, withAudit: true }), overlay, namespace);
}

/** A healthy base (or `expected.overlay`) install as doctor's fetch layer would return it. */
export async function healthySnapshot(
  expected: Expected,
  certs: { ca: Pem; serving: Pem },
): Promise<Snapshot> {
  const objects = await renderManifests({
    overlay: expected.overlay as Overlay,
    namespace: expected.namespace,
  });
  return installSnapshot(
    objects,
    certs,
    expected.permissions.map((permission) => ({ permission, allowed: true })),
  );
}

/**
 * The live state of an install made of these rendered objects (the webhook configurations and the
 * Deployment, from `ais-guard render` or `helm template`), as doctor's fetch layer would return it:
 * every caBundle `certs.ca` (the cainjector or --manage-webhook-config wrote it), two ready
 * endpoints, the Secret serving `certs.serving`, the CRD established, `access` as given.
 */
export function installSnapshot(
  objects: readonly KObject[],
  certs: { ca: Pem; serving: Pem },
  access: Snapshot['access'],
): Snapshot {
  const deployment = objects.find((o) => o.kind === 'Deployment') as KObject & { spec?: DeploymentSpec };
  const ns = deployment.metadata!.namespace!;
  const configs: Snapshot['configs'] = {};
  for (const o of objects)
    if (o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration') {
      const live = structuredClone(o) as WebhookConfiguration;
      for (const w of live.webhooks ?? []) if (w.clientConfig) w.clientConfig.caBundle = b64(certs.ca.cert);
      configs[o.kind] = found(live);
    }
  return {
    configs,
    services: {
      [`${ns}/ais-guard`]: {
        service: found({ spec: { ports: [{ name: 'https', port: 443 }] } }),
        slices: found([
          {
            ports: [{ name: 'https', port: 8443 }],
            endpoints: [
              { addresses: ['10.1.0.5'], conditions: { ready: true } },
              { addresses: ['10.1.0.6'], conditions: { ready: true } },
            ],
          },
        ]),
      },
    },
    probes: {},
    servingCert: { source: `Secret ${ns}/ais-guard-tls`, pem: found(certs.serving.cert) },
    serviceAccount: found({}),
    guardArgs: found(containerArgs(deployment)),
    access,
    namespaceLabels: {},
    crd: found({
      spec: { group: 'ais.nvidia.com', versions: [{ name: 'v1beta1', served: true, storage: true }] },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    }),
    // The audit CronJob is optional, and not installed here.
    audit: { cronJob: absent(), reportApis: {}, access: [] },
  };
}

/** The live webhook entry `name` of a snapshot, to edit in place. */
export function entry(snapshot: Snapshot, name: string) {
  for (const fetched of Object.values(snapshot.configs))
    if (fetched?.ok) {
      const found = fetched.value.webhooks?.find((w) => w.name === name);
      if (found) return found;
    }
  throw new Error(`no webhook ${name}`);
}

export function allEntries(snapshot: Snapshot) {
  return Object.values(snapshot.configs).flatMap((f) => (f?.ok ? (f.value.webhooks ?? []) : []));
}

/**
 * A healthy base install whose every caBundle is `bundle` (PEM text) and, when `chain` is given,
 * whose Secret serves `chain` as tls.crt (the leaf, then any intermediates).
 */
export async function installTrusting(certs: { ca: Pem; serving: Pem }, bundle: string, chain?: string) {
  const expected = await expectedFor('base');
  const snapshot = await healthySnapshot(expected, certs);
  allEntries(snapshot).forEach((w) => (w.clientConfig!.caBundle = b64(bundle)));
  if (chain !== undefined)
    snapshot.servingCert = { source: 'Secret ais-guard/ais-guard-tls', pem: found(chain) };
  return { expected, snapshot };
}

export interface Certs {
  ca: Pem;
  serving: Pem;
  otherCa: Pem;
}

/** One CA, its serving certificate (valid a year from NOW's day) and an unrelated CA: made once per file. */
export function makeCerts(): Certs {
  const ca = makeCA();
  return {
    ca,
    serving: servingCert(ca, {
      from: new Date(NOW.getTime() - DAY),
      to: new Date(NOW.getTime() + 365 * DAY),
    }),
    otherCa: makeCA('some other CA'),
  };
}

export interface CheckRow {
  name: string;
  overlay?: Overlay;
  edit?: (snapshot: Snapshot, certs: Certs, expected: Expected) => void;
  expect: { status: string; message?: RegExp; fix?: RegExp };
}

type Check = (
  snapshot: Snapshot,
  expected: Expected,
  now: Date,
) => { status: string; message: string; fix?: string };

/** One table row: a healthy snapshot, the row's edit, the check; status, message and fix as the row says. */
export async function checkRow(check: Check, certs: Certs, row: CheckRow): Promise<void> {
  const { expect } = await import('@jest/globals');
  const expected = await expectedFor(row.overlay ?? 'base');
  const snapshot = await healthySnapshot(expected, certs);
  row.edit?.(snapshot, certs, expected);
  const result = check(snapshot, expected, NOW);
  expect({ status: result.status, message: result.message }).toEqual({
    status: row.expect.status,
    message: expect.stringMatching(row.expect.message ?? /./),
  });
  if (row.expect.fix) expect(result.fix).toMatch(row.expect.fix);
  if (result.status === 'fail' || result.status === 'warn') expect(result.fix ?? '').not.toBe('');
}

/** A check's table test: one set of certificates for the file, then each row through checkRow. */
export function checkTable(check: Check, rows: CheckRow[]): void {
  let certs: Certs;
  beforeAll(() => {
    certs = makeCerts();
  });
  it.each(rows)('$name', (row) => checkRow(check, certs, row));
}

/**
 * What a TLS client that trusts only `ca` says of a server serving `chain` (leaf first) for the
 * name the apiserver dials: 'authorized', or why not (an OpenSSL code such as CERT_HAS_EXPIRED).
 */
export async function handshake(chain: string, key: string, ca: string): Promise<string> {
  const server = createHttpsServer({ cert: chain, key }, (_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const socket = connect({ host: '127.0.0.1', port, ca, servername: 'ais-guard.ais-guard.svc' });
  try {
    // events.once rejects with the socket's 'error' (the handshake refused).
    return await once(socket, 'secureConnect').then(
      () => (socket.authorized ? 'authorized' : String(socket.authorizationError)),
      (e: NodeJS.ErrnoException) => String(e.code ?? e),
    );
  } finally {
    socket.destroy();
    server.closeAllConnections();
    server.close();
  }
}

/** Sets these annotations (and labels) on both live webhook configurations: the marks of who keeps them. */
export function annotate(
  s: Snapshot,
  annotations: Record<string, string>,
  labels?: Record<string, string>,
): void {
  for (const fetched of Object.values(s.configs))
    if (fetched?.ok) fetched.value.metadata = { ...fetched.value.metadata, annotations, labels };
}
