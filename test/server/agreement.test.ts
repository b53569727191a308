// The webhook and `check` call the same evaluate(): for every shared fixture, every object gets the
// same verdict, the same findings and the same patch from both. Golden patches pin the mutations.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { judge } from '../../src/cli/judge.js';
import { parseSource, type Manifest } from '../../src/cli/load.js';
import { testApp } from '../support/app.js';
import { decodePatch, reviewOf } from '../support/review.js';
import { fixture, FIXTURE_FILES, FIXTURES } from '../support/fixtures.js';

const load = (...files: string[]): Manifest[] =>
  files.flatMap((f) => parseSource(f, readFileSync(f, 'utf8'), []).manifests);

async function webhook(manifests: Manifest[], index: number) {
  // The cache holds everything but the object being created, as in a cluster.
  const context = manifests.filter((_, i) => i !== index).map((m) => m.object);
  const { app } = testApp({ context });
  const object = (manifests[index] as Manifest).object;
  const post = (path: string) =>
    request(app)
      .post(path)
      .set('content-type', 'application/json')
      .send(JSON.stringify(reviewOf(object)));
  const [validate, mutate] = await Promise.all([post('/validate'), post('/mutate')]);
  return { validate: validate.body.response, mutate: mutate.body.response };
}

const SETS: [string, string[]][] = [
  ...FIXTURE_FILES.map((f): [string, string[]] => [f, [`${FIXTURES}/${f}`]]),
  ['the multi-target set 01+04+05+07+09', ['01', '04', '05', '07', '09'].map(fixture)],
];

describe('webhook and check agree', () => {
  it.each(SETS)('%s', async (_name, files) => {
    const manifests = load(...files);
    const cli = judge(manifests);
    for (let i = 0; i < manifests.length; i++) {
      const expected = (cli[i] as (typeof cli)[number]).evaluation;
      const got = await webhook(manifests, i);
      expect(got.validate.allowed).toBe(expected.allowed);
      const denied = expected.findings
        .filter((f) => f.action === 'deny')
        .map((f) => `[${f.ruleId}] ${f.message}`);
      for (const d of denied) expect(got.validate.status.message).toContain(d);
      expect(got.validate.auditAnnotations?.findings ?? '').toBe(
        expected.findings.map((f) => `${f.ruleId}=${f.action}`).join(','),
      );
      const mutations = expected.findings.filter((f) => f.mutation).map((f) => `${f.ruleId}=${f.action}`);
      expect(got.mutate.auditAnnotations?.findings ?? '').toBe(mutations.join(','));
      expect(got.mutate.allowed).toBe(true);
      expect(decodePatch(got.mutate)).toEqual(expected.patch);
    }
  });
});

describe('golden patches', () => {
  it('03: the removed top-level field moves to targetSpec', async () => {
    const got = await webhook(load(fixture('03')), 0);
    expect(decodePatch(got.mutate)).toEqual([
      { op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true },
      { op: 'remove', path: '/spec/disablePodAntiAffinity' },
    ]);
  });

  const set = load(...['01', '04', '05', '09'].map(fixture));
  it('05 with its PV known: the claim is bound to its disk', async () => {
    const index = set.findIndex((m) => m.object.kind === 'PersistentVolumeClaim');
    expect(decodePatch((await webhook(set, index)).mutate)).toEqual([
      { op: 'add', path: '/spec/volumeName', value: 'storage-node-01-pv-ais-sdb' },
    ]);
  });

  it('09 with its PV known: the pod is pinned to its disk node and annotated', async () => {
    const index = set.findIndex((m) => m.object.kind === 'Pod');
    expect(decodePatch((await webhook(set, index)).mutate)).toEqual([
      {
        op: 'add',
        path: '/spec/affinity',
        value: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: ['storage-node-01'] },
                  ],
                },
              ],
            },
          },
        },
      },
      {
        op: 'add',
        path: '/metadata/annotations',
        value: { 'ais-guard/disks': 'storage-node-01-pv-ais-sdb=storage-node-01:/ais/sdb' },
      },
    ]);
  });
});
