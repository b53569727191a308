// The image without Docker: builds every stage of the Dockerfile in a temporary root (COPY from
// the build context filtered by .dockerignore, COPY --from another stage, RUN with `sh -c`), then
// runs the final stage's ENTRYPOINT + CMD with its WORKDIR, ENV and USER on a root-owned, read-only
// tree until /readyz answers over HTTPS, and `render` and `version` as the same user.
// Everything is read from the Dockerfile, so this follows it when it changes. What it cannot
// reproduce is the base images: the build stages use this machine's node and npm instead of
// node:24-slim's, and the final stage gets the Node binary given with --node at /nodejs/bin/node
// (distroless' path) and an empty world-writable /tmp (distroless has one; the Deployment mounts an
// emptyDir there), nothing else. Absolute paths in arguments and ENV values are taken relative to
// the stage root. Must run as root (to own the tree and to switch to the image's user).
//   node scripts/image-stage.mjs --node /path/to/node24   (scripts/image-stage.sh does this)
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const { values: opts } = parseArgs({
  options: { node: { type: 'string' }, keep: { type: 'boolean' }, dockerfile: { type: 'string' } },
});
class StageError extends Error {}
function fail(message) {
  throw new StageError(message);
}
const say = (message) => console.log(`image-stage: ${message}`);

// ---- Dockerfile ------------------------------------------------------------------------------

/** Instructions as [KEYWORD, rest], continuation lines joined and comments dropped. */
export function instructions(text) {
  const out = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue; // comments may sit inside a continued instruction
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (!full) continue;
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(full);
    out.push([keyword.toUpperCase(), rest]);
  }
  return out;
}

/** KEY=VALUE pairs (values possibly double-quoted), with ${ARG} substituted. */
function pairs(rest, args) {
  const out = {};
  for (const [, key, quoted, bare] of rest.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g))
    out[key] = substitute(quoted ?? bare, args);
  return out;
}
const substitute = (value, args) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
/** The JSON (exec) form; the shell form is not supported (distroless has no shell). */
function execForm(rest, keyword) {
  try {
    const argv = JSON.parse(rest);
    if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return argv;
  } catch {
    /* reported below */
  }
  return fail(`${keyword} must be in exec form (a JSON array): ${rest}`);
}

/** Stages with their steps, in order; the last one is the image. */
function stages(text) {
  const list = [];
  let args = {};
  let stage;
  for (const [keyword, rest] of instructions(text)) {
    if (keyword === 'FROM') {
      const [, base, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest);
      stage = { base, name: name ?? String(list.length), workdir: '/', env: {}, steps: [], labels: {} };
      args = {};
      list.push(stage);
    } else if (!stage) continue;
    else if (keyword === 'ARG') {
      const [, key, value] = /^(\w+)(?:=(.*))?$/.exec(rest.trim());
      args[key] = value ?? '';
    } else if (keyword === 'WORKDIR') {
      stage.workdir = posix.resolve(stage.workdir, rest);
      stage.steps.push({ workdir: stage.workdir });
    } else if (keyword === 'ENV') Object.assign(stage.env, pairs(rest, { ...args, ...stage.env }));
    else if (keyword === 'LABEL') Object.assign(stage.labels, pairs(rest, args));
    else if (keyword === 'USER') stage.user = rest;
    else if (keyword === 'ENTRYPOINT') stage.entrypoint = execForm(rest, keyword);
    else if (keyword === 'CMD') stage.cmd = execForm(rest, keyword);
    else if (keyword === 'RUN') stage.steps.push({ run: rest });
    else if (keyword === 'COPY') {
      const words = rest.split(/\s+/);
      const flags = Object.fromEntries(
        words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')),
      );
      const paths = words.filter((w) => !w.startsWith('--'));
      if (flags.chown || flags.chmod) fail(`COPY --chown/--chmod is not reproduced: ${rest}`);
      stage.steps.push({ copy: { from: flags.from, sources: paths.slice(0, -1), dest: paths.at(-1) } });
    } else if (!['EXPOSE'].includes(keyword))
      fail(`Dockerfile instruction not reproduced: ${keyword} ${rest}`);
  }
  return list;
}

// ---- .dockerignore ---------------------------------------------------------------------------

/** Docker's rules: the last matching pattern wins; a pattern matching a directory covers its files. */
function ignoreRules() {
  const file = join(ROOT, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = posix.normalize((negate ? l.slice(1) : l).replace(/\/+$/, '')).replace(/^\//, '');
      const re = glob
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (path) => {
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const { negate, re } of rules) if (prefixes.some((p) => re.test(p))) ignored = !negate;
    return ignored;
  };
}

// ---- building the stages ---------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'ais-guard-image-'));
chmodSync(work, 0o755); // the image's user must reach the final root below it
const rootOf = (stage) => join(work, 'stages', stage.name);
const inRoot = (root, path) => join(root, path);

function copyStep(stage, stageByName, { from, sources, dest }, ignored) {
  const root = rootOf(stage);
  const target = posix.resolve(stage.workdir, dest);
  for (const source of sources) {
    let src;
    let filter = () => true;
    if (from) {
      const other = stageByName.get(from) ?? fail(`COPY --from=${from}: no such stage`);
      src = inRoot(rootOf(other), posix.resolve(other.workdir, source));
    } else {
      src = join(ROOT, source);
      filter = (path) => {
        const rel = relative(ROOT, path);
        return rel === '' || !ignored(rel.split('\\').join('/'));
      };
      if (!filter(src)) fail(`COPY ${source}: excluded by .dockerignore`);
    }
    if (!existsSync(src)) fail(`COPY ${source}: not found (${src})`);
    const intoDir = dest.endsWith('/') || sources.length > 1;
    const to = statSync(src).isDirectory() || !intoDir ? target : posix.join(target, basename(source));
    cpSync(src, inRoot(root, to), { recursive: true, filter, verbatimSymlinks: true });
  }
}

function runStep(stage, command) {
  const cwd = inRoot(rootOf(stage), stage.workdir);
  say(`[${stage.name}] RUN ${command}`);
  execFileSync('sh', ['-c', command], { cwd, stdio: 'inherit', env: { ...process.env, ...stage.env } });
}

function build(list) {
  const ignored = ignoreRules();
  const byName = new Map(list.map((s) => [s.name, s]));
  for (const stage of list) {
    mkdirSync(rootOf(stage), { recursive: true });
    stage.workdir = '/';
    for (const step of stage.steps) {
      if (step.workdir) {
        stage.workdir = step.workdir;
        mkdirSync(inRoot(rootOf(stage), step.workdir), { recursive: true });
      } else if (step.copy) copyStep(stage, byName, step.copy, ignored);
      else if (step.run) {
        if (stage === list.at(-1)) fail('RUN in the final stage is not reproduced (distroless has no shell)');
        runStep(stage, step.run);
      }
    }
  }
}

// ---- running the final stage -----------------------------------------------------------------

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

function get(port, path, ca) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, ca, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', (err) => resolve(err.code ?? err.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Writable by anyone but root: the read-only root filesystem, except the emptyDir on /tmp. */
function writableByOthers(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (path === join(root, 'tmp') || entry.isSymbolicLink()) continue;
      const st = statSync(path);
      if (st.uid !== 0 || st.mode & 0o022) found.push(relative(root, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

async function main() {
  if (!opts.node) fail('usage: image-stage.mjs --node NODE24_BINARY [--keep]');
  if (process.getuid?.() !== 0)
    fail('must run as root: the tree is root-owned and the server runs as the image USER');
  const dockerfile = opts.dockerfile ?? join(ROOT, 'Dockerfile');
  const list = stages(readFileSync(dockerfile, 'utf8'));
  const image = list.at(-1);
  if (!image?.entrypoint) fail('the final stage has no ENTRYPOINT');

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const labels = image.labels;
  for (const [key, want] of [
    ['org.opencontainers.image.version', pkg.version],
    ['org.opencontainers.image.licenses', pkg.license],
  ])
    if (labels[key] !== want) fail(`LABEL ${key}="${labels[key]}", package.json says "${want}"`);
  if (!('org.opencontainers.image.source' in labels))
    fail('LABEL org.opencontainers.image.source is missing');
  say(`labels: ${JSON.stringify(labels)}`);

  build(list);
  const root = rootOf(image);
  // What the base image would provide: its Node binary and an empty /tmp for everyone.
  mkdirSync(join(root, 'nodejs/bin'), { recursive: true });
  cpSync(opts.node, join(root, 'nodejs/bin/node'));
  mkdirSync(join(root, 'tmp'), { recursive: true });
  // Root-owned (COPY without --chown) and read-only for everyone, as under readOnlyRootFilesystem.
  execFileSync('chown', ['-R', '0:0', root]);
  execFileSync('chmod', ['-R', 'a-w', root]);
  chmodSync(join(root, 'tmp'), 0o1777);
  const loose = writableByOthers(root);
  if (loose.length) fail(`writable by the image's user: ${loose.slice(0, 5).join(', ')}`);

  const [uid, gid = uid] = (image.user ?? '0').split(':');
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) fail(`USER must be numeric (uid:gid), got ${image.user}`);
  const mapped = (value) => (value.startsWith('/') ? join(root, value) : value);
  const port = await freePort();
  // No HOME and no KUBECONFIG from this machine: the image knows no cluster outside a pod.
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, mapped(v)])),
    AIS_GUARD_PORT: String(port), // a free port instead of 8443; the command line is the image's
  };
  const as = ['--reuid', uid, '--regid', gid, '--clear-groups', '--'];
  const command = [...image.entrypoint, ...(image.cmd ?? [])];
  const cwd = join(root, image.workdir);
  const runAs = (args) => ['setpriv', [...as, ...args.map(mapped)], { cwd, env }];

  say(`running as ${uid}:${gid} in ${image.workdir}: ${command.join(' ')} (port ${port} via AIS_GUARD_PORT)`);
  const [file, args, options] = runAs(command);
  child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

  const certDir = env.AIS_GUARD_CERT_DIR;
  const deadline = Date.now() + 60_000; // generous: a cold start generates two RSA keys on a busy machine
  let status;
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(r, 250, undefined))]);
    if (early !== undefined) fail(`the server exited (${early}) before /readyz answered`);
    if (!certDir || !existsSync(join(certDir, 'ca.crt'))) continue;
    status = await get(port, '/readyz', readFileSync(join(certDir, 'ca.crt')));
    if (status === 200) break;
  }
  if (status !== 200) {
    fail(`/readyz did not answer 200 within 60 s (last: ${status})`);
  }
  say(`GET https://127.0.0.1:${port}/readyz: 200, CA from ${relative(root, certDir)}`);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`serve exited with ${code} after SIGTERM`);
  say('serve stopped on SIGTERM with exit code 0');
  if (/"level":(50|60)/.test(output)) fail('serve logged an error');

  // The other commands of the image: render reads deploy/ from inside the image.
  for (const [cmd, want] of [
    [['version'], `ais-guard ${pkg.version}`],
    [['render'], 'kind: Deployment'],
  ]) {
    const [f, a, o] = runAs([...image.entrypoint, ...cmd]);
    const out = execFileSync(f, a, { ...o, encoding: 'utf8' });
    if (!out.includes(want)) fail(`${cmd.join(' ')}: output lacks "${want}"`);
    say(`${cmd.join(' ')}: ok (${out.split('\n').length - 1} lines)`);
  }
  say(`the image's final stage served as ${uid}:${gid} on a read-only tree`);
}

let child;
main()
  .catch((err) => {
    child?.kill('SIGKILL');
    console.error(`image-stage: ${err instanceof StageError ? err.message : (err.stack ?? String(err))}`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (opts.keep) say(`kept ${work}`);
    else {
      execFileSync('chmod', ['-R', 'u+w', work]);
      rmSync(work, { recursive: true, force: true });
    }
  });
