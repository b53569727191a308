import { describe, expect, it } from '@jest/globals';
import { aistore, claimName, pv, pvc } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

const cr = aistore({ disable: true, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } });

/** Target 0's PV with a claimRef uid and, when given, a status phase (a live object; none in a manifest). */
function pvWithUid(
  uid: string | undefined,
  phase?: string,
  annotations?: Record<string, string>,
): KubeObject {
  const volume = pv('pv-sda', { claim: claimName(0), annotations });
  const spec = volume.spec as { claimRef: Record<string, unknown> };
  if (uid !== undefined) spec.claimRef.uid = uid;
  return phase ? { ...volume, status: { phase } } : volume;
}

const UID = '5c1e6f2a-0d4b-4c9e-9a57-1f0e2b3c4d5e';

/** Target 0's PV being deleted (kubectl delete pv): pv-protection holds it while a claim uses it. */
const deletingPV = (): KubeObject => {
  const volume = pvWithUid(undefined);
  return {
    ...volume,
    metadata: {
      ...volume.metadata,
      deletionTimestamp: '2026-12-02T10:00:00Z',
      finalizers: ['kubernetes.io/pv-protection'],
    },
  } as KubeObject;
};

/** Target 0's claim as the apiserver stores it once bound to pv-sda (what audit lists). */
const boundClaim: KubeObject = {
  ...pvc(claimName(0), { volumeName: 'pv-sda' }),
  status: { phase: 'Bound' },
};

const rows: Row[] = [
  {
    name: 'PV manifest pre-bound by namespace and name: fine',
    object: pvWithUid(undefined),
    context: [cr],
    expect: {},
  },
  {
    name: 'PV manifest with the uid of a claim (exported from a live cluster)',
    object: pvWithUid(UID),
    context: [cr],
    expect: {
      warn: [new RegExp(`PV pv-sda is pre-bound to claim ais/${claimName(0)} by uid ${UID}: .*Released`)],
    },
  },
  {
    name: "a provisioner's new PV carries its claim's uid by right (and is no target volume)",
    object: pvWithUid(UID, undefined, { 'pv.kubernetes.io/provisioned-by': 'local.csi.example.com' }),
    context: [cr],
    expect: {},
  },
  {
    name: 'a Bound PV (audit of a live cluster: reduce.ts keeps no uid off Bound) is fine',
    object: pvWithUid(undefined),
    context: [cr],
    expect: {},
  },
  {
    name: 'a Released PV: its claim is gone and the next one will not bind',
    object: pvWithUid(UID, 'Released'),
    context: [cr],
    expect: { warn: [/PV pv-sda is Released: its claimRef still holds uid .* stays Pending/] },
  },
  {
    name: 'a Failed PV (Delete policy, nothing could delete a local disk) likewise',
    object: pvWithUid(UID, 'Failed'),
    operation: 'UPDATE',
    oldObject: pvWithUid(UID, 'Failed'),
    context: [cr],
    expect: { warn: [/PV pv-sda is Failed/] },
  },
  {
    name: 'UPDATE of a PV not Released (the PV controller binding it) is fine',
    object: pvWithUid(UID),
    operation: 'UPDATE',
    oldObject: pvWithUid(undefined),
    context: [cr],
    expect: {},
  },
  {
    name: 'claim CREATE meets a Released PV pre-bound to its name',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(UID, 'Released')],
    expect: {
      warn: [
        new RegExp(`PV pv-sda, pre-bound to claim ${claimName(0)}, holds uid ${UID} .* stays Pending.*`),
      ],
    },
  },
  {
    name: 'claim CREATE meets a PV manifest with a uid (check of a manifest set)',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(UID)],
    expect: { warn: [/holds uid/] },
  },
  {
    name: "claim CREATE beside a provisioner's Released PV: the provisioner makes it a new one",
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(UID, 'Released', { 'pv.kubernetes.io/provisioned-by': 'local.csi.example.com' })],
    expect: {},
  },
  {
    name: 'claim CREATE with its PV pre-bound by name only: fine',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(undefined)],
    expect: {},
  },
  {
    name: 'claim CREATE beside a live Bound PV (as the cache keeps it): this CREATE fails on the name',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(undefined)],
    expect: {},
  },
  {
    name: 'claim UPDATE: nothing new to say',
    object: pvc(claimName(0), { volumeName: 'pv-sda' }),
    operation: 'UPDATE',
    oldObject: pvc(claimName(0), { volumeName: 'pv-sda' }),
    context: [cr, pvWithUid(UID, 'Released')],
    expect: {},
  },
  // Review review/pv: `kubectl get pv -o yaml` keeps status.phase Bound, but the apiserver resets
  // a created PV's status to Pending (v1.33 pkg/registry/core/persistentvolume strategy.go
  // PrepareForCreate); syncVolume then finds no claim of that uid and releases it.
  {
    name: 'PV manifest exported with its status (phase Bound), checked as a CREATE',
    object: pvWithUid(UID, 'Bound'),
    context: [cr],
    expect: { warn: [/PV pv-sda is pre-bound to claim .* by uid/] },
  },
  {
    name: 'claim CREATE beside an exported PV manifest that still says Bound',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(UID, 'Bound')],
    expect: { warn: [/holds uid/] },
  },
  // A node replaced: a new PV serves the claim, the old one stays Released (review "today", F3).
  {
    name: 'a Released PV whose claim another PV serves now: delete it, do not free it',
    object: pvWithUid(UID, 'Released'),
    context: [cr, pv('pv-new', { claim: claimName(0), path: '/ais/sdc' })],
    expect: { warn: [/PV pv-sda is Released: .* and PV pv-new is pre-bound to that claim now/] },
  },
  {
    name: 'claim CREATE beside that Released PV and the one serving it: nothing to clear',
    object: pvc(claimName(0)),
    context: [cr, pvWithUid(UID, 'Released'), pv('pv-new', { claim: claimName(0), path: '/ais/sdc' })],
    expect: {},
  },
  {
    name: 'claim CREATE whose pre-bound PV is being deleted: it stays Pending',
    object: pvc(claimName(0)),
    context: [cr, deletingPV()],
    expect: {
      warn: [
        /PV pv-sda, pre-bound to claim \S+, is being deleted: it binds no claim made now, so this claim stays Pending/,
      ],
    },
  },
  {
    // audit judges the live claim as a CREATE: it is Bound, and stays so while it exists (the PV
    // controller keeps a PV being deleted bound; pv-protection removes it once no claim uses it).
    name: 'a Bound claim holding a PV being deleted (audit): not Pending, but the PV goes with the claim',
    object: boundClaim,
    context: [cr, deletingPV()],
    expect: {
      warn: [
        /^PV pv-sda, which this claim is bound to, is being deleted: .* once the claim is deleted .* the claim made again stays Pending/,
      ],
    },
  },
];
describe('rule pv-claim-uid', () => {
  it.each(rows)('$name', (row) => {
    checkRow('pv-claim-uid', row);
  });

  it('the fix names the kubectl patch that clears the uid of that PV', () => {
    const ev = checkRow('pv-claim-uid', rows[4] as Row);
    expect(ev.findings.find((f) => f.ruleId === 'pv-claim-uid')?.fix).toContain(
      `kubectl patch pv pv-sda -p '{"spec":{"claimRef":{"uid":null}}}'`,
    );
  });

  // volumeName is set once (ValidatePersistentVolumeClaimUpdate): pointed at a PV held by an earlier
  // claim's uid, the claim could bind nothing else, and a replacement PV of another name would leave
  // it Pending until deleted (review "lifecycle", F4). The PV's name-only claimRef binds it once the
  // uid is cleared, without a volumeName.
  it('the disk binding leaves a Released PV alone: its claimRef binds the claim once the uid is cleared', () => {
    const ev = checkRow('pv-claim-uid', rows[7] as Row);
    expect(ev.patch).toEqual([]);
  });

  it("the disk binding leaves a provisioner's Released PV alone: pointing back at it would leave the claim Pending", () => {
    const ev = checkRow('pv-claim-uid', rows[9] as Row);
    expect(ev.patch).toEqual([]);
  });
});
