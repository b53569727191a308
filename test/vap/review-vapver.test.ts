// Review (vapver): which Kubernetes versions can take the exported policies, and what they cost there.
//
// Fixed (last describe; was failing): the pairs budget (src/vap/policies.ts PAIRWISE_BUDGET, docs/vap.md "What
// it costs") lets the `mount-path-unique` pairwise check run on mount lists whose comparison costs
// kube-apiserver more than its limit per expression (1,000,000). Measured with the apiserver's own
// admission CEL code, k8s.io/apiserver v0.33.13 (the version the e2e stage runs): the
// ais-guard-aistore policy compiled as pkg/admission/plugin/policy/validating/plugin.go compilePolicy
// does (plugin/cel NewCompositedCompiler over environment.MustBaseEnvSet(1.33, strictCost),
// CompileAndStoreVariables + CompileCondition in StoredExpressions) and run with ForInput on a CREATE
// of the CR: "operation cancelled: actual cost limit exceeded" for 179..222 distinct mounts at
// /mnt/data/nvme-disk-NNN/aistore (33 characters; the policy compares pairs up to 222), 208..254 of
// 12 characters and 160..191 of 59 (the three examples docs/vap.md gives, 254 x 12, 222 x 31 and
// 191 x 59, all fail). k8s.io/apiserver v0.36.3 (cel-go v0.26.0, Kubernetes 1.36) charges the same in its base environment. With
// failurePolicy: Fail the CR is rejected ("expression ... resulted in error"), though every mount is
// valid and the webhook (evaluate()) admits it. test/e2e/21-vap-cost never meets it: its CRs at the
// edge have two mounts on one directory, which `exists` finds at the first mount, and its distinct
// lists (80, 256, 1,024) are either cheap or past the budget. The policy should compare the pairs only
// while the apiserver can (a budget of a few times fewer pairs, or a cheaper comparison), leaving the
// rest to the webhook, as docs/vap.md says it does past the budget. test/e2e/21-vap-cost
// ("distinct mounts at the edge of the pairs budget") sends such CRs to kube-apiserver.
//
// The other tests PASS: no version mismatch was found. They are kept as a guard of a property the e2e stage cannot see (it runs only
// kube-apiserver v1.33.13 for `render --vap` and v1.36.3 for `render --map`), so that a CEL function
// added to src/vap or src/map that an older apiserver lacks fails here instead of at a user's
// `kubectl apply` on 1.30-1.32 (or, for a function a stored policy could already carry, as a CEL
// error that `failurePolicy: Fail` turns into a refusal of every matched AIStore write).
//
// What decides it (read at the tags of github.com/kubernetes/apiserver, the staging copy of
// k8s.io/apiserver, and of github.com/google/cel-go):
// - A policy created or changed is compiled in the NewExpressions environment, which holds only the
//   libraries whose IntroducedVersion is at or before the apiserver's compatibility version
//   (pkg/cel/environment/environment.go@v0.30.0 L39-L60, L129-L155). On 1.30 that version is the
//   constant 1.29 (pkg/cel/environment/base.go@v0.30.0 L43-L46 `return version.MajorMinor(1, 29)`);
//   from 1.31 on it is the effective version's MinCompatibilityVersion, n-1
//   (base.go@v0.36.0 L52-L58). So what `ais-guard render --vap` prints ("GA since 1.30",
//   docs/vap.md) may use only what base.go gives at 1.29; what `render --map` prints (1.36, docs/map.md)
//   only what it gives at 1.35.
// - The versioned list (base.go@v0.36.0): L64-L75 (1.0) cel-go core, URLs, Regex, Lists; L97-L101
//   (1.28) CrossTypeNumericComparisons, OptionalTypes, Quantity; L106-L112 (1.29) the AST validators
//   (regex literals, homogeneous aggregate literals); L118-L121 (1.0, removed 1.29) ext.Strings v0;
//   L125-L127 (1.29) ext.Strings v2; L132-L134 (1.29) ext.Sets; L138-L141 (1.30) IP, CIDR;
//   L146-L148 (1.31) Format; L172-L174 (1.32) TwoVarComprehensions; L179-L181 (1.33) Semver;
//   L186-L188 (1.34) ext.Lists v3. No ext.Bindings (cel.bind), ext.Math, ext.Encoders anywhere.
// - ext.Strings v0 (cel-go v0.17.8, the 1.30 apiserver's, ext/strings.go CompileOptions L337-L430
//   and the `else` branch after L452): charAt, indexOf, lastIndexOf, lowerAscii, replace, split,
//   substring, trim, upperAscii, join; v1 adds format and strings.quote, v3 reverse.
// - Quantity (pkg/cel/library/quantity.go@v0.30.0 L150-L181): quantity, isQuantity, sign,
//   isGreaterThan, isLessThan, compareTo, asApproximateFloat, asInteger, isInteger, add, sub.
// - MutatingAdmissionPolicy: Alpha 1.32, Beta (off) 1.34, GA (on) 1.36
//   (pkg/features/kube_features.go@v0.36.0 L443-L447); its JSONPatch type is only in the MAP
//   environment (pkg/admission/plugin/policy/mutating/compilation.go@v0.36.0 L66-L70).
// - ValidatingAdmissionPolicy and the webhooks' matchConditions GA in 1.30
//   (pkg/features/kube_features.go@v0.30.0 L308, L322).
//
// Checked and holding: every function and macro the VAPs call is in the 1.29 environment (the
// newest, `join` with a separator, is ext.Strings v0 already); every one the MAPs call is in the 1.35
// one; none uses optional syntax, two-variable comprehensions, cel.bind, ip/cidr, format, semver or
// the 1.34 list functions; the webhook configurations' matchConditions (deploy/, render) use only
// core CEL and ext.Strings v0, so they compile on the 1.28 doctor names and the chart's 1.30; the
// docs and the chart state 1.30 / 1.36 as the source does. Runtime behaviour of the functions used
// did not change between cel-go v0.17.8 (1.30) and v0.23.2 (1.33) for the calls made (the one change
// in ext/strings.go, indexOf/lastIndexOf with an offset past the end, concerns the two-argument form,
// which the policies do not use). Not checked here: runtime cost on 1.34-1.36 (cel-go v0.26.0
// rewrote interpreter/runtimecost.go; test/e2e/21-vap-cost runs only on v1.33).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { admissionPolicies } from '../../src/vap/index.js';
import { aistore, run } from '../support/builders.js';
import { captureIo } from '../tls/support.js';
import { celValue, evalVariables } from './support/vap-eval.js';

type Version = `1.${number}`;
interface Feature {
  since: Version;
  where: string;
}

const CORE: Feature = { since: '1.0', where: 'cel-go core (base.go@v0.36.0 L64)' };
const STRINGS_V0: Feature = { since: '1.0', where: 'ext.Strings v0 (base.go@v0.36.0 L118-L121)' };
const QUANTITY: Feature = { since: '1.28', where: 'library.Quantity (base.go@v0.36.0 L97-L101)' };
const REGEX: Feature = { since: '1.0', where: 'library.Regex (base.go@v0.36.0 L74)' };
const LISTS: Feature = { since: '1.0', where: 'library.Lists (base.go@v0.36.0 L75)' };
const URLS: Feature = { since: '1.0', where: 'library.URLs (base.go@v0.36.0 L73)' };
const STRINGS_V2: Feature = { since: '1.29', where: 'ext.Strings v2 (base.go@v0.36.0 L125-L127)' };
const SETS: Feature = { since: '1.29', where: 'ext.Sets (base.go@v0.36.0 L132-L134)' };
const IP: Feature = { since: '1.30', where: 'library.IP/CIDR (base.go@v0.36.0 L138-L141)' };
const FORMAT: Feature = { since: '1.31', where: 'library.Format (base.go@v0.36.0 L146-L148)' };
const TWO_VAR: Feature = { since: '1.32', where: 'ext.TwoVarComprehensions (base.go@v0.36.0 L172-L174)' };
const SEMVER: Feature = { since: '1.33', where: 'library.SemverLib (base.go@v0.36.0 L179-L181)' };
const LISTS_V3: Feature = { since: '1.34', where: 'ext.Lists v3 (base.go@v0.36.0 L186-L188)' };
const MAP_ENV: Feature = { since: '1.36', where: 'MAP JSONPatch type (mutating/compilation.go@v0.36.0 L66)' };
const NEVER: Feature = {
  since: '1.999',
  where: 'in no Kubernetes CEL environment (no ext.Bindings/Math/Encoders)',
};

/** Every function or macro name a policy might call, with the version that first compiles it. */
const FEATURES: Record<string, Feature> = {
  ...Object.fromEntries(
    [
      'has',
      'all',
      'exists',
      'exists_one',
      'map',
      'filter',
      'size',
      'string',
      'int',
      'uint',
      'double',
      'bytes',
      'bool',
      'type',
      'dyn',
      'in',
      'duration',
      'timestamp',
      'matches',
      'startsWith',
      'endsWith',
      'contains',
    ].map((f) => [f, CORE]),
  ),
  ...Object.fromEntries(
    [
      'charAt',
      'indexOf',
      'lastIndexOf',
      'lowerAscii',
      'replace',
      'split',
      'substring',
      'trim',
      'upperAscii',
      'join',
    ].map((f) => [f, STRINGS_V0]),
  ),
  ...Object.fromEntries(['format', 'strings.quote'].map((f) => [f, STRINGS_V2])),
  ...Object.fromEntries(
    [
      'quantity',
      'isQuantity',
      'sign',
      'isGreaterThan',
      'isLessThan',
      'compareTo',
      'asApproximateFloat',
      'asInteger',
      'isInteger',
      'add',
      'sub',
    ].map((f) => [f, QUANTITY]),
  ),
  ...Object.fromEntries(
    ['optional.of', 'optional.none', 'optional.ofNonZeroValue', 'orValue', 'hasValue', 'value', 'or'].map(
      (f) => [f, QUANTITY],
    ),
  ),
  find: REGEX,
  findAll: REGEX,
  ...Object.fromEntries(['isSorted', 'sum', 'min', 'max'].map((f) => [f, LISTS])),
  ...Object.fromEntries(
    ['url', 'isURL', 'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery'].map(
      (f) => [f, URLS],
    ),
  ),
  ...Object.fromEntries(['sets.contains', 'sets.equivalent', 'sets.intersects'].map((f) => [f, SETS])),
  ...Object.fromEntries(
    [
      'ip',
      'isIP',
      'cidr',
      'isCIDR',
      'ip.isCanonical',
      'containsIP',
      'containsCIDR',
      'masked',
      'prefixLength',
      'family',
    ].map((f) => [f, IP]),
  ),
  ...Object.fromEntries(['format.named', 'validate'].map((f) => [f, FORMAT])),
  ...Object.fromEntries(
    ['transformList', 'transformMap', 'transformMapEntry', 'existsOne'].map((f) => [f, TWO_VAR]),
  ),
  ...Object.fromEntries(['semver', 'isSemver', 'major', 'minor', 'patch'].map((f) => [f, SEMVER])),
  ...Object.fromEntries(
    ['lists.range', 'distinct', 'flatten', 'slice', 'sort', 'sortBy', 'first', 'last'].map((f) => [
      f,
      LISTS_V3,
    ]),
  ),
  ...Object.fromEntries(
    ['cel.bind', 'reverse', 'math.greatest', 'math.least', 'base64.encode', 'base64.decode'].map((f) => [
      f,
      NEVER,
    ]),
  ),
  JSONPatch: MAP_ENV,
};

const minor = (v: Version) => Number(v.split('.')[1]);

async function render(flag: string): Promise<Record<string, unknown>[]> {
  const io = captureIo();
  const code = await main(['render', flag], io);
  expect([code, io.err()]).toEqual([0, '']);
  return YAML.parseAllDocuments(io.out(), { version: '1.1' }).map((d) => d.toJS() as Record<string, unknown>);
}

/** Every CEL expression of the objects: matchConditions, variables, validations, messages, mutations. */
function expressions(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) for (const x of o) expressions(x, out);
  else if (o && typeof o === 'object')
    for (const [k, v] of Object.entries(o))
      if ((k === 'expression' || k === 'messageExpression') && typeof v === 'string') out.push(v);
      else expressions(v, out);
  return out;
}

interface Use {
  feature: string;
  expression: string;
}

/** Function and macro names called (string literals blanked first: regexes hold parentheses). */
function uses(exprs: string[]): Use[] {
  const found: Use[] = [];
  for (const e of exprs) {
    const code = e.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
    // receiver.fn( and fn( ; a dotted global such as sets.contains( or cel.bind( kept whole
    for (const m of code.matchAll(/(\.)?\b([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*\(/g)) {
      const parts = (m[2] ?? '').split('.');
      const dotted = parts.slice(-2).join('.');
      const feature = !m[1] && parts.length > 1 && FEATURES[dotted] ? dotted : (parts.at(-1) ?? '');
      found.push({ feature, expression: e });
    }
    for (const m of code.matchAll(/\b([A-Z]\w*)\s*\{/g)) found.push({ feature: m[1] ?? '', expression: e });
    if (/\?\.|\[\?/.test(code)) found.push({ feature: 'optional.of', expression: e });
    // two-variable comprehensions: all/exists/existsOne with three arguments
    for (const m of code.matchAll(/\.(all|exists|exists_one|existsOne)\(\s*\w+\s*,\s*\w+\s*,/g))
      found.push({ feature: 'transformList', expression: `${m[0]}… in ${e.slice(0, 80)}` });
  }
  return found;
}

function newerThan(found: Use[], compat: Version) {
  const unknown = [...new Set(found.filter((u) => !FEATURES[u.feature]).map((u) => u.feature))];
  const newer = [
    ...new Set(
      found.flatMap((u) => {
        const f = FEATURES[u.feature];
        return f && minor(f.since) > minor(compat) ? [`${u.feature}: ${f.since}, ${f.where}`] : [];
      }),
    ),
  ];
  return { unknown, newer };
}

describe('review vapver: the policies compile on every Kubernetes version the docs claim', () => {
  it('render --vap uses no CEL function or macro past the 1.29 environment a 1.30 apiserver compiles new policies in', async () => {
    const docs = await render('--vap');
    expect(docs.every((d) => d.apiVersion === 'admissionregistration.k8s.io/v1')).toBe(true);
    const found = uses(expressions(docs));
    expect(found.length).toBeGreaterThan(100);
    // docs/vap.md: "GA since 1.30"; 1.30's NewExpressions environment is the 1.29 one.
    expect(newerThan(found, '1.29')).toEqual({ unknown: [], newer: [] });
  });

  it('render --map uses no CEL function past the 1.35 environment a 1.36 apiserver compiles new policies in', async () => {
    const docs = await render('--map');
    expect(docs.every((d) => d.apiVersion === 'admissionregistration.k8s.io/v1')).toBe(true);
    const found = uses(expressions(docs));
    expect(found.some((u) => u.feature === 'JSONPatch')).toBe(true);
    const { unknown, newer } = newerThan(found, '1.35');
    expect({ unknown, newer: newer.filter((n) => !n.startsWith('JSONPatch:')) }).toEqual({
      unknown: [],
      newer: [],
    });
  });

  it("the webhook configurations' matchConditions compile on the 1.28 doctor names (compat 1.27)", async () => {
    const rendered = uses(expressions(await render('--webhooks-only')));
    const base = ['validating-webhook.yaml', 'mutating-webhook.yaml'].flatMap((f) =>
      YAML.parseAllDocuments(readFileSync(`deploy/base/${f}`, 'utf8')).map((d) => d.toJS()),
    );
    const found = [...rendered, ...uses(expressions(base))];
    expect(found.length).toBeGreaterThan(10);
    expect(newerThan(found, '1.27')).toEqual({ unknown: [], newer: [] });
  });

  it('the docs and the chart state the minimum versions the source gives', () => {
    expect(readFileSync('docs/vap.md', 'utf8')).toMatch(
      /admissionregistration\.k8s\.io\/v1`[\s\S]{0,200}GA since 1\.30/,
    );
    expect(readFileSync('docs/map.md', 'utf8')).toMatch(/GA and on by default since\s+Kubernetes 1\.36/);
    expect(readFileSync('deploy/helm/ais-guard/Chart.yaml', 'utf8')).toMatch(
      /^kubeVersion: '>=1\.30\.0-0'$/m,
    );
  });

  it('the scanner sees what it must (self-check on expressions that use newer features)', () => {
    const probe = newerThan(
      uses([
        "object.metadata.name.format([1]) == ''",
        "ip('10.0.0.1').family() == 4",
        '[1].all(i, v, v > i)',
        'cel.bind(x, 1, x > 0)',
        'object.spec.?targetSpec.orValue({}) == {}',
        "'(ip(x))'.size() > 0",
      ]),
      '1.29',
    );
    expect(probe.unknown).toEqual([]);
    expect(probe.newer.map((n) => n.split(':')[0]).sort()).toEqual([
      'cel.bind',
      'family',
      'ip',
      'transformList',
    ]);
  });
});

// Measured on k8s.io/apiserver v0.33.13's admission CEL (see the top of this file): the first number
// of distinct mounts of each shape whose `mount-path-unique` validation the apiserver cancels past its
// cost limit per expression, on CREATE. Each is below the edge up to which the policy compares pairs.
const OVER_LIMIT: { what: string; n: number; path: (i: number) => string }[] = [
  {
    what: '33-character paths (test/e2e/21-vap-cost)',
    n: 179,
    path: (i) => `/mnt/data/nvme-disk-${String(i).padStart(3, '0')}/aistore`,
  },
  {
    what: '12-character paths (docs/vap.md: 254 of 12)',
    n: 208,
    path: (i) => `/mnt/d${String(i).padStart(3, '0')}`.padEnd(12, 'x'),
  },
  {
    what: '59-character paths (docs/vap.md: 191 of 59)',
    n: 160,
    path: (i) => `/mnt/d${String(i).padStart(3, '0')}`.padEnd(59, 'x'),
  },
];

describe('review vapver: the pairs budget against what kube-apiserver charges', () => {
  const policy = admissionPolicies().find(
    (o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata?.name === 'ais-guard-aistore',
  ) as unknown as { spec: { variables: { name: string; expression: string }[] } };

  it.each(OVER_LIMIT)(
    '$n distinct valid mounts of $what: the policy leaves the pairs to the webhook (pairsAffordable false), as the apiserver cannot afford them',
    ({ n, path }) => {
      const cr = aistore({ mounts: Array.from({ length: n }, (_, i) => ({ path: path(i), size: '7Ti' })) });
      cr.metadata = { ...cr.metadata, namespace: 'ais' };
      // Valid: the webhook admits it.
      expect(run({ name: 'cr', object: cr }).findings.filter((f) => f.action === 'deny')).toEqual([]);
      const errors: string[] = [];
      const vars = evalVariables(
        policy.spec.variables,
        {
          object: celValue(cr),
          oldObject: null,
          request: { operation: 'CREATE', namespace: 'ais', name: 'ais' },
        },
        errors,
      );
      expect(errors).toEqual([]);
      // Now true: the policy compares all n x n pairs, which kube-apiserver v1.33 stops past 1,000,000
      // and failurePolicy Fail turns into a rejection of this valid CR.
      expect(vars.pairsAffordable).toBe(false);
    },
  );
});
