// A target pod's ordinal read from its name by the pod policy (laterTargetName) and by the engine, for
// names built from pieces that make its edges (CR names holding -target-N or dots, leading-zero ordinals,
// a prefix before <cr>-target-N), with the managed-by label or an AIStore owner as evidence: the pod
// policy's verdicts equal the engine's on a pinned pod with a hostPort.
import { it, expect } from '@jest/globals';
import fc from 'fast-check';
import { targetPod } from '../support/builders.js';
import { judgeAgreement } from '../vap/support/agreement.js';

it('pods agree', () => {
  const seg = fc.constantFrom(
    'ais',
    'x',
    'a',
    'target',
    '-',
    '-target-',
    '0',
    '1',
    '01',
    '12',
    'ais-target',
    '.',
  );
  fc.assert(
    fc.property(
      fc.constantFrom('ais', 'x-target-1', 'a', 'ais-target', 'a.b'),
      fc.array(seg, { minLength: 1, maxLength: 7 }),
      fc.boolean(),
      fc.boolean(),
      (cr, parts, legacy, owned) => {
        const name = parts.join('');
        if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return;
        const base = targetPod({
          ordinal: 1,
          hostPort: 51081,
          nodeSelector: { 'kubernetes.io/hostname': 'n1' },
        });
        const labels: Record<string, string> = legacy
          ? { app: cr, component: 'target' }
          : { 'app.kubernetes.io/name': cr, 'app.kubernetes.io/component': 'target' };
        if (!owned) labels['app.kubernetes.io/managed-by'] = 'ais-operator';
        const metadata = {
          ...base.metadata,
          name,
          labels,
          ...(owned && {
            ownerReferences: [{ apiVersion: 'ais.nvidia.com/v1beta1', kind: 'AIStore', name: cr, uid: 'u' }],
          }),
        };
        const o = judgeAgreement({ name, operation: 'CREATE', object: { ...base, metadata } });
        expect(o.errors).toEqual([]);
        expect([name, cr, o.vap]).toEqual([name, cr, o.engine]);
      },
    ),
    { numRuns: 3000 },
  );
});
