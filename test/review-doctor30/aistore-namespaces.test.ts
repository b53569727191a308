// Review doctor30: a namespaceSelector that leaves out the namespace an AIStore cluster lives in
// (the chart's namespaces.judged without it, a label requirement added by hand, the namespace added
// to NotIn), or an AIStore deployed in the guard's own namespace, which the guard never judges.
// DEFECT: namespace-selector only asked whether kube-system, kube-public, kube-node-lease and the
// guard's namespace are left out; the other direction was never asked, so doctor said all ok (exit
// 0) of a guard that is sent nothing of the one AIStore cluster it is there for.
// EXPECTED: the namespaces holding AIStore CRs are read (one list) and each one a namespaced webhook
// does not select is a warn naming it (a namespace the guard never judges by design too); a
// refused list is a warn naming what could not be read, as for every other read.
import { beforeAll, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderManifests } from '../../src/deploy/index.js';
import { checkNamespaceSelector } from '../../src/doctor/checks/namespace-selector.js';
import { found, type CheckResult, type WebhookConfiguration } from '../../src/doctor/types.js';
import { fakeApiserver, sendJson } from '../doctor/apiserver.js';
import { allEntries, b64, expectedFor, healthySnapshot, makeCerts, type Certs } from '../doctor/support.js';
import { cli } from '../support/cli.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

const AISTORES = '/apis/ais.nvidia.com/v1beta1/aistores';
const VALIDATING = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ais-guard';

/** The stand-in apiserver with AIStore CRs in these namespaces, the validating entries edited by `edit`. */
async function install(namespaces: string[], edit?: (config: WebhookConfiguration) => void, refuse = false) {
  const rendered = await renderManifests({ caBundle: b64(certs.ca.cert), webhooksOnly: true });
  const validating = rendered.find(
    (o) => o.kind === 'ValidatingWebhookConfiguration',
  ) as WebhookConfiguration;
  edit?.(validating);
  const list = {
    items: namespaces.map((namespace) => ({ metadata: { namespace, name: 'ais' } })),
  };
  return fakeApiserver(certs, {
    refuse: refuse ? [AISTORES] : [],
    first: (_req: IncomingMessage, url: URL, res: ServerResponse) => {
      if (url.pathname === VALIDATING) sendJson(res, 200, validating);
      else if (url.pathname === AISTORES && !refuse) sendJson(res, 200, list);
      else return false;
      return true;
    },
  });
}

async function namespaceSelector(kubeconfig: string) {
  const r = await cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json']);
  const check = (JSON.parse(r.stdout) as { checks: CheckResult[] }).checks.find(
    (c) => c.check === 'namespace-selector',
  )!;
  return { ...check, code: r.code };
}

it('AIStore in a namespace every webhook selects: ok, exit 0', async () => {
  const { kubeconfig } = await install(['ais']);
  expect(await namespaceSelector(kubeconfig)).toMatchObject({ status: 'ok', code: 0 });
});

it('the webhooks judge only namespace team-a (the chart: namespaces.judged), AIStore lives in ais: warn naming ais', async () => {
  const { kubeconfig } = await install(['ais'], (config) => {
    for (const w of config.webhooks ?? [])
      w.namespaceSelector?.matchExpressions?.push({
        key: 'kubernetes.io/metadata.name',
        operator: 'In',
        values: ['team-a'],
      });
  });
  const check = await namespaceSelector(kubeconfig);
  expect(check.status).toBe('warn');
  expect(check.message).toMatch(/^AIStore CRs live in ais, which aistores\.validate\.ais-guard\.io/);
  expect(check.fix).toBeTruthy();
});

it('AIStore in the guard own namespace: warn, the guard never judges it', async () => {
  const { kubeconfig } = await install(['ais-guard']);
  const check = await namespaceSelector(kubeconfig);
  expect(check.status).toBe('warn');
  expect(check.message).toMatch(/AIStore.*ais-guard/);
});

it('the AIStore list refused (403): warn naming it, not ok', async () => {
  const { kubeconfig } = await install([], undefined, true);
  const check = await namespaceSelector(kubeconfig);
  expect(check.status).toBe('warn');
  expect(check.message).toMatch(/could not be read \(403/);
  expect(check.fix).toMatch(/list aistores/);
});

it('the AIStore namespace not readable, selectors by a label: unknown, not "left out"', async () => {
  const expected = await expectedFor('base');
  const snapshot = await healthySnapshot(expected, certs);
  for (const w of allEntries(snapshot))
    w.namespaceSelector = { matchLabels: { 'ais-guard.io/judged': 'true' } };
  snapshot.aistoreNamespaces = found(['ais']); // its labels not read (403): no namespaceLabels.ais
  const check = checkNamespaceSelector(snapshot, expected);
  expect(check.status).toBe('warn');
  expect(check.message).not.toMatch(/leave out/);
  expect(check.message).toMatch(/labels of namespace ais could not be read/);
  expect(check.fix).toMatch(/get namespace ais/);
  // Read, and carrying the label: selected, ok.
  snapshot.namespaceLabels.ais = { 'ais-guard.io/judged': 'true' };
  expect(checkNamespaceSelector(snapshot, expected).status).toBe('ok');
});
