// The shared AIStore fixtures (../shared/fixtures/aistore), moved into a test's own namespace and
// onto its own node names, so tests never share PVs, Nodes or claims.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { fixture } from '../../support/fixtures.js';
import type { Obj } from './kube.js';

/** The node name the fixtures pin targets and disks to. */
const FIXTURE_NODE = 'storage-node-01';
/** The namespaces the fixtures live in. */
const FIXTURE_NAMESPACES = new Set(['ais', 'ais-prod']);

/** Every document of the shared fixture whose file name starts with `prefix` (e.g. "07"). */
export function fixtureObjects(prefix: string): Obj[] {
  return parseAllDocuments(readFileSync(fixture(prefix), 'utf8'))
    .map((doc) => doc.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

export interface Placement {
  namespace: string;
  /** Replaces storage-node-01 everywhere: nodeSelectors, PV node affinity and PV names. */
  node: string;
}

function move(value: unknown, to: Placement, key?: string): unknown {
  if (typeof value === 'string') {
    if (key === 'namespace' && FIXTURE_NAMESPACES.has(value)) return to.namespace;
    return value.replaceAll(FIXTURE_NODE, to.node);
  }
  if (Array.isArray(value)) return value.map((v) => move(v, to));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v, to, k)]));
  return value;
}

/** A copy of the object in `namespace` (claimRefs too) and on `node`. */
export function place<T extends Obj>(obj: T, to: Placement): T {
  return move(obj, to) as T;
}

/** The single object of a fixture, placed. */
export function one(prefix: string, to: Placement): Obj {
  const docs = fixtureObjects(prefix);
  if (docs.length !== 1) throw new Error(`fixture ${prefix} has ${docs.length} documents`);
  return place(docs[0] as Obj, to);
}

/** The documents of a fixture of the given kind, placed. */
export function ofKind(prefix: string, kind: string, to: Placement): Obj[] {
  return fixtureObjects(prefix)
    .filter((o) => o.kind === kind)
    .map((o) => place(o, to));
}

/** A JSON deep copy with `edit` applied, for variants of a fixture. */
export function variant<T extends Obj>(obj: T, edit: (copy: T) => void): T {
  const copy = JSON.parse(JSON.stringify(obj)) as T;
  edit(copy);
  return copy;
}

/** The ownerReferences the operator gives what it renders for a stored CR (SetControllerReference). */
export const ownedByCR = (cr: Obj): Obj['metadata']['ownerReferences'] => [
  {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    name: cr.metadata.name,
    uid: cr.metadata.uid as string,
    controller: true,
  },
];

/** Loose access for assertions: obj.a.b.c without a chain of casts. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A YAML stream of objects, for kubectl. */
export function yamlStream(objs: Obj[]): string {
  // JSON documents (YAML's flow style: every string quoted, so no YAML 1.1 "on" becomes a bool),
  // led by "---": kubectl 1.36 reads a stream that starts with "{" as JSON objects one after
  // another, and stops at the first "---" ("invalid character '-' in numeric literal").
  return objs.map((o) => `---\n${JSON.stringify(o)}\n`).join('');
}
