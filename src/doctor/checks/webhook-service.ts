// Each webhook calls the guard's Service (as rendered), the Service exists with that port, and it
// has ready endpoints in its EndpointSlices: otherwise every call fails (Fail entries block, Ignore
// entries admit unchecked). A webhook called by URL (a guard outside the cluster) is probed instead.
import type { CheckResult, EndpointSlice, Expected, Service, ServiceRef, Snapshot } from '../types.js';
import {
  couldNotRead,
  liveEntries,
  list,
  nothingToCheck,
  readFix,
  renderHint,
  verdict,
  type Finding,
} from './common.js';

const keyOf = (s: ServiceRef) => `${s.namespace}/${s.name}`;

/** The guard's admission routes (src/server/app.ts, createApp); any other path answers 404. */
const ROUTES: Readonly<Record<string, 'validate' | 'mutate'>> = {
  '/validate': 'validate',
  '/mutate': 'mutate',
};

/** Ready endpoints (an unset `ready` counts as ready, as the API says) behind the Service port. */
export function readyEndpoints(service: Service, port: number, slices: EndpointSlice[]): number {
  const portName = service.spec?.ports?.find((p) => p.port === port)?.name ?? '';
  const addresses = new Set<string>();
  for (const slice of slices) {
    // A slice with no ports list serves all ports; otherwise it must carry the Service port's name.
    if (slice.ports && !slice.ports.some((p) => (p.name ?? '') === portName)) continue;
    for (const e of slice.endpoints ?? [])
      if (e.conditions?.ready !== false) for (const a of e.addresses ?? []) addresses.add(a);
  }
  return addresses.size;
}

/**
 * What the webhooks calling a Service with no ready guard do right now: the Fail ones (unset is
 * Fail, the API default) refuse every request they are sent, the Ignore ones admit it unchecked.
 */
function whileDown(calling: { entry: { name: string; failurePolicy?: string } }[]): string {
  const failing = calling
    .filter(({ entry }) => (entry.failurePolicy ?? 'Fail') === 'Fail')
    .map((e) => e.entry.name);
  return failing.length > 0
    ? `failurePolicy Fail: ${list(failing)} refuse what they are sent until a guard is ready (docs/deploy.md "failurePolicy")`
    : 'every webhook is Ignore: what they select is admitted unchecked (docs/deploy.md "failurePolicy")';
}

export function checkWebhookService(snapshot: Snapshot, expected: Expected): CheckResult {
  const entries = liveEntries(snapshot, expected);
  if (entries.length === 0)
    return nothingToCheck('webhook-service', snapshot, expected, 'no webhook configuration to follow');
  const findings: Finding[] = [];
  const seen: string[] = [];
  const wanted = new Map(expected.configs.flatMap((c) => c.webhooks.map((w) => [w.name, w.service])));
  const done = new Set<string>();
  for (const { kind, entry } of entries) {
    const url = entry.clientConfig?.url;
    if (url) {
      const origin = new URL(url).origin;
      if (done.has(origin)) continue;
      done.add(origin);
      const probe = snapshot.probes[origin];
      if (probe?.ok && probe.status === 200) seen.push(`${origin} (by URL, /readyz 200)`);
      else if (probe?.ok)
        // It answers: running, but not ready (cache not synced, draining, certificate, caBundle).
        findings.push({
          status: 'fail',
          message: `${entry.name} calls ${url}, whose guard is not ready: /readyz ${probe.status}${
            probe.notReady ? ` (failed: ${probe.notReady})` : ''
          }`,
          fix: `see why in its /readyz (curl -k ${origin}/readyz) and its log; the rbac and certificate checks name a missing right or an expired certificate`,
        });
      else
        findings.push({
          status: 'fail',
          message: `${entry.name} calls ${url}, which does not answer: ${
            probe ? probe.reason : 'not probed'
          }`,
          fix: `start the guard at ${origin}, or point the webhooks at the Service (${renderHint(expected)})`,
        });
      continue;
    }
    const ref = entry.clientConfig?.service;
    if (!ref) {
      findings.push({
        status: 'fail',
        message: `${entry.name} names neither a Service nor a URL`,
        fix: renderHint(expected),
      });
      continue;
    }
    // Every call to a path the guard has no route for fails (404); a validating entry on /mutate
    // is answered by the mutating route, which never denies: as Fail entries, the first rejects
    // every change it is sent and the second enforces nothing.
    const route = ROUTES[ref.path ?? ''];
    if (!route || (kind === 'ValidatingWebhookConfiguration' && route === 'mutate'))
      findings.push({
        status: 'fail',
        message: route
          ? `${entry.name} is a validating webhook that calls ${keyOf(ref)}${ref.path}, the guard's mutating route, which never denies: it enforces nothing`
          : `${entry.name} calls ${keyOf(ref)}${ref.path ?? ''}, which the guard does not serve (only /validate and /mutate): every call fails`,
        fix: renderHint(expected),
      });
    const want = wanted.get(entry.name);
    if (want && (keyOf(want) !== keyOf(ref) || (want.path ?? '') !== (ref.path ?? '')))
      findings.push({
        status: 'warn',
        message: `${entry.name} calls ${keyOf(ref)}${ref.path ?? ''}, deploy/ renders ${keyOf(want)}${want.path ?? ''}`,
        fix: renderHint(expected),
      });
    const port = ref.port ?? 443;
    const key = `${keyOf(ref)}:${port}`;
    if (done.has(key)) continue;
    done.add(key);
    const state = snapshot.services[keyOf(ref)];
    if (!state || !state.service.ok) {
      const reason = state && !state.service.ok ? state.service : undefined;
      findings.push(
        reason && !reason.absent
          ? {
              status: 'warn',
              message: couldNotRead(`Service ${keyOf(ref)}`, reason),
              fix: readFix(reason, `run doctor as a user that may get services in ${ref.namespace}`),
            }
          : {
              status: 'fail',
              message: `Service ${keyOf(ref)} does not exist`,
              fix: renderHint(expected, ref.namespace),
            },
      );
      continue;
    }
    const service = state.service.value;
    if (!service.spec?.ports?.some((p) => p.port === port)) {
      findings.push({
        status: 'fail',
        message: `Service ${keyOf(ref)} has no port ${port}`,
        fix: renderHint(expected, ref.namespace),
      });
      continue;
    }
    if (!state.slices.ok) {
      findings.push({
        status: 'warn',
        message: couldNotRead(`EndpointSlices of ${keyOf(ref)}`, state.slices),
        fix: readFix(state.slices, `run doctor as a user that may list endpointslices in ${ref.namespace}`),
      });
      continue;
    }
    const ready = readyEndpoints(service, port, state.slices.value);
    if (ready === 0)
      findings.push({
        status: 'fail',
        message: `Service ${keyOf(ref)} has no ready endpoints: no guard pod is running and ready; ${whileDown(
          entries.filter(({ entry: e }) => {
            const s = e.clientConfig?.service;
            return !e.clientConfig?.url && s && keyOf(s) === keyOf(ref) && (s.port ?? 443) === port;
          }),
        )}`,
        // render --name renames the Deployment and sets app.kubernetes.io/instance to the name
        // (src/deploy/transform.ts, renameInstall); a chart release's instance label is its own.
        fix: `kubectl -n ${ref.namespace} get pods,endpointslices -l app.kubernetes.io/name=ais-guard${
          expected.name === 'ais-guard' ? '' : `,app.kubernetes.io/instance=${expected.name}`
        }; kubectl -n ${ref.namespace} rollout status deployment/${expected.name}`,
      });
    else seen.push(`Service ${key} (${ready} ready endpoint${ready === 1 ? '' : 's'})`);
  }
  return verdict('webhook-service', findings, `webhooks call ${list(seen)}`);
}
