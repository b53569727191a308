// Each row is a labels or annotations map Kubernetes' validation of a StatefulSet's or Deployment's
// pod template (pkg/apis/apps/validation ValidatePodTemplateSpecForStatefulSet: ValidateLabels,
// ValidateAnnotations, ValidatePodSpecificAnnotations, v1.33) refuses or takes, as the operator
// renders it from the CR. The e2e suite (test/e2e/23-daemon-pods) asks the real apiserver about the
// operator's own rendering of such CRs.
import { describe, expect, it } from '@jest/globals';
import { EMPTY_CONTEXT, evaluate, type KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `fields` on the targets (or the section named). */
function cr(
  fields: Record<string, unknown>,
  section: 'targetSpec' | 'proxySpec' | 'adminClient' = 'targetSpec',
  more: Record<string, unknown> = {},
): KubeObject {
  const o = structuredClone(aistore());
  const spec = o.spec as Spec;
  spec[section] = { ...spec[section], ...fields };
  Object.assign(spec, more);
  return o;
}
const labelled = (labels: Record<string, unknown>) => cr({ labels });
const annotated = (annotations: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  cr({ annotations }, 'targetSpec', more);

const REFUSED =
  /^spec.targetSpec: Kubernetes refuses the operator's target StatefulSet, whose pod labels and annotations every version validates: /;

const rows: Row[] = [
  {
    name: 'labels and annotations Kubernetes takes',
    object: cr({
      labels: { team: 'data', 'example.com/tier': '', 'A.b_c-1': 'Z' },
      annotations: {
        'Example.COM/Owner': 'anyone, anything: {"json": true}',
        [`container.apparmor.security.beta.kubernetes.io/ais-node`]: 'localhost/ais',
        'container.seccomp.security.alpha.kubernetes.io/ais-node': 'localhost/profiles/ais.json',
        'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
        'controller.kubernetes.io/pod-deletion-cost': '-100',
      },
    }),
    expect: {},
  },
  {
    name: 'a label value with a space',
    object: labelled({ team: 'data platform' }),
    expect: {
      warn: [
        new RegExp(
          REFUSED.source +
            /label team: "data platform" is no label value\. The operator's reconcile fails there each time: a new cluster never gets its targets/
              .source,
        ),
      ],
    },
  },
  {
    name: 'a label value of 64 characters, and a label key that is none',
    object: labelled({ commit: 'a'.repeat(64), 'ais/team/a': 'x' }),
    expect: { warn: [/is no label value; label key "ais\/team\/a" is no label key/] },
  },
  {
    name: 'an annotation key with a space; upper case is taken',
    object: annotated({ 'Owner Team': 'x', 'Example.com/Owner': 'y' }),
    expect: { warn: [/: annotation key "Owner Team" is no qualified name\. /] },
  },
  {
    name: 'a pod-deletion-cost that is no 32-bit integer',
    object: annotated({ 'controller.kubernetes.io/pod-deletion-cost': '2147483648' }),
    expect: {
      warn: [/annotation controller.kubernetes.io\/pod-deletion-cost: "2147483648" is no 32-bit integer/],
    },
  },
  {
    name: 'a pod-deletion-cost with a plus or a leading zero',
    object: annotated({ 'controller.kubernetes.io/pod-deletion-cost': '+1' }),
    expect: { warn: [/"\+1" is no 32-bit integer/] },
  },
  {
    name: 'a pod-deletion-cost of -0 and -007 is taken',
    object: annotated({ 'controller.kubernetes.io/pod-deletion-cost': '-007' }),
    expect: {},
  },
  {
    name: 'a mirror-pod annotation',
    object: annotated({ 'kubernetes.io/config.mirror': 'x' }),
    expect: { warn: [/annotation kubernetes.io\/config.mirror is for mirror pods/] },
  },
  {
    name: 'a seccomp profile Kubernetes does not know, and one outside the profile root',
    object: annotated({
      'seccomp.security.alpha.kubernetes.io/pod': 'RuntimeDefault',
      'container.seccomp.security.alpha.kubernetes.io/ais-node': 'localhost/../etc/x',
    }),
    expect: {
      warn: [
        /seccomp.security.alpha.kubernetes.io\/pod: "RuntimeDefault" is no seccomp profile; annotation container.seccomp.security.alpha.kubernetes.io\/ais-node: "localhost\/..\/etc\/x" is no seccomp profile/,
      ],
    },
  },
  {
    name: 'an AppArmor annotation for a container the pod does not have',
    object: annotated({ 'container.apparmor.security.beta.kubernetes.io/ais': 'runtime/default' }),
    expect: {
      warn: [
        /container.apparmor.security.beta.kubernetes.io\/ais names no container of the pod \(populate-env, ais-node\)/,
      ],
    },
  },
  {
    name: 'the log sidecar is a container of the pod while it has an image',
    object: annotated(
      { 'container.apparmor.security.beta.kubernetes.io/ais-logs': 'unconfined' },
      { logSidecar: { image: 'busybox:1.36' } },
    ),
    expect: {},
  },
  {
    name: 'an AppArmor profile Kubernetes does not know',
    object: annotated({ 'container.apparmor.security.beta.kubernetes.io/ais-node': 'RuntimeDefault' }),
    expect: { warn: [/: "RuntimeDefault" is no AppArmor profile/] },
  },
  {
    name: 'annotations past 256 KiB only in UTF-8 bytes and with the restart-hash key the operator adds',
    object: annotated({ a: 'é'.repeat(131_060) }),
    expect: { warn: [/annotations hold 262159 bytes, more than the 262144 Kubernetes takes/] },
  },
  {
    name: 'annotations just inside 256 KiB',
    object: annotated({ a: 'x'.repeat(262_000) }),
    expect: {},
  },
  {
    name: 'the proxies, named as such',
    object: cr({ labels: { team: 'data platform' } }, 'proxySpec'),
    expect: {
      warn: [
        /^spec.proxySpec: Kubernetes refuses the operator's proxy StatefulSet.+a new cluster never starts/,
      ],
    },
  },
  {
    name: 'the admin client, whose Deployment Kubernetes refuses',
    object: cr({ labels: { team: 'data platform' } }, 'adminClient'),
    expect: {
      warn: [
        /^spec.adminClient: Kubernetes refuses the admin client Deployment the operator makes from it: label team: "data platform" is no label value\. .*before it makes or updates the proxies and targets/,
      ],
    },
  },
  {
    name: "an admin client label that replaces one of its Deployment's selector",
    object: cr(
      { labels: { 'app.kubernetes.io/name': 'ais-admin', 'app.kubernetes.io/component': 'client' } },
      'adminClient',
    ),
    expect: {
      warn: [
        /label app.kubernetes.io\/name: "ais-admin" replaces "[a-z0-9-]+-client", which the Deployment's selector needs/,
      ],
      fix: [/leave out the selector's labels/],
    },
  },
  {
    name: 'an admin client that is not enabled is not made',
    object: cr({ enabled: false, labels: { team: 'data platform' } }, 'adminClient'),
    expect: {},
  },
  {
    name: 'five problems named, the rest counted',
    object: labelled(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`l${i}`, 'a b']))),
    expect: { warn: [/l4: "a b" is no label value \(and 3 more\)/] },
  },
  {
    name: 'on UPDATE too',
    object: labelled({ team: 'data platform' }),
    operation: 'UPDATE',
    oldObject: cr({}),
    expect: { warn: [REFUSED] },
  },
];

describe('rule daemon-metadata-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-metadata-refused', row);
  });
});

describe('rule daemon-metadata-refused on hostile maps', () => {
  const warningOf = (object: KubeObject) => {
    const found = evaluate({ operation: 'CREATE', object }, EMPTY_CONTEXT).findings.filter(
      (f) => f.ruleId === 'daemon-metadata-refused',
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('quotes a key of 100,000 characters with a line break clipped and escaped', () => {
    const { message, fix } = warningOf(labelled({ [`a\n${'x'.repeat(100_000)}`]: 'v' }));
    expect(message).toMatch(/label key "a\\nx+…" is no label key/);
    expect(message).not.toMatch(/\n/);
    expect(message.length + fix.length).toBeLessThan(3_000);
  });

  it('names five of 20,000 bad annotations and counts the rest', () => {
    const annotations = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k ${i}`, 'v']));
    const { message } = warningOf(annotated(annotations));
    expect(message).toMatch(/\(and 19995 more\)/);
    expect(message.length).toBeLessThan(3_000);
  });

  it('counts an annotation named __proto__ like any other', () => {
    const annotations = JSON.parse(`{"__proto__": "${'x'.repeat(262_200)}"}`) as Record<string, unknown>;
    expect(warningOf(annotated(annotations)).message).toMatch(/annotations hold 262247 bytes/);
  });
});
