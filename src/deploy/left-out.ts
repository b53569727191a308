// What an overlay leaves out of deploy/base. `kubectl apply` creates and updates but never deletes
// (without --prune), so an install switched to such an overlay keeps those objects: a
// validate-only install its MutatingWebhookConfiguration (the guard goes on mutating), a
// cert-manager one the webhook-ca role (the guard's token can still rewrite its webhooks).
// `render` names them with the command that removes them. Helm deletes what it no longer renders.
import type { KObject } from './objects.js';

const key = (o: KObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The objects of `base` that `overlay` does not hold (by kind, namespace and name), in base's order. */
export function leftOut(base: KObject[], overlay: KObject[]): KObject[] {
  const kept = new Set(overlay.map(key));
  return base.filter((o) => !kept.has(key(o)));
}

/** `kubectl delete kind/name ...` for objects of one install (one namespace at most). */
export function deleteCommand(objects: KObject[]): string {
  const namespace = objects.find((o) => o.metadata?.namespace)?.metadata?.namespace;
  const names = objects.map((o) => `${(o.kind ?? '').toLowerCase()}/${o.metadata?.name ?? ''}`);
  return ['kubectl delete', ...(namespace ? [`-n ${namespace}`] : []), ...names].join(' ');
}
