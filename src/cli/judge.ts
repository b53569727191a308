// Judges a manifest set the way the webhook judges admission requests: every object is a CREATE,
// and the whole set is the cluster context (so a CR, its PVs and its PVCs are checked together).
import { ClusterContext, evaluate, type Evaluation, type Modes } from '../policy/index.js';
import type { Manifest } from './load.js';

export interface Judged {
  manifest: Manifest;
  evaluation: Evaluation;
}

export interface JudgeOptions {
  modes?: Modes;
  nodeCount?: number;
}

export function judge(manifests: Manifest[], options: JudgeOptions = {}): Judged[] {
  const ctx = new ClusterContext(
    manifests.map((m) => m.object),
    { nodeCount: options.nodeCount },
  );
  return manifests.map((manifest) => ({
    manifest,
    evaluation: evaluate({ operation: 'CREATE', object: manifest.object }, ctx, { modes: options.modes }),
  }));
}
