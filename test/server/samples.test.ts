// The sample reviews shown in the README get the answers shown there.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { testApp } from '../support/app.js';

const sample = (name: string) => readFileSync(`test/fixtures/${name}`, 'utf8');

describe('README samples (no cluster context)', () => {
  const { app } = testApp();
  const post = (body: string) =>
    request(app).post('/validate').set('content-type', 'application/json').send(body);

  it('a target StatefulSet with hostPort is denied', async () => {
    const res = await post(sample('review-statefulset-hostport.json'));
    expect(res.body.response).toMatchObject({
      uid: '3b0c6f1e-2f4a-4c1e-9d7a-5f1a0e6b7c21',
      allowed: false,
      status: {
        code: 403,
        message: expect.stringMatching(
          /^ais-guard denied StatefulSet ais\/ais-target: \[target-host-port\] container "ais-node"/,
        ),
      },
      auditAnnotations: { findings: 'target-host-port=deny' },
    });
  });

  it('a claim named after the namespace, CR not known: the selector labels are no evidence, left alone', async () => {
    const res = await post(sample('review-pvc-old-doc-name.json'));
    expect(res.body.response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('the same claim labelled managed-by: ais-operator warns when the CR is not known', async () => {
    const review = JSON.parse(sample('review-pvc-old-doc-name.json')) as {
      request: { object: { metadata: { labels: Record<string, string> } } };
    };
    review.request.object.metadata.labels['app.kubernetes.io/managed-by'] = 'ais-operator';
    const res = await post(JSON.stringify(review));
    expect(res.body.response).toMatchObject({
      allowed: true,
      auditAnnotations: { findings: 'pvc-name=warn' },
    });
  });
});
