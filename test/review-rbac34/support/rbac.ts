// What RBAC decides for a request, from its method, path and query, as the apiserver's request info
// resolver (k8s.io/apiserver pkg/endpoints/request/requestinfo.go) and the RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows) do it, for the requests ais-guard sends: so the
// shipped roles can be held against the requests the programs really make, in both directions.
import type { IncomingHttpHeaders } from 'node:http';

export interface Sent {
  method: string;
  /** Path and query, as sent. */
  url: string;
  contentType?: string | IncomingHttpHeaders['content-type'];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Undefined: all namespaces (a cluster-wide list or watch) or a cluster-scoped object. */
  namespace?: string;
  name?: string;
}

export type Attributes = ResourceAttributes | { nonResourceURL: string; verb: string };

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/**
 * The attributes RBAC is asked about for one request; a server-side apply PATCH is asked twice:
 * `patch` by the authorization filter, and `create` by the patch handler when the object does not
 * exist yet (handlers/patch.go, createAuthorizerAttributes): a first run creates every report.
 */
export function attributesOf({ method, url, contentType }: Sent): Attributes[] {
  const parsed = new URL(url, 'http://x');
  const parts = parsed.pathname.split('/').filter(Boolean);
  let rest: string[];
  let group: string;
  if (parts[0] === 'api' && parts.length >= 2) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, rest] = [parts[1]!, parts.slice(3)];
  else return [{ nonResourceURL: parsed.pathname, verb: method.toLowerCase() }];
  if (rest.length === 0) return [{ nonResourceURL: parsed.pathname, verb: method.toLowerCase() }];
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>...; namespaces/<ns> alone is the Namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  const base = { group, resource, ...(subresource && { subresource }), ...(namespace && { namespace }) };
  const named = name === undefined ? {} : { name };
  switch (method) {
    case 'GET':
      if (name !== undefined) return [{ verb: 'get', ...base, ...named }];
      return [{ verb: parsed.searchParams.get('watch') === 'true' ? 'watch' : 'list', ...base }];
    case 'PATCH': {
      const apply = String(contentType ?? '').startsWith('application/apply-patch');
      return apply
        ? [
            { verb: 'patch', ...base, ...named },
            { verb: 'create', ...base, ...named },
          ]
        : [{ verb: 'patch', ...base, ...named }];
    }
    case 'POST':
      return [{ verb: 'create', ...base }];
    case 'PUT':
      return [{ verb: 'update', ...base, ...named }];
    case 'DELETE':
      return [{ verb: 'delete', ...base, ...named }];
    default:
      throw new Error(`unexpected method ${method} ${url}`);
  }
}

const has = (list: string[] | undefined, value: string) =>
  (list ?? []).includes('*') || (list ?? []).includes(value);

/** RuleAllows for a ClusterRole bound cluster-wide (a ClusterRoleBinding): namespaces play no part. */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if ('nonResourceURL' in a)
    return (
      has(rule.verbs, a.verb) &&
      (rule.nonResourceURLs ?? []).some((u) =>
        u.endsWith('*') ? a.nonResourceURL.startsWith(u.slice(0, -1)) : u === a.nonResourceURL,
      )
    );
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (
    has(rule.verbs, a.verb) &&
    has(rule.apiGroups, a.group) &&
    has(rule.resources, resource) &&
    (!rule.resourceNames?.length || (a.name !== undefined && rule.resourceNames.includes(a.name)))
  );
}

/**
 * system:discovery, which every cluster binds to system:authenticated (every ServiceAccount): the
 * discovery documents the generated and object clients read before they write.
 */
export const DISCOVERY: PolicyRule = {
  verbs: ['get'],
  nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*'],
};

/** Each (group, resource, verb, name) a rule grants, one by one, for "is it used?". */
export function grantsOf(rule: PolicyRule): ResourceAttributes[] {
  return (rule.apiGroups ?? []).flatMap((group) =>
    (rule.resources ?? []).flatMap((resource) =>
      (rule.verbs ?? []).flatMap((verb) =>
        (rule.resourceNames?.length ? rule.resourceNames : [undefined]).map((name) => ({
          verb,
          group,
          resource,
          ...(name !== undefined && { name }),
        })),
      ),
    ),
  );
}

/** One attribute, written as `kubectl auth can-i` would take it. */
export function describe(a: Attributes): string {
  if ('nonResourceURL' in a) return `${a.verb} ${a.nonResourceURL}`;
  const resource = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  return `${a.verb} ${resource}${a.name ? `/${a.name}` : ''}`;
}
