// Review doctor33: an apiserver that takes the SubjectAccessReview (or SelfSubjectReview) POST and
// never answers it: a half-open connection after a load balancer fails over, an authorizer webhook
// that hangs. The GETs have a timeout (getJson); the reviews went through client-node's generated
// client, which has none.
// DEFECT: doctor waited forever (measured: still running after 150 s against such a stand-in), so
// an on-call's `ais-guard doctor`, or a CronJob running it, never printed a line.
// EXPECTED: each review is given up after the same timeout as a GET; the rbac check then warns
// that the apiserver did not answer, and the read is named as unanswered (doctor exits 2).
import { beforeAll, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { expectedInstall } from '../../src/doctor/index.js';
import { fetchSnapshot, unansweredReads } from '../../src/doctor/fetch.js';
import { fakeApiserver } from '../doctor/apiserver.js';
import { makeCerts, type Certs } from '../doctor/support.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

/** Long enough for the stand-in's GETs on a busy machine, short for the test. */
const TIMEOUT_MS = 2_000;

async function snapshotOf(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return fetchSnapshot(kc, await expectedInstall('base', 'ais-guard'), { timeoutMs: TIMEOUT_MS });
}

it('SubjectAccessReviews never answered: not asked, said so, and doctor ends', async () => {
  const { kubeconfig, asked } = await fakeApiserver(certs, {
    // Taken and never answered (the stand-in closes its connections after the test).
    first: (req, url) => req.method === 'POST' && url.pathname.endsWith('/subjectaccessreviews'),
  });
  const snapshot = await snapshotOf(kubeconfig);
  expect(snapshot.access.length).toBeGreaterThan(0);
  for (const a of snapshot.access) {
    expect(a.allowed).toBeUndefined();
    expect(a.unanswered).toBe(true);
    expect(a.reason).toMatch(/did not answer/);
  }
  expect(unansweredReads(snapshot)).toEqual(['SubjectAccessReviews']);
  // The first unanswered review stops the asking: the rest would wait as long.
  expect(asked.filter((a) => a.startsWith('POST '))).toHaveLength(1);
});

it('reviews refused and the SelfSubjectReview never answered: the refusal is told, and doctor ends', async () => {
  const { kubeconfig } = await fakeApiserver(certs, {
    refuse: ['/apis/authorization.k8s.io/v1/subjectaccessreviews'],
    first: (req, url) => req.method === 'POST' && url.pathname.endsWith('/selfsubjectreviews'),
  });
  const snapshot = await snapshotOf(kubeconfig);
  for (const a of snapshot.access) expect(a.reason).toMatch(/^creating a SubjectAccessReview: 403/);
});
