import { describe, expect, it } from '@jest/globals';
import {
  answerText,
  BadReview,
  decodeReview,
  encodeResponse,
  shortWarning,
} from '../../src/server/admission.js';
import { pvc } from '../support/builders.js';
import { reviewOf } from '../support/review.js';

const good = reviewOf(pvc('ais-data-aistore-ais-target-0'), { uid: 'u-1' });
const withRequest = (patch: Record<string, unknown>) => ({ ...good, request: { ...good.request, ...patch } });

describe('decodeReview', () => {
  it('decodes what the apiserver sends', () => {
    expect(decodeReview(good)).toMatchObject({
      uid: 'u-1',
      operation: 'CREATE',
      namespace: 'ais',
      kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
      dryRun: false,
    });
  });

  it.each<[string, unknown, RegExp, string | undefined]>([
    ['not an object', [], /body is not a JSON object/, undefined],
    ['another kind', { ...good, kind: 'Pod' }, /kind must be AdmissionReview/, undefined],
    [
      'v1beta1',
      { ...good, apiVersion: 'admission.k8s.io/v1beta1' },
      /only admission.k8s.io\/v1 AdmissionReviews are served .*admissionReviewVersions: \[v1\]/,
      'u-1',
    ],
    [
      'no request',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
      /request is missing/,
      undefined,
    ],
    ['no uid', withRequest({ uid: undefined }), /request.uid is missing/, undefined],
    ['uid of the wrong type', withRequest({ uid: 7 }), /request.uid is missing/, undefined],
    [
      'unknown operation',
      withRequest({ operation: 'PATCH' }),
      /request.operation "PATCH" is not one of/,
      'u-1',
    ],
    ['no kind', withRequest({ kind: 'Pod' }), /request.kind must be/, 'u-1'],
    [
      'object of another kind',
      withRequest({ kind: { group: '', version: 'v1', kind: 'Pod' } }),
      /request.object is v1 PersistentVolumeClaim but request.kind is v1 Pod/,
      'u-1',
    ],
    ['object not an object', withRequest({ object: 'x' }), /request.object must be an object/, 'u-1'],
    ['CREATE without object', withRequest({ object: null }), /request.object is missing for CREATE/, 'u-1'],
  ])('refuses %s', (_name, body, message, uid) => {
    let caught: unknown;
    try {
      decodeReview(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadReview);
    expect((caught as BadReview).message).toMatch(message);
    expect((caught as BadReview).uid).toBe(uid);
  });

  it('accepts DELETE without object', () => {
    expect(
      decodeReview(withRequest({ operation: 'DELETE', object: null, oldObject: good.request.object }))
        .operation,
    ).toBe('DELETE');
  });
});

describe('encodeResponse', () => {
  it('echoes the uid and says 403 with the message on deny', () => {
    expect(encodeResponse('u-1', { allowed: false, denyMessage: 'no' })).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no' } },
    });
  });

  it('sends a base64 JSONPatch only when something changes', () => {
    expect(encodeResponse('u', { allowed: true, patch: [] }).response).toEqual({ uid: 'u', allowed: true });
    const { response } = encodeResponse('u', {
      allowed: true,
      patch: [{ op: 'add', path: '/spec/volumeName', value: 'pv' }],
    });
    expect(response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(response.patch as string, 'base64').toString())).toEqual([
      { op: 'add', path: '/spec/volumeName', value: 'pv' },
    ]);
  });

  // The apiserver passes warnings whole until a request's come to 4,096 runes, then cuts each to
  // its first 256 (k8s.io/apiserver pkg/endpoints/filters/warning.go): an answer's go whole up to
  // 1,536 characters (the guard answers twice per object), else each keeps its start and end.
  it('sends warnings whole while the answer stays within its share of the request', () => {
    const message = (i: number, length: number) => `ais-guard rule-${i} ${'x'.repeat(length - 25)} Fix: y.`;
    const two = [message(1, 465), message(2, 389)];
    expect(encodeResponse('u', { allowed: true, warnings: two }).response.warnings).toEqual(two);
    const atBudget = [message(1, 768), message(2, 768)];
    expect(atBudget.join('')).toHaveLength(1_536);
    expect(encodeResponse('u', { allowed: true, warnings: atBudget }).response.warnings).toEqual(atBudget);
  });

  it('cuts each warning to 256 characters, start and end kept, once the answer is over its share', () => {
    const over = [
      `ais-guard a ${'x'.repeat(744)} Fix: first.`,
      `ais-guard b ${'y'.repeat(744)} Fix: second.`,
    ];
    expect(over.join('')).toHaveLength(1_537);
    const warnings = encodeResponse('u', { allowed: true, warnings: over }).response.warnings ?? [];
    expect(warnings.map((w) => w.length)).toEqual([256, 256]);
    expect(warnings[0]).toMatch(/^ais-guard a x+…x+ Fix: first\.$/);
    expect(warnings[1]).toMatch(/^ais-guard b y+…y+ Fix: second\.$/);
    // Escaped control characters count: a newline is two characters on the wire.
    const escapedOver = ['\n'.repeat(769)];
    expect(encodeResponse('u', { allowed: true, warnings: escapedOver }).response.warnings?.[0]).toHaveLength(
      256,
    );
  });

  it('keeps warnings short and few', () => {
    const long = 'word '.repeat(100);
    expect(shortWarning(long).length).toBeLessThanOrEqual(257);
    const { response } = encodeResponse('u', {
      allowed: true,
      warnings: Array.from({ length: 20 }, (_, i) => `w${i}`),
    });
    expect(response.warnings).toHaveLength(16);
    expect(response.warnings?.slice(0, 15)).toEqual(Array.from({ length: 15 }, (_, i) => `w${i}`));
    expect(response.warnings?.at(-1)).toBe(
      'ais-guard: 5 more warning(s) not shown; `ais-guard check` on the object lists them all',
    );
    const exactly = encodeResponse('u', {
      allowed: true,
      warnings: Array.from({ length: 16 }, (_, i) => `w${i}`),
    });
    expect(exactly.response.warnings).toHaveLength(16);
    expect(exactly.response.warnings?.at(-1)).toBe('w15');
  });
});

describe('answerText', () => {
  // The template for a bare "allowed" must be exactly what JSON.stringify gives, uid escapes included.
  it.each([
    ['a bare allowed', 'u-1', { allowed: true }],
    ['a uid that needs escaping', 'q"\\\u2028\n\u0001é', { allowed: true }],
    ['a denial', 'u-2', { allowed: false, denyMessage: 'no' }],
    ['a patch', 'u-3', { allowed: true, patch: [{ op: 'add' as const, path: '/a', value: 1 }] }],
    ['a warning', 'u-4', { allowed: true, warnings: ['careful'] }],
    ['audit annotations', 'u-5', { allowed: true, auditAnnotations: { findings: 'x=audit' } }],
  ])('%s: the same bytes as JSON.stringify', (_name, uid, parts) => {
    const body = encodeResponse(uid, parts);
    expect(answerText(body)).toBe(JSON.stringify(body));
  });
});
