// Differential test: the AIStore operator's own code (test/oracle/go, built by build.sh) against
// the guard's core, on generated CRs. `npm run test:oracle` (test/oracle/run.sh) builds the oracle
// and sets ORACLE_BIN. ORACLE_SEED and ORACLE_RUNS replay or widen a run; the seed is printed.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  FIXED_DAEMON_FIELDS,
  FIXED_TARGET_FIELDS,
  MUTABLE_DAEMON_FIELDS,
  MUTABLE_TARGET_FIELDS,
} from '../../src/policy/aistore.js';
import { caseArb, type OracleCase } from './support/generate.js';
import { judge, PROPERTIES, reapplyAfterPatch, type Outcome } from './support/judge.js';
import { OracleProcess } from './support/oracle-process.js';
import type { KubeObject } from '../../src/policy/index.js';

const binary = process.env.ORACLE_BIN;
const seed = Number(process.env.ORACLE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.ORACLE_RUNS ?? 1000);

const say = (line: string) => process.stdout.write(`oracle: ${line}\n`);

/** The spec without what every generated CR has (images, ports, CRD defaults). */
function essentials(cr: KubeObject | undefined): string {
  const boiler = new Set([
    'nodeImage',
    'initImage',
    'publicNetDNSMode',
    'scaleDownMode',
    'servicePort',
    'portPublic',
    'portIntraControl',
    'portIntraData',
  ]);
  // A port is left out only when it is one of the usual numbers: generate.ts gives some CRs a port
  // the operator refuses (or takes as a string), which a counterexample must show.
  const ports = new Set(['servicePort', 'portPublic', 'portIntraControl', 'portIntraData']);
  const usualPort = (v: unknown) => typeof v === 'number' && v >= 51080 && v <= 51083;
  const hidden = (k: string, v: unknown) => boiler.has(k) && (!ports.has(k) || usualPort(v));
  return JSON.stringify(cr?.spec, (k, v: unknown) => (hidden(k, v) ? undefined : v));
}

/** A case, printed short: the CR's spec, the nodes as name[labels|taints], the old CR. */
function describeCase(c: OracleCase): string {
  const nodes = c.nodes.map((n) => {
    const spec = (n.spec ?? {}) as { taints?: { key: string; effect: string }[]; unschedulable?: boolean };
    const labels = Object.entries(n.metadata?.labels ?? {})
      .filter(([k]) => k !== 'kubernetes.io/hostname')
      .map(([k, v]) => `${k}=${v}`);
    const taints = (spec.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    return `${n.metadata?.name}[${[...labels, ...taints, ...(spec.unschedulable ? ['unschedulable'] : [])].join(',')}]`;
  });
  return [
    `  CR ${c.namespace}/${c.cr.metadata?.name} (images, ports and CRD defaults left out): ${essentials(c.cr)}`,
    `  other CRs in the namespace: ${c.neighbours.map((n) => n.metadata?.name).join(', ') || 'none'}`,
    `  nodes: ${nodes.join(' ')}`,
    ...(c.pvs.length
      ? [
          `  PVs (local, pre-bound, Available): ${c.pvs
            .map((p) => {
              const spec = p.spec as {
                claimRef: { name: string };
                capacity: { storage: string };
                nodeAffinity: {
                  required: { nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[] };
                };
              };
              const host = spec.nodeAffinity.required.nodeSelectorTerms[0]?.matchExpressions[0]?.values[0];
              return `${spec.claimRef.name}@${host}(${spec.capacity.storage})`;
            })
            .join(' ')}`,
        ]
      : []),
    ...(c.old ? [`  old CR (UPDATE): ${essentials(c.old)}`] : []),
  ].join('\n');
}

const maybe = binary ? describe : describe.skip;

maybe('the operator (v3.4.0 source) as the oracle', () => {
  let oracle: OracleProcess;
  beforeAll(() => {
    oracle = new OracleProcess(binary as string);
  });
  afterAll(() => oracle.close());

  // operator-fixed-fields compares only the fields it lists as fixed, and leaves the mutable ones and
  // any other key (pruned by the apiserver) alone: together the lists must be the Go types' fields.
  test('the guard lists every proxySpec and targetSpec field as fixed or mutable, once', () => {
    const operator = JSON.parse(execFileSync(binary as string, ['fields'], { encoding: 'utf8' })) as Record<
      'proxySpec' | 'targetSpec',
      string[]
    >;
    const guard = (fixed: ReadonlySet<string>, mutable: ReadonlySet<string>) => [...fixed, ...mutable].sort();
    expect(guard(FIXED_DAEMON_FIELDS, MUTABLE_DAEMON_FIELDS)).toEqual([...operator.proxySpec].sort());
    expect(guard(FIXED_TARGET_FIELDS, MUTABLE_TARGET_FIELDS)).toEqual([...operator.targetSpec].sort());
  });

  test(`${runs} generated CRs: claim names, target count, operator output passes, mutations accepted, container paths, fixed fields, spec refused, claim templates, pod template, update output passes, recognised, host network port, resources in sync`, async () => {
    say(`seed ${seed}, ${runs} cases (replay: ORACLE_SEED=${seed} ORACLE_RUNS=${runs} npm run test:oracle)`);
    const cases = fc.sample(caseArb, { seed, numRuns: runs });
    const judged = await Promise.all(cases.map((c, i) => judge(c, oracle, String(i))));

    const counts = Object.fromEntries(PROPERTIES.map((p) => [p, { agree: 0, disagree: 0, skip: 0 }]));
    const classes = new Map<string, { count: number; first: number; outcome: Outcome }>();
    const reasons = new Map<string, number>();
    const tallies = new Map<string, number>();
    judged.forEach((outcomes, i) => {
      for (const o of outcomes) {
        (counts[o.property] as Record<Outcome['status'], number>)[o.status]++;
        if (o.tally)
          tallies.set(`${o.property}: ${o.tally}`, (tallies.get(`${o.property}: ${o.tally}`) ?? 0) + 1);
        if (o.reason)
          reasons.set(`${o.property}: ${o.reason}`, (reasons.get(`${o.property}: ${o.reason}`) ?? 0) + 1);
        if (o.status !== 'disagree' || !o.signature) continue;
        const known = classes.get(o.signature);
        if (known) known.count++;
        else classes.set(o.signature, { count: 1, first: i, outcome: o });
      }
    });
    for (const p of PROPERTIES) {
      const { agree, disagree, skip } = counts[p] as Record<Outcome['status'], number>;
      const judgedN = agree + disagree;
      const pct = judgedN ? ((100 * agree) / judgedN).toFixed(1) : '-';
      say(`${p}: ${agree}/${judgedN} agree (${pct} %), ${skip} not applicable`);
    }
    for (const [tally, n] of [...tallies].sort((a, b) => b[1] - a[1])) say(`  agree, ${n}x: ${tally}`);
    for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]))
      say(`  not applicable, ${n}x: ${reason}`);

    const reapplied = (
      await Promise.all(cases.map((c, i) => reapplyAfterPatch(c, oracle, `reapply-${i}`)))
    ).filter((r): r is string => r !== undefined);
    say(
      `note (not asserted): ${reapplied.length} CR(s) the guard patched on CREATE are then rejected by the operator when the unpatched manifest is re-sent as an UPDATE (kubectl replace, server-side apply), the guard allowing that UPDATE` +
        (reapplied[0] ? `; e.g. patch ${reapplied[0]}` : ''),
    );

    // One minimal counterexample per disagreement class: shrink with fast-check, same seed.
    const report: string[] = [];
    for (const [signature, { count, first, outcome }] of classes) {
      const minimal = await fc.check(
        fc.asyncProperty(
          caseArb,
          async (c) => !(await judge(c, oracle, 'shrink')).some((o) => o.signature === signature),
        ),
        { seed, numRuns: runs },
      );
      const example = (minimal.counterexample?.[0] ?? cases[first]) as OracleCase;
      const again =
        (await judge(example, oracle, 'minimal')).find((o) => o.signature === signature) ?? outcome;
      report.push(
        `DISAGREEMENT ${signature} (${count} case(s), first #${first})\n  ${again.detail}\n${describeCase(example)}`,
      );
    }
    for (const r of report) say(r);
    say(classes.size === 0 ? 'no disagreement' : `${classes.size} disagreement class(es), seed ${seed}`);
    expect(report).toEqual([]);
  });
});

if (!binary) {
  test('oracle binary', () => {
    throw new Error(
      'ORACLE_BIN is not set: run `npm run test:oracle` (test/oracle/run.sh), which builds the oracle',
    );
  });
}
