// Issue 17 item 4: `ais-guard check` vs `kyverno apply` vs `opa eval` vs `gator test` on the same
// generated documents (default 10,000; --quick: 500, one round), in interleaved rounds: wall time
// and max RSS (GNU time's %M, the process tree's largest resident set). Each tool must deny
// exactly as many documents as evaluate() does, or the run fails (equal work, not just speed).
//   npm run build && node bench/peers/offline.mjs [--quick] [--count N] [--rounds R] [--json FILE]
// Peers missing their binary are built first (bench/peers/<peer>/build.sh; minutes when cold).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      count: { type: 'string' },
      rounds: { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const COUNT = Number(opts.count ?? (opts.quick ? 500 : 10_000));
  const ROUNDS = Number(opts.rounds ?? (opts.quick ? 1 : 3));
  const tools = TOOLS.filter((t) => !opts.only || opts.only.split(',').some((o) => t.name.startsWith(o)));
  for (const t of tools) await t.prepare();
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-peers-'));
  try {
    const { docs, denied } = documents(COUNT);
    writeFileSync(join(dir, 'docs.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    writeFileSync(join(dir, 'docs.json'), JSON.stringify(docs));
    const runs = new Map(tools.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, and each round in a rotated order, so load drifts hit every tool alike.
      const order = tools.map((_, i) => tools[(i + round) % tools.length]);
      for (const t of order) {
        const r = await timed(t.argv(dir));
        if (!t.okCodes.includes(r.code)) {
          throw new Error(`${t.name} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-800)}`);
        }
        const got = t.denied(r.stdout);
        if (got !== denied)
          throw new Error(`${t.name} denied ${got} of ${COUNT} documents, evaluate() ${denied}`);
        runs.get(t.name).push(r);
      }
    }
    const check = median(runs.get(tools[0].name).map((r) => r.wallMs));
    const rows = tools.map((t) => {
      const rs = runs.get(t.name);
      const wallMs = median(rs.map((r) => r.wallMs));
      return {
        tool: t.name,
        version: t.version?.() ?? t.versionText,
        wallMs: Math.round(wallMs),
        maxRssMb: Math.round(Math.max(...rs.map((r) => r.maxRssKb)) / 1024),
        vsCheck: Number((wallMs / check).toFixed(2)),
      };
    });
    const result = {
      documents: COUNT,
      denied,
      rounds: ROUNDS,
      node: process.version,
      machine: `${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end (shared)`,
      rows,
    };
    console.log(
      `offline: ${COUNT} documents (${denied} denied by each), ${ROUNDS} interleaved round(s), median wall, max RSS`,
    );
    console.log('| tool | version | wall ms | max RSS MB | time / check |');
    console.log('| --- | --- | ---: | ---: | ---: |');
    for (const r of rows)
      console.log(`| ${r.tool} | ${r.version} | ${r.wallMs} | ${r.maxRssMb} | ${r.vsCheck} |`);
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
