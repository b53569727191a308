// Outside review "today18": attacks on 127165b (a PV being deleted binds no claim; evaluate() left any object
// being deleted untouched) and 3031302 (check reads a JSON object stream). Each test failed
// at 3031302; severity in the comment above it.

import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, node, pv, pvc, targetPod } from '../support/builders.js';
import { boundPV as bound, changed as mod, SIDES, terminatingPV as terminating } from '../support/sides.js';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

const disk = (name: string, ordinal: number, host: string, path: string) =>
  pv(name, { claim: claimName(ordinal), host, path, local: true });
const denies = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.filter((f) => f.action === 'deny').map((f) => f.message);

const NODES = [node('node-1'), node('node-2'), node('node-3')];
const SDB = bound(disk('pv-sdb', 1, 'node-1', '/ais/sdb'), 'u1');
const OTHERS = [
  bound(disk('pv-sda', 0, 'node-1', '/ais/sda'), 'u0'),
  bound(disk('pv-n2a', 2, 'node-2', '/ais/sda'), 'u2'),
  bound(disk('pv-n2b', 3, 'node-2', '/ais/sdb'), 'u3'),
];
const judge = (side: (o: KubeObject) => KubeObject, world: KubeObject[], object: KubeObject) =>
  evaluate({ operation: 'CREATE', object }, new ClusterContext(world.map(side)));

describe('a PV being deleted but still Bound is a disk in use', () => {
  // SEVERITY HIGH (a deny the guard exists for, now a warning). pv-protection holds a deleted PV
  // only while it is Bound (pkg/controller/volume/pvprotection pv_protection_controller.go
  // isBeingUsed: pv.Status.Phase == VolumeBound); a Bound PV's claim exists and its pod may run.
  // So a Terminating PV that lingers is, by construction, a disk some target still writes: a
  // `kubectl delete pv` on a live target's PV (the everyday "PV stuck in Terminating") stays so for
  // as long as the claim lives. The CR is scaled to 5 and target-4's PV is written on node-1:/ais/sdb,
  // target-1's disk. On a058913 this was "PVs pv-t4 and pv-sdb use the same disk node-1:/ais/sdb for
  // two claims" (deny); now only a warning, so target-4's claim binds it and two targets mount one
  // disk. Only a being-deleted PV that is no longer Bound (Released/Failed/Available) is going away.
  it.each(SIDES)(
    "[%s] another claim's PV on the disk of a Terminating PV that is still Bound is refused",
    (_, side) => {
      const cr = aistore({ size: 5, disable: true });
      const onSdb = disk('pv-t4', 4, 'node-1', '/ais/sdb');
      const ev = judge(side, [cr, ...NODES, ...OTHERS, terminating(SDB)], onSdb);
      expect(denies(ev)).toContainEqual(expect.stringMatching(/same disk node-1:\/ais\/sdb/));
      expect(ev.allowed).toBe(false);
    },
  );

  // SEVERITY HIGH (a deny now silent: no finding at all). The mirror case: a PV of no target (a free
  // spare with no claimRef, which the scheduler may bind to any claim of its class, or another
  // application's PV) on target-1's disk while pv-sdb is Terminating but Bound. The context no longer
  // lists pv-sdb among the target PVs of node-1 (targetPvsOnHost), so recognise.ts spareOnTargetDisk
  // finds no holder, the PV is not recognised, and evaluate() admits it untouched. On a058913 both
  // were refused ("PV spare is on node-1:/ais/sdb, the disk PV pv-sdb stands for").
  it.each(SIDES)(
    '[%s] a PV of no target on the disk of a Terminating, Bound target PV is refused',
    (_, side) => {
      const cr = aistore({ size: 4, disable: true });
      const spare = mod(disk('spare', 1, 'node-1', '/ais/sdb'), (c) => delete c.spec.claimRef);
      const other = pv('other-app', {
        claim: 'db-data',
        claimNamespace: 'db',
        host: 'node-1',
        path: '/ais/sdb',
        local: true,
      });
      for (const o of [spare, other]) {
        const ev = judge(side, [cr, ...NODES, ...OTHERS, terminating(SDB)], o);
        expect(ev.allowed).toBe(false);
      }
    },
  );

  // SEVERITY MEDIUM. Same accident: pv-sdb deleted while claim ais-target-1 lives and stays bound
  // to it; the admin has already made target-1's replacement PV pv-n3 on node-3 (pre-bound by name,
  // so it waits Available: pv_controller.go syncVolume "volume is pre-bound to claim"). target-1's
  // pod is re-created (eviction, rollout) before the claim is deleted. The guard, no longer seeing
  // pv-sdb for the claim, pins the pod to node-3 (required node affinity, immutable), while the
  // scheduler's VolumeBinding plugin requires the bound PV's node, node-1: the pod is
  // unschedulable for good ("node(s) didn't match Pod's node affinity/selector" / "volume node
  // affinity conflict"). Left unpinned, the pod follows whatever its claim binds. On a058913 the pod
  // was refused ("on 2 nodes"); neither pin nor refusal is right while a being-deleted PV of the
  // claim is still Bound.
  it.each(SIDES)(
    '[%s] the target pod is not pinned away from the Terminating PV its claim is still bound to',
    (_, side) => {
      const cr = aistore({ size: 4, disable: true });
      const moved = disk('pv-n3', 1, 'node-3', '/ais/sda');
      const ev = judge(side, [cr, ...NODES, ...OTHERS, terminating(SDB), moved], targetPod({ ordinal: 1 }));
      expect(JSON.stringify(ev.patch)).not.toContain('node-3');
    },
  );
});

describe('a claim naming a PV being deleted', () => {
  // SEVERITY LOW (a warning lost). A target claim written with spec.volumeName (a GitOps repository
  // that pins static PVs by name, or an export re-applied) naming pv-sdb, which is being deleted:
  // volumeName cannot change, and once pv-sdb is gone the claim waits for good (pv_controller.go
  // syncUnboundClaim: "volume not found"), as day2-recovery.test.ts itself says of a volumeName the
  // guard would have set. On a058913 pv-claim-uid warned ("this claim stays Pending"); now that the
  // context indexes no being-deleted PV by claim, bindClaim and pv-claim-uid see no PV and say nothing.
  it.each(SIDES)('[%s] is warned of', (_, side) => {
    const leaving = mod(terminating(SDB), (c) => (c.status = { phase: 'Released' }));
    const cr = aistore({ size: 4, disable: true });
    const ev = judge(side, [cr, ...NODES, leaving], pvc(claimName(1), { volumeName: 'pv-sdb' }));
    expect(ev.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/pv-sdb/));
  });
});

describe('a CREATE carrying metadata.deletionTimestamp is judged', () => {
  // SEVERITY LOW-MEDIUM. kube-apiserver clears deletionTimestamp on create: the create handler runs
  // mutating admission on the object as sent (endpoints/handlers/create.go), then the registry's
  // Store.Create calls rest.BeforeCreate (registry/rest/create.go: SetDeletionTimestamp(nil),
  // SetDeletionGracePeriodSeconds(nil)) and only then createValidation (validating admission). So
  // the object is created live, and evaluate() now: (1) `check` passes any manifest that carries the
  // field (a `kubectl get -o yaml` export of a Terminating object, a backup restore), exit 0, while
  // the webhook denies it; (2) the mutating webhook makes none of its changes (volumeName, pod
  // pinning, disablePodAntiAffinity), and the validating call says "the mutating webhook did not
  // run". On UPDATE a new deletionTimestamp is refused by the apiserver itself
  // (ValidateObjectMetaUpdate: deletionTimestamp immutable, in BeforeUpdate before validating
  // admission), so only CREATE needs this; UPDATE of a stored object being deleted may stay skipped.
  const withTimestamp = (o: KubeObject) =>
    mod(o, (c) => {
      c.metadata.deletionTimestamp = '2026-12-02T10:00:00Z';
    });

  it('a PV that breaks a deny rule is refused on CREATE even with a deletionTimestamp', () => {
    const rwx = withTimestamp(
      pv('pv-rwx', { claim: claimName(0), host: 'node-1', path: '/ais/sda', accessModes: ['ReadWriteMany'] }),
    );
    const ev = judge((o) => o, [aistore({ size: 2, disable: true }), ...NODES], rwx);
    expect(denies(ev)).toContainEqual(expect.stringMatching(/not ReadWriteOnce/));
  });

  it('check exits 1 on such a manifest, as the webhook refuses its apply', async () => {
    const rwx = withTimestamp(
      pv('pv-rwx', { claim: claimName(0), host: 'node-1', path: '/ais/sda', accessModes: ['ReadWriteMany'] }),
    );
    const stream = [aistore({ size: 2, disable: true }), rwx].map((o) => JSON.stringify(o)).join('\n---\n');
    const r = await cli(['check', '-'], stream + '\n');
    expect(r.code).toBe(1);
  });

  it('the mutating call still binds a target claim created with a deletionTimestamp', () => {
    const cr = aistore({ size: 4, disable: true });
    const claim = withTimestamp(pvc(claimName(2)));
    const ev = judge((o) => o, [cr, ...NODES, disk('pv-n2a', 2, 'node-2', '/ais/sda')], claim);
    expect(ev.patch).toContainEqual(expect.objectContaining({ path: '/spec/volumeName', value: 'pv-n2a' }));
  });
});

describe('JSON object stream', () => {
  // SEVERITY LOW. `jq -c` prints `null` for a missing value (jq -c '.items[0], .items[1]' over one
  // item); kubectl skips it (cli-runtime resource/visitor.go StreamVisitor.Visit: ext.Raw "null" ->
  // continue) and applies the rest. jsonStream hands everything from the first non-object value on
  // to the YAML reader as one document: "document 2 is not a Kubernetes object", exit 2, and every
  // object after it is never judged.
  it('a null between objects is skipped as kubectl skips it, the objects after it judged', async () => {
    const ns = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const r = await cli(['check', '-'], `${ns('a')}\nnull\n${ns('b')}\n`);
    expect(r.stdout).not.toContain('error:');
    expect(r.stdout).toMatch(/^2 object\(s\) checked/m);
    expect(r.code).toBe(0);
  });
});

describe('pre-commit hook and a Helm chart', () => {
  // SEVERITY MEDIUM. 3031302 skips a chart's templates/ only in a directory walk. pre-commit runs the
  // hook with the staged files by name (files: \.ya?ml$), so a commit that touches
  // chart/templates/cm.yaml hands check that template: "Unexpected scalar at node end" on
  // `{{ .Release.Name }}`, exit 2, the commit refused; `pre-commit run --all-files` fails the same on
  // every repository that holds a chart. The Action's walk of the same tree skips the file with a note.
  it('a commit touching a chart template (Chart.yaml beside templates/) passes the hook', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ais-guard-today18-hook-'));
    mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: extras\nversion: 0.1.0\n');
    writeFileSync(
      join(dir, 'chart', 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n',
    );
    const r = spawnSync(
      'bash',
      [join(ROOT, 'scripts', 'precommit-hook.sh'), 'chart/Chart.yaml', 'chart/templates/cm.yaml'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).not.toContain('error:');
    expect(r.status).toBe(0);
  });
});
