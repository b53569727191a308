// Review checkfix34: the text, SARIF and JUnit reports of a `kind: List` (`kubectl get pvc -A -o
// yaml`, a generated file of many objects) take time quadratic in the List's size.
//
// Each finding's line (`(line N)`, SARIF's region.startLine) comes from load.ts lineOf, which
// parsed the finding's whole YAML document again for every finding. A List is one document holding
// every object, so N findings cost N parses of an N-item document: 1,000 old-style claim names in a
// List took `check` 2 min 15 s on the review machine, where `check -o json` (no per-finding line)
// took 1.4 s. review-fix26's timing test of a List runs `-q` with nothing failing, so it never asked
// for a line. Expected: one parse of a document for all the findings in it.
//
// Counted, not timed: the yaml library's parseDocument wrapped, its calls on the List's text
// counted while the reports are rendered.
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const actual = jest.requireActual<typeof import('yaml')>('yaml');
let listParses = 0;
const parseDocument = (...args: Parameters<typeof actual.parseDocument>) => {
  if (args[0].includes('kind: List')) listParses++;
  return actual.parseDocument(...args);
};
jest.unstable_mockModule('yaml', () => ({
  ...actual,
  default: { ...actual, parseDocument },
  parseDocument,
}));
const { parseSource } = await import('../../src/cli/load.js');
const { judge } = await import('../../src/cli/judge.js');
const { renderText } = await import('../../src/cli/report/text.js');
const { renderSarif } = await import('../../src/cli/report/sarif.js');
const { renderJunitChunks } = await import('../../src/cli/report/junit.js');

const ROOT = resolve(import.meta.dirname, '..', '..');
// The CR of examples/ais-prod.yaml (CR "ais" in namespace ais-prod).
const CR = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8').split('\n---\n')[0]!;
const N = 60;

/** A List of N claims named the old doc's way: each denied by pvc-name at its metadata.name line. */
function list(): string {
  const items = Array.from(
    { length: N },
    (_, i) => `- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: ais-prod-data-aistore-ais-target-${i}
    namespace: ais-prod
  spec:
    accessModes: [ReadWriteOnce]
    resources:
      requests:
        storage: 5Ti
`,
  );
  return `apiVersion: v1\nkind: List\nitems:\n${items.join('')}`;
}

function report() {
  const errors: { file: string; line?: number; message: string }[] = [];
  const manifests = [
    ...parseSource('cr.yaml', CR, errors).manifests,
    ...parseSource('claims.yaml', list(), errors).manifests,
  ];
  expect(errors).toEqual([]);
  const judged = judge(manifests, {});
  expect(judged.filter((j) => !j.evaluation.allowed)).toHaveLength(N);
  return { judged, errors, notes: [] };
}

describe('review checkfix34: the reports of a List parse its document once, not once per finding', () => {
  const cases: [string, (r: ReturnType<typeof report>) => string][] = [
    ['text', (r) => renderText(r)],
    ['sarif', (r) => renderSarif(r, '0')],
    ['junit', (r) => [...renderJunitChunks(r, {})].join('')],
  ];
  it.each(cases)('%s', (_format, render) => {
    const r = report();
    listParses = 0;
    const out = render(r);
    // Still the last claim's line: item i's `name:` is on line 4 + 10 * i + 3.
    expect(out).toContain(String(4 + 10 * (N - 1) + 3));
    expect(listParses).toBeLessThanOrEqual(2);
  });

  it('the lines are each finding’s own (text)', () => {
    const out = renderText(report());
    const lines = [...out.matchAll(/DENY {2}pvc-name \(line (\d+)\)/g)].map((m) => Number(m[1]));
    expect(lines).toEqual(Array.from({ length: N }, (_, i) => 4 + 10 * i + 3));
  });
});
