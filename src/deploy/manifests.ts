// The deploy manifests as objects: deploy/base or an overlay, built with the kustomize subset,
// then namespace, image, caBundle and URL applied. `ais-guard render` prints them; the e2e
// harness applies them. deploy/ ships in the npm package and the image, so neither kustomize nor
// a checkout is needed.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { buildKustomization } from './kustomize.js';
import { isWebhookConfiguration, podTemplateContainers, YAML_OPTIONS, type KObject } from './objects.js';
import {
  BUILT_IN_NAMESPACES,
  INSTALL_NAME,
  renameInstall,
  renameNamespace,
  setApiserverCidrs,
  setCaBundle,
  setImage,
  setUrl,
} from './transform.js';

export const OVERLAYS = ['base', 'audit', 'cert-manager', 'validate-only', 'argocd'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** deploy/ of the installed package: ../../deploy from dist/deploy/ and from src/deploy/ alike. */
export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));

export function overlayDir(overlay: Overlay): string {
  return overlay === 'base' ? join(DEPLOY_DIR, 'base') : join(DEPLOY_DIR, 'overlays', overlay);
}

export interface RenderOptions {
  /** deploy/base when absent. */
  overlay?: Overlay;
  /** Install into this namespace instead of ais-guard. */
  namespace?: string;
  /** Name the install's objects this instead of ais-guard (the chart's fullnameOverride). */
  name?: string;
  /** The guard's container image. */
  image?: string;
  /** base64 PEM of the CA, for every webhook (not with cert-manager: its cainjector fills it). */
  caBundle?: string;
  /** https://HOST:PORT of a guard outside the cluster, instead of the Service. */
  url?: string;
  /** The apiserver's addresses (CIDRs): the NetworkPolicy admits and reaches only them. */
  apiserverCidrs?: string[];
  /** Only the two webhook configurations. */
  webhooksOnly?: boolean;
  /** deploy/audit too: the hourly `audit --apply` CronJob with its ServiceAccount and ClusterRole. */
  withAudit?: boolean;
}

export const AUDIT_DIR = join(DEPLOY_DIR, 'audit');
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** The objects, in file order; toYamlStream orders them for `kubectl apply`. */
export async function renderManifests(opts: RenderOptions = {}): Promise<KObject[]> {
  let objects = await buildKustomization(overlayDir(opts.overlay ?? 'base'));
  if (opts.withAudit)
    objects.push(...inAuditWave(objects, withGuardMode(objects, await buildKustomization(AUDIT_DIR))));
  const current = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? 'ais-guard';
  if (opts.namespace && opts.namespace !== current) renameNamespace(objects, current, opts.namespace);
  // Into a namespace every cluster has: its Namespace object would only relabel it (restricted).
  if (opts.namespace && BUILT_IN_NAMESPACES.has(opts.namespace))
    objects = objects.filter((o) => o.kind !== 'Namespace');
  if (opts.name && opts.name !== INSTALL_NAME) renameInstall(objects, opts.name);
  if (opts.image) setImage(objects, opts.image);
  if (opts.caBundle) setCaBundle(objects, opts.caBundle);
  if (opts.url) setUrl(objects, opts.url);
  if (opts.apiserverCidrs?.length) setApiserverCidrs(objects, opts.apiserverCidrs);
  if (opts.webhooksOnly) objects = objects.filter(isWebhookConfiguration);
  return objects;
}

/**
 * The audit CronJob judging as the overlay's guard does: its --mode when not enforce (overlays/audit),
 * so the Job fails only on what the webhook would deny (review deploy47; the chart passes mode too).
 */
function withGuardMode(install: KObject[], audit: KObject[]): KObject[] {
  const guard = install.find((o) => o.kind === 'Deployment');
  const args = guard ? podTemplateContainers(guard).flatMap((c) => c.args ?? []) : [];
  const mode = args.find((a) => a.startsWith('--mode='));
  if (mode && mode !== '--mode=enforce')
    for (const c of audit.filter((o) => o.kind === 'CronJob').flatMap(podTemplateContainers))
      c.args = [...(c.args ?? []), mode];
  return audit;
}

/** The audit objects' Argo CD sync wave: the AIStore objects' (the chart's argocd.syncWaves.audit). */
export const AUDIT_SYNC_WAVE = '0';

/**
 * The audit objects in wave AUDIT_SYNC_WAVE when the overlay gives waves (argocd). Not in the
 * guard's: Argo CD holds every later wave until each object of the earlier ones is Healthy and fails
 * the sync on a Degraded one, and a CronJob whose last Job failed is Degraded; the audit Job fails
 * whenever it finds something, so in wave -2 it would stop every sync (the guard's upgrade, the
 * AIStore change that clears the finding) before wave -1.
 */
function inAuditWave(install: KObject[], audit: KObject[]): KObject[] {
  const waves = install.some((o) => o.metadata?.annotations?.[SYNC_WAVE] !== undefined);
  if (waves)
    for (const o of audit)
      o.metadata = {
        ...o.metadata,
        annotations: { ...o.metadata?.annotations, [SYNC_WAVE]: AUDIT_SYNC_WAVE },
      };
  return audit;
}

// kubectl applies a stream in order: namespaces and RBAC first, webhooks last (kustomize's order).
const ORDER_FIRST = [
  'Namespace',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'Deployment',
  'PodDisruptionBudget',
];
// A binding names its policy: the policy goes first, as kubectl would otherwise warn of nothing but
// a reader of the stream would look for it.
const ORDER_LAST = [
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

function rank(kind: string | undefined): number {
  const first = ORDER_FIRST.indexOf(kind ?? '');
  const last = ORDER_LAST.indexOf(kind ?? '');
  return first >= 0 ? first : last >= 0 ? 1000 + last : ORDER_FIRST.length;
}

/** One YAML stream for `kubectl apply -f -`, in apply order. */
export function toYamlStream(objects: KObject[]): string {
  // Array.prototype.sort is stable: equal kinds keep their file order.
  const sorted = [...objects].sort((a, b) => rank(a.kind) - rank(b.kind));
  return sorted.map((o) => YAML.stringify(o, { ...YAML_OPTIONS, lineWidth: 0 })).join('---\n');
}
