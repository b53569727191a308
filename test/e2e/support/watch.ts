// Records each object as the apiserver first stored it (the ADDED watch event): what admission,
// mutating webhooks included, made of the create, before any controller touched it.
import * as k8s from '@kubernetes/client-node';
import { kc } from './kube.js';

export interface Recorder {
  /** First-stored versions, by name. */
  added: Map<string, Record<string, unknown>>;
  stop(): void;
}

/** Watches e.g. /api/v1/namespaces/NS/pods from now on; call stop() when done. */
export async function recordAdded(path: string): Promise<Recorder> {
  const added = new Map<string, Record<string, unknown>>();
  const controller = await new k8s.Watch(kc).watch(
    path,
    {},
    (phase, obj: { metadata?: { name?: string } }) => {
      const name = obj.metadata?.name;
      if (phase === 'ADDED' && name && !added.has(name)) added.set(name, obj as Record<string, unknown>);
    },
    () => undefined,
  );
  return { added, stop: () => controller.abort() };
}
