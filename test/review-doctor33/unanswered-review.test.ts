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
import type { IncomingMessage } from 'node:http';
import { expectedInstall } from '../../src/doctor/index.js';
import { fetchSnapshot, unansweredReads } from '../../src/doctor/fetch.js';
import { fakeApiserver } from '../doctor/apiserver.js';
import { makeCerts, type Certs } from '../doctor/support.js';
import { stuckDeadline } from '../support/stuck-deadline.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

/** Only bounds what the stand-in answers, on however busy a machine. */
const TIMEOUT_MS = 60_000;

/**
 * The stand-in takes the reviews `stuck` picks and never answers them. Each is given up when the
 * stand-in has taken it, not on a clock: a 2 s one also bounded every GET doctor makes before, and
 * a busy machine could take that long over one of them.
 */
function stuckOn(path: string) {
  const { when, taken } = stuckDeadline(TIMEOUT_MS, (url) => url.pathname.endsWith(path));
  const first = (req: IncomingMessage, url: URL) =>
    req.method === 'POST' && url.pathname.endsWith(path) && (taken(), true);
  const snapshotOf = async (kubeconfig: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    return fetchSnapshot(kc, await expectedInstall('base', 'ais-guard'), { when });
  };
  return { first, snapshotOf };
}

it('SubjectAccessReviews never answered: not asked, said so, and doctor ends', async () => {
  // Taken and never answered (the stand-in closes its connections after the test).
  const { first, snapshotOf } = stuckOn('/subjectaccessreviews');
  const { kubeconfig, asked } = await fakeApiserver(certs, { first });
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
  const { first, snapshotOf } = stuckOn('/selfsubjectreviews');
  const { kubeconfig } = await fakeApiserver(certs, {
    refuse: ['/apis/authorization.k8s.io/v1/subjectaccessreviews'],
    first,
  });
  const snapshot = await snapshotOf(kubeconfig);
  for (const a of snapshot.access) expect(a.reason).toMatch(/^creating a SubjectAccessReview: 403/);
});
