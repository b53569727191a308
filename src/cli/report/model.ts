// The numbers every output format reports, computed once.
import type { Judged } from '../judge.js';
import type { LoadError } from '../load.js';

export interface CheckReport {
  judged: Judged[];
  errors: LoadError[];
}

export function summarise({ judged, errors }: CheckReport) {
  let denied = 0;
  let warned = 0;
  let mutated = 0;
  for (const { evaluation } of judged) {
    if (!evaluation.allowed) denied++;
    else if (evaluation.findings.some((f) => f.action === 'warn')) warned++;
    if (evaluation.patch.length > 0) mutated++;
  }
  return { documents: judged.length, denied, warned, mutated, errors: errors.length };
}

export function objectLabel({ manifest }: Judged): string {
  const { kind = '?', metadata = {} } = manifest.object;
  const name = metadata.name ?? metadata.generateName ?? '(unnamed)';
  return `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${name}`;
}
