// pvc-name held to the StatefulSet controller's claim naming (k8s stateful_set_utils.go
// getPersistentVolumeClaimName: <template>-<set>-<ordinal>), the operator's templates (Mount.GetPVCName:
// CR name + path with "/" turned into "-") and set name (<cr>-target), for CRs whose names and paths
// make one another's names (ais + /ais/data/ais and ais-ais + /data).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aistore, findingsOf, pvc, run, type MountSpec } from '../support/builders.js';
import type { KubeObject } from '../../src/policy/index.js';

const NAMES = ['ais', 'ais-ais', 'a', 'ais-data', 'data'];
const segment = fc.constantFrom('data', 'ais', 'a', 'target', '0', 'ais-target', 'x');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => '/' + p.join('/'));
const cr = fc.record({
  name: fc.constantFrom(...NAMES),
  size: fc.integer({ min: 1, max: 3 }),
  paths: fc.uniqueArray(path, { minLength: 1, maxLength: 3, selector: (p) => p.replaceAll('/', '-') }),
});

const template = (name: string, p: string) => name + p.replaceAll('/', '-');

describe('pvc-name against the StatefulSet controller', () => {
  it('a claim is left alone exactly when one CR of the namespace makes it for a target it has', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(cr, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
        fc.nat(6),
        fc.nat(2),
        fc.nat(4),
        (crs, pick, ordinal, other) => {
          const objects: KubeObject[] = crs.map((c) =>
            aistore({
              name: c.name,
              size: c.size,
              mounts: c.paths.map((p): MountSpec => ({ path: p, size: '1Ti' })),
            }),
          );
          // A name: one CR's template with some CR's set name (its own or another's, so a name of no one).
          const all = crs.flatMap((c) => c.paths.map((p) => template(c.name, p)));
          const t = all[pick % all.length] as string;
          const setOf = crs[other % crs.length]!.name;
          const name = `${t}-${setOf}-target-${ordinal}`;
          const makers = crs.filter((c) =>
            c.paths.some((p) => `${template(c.name, p)}-${c.name}` === `${t}-${setOf}`),
          );
          // Labelled as the targets of the CR that makes it (as its StatefulSet labels it), else of the CR
          // whose set it names (an unlabelled claim is judged by its shape only; a name parses as
          // ais-data-target + ais-data-target-0 and as ais-data-target-ais + data-target-0 alike).
          const labelled = makers.length === 1 ? makers[0]!.name : setOf;
          const ev = run({
            name: 'p',
            object: pvc(name, {
              labels: { 'app.kubernetes.io/name': labelled, 'app.kubernetes.io/component': 'target' },
            }),
            context: objects,
          });
          const found = findingsOf(ev, 'pvc-name').map((f) => f.severity);
          const expected =
            makers.length > 1
              ? ['deny']
              : makers.length === 1
                ? ordinal < makers[0]!.size
                  ? []
                  : ['warn']
                : 'refused';
          if (expected === 'refused')
            expect({ name, found }).toEqual({ name, found: [expect.stringMatching(/deny|warn/)] });
          else expect({ name, found }).toEqual({ name, found: expected });
        },
      ),
      { numRuns: 5000 },
    );
  });
});
