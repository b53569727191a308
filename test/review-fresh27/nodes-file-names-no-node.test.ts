// review fresh27: `check --nodes-file` with bare node names (check --help: "or node names one per
// line") makes Nodes with no labels (cli/check.ts readNodes). d62ca41 taught ctx.pvHost (hostMeets) to
// take such a Node's labels as unknown, but ctx.pvAdmitsNoNode still reads them as absent: the label
// index has no bucket for them, so any PV whose terms do not give one host (pvHost undefined) "admits
// no known Node", and ctx.pvMissingNode names its values as a node the cluster does not have. Here a
// Released network PV of ais-target-0 (an NFS export reachable from node-1 and node-2: hostname In
// [node-1, node-2]), both listed in the nodes file: pv-claim-uid says it is "on node node-1 or node-2,
// which is not among the cluster's Nodes" and "Do not free it", where --nodes 3, and the very same
// Nodes given as objects with their hostname labels, say to free it (remove spec.claimRef.uid). The
// scheduler places its pod on node-1 or node-2 (CheckNodeAffinity). The same wrong "gone" verdict
// makes pv-target-binding take such a PV for a replaced one (checkVolumeClashes) and coverage list it
// as stranded.
// Fix: context.ts pvAdmitsNoNode: with any label-less (names-only) Node known, judge only what asks
// for the hostname (as hostMeets and nodes.ts placementExcludes do), or answer false.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const HERE = new URL('../plan/fixtures/', import.meta.url).pathname;

const RELEASED = `apiVersion: v1
kind: PersistentVolume
metadata: {name: nfs-d0}
spec:
  capacity: {storage: 5Ti}
  accessModes: [ReadWriteOnce]
  storageClassName: ais-local-storage
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ais-data-aistore-ais-target-0, uid: dead-1}
  nfs: {server: nfs.example.com, path: /exports/d0}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [node-1, node-2]}
status: {phase: Released}
`;

const NODES = ['node-1', 'node-2', 'node-3']
  .map(
    (n) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${n}\n  labels: {kubernetes.io/hostname: ${n}}\n`,
  )
  .join('---\n');

describe('review fresh27: check --nodes-file with node names and a PV on two listed nodes', () => {
  it('a Released PV admitting two listed nodes is not called a PV on a gone node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh27-'));
    const cr = join(dir, 'cr.yaml');
    writeFileSync(cr, readFileSync(join(HERE, 'ais-6-targets.yaml'), 'utf8').replace('size: 6', 'size: 2'));
    const released = join(dir, 'released.yaml');
    writeFileSync(released, RELEASED);
    const objects = join(dir, 'nodes.yaml');
    writeFileSync(objects, NODES);
    const names = join(dir, 'nodes.txt');
    writeFileSync(names, 'node-1\nnode-2\nnode-3\n');
    // Controls: the node count, and the Node objects themselves.
    expect((await cli(['check', '--nodes', '3', cr, released])).stdout).toMatch(/Remove spec.claimRef.uid/);
    expect((await cli(['check', '--nodes-file', objects, cr, released])).stdout).toMatch(
      /Remove spec.claimRef.uid/,
    );
    const withNames = await cli(['check', '--nodes-file', names, cr, released]);
    expect(withNames.stdout).not.toMatch(/not among the cluster's Nodes/);
    expect(withNames.stdout).toMatch(/Remove spec.claimRef.uid/);
  });
});
