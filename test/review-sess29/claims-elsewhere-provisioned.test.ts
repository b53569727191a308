// Review sess29: warnClaimsElsewhere (97c3c70) runs when checkCoverage finds no hand-made PV of the
// CR's namespace, which also holds for a CR whose claims a provisioner served there (its PVs are
// left out as 'dynamic'). PVs left pre-bound to the same claim names in another namespace then
// had the CR told "none [are pre-bound] to its claims in namespace ais ... the targets' claims get no
// disk of them", and to move those PVs' claimRef to namespace ais, where each claim already holds a
// provisioned PV: a second PV for a Bound claim, which binds nothing. Expected: a CR whose claims
// have PVs in its namespace is told nothing of PVs named for them elsewhere.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, madeForClaim, node, pv } from '../support/builders.js';
import { judgeUpdate, messagesText, SIDES } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2')];
const cr = aistore({ size: 2, disable: true }); // namespace ais
const provisioned = [0, 1].map((o) =>
  madeForClaim(pv(`p${o}`, { claim: claimName(o), host: `node-${o + 1}`, local: true }), `uid-${o}`),
);
const leftInDefault = [0, 1].map((o) =>
  pv(`default-pv-${o}`, {
    claim: claimName(o),
    claimNamespace: 'default',
    host: 'node-1',
    path: `/d${o}`,
    local: true,
  }),
);
const text = messagesText;

describe.each(SIDES)(
  'a CR whose claims a provisioner served, PVs named for them in default (%s)',
  (_s, side) => {
    it('an update of the CR says nothing of the PVs in namespace default', () => {
      const ev = judgeUpdate(side, cr, cr, [...nodes, ...provisioned, ...leftInDefault]);
      expect(text(ev)).not.toMatch(/claimRef\.namespace/);
    });

    it('control: with no PV in its namespace at all, they are warned of', () => {
      const ev = judgeUpdate(side, cr, cr, [...nodes, ...leftInDefault]);
      expect(text(ev)).toMatch(/default-pv-0, default-pv-1/);
    });
  },
);
