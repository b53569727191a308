// Review "fix26": `check --fix` attacked on the promise "no bytes changed that the user did not ask
// to change" (README "--fix edits the text of the nodes a patch changes and nothing else"). Each test
// fails on main and names a defect.
import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const EXAMPLES = join(process.cwd(), 'examples', 'multi-target');

/** A folder with the example CR (two targets on storage-node-01) and its PVs, plus `files`. */
function cluster(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix26-'));
  for (const f of ['01-aistore.yaml', '02-pvs.yaml']) copyFileSync(join(EXAMPLES, f), join(dir, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const POD = readFileSync(join(EXAMPLES, '05-pod-target-1.yaml'), 'utf8');

describe('a block-style affinity stays block style when the guard swaps its only key', () => {
  // Defect: the target pod ais-target-1 carries a required hostname anti-affinity against the other
  // targets, written in block style as its only affinity. The guard's patch is
  //   remove /spec/affinity/podAntiAffinity, add /spec/affinity/nodeAffinity
  // (target-anti-affinity strips the term, target-disk-binding requireHost pins the node).
  // yaml-edit.ts applyOperation applies the ops one by one: the remove of the map's last key
  // rewrites the map as "{}" (putLine), and the add then sees a FLOW map and writes the whole
  // nodeAffinity as one flow line:
  //     affinity:
  //       { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [ ... ] } } }
  // The user's block-style mapping becomes a flow mapping written on a line of its own, a style
  // they never wrote, only because of the order of two operations of one patch: with another key
  // left in affinity (podAffinity) the same nodeAffinity is written in block style.
  // Expected: the block map stays a block map ("affinity:\n    nodeAffinity:\n      required...").
  // Suggested fix: yaml-edit.ts, when an add targets the "{}" a remove of this document's edit
  // wrote in block context (or fix.ts fixDocument: a remove of a map's last key followed by an add
  // into it), write the added key in block style.
  it('remove of the last key then add: no flow map appears under a block key', async () => {
    const pod = POD.replace(
      '  hostname: ais-target-1\n',
      `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector:
            matchLabels:
              app.kubernetes.io/component: target
              app.kubernetes.io/name: ais
          topologyKey: kubernetes.io/hostname
  hostname: ais-target-1
`,
    );
    const dir = cluster({ '05-pod.yaml': pod });
    const result = await cli(['check', '-q', '--fix', '--write', dir]);
    expect(result.code).toBe(0);
    const fixed = readFileSync(join(dir, '05-pod.yaml'), 'utf8');
    expect(fixed).not.toContain('podAntiAffinity'); // the fix was applied
    expect(fixed).toContain(
      '  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n',
    );
    expect(fixed).not.toMatch(/\{ nodeAffinity/);
  });
});
