// Issue 17 item 4: `ais-guard check` vs `kyverno apply` vs `opa eval` vs `gator test` on the same
// generated documents (default 10,000; --quick: 100, one round), in interleaved rounds: wall time
// and max RSS (GNU time's %M, the process tree's largest resident set). Each tool must deny
// exactly as many documents as evaluate() does, or the run fails (equal work, not just speed).
//   npm run build && node bench/peers/offline.mjs [--quick] [--count N] [--rounds R] [--json FILE]
//     [--only check,kyverno,opa,gator] [--kyverno-docs N]   (kyverno apply judges the first N: 500, --quick 20)
// Peers missing their binary are built first (bench/peers/<peer>/build.sh; minutes when cold).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runTool, TOOLS } from './offline-tools.mjs';
import { VERDICTS } from './verdicts.mjs';

const TIME = '/usr/bin/time';

/**
 * Document i: verdict case i mod n, renamed to be unique (a set with one object twice is an input
 * error for `check`) in a way that keeps its verdict: pods keep an ordinal >= 1, claims keep their
 * shape with the ordinal replaced.
 */
export function documents(count) {
  const docs = [];
  let denied = 0;
  for (let i = 0; i < count; i++) {
    const v = VERDICTS[i % VERDICTS.length];
    const o = JSON.parse(JSON.stringify(v.review.request.object));
    const name = o.metadata.name;
    o.metadata.name = /-\d+$/.test(name) ? name.replace(/-\d+$/, `-${i + 1}`) : `${name}-${i}`;
    docs.push(o);
    if (!v.allowed) denied++;
  }
  return { docs, denied };
}

/** Run argv under GNU time: { code, stdout, stderr, wallMs, maxRssKb }. */
async function timed(argv) {
  const out = join(tmpdir(), `peers-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = process.hrtime.bigint();
  const r = await runTool([TIME, '-f', '%M', '-o', out, ...argv]);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const maxRssKb = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(out, { force: true });
  return { ...r, wallMs, maxRssKb };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      count: { type: 'string' },
      rounds: { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string' },
      'kyverno-docs': { type: 'string' },
    },
  });
  const COUNT = Number(opts.count ?? (opts.quick ? 100 : 10_000));
  const ROUNDS = Number(opts.rounds ?? (opts.quick ? 1 : 3));
  // kyverno apply takes ~0.5 s per document here (linear: 10 s for 20, 47 s for 100, 300 s for
  // 500), so it judges the first N of the same documents, with `check` run on those N beside it.
  const KYVERNO_DOCS = Math.min(COUNT, Number(opts['kyverno-docs'] ?? (opts.quick ? 20 : 500)));
  const picked = TOOLS.filter((t) => !opts.only || opts.only.split(',').some((o) => t.name.includes(o)));
  for (const t of picked) await t.prepare();
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-peers-'));
  try {
    const sets = new Map();
    const setOf = async (count) => {
      if (!sets.has(count)) {
        const { docs, denied } = documents(count);
        const sub = join(dir, String(count));
        mkdirSync(sub);
        writeFileSync(join(sub, 'docs.yaml'), docs.map((d) => stringify(d)).join('---\n'));
        writeFileSync(join(sub, 'docs.json'), JSON.stringify(docs));
        sets.set(count, { dir: sub, denied, count });
      }
      return sets.get(count);
    };
    // One entry per (tool, document count); check also on kyverno's count, for a same-input ratio.
    const entries = [];
    for (const t of picked) {
      const count = t.peer === 'kyverno' ? KYVERNO_DOCS : COUNT;
      entries.push({ tool: t, set: await setOf(count), runs: [] });
    }
    const check = picked.find((t) => t.peer === undefined);
    if (check && entries.some((e) => e.set.count !== COUNT))
      entries.splice(1, 0, { tool: check, set: await setOf(KYVERNO_DOCS), runs: [] });
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, and each round in a rotated order, so load drifts hit every tool alike.
      const order = entries.map((_, i) => entries[(i + round) % entries.length]);
      for (const e of order) {
        const r = await timed(e.tool.argv(e.set.dir));
        if (!e.tool.okCodes.includes(r.code)) {
          throw new Error(`${e.tool.name} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-800)}`);
        }
        const got = e.tool.denied(r.stdout);
        if (got !== e.set.denied)
          throw new Error(
            `${e.tool.name} denied ${got} of ${e.set.count} documents, evaluate() ${e.set.denied}`,
          );
        e.runs.push(r);
      }
    }
    const checkWall = (count) =>
      median(
        entries.find((e) => e.tool === check && e.set.count === count)?.runs.map((r) => r.wallMs) ?? [NaN],
      );
    const rows = entries.map((e) => {
      const wallMs = median(e.runs.map((r) => r.wallMs));
      return {
        tool: e.tool.name,
        version: e.tool.version(),
        documents: e.set.count,
        wallMs: Math.round(wallMs),
        maxRssMb: Math.round(Math.max(...e.runs.map((r) => r.maxRssKb)) / 1024),
        vsCheck: Number((wallMs / checkWall(e.set.count)).toFixed(2)),
      };
    });
    const result = {
      documents: COUNT,
      denied: (await setOf(COUNT)).denied,
      rounds: ROUNDS,
      node: process.version,
      machine: `${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end (shared)`,
      rows,
    };
    console.log(
      `offline: the same generated documents (${VERDICTS.filter((v) => !v.allowed).length} in ${VERDICTS.length} denied, checked per tool), ${ROUNDS} interleaved round(s), median wall, max RSS`,
    );
    console.log('| tool | version | documents | wall ms | max RSS MB | time / check (same documents) |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const r of rows)
      console.log(
        `| ${r.tool} | ${r.version} | ${r.documents} | ${r.wallMs} | ${r.maxRssMb} | ${r.vsCheck} |`,
      );
    console.log(JSON.stringify(result));
    if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  main().catch((error) => {
    console.error(`offline: FAIL: ${error.message}`);
    process.exit(1);
  });
}
