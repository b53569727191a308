// The Pepr peer's rules (bench/peers/pepr/rules.mjs, what its capability calls) give the shared
// verdict set's verdicts, as the Go-built peers must (test/peers/verdicts.peers.test.ts). The webhook
// test (test/peers/webhook.peers.test.ts) asks Pepr's server the same, but needs a control plane;
// the rules are plain functions, so they are held to the set here, in every unit run.
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

interface Verdict {
  name: string;
  review: { request: { operation: string; namespace?: string; kind: { kind: string }; object: unknown } };
  allowed: boolean;
}
type Denial = (object: unknown, namespace: string | undefined) => string | undefined;
interface Rules {
  podDenial: Denial;
  claimDenial: Denial;
  judge(denial: Denial, request: unknown, object: unknown, oldObject: unknown): string | undefined;
}

const ROOT = new URL('../..', import.meta.url).pathname;
// .mjs modules without type declarations: imported by path, as test/peers does.
const load = async <T>(path: string): Promise<T> => (await import(join(ROOT, path))) as T;
const { VERDICTS } = await load<{ VERDICTS: Verdict[] }>('bench/peers/verdicts.mjs');
const rules = await load<Rules>('bench/peers/pepr/rules.mjs');

describe('Pepr peer rules on the shared verdict set', () => {
  it.each(VERDICTS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const r = v.review.request;
    // The capability binds podDenial to Pods and claimDenial to claims (capability.mjs).
    const denial = r.kind.kind === 'Pod' ? rules.podDenial : rules.claimDenial;
    const message = rules.judge(denial, r, r.object, undefined);
    expect(message === undefined).toBe(v.allowed);
  });
});
