// `npm start`'s prestart: runs `npm run build` only when dist/ is missing or older than what it is
// built from (src/, tsconfig.json, tsconfig.build.json), so a start after an unchanged checkout
// does not wait for tsc. The same test as test/e2e/run.sh: tsc rewrites dist/cli/main.js on
// every build, so its time is the build's.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = (() => {
  try {
    return statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs;
  } catch {
    return -1;
  }
})();

/** The first input newer than the build, or undefined. */
function newer(path) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const entry of readdirSync(path)) {
      const found = newer(join(path, entry));
      if (found) return found;
    }
    return undefined;
  }
  return st.mtimeMs > built ? path : undefined;
}

const reason =
  built < 0
    ? 'dist/ is missing'
    : ['src', 'tsconfig.json', 'tsconfig.build.json'].map((p) => newer(join(ROOT, p))).find(Boolean);
if (reason) {
  console.error(
    `build-if-stale: ${built < 0 ? reason : `${relative(ROOT, reason)} is newer than dist/`}: npm run build`,
  );
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    process.exit(1); // tsc has printed why
  }
} else {
  console.error('build-if-stale: dist/ is up to date');
}
