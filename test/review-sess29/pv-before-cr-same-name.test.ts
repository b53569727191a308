// Review sess29: two deployments of one CR name, the usual staging/production pair: AIStore ais runs
// in namespace ais-prod on its hand-made PVs; the staging one is set up in namespace ais-staging in
// README's order, PVs first. Each staging PV, reviewed before its CR exists, was warned that AIStore
// ais in ais-prod makes a claim of its name and told to set claimRef.namespace: ais-prod, though
// that claim already has its PV there: the patch would park a second PV on a served claim, and the
// PV is plainly for a CR yet to come in its own namespace. Expected: a namespace whose claim of that
// name already has a PV is no home to offer; nothing said.
import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, node, pv } from '../support/builders.js';
import { boundPV, judgeCreate, messagesText, SIDES } from '../support/sides.js';

const nodes = [node('node-1'), node('node-2'), node('node-3'), node('node-4')];
const prod = aistore({ namespace: 'ais-prod', size: 2, disable: true });
const prodPVs = [0, 1].map((o) =>
  boundPV(
    pv(`prod-pv-${o}`, {
      claim: claimName(o),
      claimNamespace: 'ais-prod',
      host: 'node-1',
      path: `/p${o}`,
      local: true,
    }),
    `u${o}`,
  ),
);
const staging = (o: number) =>
  pv(`staging-pv-${o}`, {
    claim: claimName(o),
    claimNamespace: 'ais-staging',
    host: 'node-3',
    path: `/s${o}`,
    local: true,
  });
const text = messagesText;

describe.each(SIDES)(
  'staging PVs made before their CR, production CR of that name served (%s)',
  (_s, side) => {
    it('a staging PV is not told to move to ais-prod', () => {
      const ev = judgeCreate(side, staging(0), [...nodes, prod, ...prodPVs]);
      expect(text(ev)).not.toMatch(/ais-prod/);
    });

    it('control: with production’s claims not served by any PV, it is warned, naming ais-prod', () => {
      const ev = judgeCreate(side, staging(0), [...nodes, prod]);
      expect(text(ev)).toMatch(/claimRef\.namespace: ais-prod/);
    });
  },
);
