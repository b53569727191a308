// Review fresh20c: `ais-guard doctor --name NAME` against an install rendered with `render --name NAME`
// (the Helm chart's fullnameOverride). doctor finds such an install now, but what it tells the user
// to do about it is still written for an install named ais-guard: following its fixes damages the
// named install, or the other install (named ais-guard) beside it.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { renderManifests } from '../../src/deploy/index.js';
import { checkCaBundle } from '../../src/doctor/checks/ca-bundle.js';
import { checkCertificateExpiry } from '../../src/doctor/checks/certificate-expiry.js';
import { checkWebhookConfigurations } from '../../src/doctor/checks/webhook-configurations.js';
import { expectedInstall } from '../../src/doctor/expected.js';
import { absent, found, type Snapshot, type WebhookConfiguration } from '../../src/doctor/types.js';
import { serviceDnsNames } from '../../src/tls/names.js';
import { b64, DAY, healthySnapshot, makeCerts, NOW, servingCert, type Certs } from './support.js';

const NAME = 'guard-b';
const NS = 'ais-guard';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

/** A healthy snapshot of the install `render --name guard-b` renders, serving cert for guard-b.ais-guard.svc. */
async function namedInstall(overlay: 'base' | 'validate-only' = 'base') {
  const expected = await expectedInstall(overlay, NS, NAME);
  const snapshot: Snapshot = await healthySnapshot(expected, certs);
  snapshot.configs = {};
  for (const o of await renderManifests({
    overlay,
    namespace: NS,
    name: NAME,
    caBundle: b64(certs.ca.cert),
    webhooksOnly: true,
  }))
    snapshot.configs[o.kind as 'ValidatingWebhookConfiguration'] = found(
      structuredClone(o) as WebhookConfiguration,
    );
  snapshot.services = { [`${NS}/${NAME}`]: snapshot.services[`${NS}/ais-guard`]! };
  const serving = servingCert(certs.ca, {
    from: new Date(NOW.getTime() - DAY),
    to: new Date(NOW.getTime() + 365 * DAY),
    dnsNames: serviceDnsNames(NAME, NS),
  });
  snapshot.servingCert = { source: `Secret ${NS}/${NAME}-tls`, pem: found(serving.cert) };
  return { expected, snapshot };
}

describe('doctor --name: what it checks and what it tells the user to do', () => {
  // expected.ts hard-codes `notRendered: [{kind, name: 'ais-guard'}]`. For `doctor --name guard-b
  // --overlay validate-only` (a validate-only install beside a base install named ais-guard, in the
  // same namespace), doctor GETs MutatingWebhookConfiguration *ais-guard* — the other install's —
  // finds it, and warns "MutatingWebhookConfiguration ais-guard exists, but the validate-only install
  // has none", fix "kubectl delete mutatingwebhookconfiguration ais-guard". A user who follows it
  // deletes the first install's mutating webhooks (its anti-affinity and disk-binding corrections
  // stop). The leftover this install could have is the one with its own name: guard-b.
  it('validate-only --name guard-b looks for a leftover mutating configuration named guard-b, not the other install', async () => {
    const { expected, snapshot } = await namedInstall('validate-only');
    expect(expected.notRendered).toEqual([{ kind: 'MutatingWebhookConfiguration', name: NAME }]);
    // As fetch.ts would fill it for notRendered: the other install's configuration, present.
    snapshot.configs.MutatingWebhookConfiguration = found({
      metadata: { name: 'ais-guard' },
      webhooks: [],
    } as WebhookConfiguration);
    const result = checkWebhookConfigurations(snapshot, expected);
    expect(result.fix ?? '').not.toContain('kubectl delete mutatingwebhookconfiguration ais-guard');
  });

  // common.ts renderHint(overlay, namespace) has no name: doctor --name guard-b with a configuration
  // missing says "re-apply the manifests: ais-guard render --cert-dir CERTS | kubectl apply -f -".
  // That renders the install named ais-guard: a new Deployment ais-guard mounting Secret
  // ais-guard-tls (absent: its pods never start) and Fail webhook configurations ais-guard calling
  // Service ais-guard with no ready endpoints — every AIStore CR, operator StatefulSet and pre-bound
  // PV is then refused. The fix must be `ais-guard render --name guard-b ...`.
  it('a missing configuration of the guard-b install: the fix re-renders with --name guard-b', async () => {
    const { expected, snapshot } = await namedInstall();
    snapshot.configs.ValidatingWebhookConfiguration = absent();
    const result = checkWebhookConfigurations(snapshot, expected);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`ValidatingWebhookConfiguration ${NAME} is missing`);
    expect(result.fix).toMatch(/ais-guard render .*--name guard-b/);
  });

  // certificate-expiry's fix for a self-managed install: "ais-guard certs --dir CERTS --namespace
  // ais-guard, then update Secret ais-guard/guard-b-tls". certs' --service defaults to ais-guard, so
  // that run finds the cert "does not cover ais-guard.ais-guard.svc" and reissues it for
  // ais-guard.ais-guard.svc only (src/tls/ensure.ts issues opts.dnsNames, the old names are not kept).
  // Put into guard-b-tls, the apiserver's call to guard-b.ais-guard.svc then fails its TLS name check
  // on every request: the Fail webhooks refuse every AIStore object. The fix must say --service guard-b.
  it('an expiring serving certificate of the guard-b install: the renewal names --service guard-b', async () => {
    const { expected, snapshot } = await namedInstall();
    snapshot.servingCert.pem = found(
      servingCert(certs.ca, {
        from: new Date(NOW.getTime() - 300 * DAY),
        to: new Date(NOW.getTime() + 5 * DAY),
        dnsNames: serviceDnsNames(NAME, NS),
      }).cert,
    );
    const result = checkCertificateExpiry(snapshot, expected, NOW);
    expect(result.status).toBe('warn');
    expect(result.fix).toContain('ais-guard certs');
    expect(result.fix).toContain(`--service ${NAME}`);
  });

  // ca-bundle: the serving certificate names ais-guard.ais-guard.svc but the webhooks dial
  // guard-b.ais-guard.svc. The fix says "ais-guard certs --dir CERTS --namespace ais-guard reissues a
  // certificate that lacks a name": that run asks for ais-guard.ais-guard.svc, which the cert has, so
  // nothing is reissued and the failure stays. It must say --service guard-b.
  it('a serving certificate without guard-b.<ns>.svc: the reissue names --service guard-b', async () => {
    const { expected, snapshot } = await namedInstall();
    snapshot.servingCert.pem = found(certs.serving.cert); // names ais-guard.ais-guard.svc
    const result = checkCaBundle(snapshot, expected);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`does not name ${NAME}.${NS}.svc`);
    expect(result.fix).toContain(`--service ${NAME}`);
  });

  // The same lookup of the other install's MutatingWebhookConfiguration ais-guard puts its webhooks
  // into the snapshot, and every check that walks the live entries (liveEntries: webhook-service,
  // ca-bundle, failure-policy, namespace-selector) judges them as this install's. The first install
  // has its own CA: ca-bundle fails "the webhooks carry 2 different caBundles" and "did not sign the
  // serving certificate" — doctor exits 1 on a healthy guard-b install, and points at a caBundle fix
  // that would break the other install. Right: only this install's configurations are judged.
  it("validate-only --name guard-b: the other install's mutating webhooks do not fail ca-bundle", async () => {
    const { expected, snapshot } = await namedInstall('validate-only');
    expect(checkCaBundle(snapshot, expected).status).toBe('ok');
    // As fetch.ts fills it from notRendered (GET mutatingwebhookconfigurations/ais-guard): install A's.
    const [other] = await renderManifests({
      overlay: 'base',
      namespace: NS,
      caBundle: b64(certs.otherCa.cert),
      webhooksOnly: true,
    }).then((objects) => objects.filter((o) => o.kind === 'MutatingWebhookConfiguration'));
    snapshot.configs.MutatingWebhookConfiguration = found(other as unknown as WebhookConfiguration);
    const result = checkCaBundle(snapshot, expected);
    expect({ status: result.status, message: result.message }).toEqual({
      // got fail: "the webhooks carry 2 different caBundles ..."
      status: 'ok',
      message: expect.any(String),
    });
  });
});
