// (m) resources-in-sync: the guard warns by operator-never-in-sync on a daemon's resources (its
// targetSpec or proxySpec resources, or the log sidecar's, which both daemons run when it has an
// image) exactly when the operator, asked with its own shouldUpdatePodTemplate, would update the
// StatefulSet it just created because the apiserver stored its containers' resources rounded up to
// whole milli-units (the oracle's resourcesSync, see go/main.go). Judged per daemon, so that a warning
// on the proxies' resources does not stand for the targets'. Not applicable where the CR has no
// resources at all (both sides trivially agree) or the operator renders nothing.
import type { Evaluation, KubeObject } from '../../../src/policy/index.js';
import type { Outcome } from './judge.js';
import type { OracleAnswer } from './oracle-process.js';

const PLURAL = { target: 'targets', proxy: 'proxies' } as const;
const RESOURCES = /^\/spec\/(targetSpec|proxySpec|logSidecar)\/resources\//;

export function resourcesInSync(cr: KubeObject, answer: OracleAnswer, created: Evaluation): Outcome {
  const property = 'resources-in-sync';
  const sync = answer.resourcesSync;
  if (!sync) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  const spec = (cr.spec ?? {}) as Record<string, { resources?: unknown } | undefined>;
  const written = ['targetSpec', 'proxySpec', 'logSidecar'].filter((k) => spec[k]?.resources !== undefined);
  const warned = created.findings.filter(
    (f) => f.ruleId === 'operator-never-in-sync' && RESOURCES.test(f.path),
  );
  if (written.length === 0 && warned.length === 0 && !sync.target?.update && !sync.proxy?.update)
    return { property, status: 'skip', reason: 'the CR has no resources' };
  const shown = JSON.stringify(Object.fromEntries(written.map((k) => [k, spec[k]?.resources])));
  const outOfSync: string[] = [];
  let judged = 0;
  for (const daemon of ['target', 'proxy'] as const) {
    const s = sync[daemon];
    // The proxies of a CR with no size at all cannot be rendered (GetProxySize dereferences nil).
    if (!s || s.error) continue;
    judged++;
    if (s.update) outOfSync.push(PLURAL[daemon]);
    const mine = warned.filter(
      (f) =>
        f.path.startsWith(`/spec/${daemon}Spec/resources/`) ||
        f.path.startsWith('/spec/logSidecar/resources/'),
    );
    const said = mine.map((f) => `${f.path}: ${f.message}`).join(' | ') || 'no warning';
    if (s.update && !/resource/.test(s.reason ?? ''))
      return {
        property,
        status: 'disagree',
        signature: `${property}: operator updates the ${PLURAL[daemon]} for something other than resources`,
        detail: `operator: ${s.reason}; resources ${shown}`,
      };
    if (s.update === mine.length > 0) continue;
    return {
      property,
      status: 'disagree',
      signature: `${property}: ${s.update ? `operator never in sync with the ${PLURAL[daemon]}' resources, guard silent` : `guard warns on the ${PLURAL[daemon]}' resources, operator in sync`}`,
      detail: `resources ${shown}; operator: ${s.update ? s.reason : 'in sync'}; guard: ${said}`,
    };
  }
  if (judged === 0) return { property, status: 'skip', reason: 'operator renders neither daemon' };
  // Both sides of "exactly when" must be seen: tallied per kind of agreement.
  return {
    property,
    status: 'agree',
    tally: outOfSync.length
      ? `never in sync (${outOfSync.join(', ')}), guard warns`
      : 'in sync, guard silent',
  };
}
