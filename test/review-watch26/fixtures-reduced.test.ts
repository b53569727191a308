// HELD (passes today).
// review watch26: every shared fixture object judged against a context of the fixtures' watched
// kinds, whole (as `check` reads them) and reduced (as serve caches them): the same answers.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { RESOURCES } from '../../src/server/cluster.js';
import { FIXTURE_FILES, FIXTURES } from '../support/fixtures.js';

const all: KubeObject[] = [];
for (const file of FIXTURE_FILES) {
  const errors: LoadError[] = [];
  const { manifests } = parseSource(file, readFileSync(join(FIXTURES, file), 'utf8'), errors);
  for (const m of manifests) all.push(m.object);
}
const watched = all.filter((o) => RESOURCES.some((r) => r.kind === o.kind));
const shape = (o: KubeObject) => {
  const r = RESOURCES.find((x) => x.kind === o.kind)!;
  return reduced(structuredClone(o) as Cached, r.apiVersion, r.kind);
};
const verdicts = (ctx: ClusterContext) =>
  all.map((object) =>
    (['CREATE', 'UPDATE'] as const).map((operation) => {
      const ev = evaluate({ operation, object, oldObject: operation === 'UPDATE' ? object : undefined }, ctx);
      return [ev.allowed, ev.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`).sort(), ev.patch];
    }),
  );

describe('review watch26: fixtures, whole vs reduced', () => {
  it('answers alike', () => {
    expect(watched.length).toBeGreaterThan(5);
    expect(verdicts(new ClusterContext(watched.map(shape)))).toEqual(
      verdicts(new ClusterContext(watched.map((o) => structuredClone(o)))),
    );
  });
});
