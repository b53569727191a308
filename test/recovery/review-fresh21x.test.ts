// Review "fresh21x" (branch review-fresh21x): the fixes of 1cb57f4 attacked. Each case fails on 1cb57f4.

import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { excessiveAliasing, KUBE_YAML, readYamlValue } from '../../src/k8s/yaml.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node, targetStatefulSet } from '../support/builders.js';
import { changed, SIDES, twoPerNodeDisks } from '../support/sides.js';

// A document whose aliases are near go-yaml v2's 99% budget: `pad` plain nodes, then 2 x 1,000
// copies of a 9-node map through nested anchors. Verdicts below were taken from gopkg.in/yaml.v2
// v2.4.0 itself (yaml.Unmarshal into interface{}, as sigs.k8s.io/yaml and so kubectl do).
function nearBudget(pad: number, merge: boolean): string {
  let s = `pad: [${Array(pad).fill('1').join(',')}]\n`;
  s += 'l0: &l0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1}\n';
  s += `l1: &l1 [${Array(10).fill('*l0').join(',')}]\n`;
  s += `l2: &l2 [${Array(10).fill('*l1').join(',')}]\n`;
  s += `l3: &l3 [${Array(10).fill('*l2').join(',')}]\n`;
  if (merge) s += 'm: {<<: [*l0], z: 1}\n';
  s += 'top: [*l3, *l3]\n';
  return s;
}
const refused = (text: string) => excessiveAliasing(parseDocument(text, KUBE_YAML));

describe("excessiveAliasing is go-yaml v2's count (decode.go unmarshal), node for node", () => {
  // go-yaml counts the document node too (decode.go unmarshal is first called on the documentNode,
  // d.decodeCount++ before `case documentNode`); excessiveAliasing starts at doc.contents, one node
  // short, so its share of aliased nodes is higher than kubectl's. With pad = 511 go-yaml v2.4.0
  // decodes the document (kubectl applies it); ais-guard `check` says "document contains excessive
  // aliasing (kubectl refuses it)" and the CI job fails on a manifest kubectl takes.
  // Expected: not refused (count the document node, as decode.go does).
  it('accepts what go-yaml accepts at the 99% edge (the document node counts)', () => {
    expect(refused(nearBudget(511, false))).toBe(false);
  });
  it('(control) refuses what go-yaml refuses one node below', () => {
    expect(refused(nearBudget(510, false))).toBe(true);
  });

  // A merge key: go-yaml never decodes the `<<` key itself, nor the sequence of a `<<: [...]`
  // (decode.go mapping: `if isMerge(n.children[i]) { d.merge(n.children[i+1], out) }`, and merge()
  // unmarshals only the sequence's children). excessiveAliasing counts both as decoded nodes, so
  // each merge dilutes the aliased share by two nodes kubectl never counted. With pad = 505 and one
  // `<<: [*l0]`, go-yaml v2.4.0 refuses "document contains excessive aliasing" (kubectl apply fails);
  // `check` passes it. Every further merge widens the gap.
  // Expected: refused, as kubectl does.
  it('refuses what go-yaml refuses when the document has a merge key', () => {
    expect(refused(nearBudget(505, true))).toBe(true);
  });
});

const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => `${f.ruleId}: ${f.message}`);

describe('image bump and scale-down in one update, two targets past the new size on a tainted node', () => {
  // CR of 4 targets, two per node (pv-0, pv-1 on node-1; pv-2, pv-3 on node-2); node-2 has since
  // been tainted NoSchedule (ais-target-2/-3 keep running there). One update sets size 4 -> 2 and a
  // new nodeImage. The operator rolls out before it scales (operator
  // internal/controller/aistore/target_controllers.go handleTargetState: "Apply template update
  // (blocked by scaling in progress)" runs first, "Apply scaling (blocked by rollout in progress)"
  // waits), and syncTargetPodSpec patches only the pod template, so the StatefulSet still has 4
  // replicas: handleTargetRollout deletes ais-target-2/-3 too, they come back bound to pv-2/pv-3 on
  // node-2 and stay Pending (the taint), the rollout never completes and the scale-down never starts.
  // 1cb57f4's checkPlacement skips ordinals >= the new size (2), so the guard admits the update.
  // The same bump with size kept at 4 is refused ("They run now, but this update rolls the targets
  // out"). Expected: refused here too (the ordinals past the new size are rolled with the old
  // replicas), i.e. skip only ordinals past both the stored and the new size when the update rolls.
  const CR4 = aistore({ size: 4, disable: true });
  const STS4 = targetStatefulSet({ replicas: 4 });
  const DISKS = twoPerNodeDisks(4);
  const taint = (n: KubeObject) =>
    changed(n, (c) => {
      c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
  const bumpAndShrink = (cr: KubeObject) =>
    changed(cr, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
      c.spec.size = 2;
      if (c.spec.targetSpec && 'size' in c.spec.targetSpec) c.spec.targetSpec.size = 2;
    });
  it.each(SIDES)(
    '[%s] the update is refused: the rollout re-creates ais-target-2/-3 on node-2',
    (_, side) => {
      const world = [CR4, STS4, node('node-1'), taint(node('node-2')), ...DISKS];
      const ev = evaluate(
        { operation: 'UPDATE', object: bumpAndShrink(CR4), oldObject: CR4 },
        new ClusterContext(world.map(side)),
      );
      expect(denies(ev).filter((d) => d.startsWith('pv-target-binding'))).not.toEqual([]);
    },
  );
  it.each(SIDES)('[%s] (control) the bump alone is refused', (_, side) => {
    const world = [CR4, STS4, node('node-1'), taint(node('node-2')), ...DISKS];
    const bump = changed(CR4, (c) => {
      c.spec.nodeImage = 'aistorage/aisnode:v3.31';
    });
    const ev = evaluate(
      { operation: 'UPDATE', object: bump, oldObject: CR4 },
      new ClusterContext(world.map(side)),
    );
    expect(denies(ev).filter((d) => d.startsWith('pv-target-binding'))).not.toEqual([]);
  });
});

describe('restart of a shut-down CR whose targets cannot run on node-2 (where their PVs are)', () => {
  // CR of 4 targets, two per node, shut down (spec.shutdownCluster: true): the operator has scaled the
  // target StatefulSet to 0 (operator internal/controller/aistore/cluster_controller.go
  // shutdownCluster: UpdateStatefulSetReplicas(..., 0)); the claims stay Bound to pv-0..pv-3. node-2
  // is then tainted NoSchedule. The restart (shutdownCluster: false) scales the StatefulSet back to 4:
  // every target pod is created anew, ais-target-2/-3 bound to pv-2/pv-3 on node-2 stay Pending, and
  // the cluster never comes back whole. 1cb57f4's own comment in evaluate.ts ratchet says "the
  // restart is the update that brings them back", yet `rolls` asks only rollsTargets (an image
  // change), so the restart is ratcheted to a warning "already so before this update" - while
  // shut down, no target ran on node-2 at all. The user gets the same stall the image-bump rerun
  // exists to prevent. Expected: refused as the image bump of a running CR is (a restart re-creates
  // every target), with the fix "lift what keeps them off the node before this update".
  const CR4 = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.shutdownCluster = true;
  });
  const STS0 = targetStatefulSet({ replicas: 0 });
  const DISKS = twoPerNodeDisks(4);
  const taint = (n: KubeObject) =>
    changed(n, (c) => {
      c.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    });
  it.each(SIDES)('[%s] the restart is refused', (_, side) => {
    const world = [CR4, STS0, node('node-1'), taint(node('node-2')), ...DISKS];
    const restart = changed(CR4, (c) => {
      c.spec.shutdownCluster = false;
    });
    const ev = evaluate(
      { operation: 'UPDATE', object: restart, oldObject: CR4 },
      new ClusterContext(world.map(side)),
    );
    expect(denies(ev).filter((d) => d.startsWith('pv-target-binding'))).not.toEqual([]);
  });
});

describe('an anchor whose value contains its own alias', () => {
  // `data: &a {k: *a}`: go-yaml v2 refuses it, "anchor 'a' value contains itself" (decode.go alias),
  // and so does kubectl. 1cb57f4's excessiveAliasing recurses through the alias into the anchor it
  // is inside (size() memoizes a node only after counting it), so `check` (cli/load.ts) and the
  // flag files read by readYamlValue (plan's disk map, serve's config) report the JavaScript
  // engine's "Maximum call stack size exceeded" as the document's error: the user is told nothing
  // about the anchor. Expected: an input error naming the self-containing anchor, as kubectl does.
  it('is an input error about the anchor, not a stack overflow', () => {
    expect(() => readYamlValue('a: &a [*a]\n', 'disks.yaml')).toThrow(/itself|anchor|alias/i);
    expect(() => readYamlValue('a: &a [*a]\n', 'disks.yaml')).not.toThrow(/call stack/);
  });
});
