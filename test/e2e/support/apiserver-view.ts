// What the apiserver does to a request before any admission policy sees it, for the e2e files that
// hold the CEL policies (11 VAP, 14 MAP) to the engine: the engine is given the object as the
// policies receive it. Also the AIStore CRD's required fields the rule builders leave out.
import type { KubeObject } from '../../../src/policy/index.js';

/** The AIStore CRD requires fields the builders leave out; they change no rule's verdict. */
export function schemaComplete(object: KubeObject | undefined): KubeObject | undefined {
  if (object?.kind !== 'AIStore') return object;
  const copy = structuredClone(object) as KubeObject & { spec: Record<string, Record<string, unknown>> };
  copy.spec.initImage ??= 'aistorage/ais-init:v3.30' as never;
  for (const role of ['proxySpec', 'targetSpec'])
    for (const port of ['portPublic', 'portIntraControl', 'portIntraData']) copy.spec[role]![port] ??= 51082;
  return copy;
}

/**
 * The current AIStore CRD no longer declares the top-level spec.disablePodAntiAffinity (removed in
 * operator v2.0.0): the apiserver prunes it while decoding, before any webhook or policy sees it.
 */
export function pruned(object: KubeObject | undefined): KubeObject | undefined {
  if (object?.kind !== 'AIStore') return object;
  const copy = structuredClone(object) as KubeObject & { spec: Record<string, unknown> };
  delete copy.spec.disablePodAntiAffinity;
  return copy;
}

/** What Pod defaulting does before any policy runs: with hostNetwork, each port's hostPort = containerPort. */
export function podDefaults(object: KubeObject): KubeObject {
  const spec = object.spec as { hostNetwork?: boolean; containers?: { ports?: Record<string, unknown>[] }[] };
  if (object.kind !== 'Pod' || spec?.hostNetwork !== true) return object;
  const copy = structuredClone(object);
  for (const c of (copy.spec as typeof spec).containers ?? [])
    for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
  return copy;
}
