// review fresh26b: `check --nodes-file FILE` takes "node names one per line" (check --help), which
// readNodes (src/cli/check.ts) turns into Node objects with no labels. Since 8c4f747, pvHost checks a
// term's requirements against the Node (context.ts hostMeets -> matchesRequiredTerms), and a Node
// without labels fails `kubernetes.io/hostname In [node-1]`, so every hostname-pinned PV is on no node:
// two target PVs on one disk (node-1:/mnt/a), which check denies without --nodes-file or with
// --nodes 3 (pv-target-binding: both claims write one disk), pass with 0 denied. A real kubelet always
// sets kubernetes.io/hostname (its own name unless --hostname-override), so a name-only Node is one
// whose label is its name, as nodeOfHost already assumes (it returns such a Node for its name).
// Fix: src/policy/context.ts hostMeets: judge the term against the Node's labels with
// kubernetes.io/hostname defaulted to its name (or readNodes gives the names that label).
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const HERE = new URL('../plan/fixtures/', import.meta.url).pathname;

const pv = (name: string, ordinal: number) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: 5Ti}
  accessModes: [ReadWriteOnce]
  storageClassName: ais-local-storage
  persistentVolumeReclaimPolicy: Retain
  claimRef: {namespace: ais, name: ais-data-aistore-ais-target-${ordinal}}
  local: {path: /mnt/a}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [node-1]}
`;

describe('review fresh26b: check --nodes-file with node names', () => {
  it('two target PVs on one disk are denied with a names-only --nodes-file, as without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh26b-'));
    const cr = join(dir, 'cr.yaml');
    writeFileSync(cr, readFileSync(join(HERE, 'ais-6-targets.yaml'), 'utf8').replace('size: 6', 'size: 2'));
    const pvs = join(dir, 'pvs.yaml');
    writeFileSync(pvs, [pv('d0', 0), pv('d1', 1)].join('---\n'));
    const names = join(dir, 'nodes.txt');
    writeFileSync(names, 'node-1\nnode-2\nnode-3\n');
    const plain = await cli(['check', '--nodes', '3', cr, pvs]);
    expect(plain.stdout).toMatch(/DENY/);
    const withNames = await cli(['check', '--nodes-file', names, cr, pvs]);
    expect(withNames.stdout).toMatch(/DENY/);
  });

  // The same label-less Nodes make a Released PV pinned to node-1, a listed node, "on node node-1,
  // which is not among the cluster's Nodes" (pvMissingNode: pvHost is undefined, and pvAdmitsNoNode
  // finds no Node labelled kubernetes.io/hostname=node-1): pv-claim-uid then says "Do not free it",
  // the opposite of the advice it gives with --nodes 3 (free it: remove spec.claimRef.uid).
  it('a Released PV on a listed node is not called a PV on a gone node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh26b-'));
    const cr = join(dir, 'cr.yaml');
    writeFileSync(cr, readFileSync(join(HERE, 'ais-6-targets.yaml'), 'utf8').replace('size: 6', 'size: 2'));
    const released = join(dir, 'released.yaml');
    writeFileSync(
      released,
      pv('d0', 0).replace('target-0}', 'target-0, uid: dead-1}') + 'status: {phase: Released}\n',
    );
    const names = join(dir, 'nodes.txt');
    writeFileSync(names, 'node-1\nnode-2\nnode-3\n');
    const counted = await cli(['check', '--nodes', '3', cr, released]);
    expect(counted.stdout).toMatch(/Remove spec.claimRef.uid/);
    const withNames = await cli(['check', '--nodes-file', names, cr, released]);
    expect(withNames.stdout).not.toMatch(/not among the cluster's Nodes/);
    expect(withNames.stdout).toMatch(/Remove spec.claimRef.uid/);
  });
});
