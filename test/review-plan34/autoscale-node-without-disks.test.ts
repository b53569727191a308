// Review plan34: an autoscaled CR (size -1) runs one target on every node its nodeSelector matches,
// and docs/plan.md asks for a map of "only the nodes the targets may run on". A node of that map
// whose disks hold no target (none listed, or all too small) still gets a target from the operator,
// which finds no PV and stays Pending; plan left it out silently (and refuses --targets counting it).
import { describe, expect, it } from '@jest/globals';
import type { AIStoreCR } from '../../src/policy/aistore.js';
import { parseDiskMap, planVolumes } from '../../src/plan/index.js';
import { aistore } from '../support/builders.js';

const cr = aistore({
  disable: true,
  size: -1,
  mounts: [{ path: '/data', size: '4Ti', storageClass: 'local' }],
}) as AIStoreCR;

describe('review plan34: an autoscaled CR and a node of the map that can hold no target', () => {
  it('is warned of by name, with why', () => {
    const map = parseDiskMap({
      n1: [{ path: '/mnt/a', size: '8Ti' }],
      n2: [],
      n3: [{ path: '/mnt/a', size: '2Ti' }],
    });
    const plan = planVolumes(cr, map, { targets: 1 });
    expect(plan.volumes).toHaveLength(1);
    expect(plan.warnings).toEqual([expect.stringMatching(/n2, n3 .*can hold no target.*stays? Pending/)]);
  });

  it('control: every node holds one: nothing to warn of', () => {
    const map = parseDiskMap({
      n1: [{ path: '/mnt/a', size: '8Ti' }],
      n2: [{ path: '/mnt/a', size: '8Ti' }],
    });
    expect(planVolumes(cr, map, { targets: 2 }).warnings).toEqual([]);
  });
});
