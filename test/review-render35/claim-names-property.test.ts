// The random agreement run in test/vap/agreement.test.ts builds claims without the operator's evidence,
// so neither side judges them there. Here every claim carries managed-by: ais-operator and a name built
// from pieces that make the shape parser's edges (repeated -target-, ordinals with a leading zero, dotted
// CR names, the state claim in another namespace): the claim policy's pvc-name verdict equals the engine's.
import { it, expect } from '@jest/globals';
import fc from 'fast-check';
import { pvc } from '../support/builders.js';
import { judgeAgreement } from '../vap/support/agreement.js';

it('claims agree', () => {
  const seg = fc.constantFrom(
    'ais',
    'a.b',
    'x',
    'a',
    'target',
    'state',
    'ais-target',
    '0',
    '1',
    'ais-ais',
    'a-b',
  );
  fc.assert(
    fc.property(
      seg,
      fc.array(fc.oneof(seg, fc.constantFrom('-', '--', '-target-', '-state-', '01', '')), { maxLength: 8 }),
      fc.constantFrom('ais', 'ns', 'a'),
      fc.boolean(),
      (cr, parts, ns, legacy) => {
        const name = parts.join('');
        if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) return;
        const labels: Record<string, string> = legacy
          ? { app: cr, component: 'target', 'app.kubernetes.io/managed-by': 'ais-operator' }
          : {
              'app.kubernetes.io/name': cr,
              'app.kubernetes.io/component': 'target',
              'app.kubernetes.io/managed-by': 'ais-operator',
            };
        const o = judgeAgreement({ name, operation: 'CREATE', object: pvc(name, { namespace: ns, labels }) });
        expect(o.errors).toEqual([]);
        expect([name, ns, cr, o.vap]).toEqual([name, ns, cr, o.engine]);
      },
    ),
    { numRuns: 3000 },
  );
});
