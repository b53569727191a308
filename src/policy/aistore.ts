// The AIStore custom resource as the operator reads it, and the names the operator derives from it.
// Facts from the ais-k8s operator (docs/rules.md and the README; operator v3.4.0 source cited per fact).
import { isObject, type Affinity } from './k8s.js';
import type { KubeObject } from './types.js';

export const AIS_GROUP = 'ais.nvidia.com';
export const AIS_KIND = 'AIStore';

export interface Mount {
  index: number;
  path: string;
  size?: string;
  storageClass?: string;
  useHostPath: boolean;
}

export interface TargetSpec {
  size?: number;
  mounts?: unknown;
  hostPort?: number;
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  disablePodAntiAffinity?: boolean;
}

export interface AIStoreCR extends KubeObject {
  spec?: {
    size?: number;
    disablePodAntiAffinity?: unknown;
    targetSpec?: TargetSpec;
  } & Record<string, unknown>;
}

export function isAIStore(obj: KubeObject): obj is AIStoreCR {
  return (
    obj.kind === AIS_KIND && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(`${AIS_GROUP}/`)
  );
}

/** Target count: `targetSpec.size`, else `spec.size`; undefined when unknown or autoscaled (-1). */
export function targetSize(cr: AIStoreCR): number | undefined {
  const size = cr.spec?.targetSpec?.size ?? cr.spec?.size;
  return typeof size === 'number' && Number.isInteger(size) && size >= 0 ? size : undefined;
}

export function mountsOf(cr: AIStoreCR): Mount[] {
  const raw = cr.spec?.targetSpec?.mounts;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((m, index) =>
    isObject(m) && typeof m.path === 'string'
      ? [
          {
            index,
            path: m.path,
            size: typeof m.size === 'string' || typeof m.size === 'number' ? String(m.size) : undefined,
            storageClass: typeof m.storageClass === 'string' ? m.storageClass : undefined,
            useHostPath: m.useHostPath === true,
          },
        ]
      : [],
  );
}

/** Mounts that become volumeClaimTemplates (useHostPath mounts do not). */
export function claimMounts(cr: AIStoreCR): Mount[] {
  return mountsOf(cr).filter((m) => !m.useHostPath);
}

/** The operator's volumeClaimTemplate name for a mount: CR name + path with "/" turned into "-". */
export function templateName(crName: string, mountPath: string): string {
  return crName + mountPath.replaceAll('/', '-');
}

export function targetStatefulSetName(crName: string): string {
  return `${crName}-target`;
}

/** The claim the StatefulSet controller creates: <template>-<statefulset>-<ordinal>. */
export function dataClaimName(crName: string, mountPath: string, ordinal: number): string {
  return `${templateName(crName, mountPath)}-${targetStatefulSetName(crName)}-${ordinal}`;
}

/** What the old AIStore doc told people to write: <namespace>-<path>-<pod>. */
export function legacyDocClaimName(
  namespace: string,
  crName: string,
  mountPath: string,
  ordinal: number,
): string {
  return `${namespace}${mountPath.replaceAll('/', '-')}-${targetStatefulSetName(crName)}-${ordinal}`;
}

/** The ordinal at the end of a target claim or pod name (`…-<cr>-target-<N>`), if the name has one. */
export function targetOrdinal(crName: string, name: string): number | undefined {
  const suffix = `-${targetStatefulSetName(crName)}-`;
  const at = name.lastIndexOf(suffix);
  const tail =
    at >= 0
      ? name.slice(at + suffix.length)
      : name.startsWith(`${crName}-target-`)
        ? name.slice(crName.length + 8)
        : '';
  return /^(0|[1-9]\d*)$/.test(tail) ? Number(tail) : undefined;
}

/** The state claim (`<ns>-<c>-state-<c>-target-<N>`) is not a data claim and follows other rules. */
export function isStateClaim(namespace: string, crName: string, name: string): boolean {
  return name.startsWith(`${namespace}-${crName}-state-${targetStatefulSetName(crName)}-`);
}

export function antiAffinityDisabled(cr: AIStoreCR): boolean {
  return cr.spec?.targetSpec?.disablePodAntiAffinity === true;
}

export function hasLegacyAntiAffinityField(cr: AIStoreCR): boolean {
  return isObject(cr.spec) && Object.prototype.hasOwnProperty.call(cr.spec, 'disablePodAntiAffinity');
}

/** The labels the operator puts on target pods (and PVCs through the StatefulSet selector). */
export function targetPodLabels(crName: string): Record<string, string> {
  return {
    app: crName,
    component: 'target',
    'app.kubernetes.io/name': crName,
    'app.kubernetes.io/component': 'target',
    'app.kubernetes.io/managed-by': 'ais-operator',
  };
}
