// `ais-guard render`: the manifests of deploy/ as one YAML stream for `kubectl apply -f -`, with
// namespace, image and caBundle filled in. The kustomization.yaml files stay the source of truth;
// this reads the small subset of kustomize they use (resources, namespace, images, patches), so
// installing needs neither kustomize nor a checkout: deploy/ ships in the npm package and image.
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import jsonpatch from 'fast-json-patch';
import YAML from 'yaml';
import { UsageError, type Io } from './usage.js';

export const RENDER_HELP = `Usage: ais-guard render [options] | kubectl apply -f -

Prints the deploy manifests (deploy/base, or an overlay) as one YAML stream.

Options:
      --overlay NAME     base (default), audit (first rollout: findings only, never blocks)
                         or cert-manager (cert-manager issues the certificate, injects caBundle)
      --namespace NS     install into NS instead of ais-guard
      --image IMAGE      the guard's container image, e.g. registry.example.com/ais-guard:0.1.0
      --ca-bundle B64    the caBundle (base64 PEM of the CA) for every webhook
      --cert-dir DIR     read the caBundle from DIR/ca.crt (as written by "ais-guard certs")
      --url URL          call the guard at https://HOST:PORT instead of the in-cluster Service,
                         e.g. a guard run on the apiserver's host for tests
      --webhooks-only    print only the two webhook configurations
  -h, --help             this help`;

export const OVERLAYS = ['base', 'audit', 'cert-manager'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** deploy/ of the installed package: ../../deploy from dist/cli/ and from src/cli/ alike. */
export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));

export function overlayDir(overlay: Overlay): string {
  return overlay === 'base' ? join(DEPLOY_DIR, 'base') : join(DEPLOY_DIR, 'overlays', overlay);
}

// ---------------------------------------------------------------------------------------------
// The objects, typed only as far as render reads or writes them.

interface Metadata {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Metadata;
  [key: string]: unknown;
}

interface Webhook {
  name: string;
  clientConfig: {
    service?: { name: string; namespace: string; path?: string; port?: number };
    url?: string;
    caBundle?: string;
  };
  namespaceSelector?: { matchExpressions?: { key: string; values?: string[] }[] };
}

interface Subject {
  kind: string;
  namespace?: string;
}

interface Container {
  name?: string;
  image?: string;
}

const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
// Kinds without a namespace that can appear in deploy/ (kustomize knows this from the schema).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ClusterIssuer',
  ...WEBHOOK_KINDS,
]);
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
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const webhooksOf = (o: KObject) => (WEBHOOK_KINDS.has(o.kind ?? '') ? ((o.webhooks ?? []) as Webhook[]) : []);

function podTemplateContainers(o: KObject): Container[] {
  const spec = o.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } };
  const pod = spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

// ---------------------------------------------------------------------------------------------
// The kustomize subset. Anything outside it is an error, never silently ignored: an ignored
// field would make render and `kubectl kustomize` disagree without anyone noticing.

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { path?: string; patch?: string; target?: Target }[];
}

const KUSTOMIZATION_KEYS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const TARGET_KEYS = new Set(['group', 'version', 'kind', 'name', 'namespace']);
const PATCH_KEYS = new Set(['path', 'patch', 'target']);
const IMAGE_KEYS = new Set(['name', 'newName', 'newTag', 'digest']);

function onlyKeys(object: object, allowed: Set<string>, where: string): void {
  const unsupported = Object.keys(object).filter((key) => !allowed.has(key));
  if (unsupported.length > 0) throw new Error(`${where}: render does not support ${unsupported.join(', ')}`);
}
// kubectl reads YAML 1.1 (go-yaml): 0440 is octal there, yes/no are booleans. Read it the same way.
const YAML_OPTIONS = { version: '1.1' } as const;

function parseDocs(text: string, file: string): unknown[] {
  return YAML.parseAllDocuments(text, YAML_OPTIONS).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

async function readKustomization(dir: string): Promise<Kustomization> {
  const file = join(dir, 'kustomization.yaml');
  const [k] = parseDocs(await readFile(file, 'utf8'), file) as Kustomization[];
  if (!k) throw new Error(`${file} is empty`);
  onlyKeys(k, KUSTOMIZATION_KEYS, `${file} (resources, namespace, images and patches only)`);
  for (const p of k.patches ?? []) onlyKeys(p, PATCH_KEYS, `${file} patches`);
  for (const i of k.images ?? []) onlyKeys(i, IMAGE_KEYS, `${file} images`);
  return k;
}

function matches(o: KObject, t: Target): boolean {
  const [group, version] = o.apiVersion?.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version) &&
    (t.kind === undefined || t.kind === o.kind) &&
    (t.name === undefined || t.name === o.metadata?.name) &&
    (t.namespace === undefined || t.namespace === o.metadata?.namespace)
  );
}

/** A strategic-merge patch of maps only, which makes it a plain merge (null deletes). */
function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(patch)) {
    if (Array.isArray(value))
      throw new Error(`${where}: render merges maps only; patch list "${key}" with a JSON6902 patch instead`);
    if (value === null) delete target[key];
    else if (typeof value === 'object') {
      const current = target[key];
      const into =
        current && typeof current === 'object' && !Array.isArray(current) ? current : (target[key] = {});
      mergeInto(into as Record<string, unknown>, value as Record<string, unknown>, where);
    } else target[key] = value;
  }
}

async function applyPatches(dir: string, k: Kustomization, objects: KObject[]): Promise<void> {
  for (const [i, p] of (k.patches ?? []).entries()) {
    const where = p.path ? join(dir, p.path) : `${join(dir, 'kustomization.yaml')} patches[${i}]`;
    const text = p.path ? await readFile(join(dir, p.path), 'utf8') : p.patch;
    if (text === undefined) throw new Error(`${where}: a patch needs path or patch`);
    onlyKeys(p.target ?? {}, TARGET_KEYS, `${where} target`);
    const [body] = parseDocs(text, where);
    const isJson6902 = Array.isArray(body);
    const smp = body as KObject;
    const target =
      p.target ??
      (isJson6902
        ? undefined
        : { kind: smp.kind, name: smp.metadata?.name, namespace: smp.metadata?.namespace });
    if (!target) throw new Error(`${where}: a JSON6902 patch needs a target`);
    const hits = objects.filter((o) => matches(o, target));
    if (hits.length === 0) throw new Error(`${where}: the patch matches no resource`);
    for (const o of hits) {
      if (isJson6902) {
        try {
          jsonpatch.applyPatch(o, body as jsonpatch.Operation[], true);
        } catch (err) {
          const e = err as InstanceType<typeof jsonpatch.JsonPatchError>;
          // The library's message ends with the whole document; the failed op is what helps.
          throw new Error(
            `${where}: ${e.message.split('\n')[0]} on ${o.kind}/${o.metadata?.name}: ${JSON.stringify(e.operation)}`,
            { cause: err },
          );
        }
      } else {
        // kind and name only pick the target; everything else merges into it.
        const { apiVersion: _a, kind: _k, metadata, ...rest } = structuredClone(smp);
        const { name: _n, namespace: _ns, ...meta } = metadata ?? {};
        mergeInto(o, { ...rest, ...(metadata && { metadata: meta }) }, where);
      }
    }
  }
}

/** kustomize's `namespace:`: every namespaced object, plus the references it also rewrites. */
function setNamespace(objects: KObject[], namespace: string): void {
  for (const o of objects) {
    if (o.kind === 'Namespace') o.metadata = { ...o.metadata, name: namespace };
    else if (!CLUSTER_SCOPED.has(o.kind ?? '')) o.metadata = { ...o.metadata, namespace };
    for (const s of (o.subjects ?? []) as Subject[]) if (s.kind === 'ServiceAccount') s.namespace = namespace;
    for (const w of webhooksOf(o)) if (w.clientConfig.service) w.clientConfig.service.namespace = namespace;
  }
}

/** kustomize's `images:` on the pod templates: name[:tag][@digest] matched by name. */
function setImages(objects: KObject[], images: NonNullable<Kustomization['images']>): void {
  for (const c of objects.flatMap(podTemplateContainers)) {
    if (!c.image) continue;
    const name = c.image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
    const image = images.find((i) => i.name === name);
    if (!image) continue;
    const tag = image.digest
      ? `@${image.digest}`
      : image.newTag
        ? `:${image.newTag}`
        : c.image.slice(name.length);
    c.image = `${image.newName ?? name}${tag}`;
  }
}

export async function buildKustomization(dir: string): Promise<KObject[]> {
  const k = await readKustomization(dir);
  const objects: KObject[] = [];
  for (const resource of k.resources ?? []) {
    if (/^[a-z]+:\/\//i.test(resource))
      throw new Error(`${dir}: remote resource "${resource}" is not supported`);
    const path = join(dir, resource);
    if (await isDirectory(path)) objects.push(...(await buildKustomization(path)));
    else objects.push(...(parseDocs(await readFile(path, 'utf8'), path) as KObject[]));
  }
  // kustomize's order: patches, then namespace, then images.
  await applyPatches(dir, k, objects);
  if (k.namespace) setNamespace(objects, k.namespace);
  if (k.images) setImages(objects, k.images);
  return objects;
}

// ---------------------------------------------------------------------------------------------
// What the flags change on top of the build.

/**
 * Moves the install from one namespace to another: everything kustomize's `namespace:` touches,
 * plus what it cannot know about: the webhooks' own-namespace exclusion, cert-manager's
 * inject-ca-from annotation and the serving Certificate's <service>.<namespace>.svc names.
 */
export function renameNamespace(objects: KObject[], from: string, to: string): void {
  setNamespace(objects, to);
  for (const o of objects) {
    const annotations = o.metadata?.annotations;
    const inject = annotations?.['cert-manager.io/inject-ca-from'];
    if (annotations && inject?.startsWith(`${from}/`))
      annotations['cert-manager.io/inject-ca-from'] = `${to}/${inject.slice(from.length + 1)}`;
    for (const w of webhooksOf(o))
      for (const e of w.namespaceSelector?.matchExpressions ?? [])
        if (e.key === 'kubernetes.io/metadata.name') e.values = e.values?.map((v) => (v === from ? to : v));
    if (o.kind === 'Certificate') {
      const spec = o.spec as { dnsNames?: string[] };
      spec.dnsNames = spec.dnsNames?.map((n) =>
        n
          .split('.')
          .map((part, i) => (i === 1 && part === from ? to : part))
          .join('.'),
      );
    }
  }
}

export function setCaBundle(objects: KObject[], caBundle: string): void {
  for (const w of objects.flatMap(webhooksOf)) w.clientConfig.caBundle = caBundle;
}

/** Out-of-cluster guard: the apiserver calls URL + the Service's path instead of the Service. */
export function setUrl(objects: KObject[], base: string): void {
  for (const w of objects.flatMap(webhooksOf)) {
    const { service, caBundle } = w.clientConfig;
    w.clientConfig = { url: `${base}${service?.path ?? ''}`, ...(caBundle !== undefined && { caBundle }) };
  }
}

export function setImage(objects: KObject[], image: string): void {
  for (const c of objects.flatMap(podTemplateContainers)) c.image = image;
}

function rank(kind: string | undefined): number {
  const first = ORDER_FIRST.indexOf(kind ?? '');
  const last = ORDER_LAST.indexOf(kind ?? '');
  return first >= 0 ? first : last >= 0 ? 1000 + last : ORDER_FIRST.length;
}

export function toYamlStream(objects: KObject[]): string {
  // Array.prototype.sort is stable: equal kinds keep their file order.
  const sorted = [...objects].sort((a, b) => rank(a.kind) - rank(b.kind));
  return sorted.map((o) => YAML.stringify(o, { ...YAML_OPTIONS, lineWidth: 0 })).join('---\n');
}

// ---------------------------------------------------------------------------------------------
// The command.

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkCaBundle(base64: string, from: string): string {
  const pem = Buffer.from(base64, 'base64').toString('utf8');
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('not base64');
    if (!new X509Certificate(pem).ca) throw new Error('not a CA certificate');
  } catch (err) {
    throw new UsageError(`${from} is not a base64 PEM CA certificate (${(err as Error).message})`, {
      cause: err,
    });
  }
  return base64;
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new UsageError(`--url "${text}" is not a URL`, { cause: err });
  }
  // The apiserver's rules for clientConfig.url, checked here rather than at apply time.
  if (url.protocol !== 'https:')
    throw new UsageError('--url must be https:// (the apiserver calls webhooks over TLS)');
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    throw new UsageError('--url takes https://HOST:PORT only: the paths /validate and /mutate are added');
  return url.origin;
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      overlay: { type: 'string', default: 'base' },
      namespace: { type: 'string' },
      image: { type: 'string' },
      'ca-bundle': { type: 'string' },
      'cert-dir': { type: 'string' },
      url: { type: 'string' },
      'webhooks-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const overlay = values.overlay as Overlay;
  if (!OVERLAYS.includes(overlay))
    throw new UsageError(`unknown overlay "${values.overlay}" (use ${OVERLAYS.join(', ')})`);
  if (values.namespace !== undefined && !LABEL.test(values.namespace))
    throw new UsageError(`--namespace "${values.namespace}" is not a valid namespace name`);
  if (values['ca-bundle'] !== undefined && values['cert-dir'] !== undefined)
    throw new UsageError('give --ca-bundle or --cert-dir, not both');
  if (overlay === 'cert-manager' && (values['ca-bundle'] ?? values['cert-dir'] ?? values.url) !== undefined)
    throw new UsageError(
      'the cert-manager overlay injects the caBundle itself: drop --ca-bundle, --cert-dir and --url',
    );
  if (values.image !== undefined && !/^[^\s]+$/.test(values.image))
    throw new UsageError('--image takes an image reference');
  return { ...values, overlay, url: values.url === undefined ? undefined : checkUrl(values.url) };
}

export interface RenderOptions {
  overlay?: Overlay;
  namespace?: string;
  image?: string;
  caBundle?: string;
  url?: string;
  webhooksOnly?: boolean;
}

export async function renderManifests(opts: RenderOptions = {}): Promise<KObject[]> {
  let objects = await buildKustomization(overlayDir(opts.overlay ?? 'base'));
  const current = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? 'ais-guard';
  if (opts.namespace && opts.namespace !== current) renameNamespace(objects, current, opts.namespace);
  if (opts.image) setImage(objects, opts.image);
  if (opts.caBundle) setCaBundle(objects, opts.caBundle);
  if (opts.url) setUrl(objects, opts.url);
  if (opts.webhooksOnly) objects = objects.filter((o) => WEBHOOK_KINDS.has(o.kind ?? ''));
  return objects;
}

export async function runRender(argv: string[], io: Io): Promise<number> {
  const opts = options(argv);
  if (opts.help) {
    io.stdout.write(RENDER_HELP + '\n');
    return 0;
  }
  let caBundle = opts['ca-bundle'] && checkCaBundle(opts['ca-bundle'], '--ca-bundle');
  if (opts['cert-dir'] !== undefined) {
    const file = join(opts['cert-dir'], 'ca.crt');
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read ${file}: ${(err as Error).message} (create it with "ais-guard certs")`,
        { cause: err },
      );
    }
    caBundle = checkCaBundle(Buffer.from(pem).toString('base64'), file);
  }
  const objects = await renderManifests({
    overlay: opts.overlay,
    namespace: opts.namespace,
    image: opts.image,
    caBundle,
    url: opts.url,
    webhooksOnly: opts['webhooks-only'],
  });
  io.stdout.write(toYamlStream(objects));
  return 0;
}
