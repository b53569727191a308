// The workspace's shared/ folder (fixtures, the AIStore CRD) sits beside the project: ../shared.
// AIS_GUARD_SHARED points elsewhere when a checkout lives somewhere else.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(process.env.AIS_GUARD_SHARED ?? join(process.cwd(), '..', 'shared'));
if (!existsSync(SHARED))
  throw new Error(`shared/ not found at ${SHARED}: clone the project beside it or set AIS_GUARD_SHARED`);

export const FIXTURES = join(SHARED, 'fixtures', 'aistore');
export const FIXTURE_FILES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** The path of the shared fixture whose name starts with this number, e.g. fixture('06'). */
export function fixture(prefix: string): string {
  const file = FIXTURE_FILES.find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no shared fixture ${prefix}-*`);
  return join(FIXTURES, file);
}
