// The subset of kustomize that deploy/'s kustomization.yaml files use: resources (files and
// directories), patches (JSON 6902, strategic-merge patches of maps only, or a `$patch: delete`
// that removes the resource it names), namespace, images.
// Anything outside it is an error, never silently ignored: an ignored field would make render and
// `kubectl kustomize` disagree without anyone noticing (test/deploy compares the two).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import {
  CLUSTER_SCOPED,
  parseDocs,
  podTemplateContainers,
  webhooksOf,
  type KObject,
  type Subject,
} from './objects.js';

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
    // kustomize's target is a selector, which may pick nothing (kustomize api/builtins
    // PatchTransformer.go, Transform: m.Select(target) then a loop over what it found):
    // deploy/overlays/argocd's cert-manager.io target does on deploy/base. A target that names its
    // object, or a patch without one, must still find it: a typo there would vanish silently.
    if (hits.length === 0 && !(p.target && p.target.name === undefined))
      throw new Error(`${where}: the patch matches no resource`);
    if (!isJson6902 && (smp as Record<string, unknown>)['$patch'] === 'delete') {
      for (const o of hits) objects.splice(objects.indexOf(o), 1);
      continue;
    }
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
export function setNamespace(objects: KObject[], namespace: string): void {
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

/** What `kubectl kustomize DIR` prints, as objects in file order (for the subset above). */
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
