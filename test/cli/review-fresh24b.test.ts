// Review "fresh24b": the fix24 reading of NEL (U+0085), LS (U+2028) and PS (U+2029) as go-yaml v2
// line breaks (src/k8s/yaml.ts goYamlLineBreaks, firstLineBreak, goYamlScalars, goYamlFlowScalar;
// wired in src/cli/load.ts parseInput). Every expected value below is sigs.k8s.io/yaml v1.4.0
// YAMLToJSON's (what kubectl decodes each YAML document with) of the same text, run in a scratch Go
// program outside the repository. Each test fails on main and names a defect.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lexer } from 'yaml';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import { cli } from '../support/cli.js';

const LS = '\u2028';
const NEL = '\u0085';
const tmp = () => mkdtempSync(join(tmpdir(), 'ais-guard-fresh24b-'));

function read(body: string): { value?: unknown; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const { manifests } = parseSource('f.yaml', `apiVersion: v1\nkind: X\n${body}`, errors);
  const object = manifests[0]?.object as Record<string, unknown> | undefined;
  return { value: object?.a, errors };
}

describe('a block scalar whose first go-yaml break is a NEL and a later one an LS', () => {
  // Defect: goYamlScalars refuses an LS or PS in a block scalar, but looks only at the FIRST of the
  // three characters in the scalar's source (`GO_YAML_ONLY_BREAKS.exec(source)`): when that one is a
  // NEL it returns "LF in the copy, as go-yaml reads it" and never sees an LS or PS after it. The LS
  // stays text in check's copy, so what follows it is part of the block scalar to check; go-yaml
  // breaks the line there (yamlprivateh.go is_break), and a less-indented `key: value` after it ends
  // the scalar and is a field of the enclosing map. Here a targetSpec annotation's block value has a
  // NEL, then an LS followed by `    hostPort: 51081`: YAMLToJSON gives spec.targetSpec.hostPort =
  // 51081 (and annotations.note "copied from the runbook\nsee the wiki\u2028"); check sees no hostPort
  // and exits 0. Without the NEL the same LS is refused (exit 2), as documented.
  // Impact: a wrong "allowed" from check for a field kubectl applies (target-host-port would deny it:
  // operator internal/resources/aistore/target/statefulset.go targetPodSpec sets the container's
  // hostPort from targetSpec.hostPort); the same hides any field.
  // Expected: not exit 0: the LS refused as an input error (exit 2), or hostPort read and denied.
  it('a field after NEL ... LS in a block scalar is applied by kubectl: check does not pass it', async () => {
    const dir = tmp();
    const file = join(dir, 'cr.yaml');
    const cr = readFileSync(join(process.cwd(), 'examples/multi-target/01-aistore.yaml'), 'utf8');
    const annotation = (text: string) =>
      cr.replace(
        '    servicePort: 51081\n',
        `    servicePort: 51081\n    annotations:\n      note: |\n${text}`,
      );
    // Only the LS: refused, as documented.
    writeFileSync(file, annotation(`        see the wiki${LS}    hostPort: 51081\n`));
    expect((await cli(['check', '-q', file])).code).toBe(2);
    // A NEL first: on main exit 0, no finding, no error.
    writeFileSync(
      file,
      annotation(`        copied from the runbook${NEL}        see the wiki${LS}    hostPort: 51081\n`),
    );
    expect((await cli(['check', '-q', file])).code).not.toBe(0);
  });
});

describe('a double-quoted value with an escaped line break and a NEL, LS or PS', () => {
  // Defect: goYamlFlowScalar mis-joins an escaped line break ("\" at a line's end, the usual way to
  // wrap a long double-quoted value) in any double-quoted scalar that also holds a NEL, LS or PS: it
  // keeps the escaped break itself, and its asText turns the '' placeholder it puts first into a
  // "\P" escape, so the value gets a U+2029 and a LF that go-yaml does not read. go-yaml
  // (scannerc.go yaml_parser_scan_flow_scalar) skips the escaped break (skip_line) and keeps only
  // the breaks after it. And a "\" right before an LS or NEL (an escaped go-yaml line break) is
  // refused as "Invalid escape sequence", though go-yaml reads it as one.
  // Impact: check judges another string than kubectl applies (e.g. two mount paths kubectl reads
  // alike are distinct to check: mount-path-unique allows what Kubernetes rejects), and a valid file
  // is refused.
  // Expected: YAMLToJSON's value.
  // Resolved by refusing (k8s/yaml.ts kubectlRefusesText): check no longer emulates go-yaml's
  // reading of NEL, LS and PS; a file with one is an input error at the character's line, so check
  // never judges another value, another document split or a hidden field than kubectl applies.
  it.each([
    ['an escaped LF, then an LS', `a: "x\\\n  y${LS}z"\n`, 'U+2028', 4],
    ['a path wrapped with "\\", an LS at its end', `a: "/ais/\\\n  d1${LS}"\n`, 'U+2028', 4],
    ['a NEL, then an escaped LF', `a: "x${NEL}\\\n  "\n`, 'U+0085', 3],
    ['an escaped LS', `a: "a\\${LS}b"\n`, 'U+2028', 3],
    ['an escaped NEL', `a: "a\\${NEL}b"\n`, 'U+0085', 3],
  ])('%s: refused at its line, never another value', (_, body, char, line) => {
    const { value, errors } = read(body);
    expect(value).toBeUndefined();
    expect(errors).toEqual([{ file: 'f.yaml', line, message: expect.stringContaining(`a ${char} (`) }]);
  });
});

describe('a "---" after a NEL or LS: a document kubectl never applies', () => {
  // Defect: kubectl splits a file into documents only at "---" lines ended by LF (apimachinery
  // util/yaml YAMLReader reads lines up to '\n'), then decodes the FIRST document of each piece
  // (sigs.k8s.io/yaml Unmarshal -> goyaml.v2 reads one document). goYamlLineBreaks makes every NEL,
  // LS and PS a LF in check's copy, so a "---" after one starts a document to check, which it judges
  // as applied. A file with NEL line ends (an EBCDIC conversion writes NEL for each line end) of the
  // AIStore CR and a PVC is one piece to kubectl: YAMLToJSON gives the CR alone, the PVC is never
  // created; check judges both (2 objects, the PVC denied by pvc-name) and says nothing of it. check
  // already reports a document after "..." that kubectl never applies (load.ts judgeDocument).
  // Impact: verdicts on objects kubectl does not create (a deny that changes nothing; a cross-object
  // rule satisfied by an object that never exists), and a silently half-applied file.
  // Expected: the PVC is not judged as applied: an error (as for "..."), or only the CR judged.
  // Resolved by refusing (k8s/yaml.ts kubectlRefusesText): check no longer emulates go-yaml's
  // reading of NEL, LS and PS; a file with one is an input error at the character's line, so check
  // never judges another value, another document split or a hidden field than kubectl applies.
  it('ais-prod.yaml with NEL line ends: only the CR is applied by kubectl', () => {
    const text = readFileSync(join(process.cwd(), 'examples/ais-prod.yaml'), 'utf8').replace(/\n/g, NEL);
    const errors: LoadError[] = [];
    const { manifests } = parseSource('nel.yaml', text, errors);
    const judged = manifests.map((m) => (m.object as { kind: string }).kind);
    // On main: judged = ['AIStore', 'PersistentVolumeClaim'], errors = [].
    expect(errors.length > 0 || judged.join() === 'AIStore').toBe(true);
  });
});

describe('many NEL, LS or PS: the text is lexed again after each one', () => {
  // Defect: goYamlLineBreaks replaces one character at a time and lexes the whole text again after
  // each (`for (at = firstLineBreak(out); ...; at = firstLineBreak(out))`), so reading a file costs
  // (number of such characters) x (file size): quadratic. Measured on this machine: a manifest of
  // 8,000 short fields each ended by an LS (87 KB) takes 90 s to check, 4,000 comments ended by LS
  // 5 s; examples/ais-prod.yaml repeated 60 times with NEL line ends (3,000 lines) 8 s, so a
  // rendered chart of tens of thousands of lines converted with NEL line ends takes many minutes.
  // Impact: one small file in a pull request stalls the CI job (`check` in the Action, pre-commit)
  // for minutes to hours: a denial of service of the pipeline.
  // Expected: work linear in the file: the text lexed a bounded number of times (here at most 20
  // times its length in all, lexer calls counted, no clock).
  it('500 fields ended by an LS: refused at the first, the text lexed a bounded number of times', () => {
    const text = `apiVersion: v1\nkind: X\nd:\n${Array.from({ length: 500 }, (_, i) => `  k${i}: v${LS}`).join('')}\n`;
    let lexed = 0;
    const lex = Lexer.prototype.lex;
    const spy = jest.spyOn(Lexer.prototype, 'lex').mockImplementation(function (
      this: Lexer,
      source: string,
      incomplete?: boolean,
    ) {
      lexed += source.length;
      return lex.call(this, source, incomplete);
    });
    try {
      const errors: LoadError[] = [];
      parseSource('ls.yaml', text, errors);
      expect(errors).toEqual([
        { file: 'ls.yaml', line: 4, message: expect.stringContaining('U+2028 (LINE SEPARATOR)') },
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(lexed).toBeLessThanOrEqual(20 * text.length);
  });
});

describe("an LS in the comment of a block scalar's header line", () => {
  // Defect: goYamlScalars looks for an LS or PS in the source of a block scalar from its range,
  // which starts at the header ("|") and takes in the header's comment. An LS in that comment is a
  // line break to go-yaml (the comment ends there, scannerc.go yaml_parser_scan_block_scalar eats
  // the header's comment "until a line break"), and goYamlLineBreaks already made it a LF in check's
  // copy, so the value is read right; but the scalar is then refused as "a U+2028 (LINE SEPARATOR)
  // in a block scalar ... write the value double-quoted with \L", about a value that has none.
  // YAMLToJSON reads `a: | # see the runbook<LS>  x` as a = "x\n".
  // Impact: a valid file refused (exit 2) with a message that points at the value, not the comment.
  // Expected: no error; the value "x\n".
  // Resolved by refusing (k8s/yaml.ts kubectlRefusesText): check no longer emulates go-yaml's
  // reading of NEL, LS and PS; a file with one is an input error at the character's line, so check
  // never judges another value, another document split or a hidden field than kubectl applies.
  // The message names the character and how to write it, not a value.
  it('is refused as the character it is, at its line, not as an LS in the value', () => {
    const { errors } = read(`a: | # see the runbook${LS}  x\n`);
    expect(errors).toEqual([
      {
        file: 'f.yaml',
        line: 3,
        message: expect.stringMatching(/^a U\+2028 \(LINE SEPARATOR\): a line break to kubectl \(go-yaml\)/),
      },
    ]);
  });
});
