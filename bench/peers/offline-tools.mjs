// The offline judges compared by bench/peers/offline.mjs and test/peers: each takes a directory
// holding the same documents twice over (docs.yaml, a multi-document YAML stream; docs.json, a JSON
// array of the same objects for `opa eval`, whose --input reads one document) and says how many of
// them it denies. Each judges the single-object rules of bench/peers/verdicts.mjs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPeer } from './go-peer.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('../../');
const REGO = [here('rego/aisguard.rego'), here('opa/policy.rego')];

/** How many objects a document set denies, from each tool's own report. */
const count = (re, text, what) => {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${what} in the output: ${text.slice(0, 400)}`);
  return Number(m[1]);
};

/** The version in the binary's cache directory (~/.cache/ais-guard/<tool>-<version>/<binary>). */
function fromCache() {
  return /-(v[^/]+)\/[^/]+$/.exec(this.bin ?? '')?.[1] ?? '?';
}

/**
 * Run argv to its end: { code, stdout, stderr }. stdin is /dev/null: gator reads a piped stdin as
 * more input and would wait on it for ever.
 */
export function runTool(argv) {
  const [bin, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? `signal ${signal}`,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
  });
}

export const TOOLS = [
  {
    name: 'ais-guard check',
    version: () => `v${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`,
    async prepare() {},
    argv: (dir) => [
      process.execPath,
      join(ROOT, 'dist/cli/main.js'),
      'check',
      '-o',
      'json',
      '--max-file-bytes=1Gi',
      '--max-total-bytes=1Gi',
      join(dir, 'docs.yaml'),
    ],
    // Exit 1 means "denials found"; anything else but 0 is a failure.
    okCodes: [0, 1],
    denied: (out) => JSON.parse(out).summary.denied,
  },
  {
    name: 'kyverno apply',
    peer: 'kyverno',
    version: fromCache,
    async prepare() {
      this.bin = await buildPeer(new URL('./kyverno/', import.meta.url));
    },
    argv(dir) {
      return [
        this.bin,
        'apply',
        here('kyverno/policy.yaml'),
        '--resource',
        join(dir, 'docs.yaml'),
        '--remove-color',
      ];
    },
    // kyverno apply exits 1 when a resource fails a policy.
    okCodes: [0, 1],
    denied: (out) => count(/fail: (\d+)/, out, 'kyverno summary (fail: N)'),
  },
  {
    name: 'opa eval',
    peer: 'opa',
    version: fromCache,
    async prepare() {
      this.bin = await buildPeer(new URL('./opa/', import.meta.url));
    },
    argv(dir) {
      // Every document through the same violations() the OPA server's policy calls.
      const query =
        'count([i | some i, o in input; count(data.lib.aisguard.violations(o.kind, o, object.get(o, ["metadata", "namespace"], ""))) > 0])';
      return [
        this.bin,
        'eval',
        '--format=raw',
        ...REGO.flatMap((f) => ['-d', f]),
        '--input',
        join(dir, 'docs.json'),
        query,
      ];
    },
    okCodes: [0],
    denied: (out) => Number(out.trim()),
  },
  {
    name: 'gator test',
    peer: 'gatekeeper',
    version: fromCache,
    async prepare() {
      this.bin = await buildPeer(new URL('./gatekeeper/', import.meta.url));
    },
    argv(dir) {
      return [
        this.bin,
        'test',
        '-o',
        'json',
        '-f',
        here('gatekeeper/template.yaml'),
        '-f',
        here('gatekeeper/constraint.yaml'),
        '-f',
        join(dir, 'docs.yaml'),
      ];
    },
    // gator test exits 1 when a deny constraint is violated; its JSON is null when none is.
    okCodes: [0, 1],
    denied: (out) => {
      const objects = (JSON.parse(out) ?? []).map((v) => {
        const m = v.violatingObject.metadata;
        return `${v.violatingObject.kind}/${m.namespace}/${m.name}`;
      });
      return new Set(objects).size;
    },
  },
];
