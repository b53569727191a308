// Review "end22": attack on 5b3d026 (stray-BOM refusal in src/k8s/yaml.ts kubectlRefusesText and
// withoutDocumentBoms, goMatchesHost in src/cli/render.ts). Every "kubectl does" claim below was
// checked with kubectl v1.32.4 on this machine:
//   kubectl create --dry-run=client --validate=false -o json -f F --server=http://127.0.0.1:PORT
// against a stub serving /api, /api/v1 (configmaps) and /apis. Every "Go does" claim with go1.26
// crypto/x509 (*Certificate).VerifyHostname on a Certificate{DNSNames: []string{pattern}}.
import { describe, expect, it } from '@jest/globals';
import { parseInput, type LoadError } from '../../src/cli/load.js';
import { goMatchesHost } from '../../src/cli/render-certs.js';

const load = (file: string, text: string) => {
  const errors: LoadError[] = [];
  const notes: LoadError[] = [];
  const { manifests } = parseInput({ file, bytes: Buffer.from(text, 'utf8') }, errors, notes);
  return { errors, notes, objects: manifests.map((m) => m.object) };
};
const cm = (name: string, eol = '\n') =>
  `apiVersion: v1${eol}kind: ConfigMap${eol}metadata:${eol}  name: ${name}${eol}`;

describe('a BOM right after a "---" that is the FIRST line of the file', () => {
  // apimachinery util/yaml decoder.go (*YAMLReader).Read: on a separator line it returns the buffer
  // only when the buffer is not empty; when "---" is the first line the buffer IS empty, so the
  // "---" line is written into the first piece and go-yaml sees "---\n\uFEFFapiVersion..." — the
  // BOM is not at the stream's start (readerc.go yaml_parser_determine_encoding) and stays in the
  // key. kubectl v1.32.4 on each text below prints {"kind":"ConfigMap",...,"\uFEFFapiVersion":"v1"}
  // (for "\n---\n\uFEFF..." or "a...\n---\n\uFEFF..." it skips the BOM, as check does).
  // withoutDocumentBoms (/^(---[^\n]*\n)\uFEFF/gm) and the kubectlRefusesText exemption
  // (/(?:^|\n)---[^\n]*\n$/) both treat offset 0 like a separator after a document, so check
  // reads apiVersion: v1 and judges an object kubectl sends with a "\uFEFFapiVersion" key — the very
  // case 5b3d026 says it refuses elsewhere ("# c\n\uFEFF..." is an input error). Files that start
  // with "---" (helm template, kustomize build, `echo ---; cat f`) are common. Expected: the same
  // "a byte-order mark inside the file" input error at line 2.
  it.each([
    ['"---\\n"', `---\n\uFEFF${cm('a')}`],
    ['"---\\r\\n" (CRLF file)', `---\r\n\uFEFF${cm('a', '\r\n')}`],
    ['"--- # comment\\n"', `--- # Source: chart/templates/cm.yaml\n\uFEFF${cm('a')}`],
  ])('file starting with %s then a BOM: input error at line 2, as kubectl keeps the BOM', (_, text) => {
    const { errors } = load('all.yaml', text);
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/^a byte-order mark/) }),
    ]);
  });
});

describe('a "---" separator line with a trailing tab', () => {
  // apimachinery util/yaml decoder.go (*YAMLReader).Read: a line starting with "---" is a separator
  // when strings.TrimRightFunc(after, unicode.IsSpace) is empty, so "---\t" splits documents.
  // kubectl v1.32.4 applies `a\n---\t\nb` as two ConfigMaps, exit 0. check reports
  // "a tab where kubectl (go-yaml) wants indentation: indent with spaces" at line 5 (the "---\t"
  // line) and loads only the first object: an input error (exit 2) for a file kubectl applies, and
  // the second object is never judged. Expected: no error, both objects loaded.
  it('reads "---\\t" as a separator, as kubectl does', () => {
    const { errors, objects } = load('all.yaml', `${cm('a')}---\t\n${cm('b')}`);
    expect(errors).toEqual([]);
    expect(objects.map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'b']);
  });
});

describe('goMatchesHost against Go crypto/x509 VerifyHostname', () => {
  // crypto/x509 verify.go VerifyHostname: a DNS SAN is matched with matchHostnames only when
  // validHostnamePattern(match) holds, else with matchExactly. validHostname(pattern, true) does NOT
  // trim a trailing dot (only the host's is trimmed, `if !isPattern`), so "a.com." has an empty
  // label and is invalid, and matchExactly("a.com.", "a.com") is false; a bare "*" is refused
  // outright ("Bare wildcards are not allowed"), and "*." has an empty label. go1.26: each pair
  // below gives VerifyHostname != nil. goMatchesHost strips the PATTERN's trailing dot and takes "*"
  // / "*." as one-label wildcards, so `render` says the serving certificate covers the webhook URL
  // while the apiserver's TLS client refuses it ("x509: certificate is valid for a.com., not
  // a.com") and every admission call fails (or is skipped under failurePolicy Ignore).
  // Expected: false, as Go. (render.ts's docstring "trailing dots ignored" holds for the host only.)
  it.each([
    ['guard.example.com.', 'guard.example.com'],
    ['*.example.com.', 'guard.example.com'],
    ['*', 'guard'],
    ['*.', 'guard'],
  ])('SAN %j does not cover host %j', (pattern, host) => {
    expect(goMatchesHost(pattern, host)).toBe(false);
  });
  // These agree with Go and must keep holding.
  it.each([
    ['*.internal', 'guard.internal', true],
    ['*.A.com', 'x.a.COM', true],
    ['a.*.b', 'a.x.b', false],
    ['x*.a.com', 'xy.a.com', false],
  ])('SAN %j vs host %j: %s, as Go', (pattern, host, want) => {
    expect(goMatchesHost(pattern, host)).toBe(want);
  });
});
