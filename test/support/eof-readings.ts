// The two readings of a YAML text that --fix must keep (src/cli/eof-readings.ts), written apart from
// the code under test, and generated mappings whose last line is inside a block scalar.
//  - kubectl apply -f (Argo CD): apimachinery's YAMLReader hands go-yaml each line with '\n' after
//    it, the last one included (k8s.io/apimachinery pkg/util/yaml decoder.go LineReader.Read).
//  - kustomize, Flux (kyaml, go-yaml v3): the bytes as they are; libyaml's block scalar scanner keeps
//    the final line break only when there is one, for clip (`|`) and keep (`|+`) alike.
// Checked on 400 generated texts with a Go program over apimachinery v0.36.1 NewYAMLReader +
// sigs.k8s.io/yaml v1.6.0 YAMLToJSON and go.yaml.in/yaml/v3 v3.0.4 Decoder: every value the same.
import fc from 'fast-check';
import { isDocument, parseAllDocuments, visit, type Scalar } from 'yaml';

const parsed = (text: string) => parseAllDocuments(text, { version: '1.1' });

/** The documents as kubectl reads them. */
export function kubectlRead(text: string): unknown[] {
  const docs = parsed(text === '' || text.endsWith('\n') ? text : `${text}\n`);
  if (!Array.isArray(docs)) throw new Error('not YAML');
  return docs.map((d) => d.toJS() as unknown);
}

/**
 * The documents as kyaml reads them: as the yaml library reads the bytes, but a block scalar
 * running to an end with no line break, its last line not all blanks, has none at its end.
 */
export function kyamlRead(text: string): unknown[] {
  const docs = parsed(text);
  if (!Array.isArray(docs)) throw new Error('not YAML');
  const last = docs[docs.length - 1];
  if (isDocument(last) && text !== '' && !text.endsWith('\n') && /\S[^\n]*$/.test(text)) {
    let atEnd: Scalar | undefined;
    visit(last, {
      Scalar: (_, node) => {
        const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
        if (block && node.range?.[1] === text.length) return ((atEnd = node), visit.BREAK);
      },
    });
    if (atEnd && typeof atEnd.value === 'string') atEnd.value = atEnd.value.replace(/\n$/, '');
  }
  return docs.map((d) => d.toJS() as unknown);
}

export interface EofCase {
  text: string;
  /** The paths of the mappings from the root to the one holding the scalar (last). */
  maps: (string | number)[][];
  /** The keys of the plain entries before the scalar in its mapping. */
  siblings: string[];
  scalarPath: (string | number)[];
  /** Whether the text ends with a line break. */
  finalBreak: boolean;
}

/**
 * A mapping (nested 0-2 deep, the innermost maybe an item of a block sequence: `- note: |`) whose
 * last entry is a block scalar ending the text: literal or folded, clip, strip or keep, with or
 * without an indentation indicator, lines more indented or blank inside, LF or CRLF, with or
 * without a final line break. Its last line has a character other than a blank.
 */
export const eofCase: fc.Arbitrary<EofCase> = fc
  .record({
    depth: fc.integer({ min: 0, max: 2 }),
    inSequence: fc.boolean(),
    pre: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    style: fc.constantFrom('|', '>'),
    indicator: fc.constantFrom('', '2'),
    chomping: fc.constantFrom('', '-', '+'),
    comment: fc.boolean(),
    lines: fc.array(fc.constantFrom('hello', 'two words', '', ' more', 'end  '), {
      minLength: 1,
      maxLength: 4,
    }),
    last: fc.constantFrom('hello', 'x', 'trailing  '),
    eol: fc.constantFrom('\n', '\r\n'),
    finalBreak: fc.boolean(),
  })
  .map((g): EofCase => {
    const out: string[] = [];
    const maps: (string | number)[][] = [[]];
    let path: (string | number)[] = [];
    let indent = '';
    let siblings: string[] = [];
    /** What goes before the next entry's key: its indentation, or "- " for a sequence item's first. */
    let lead = '';
    for (let level = 0; level <= g.depth; level++) {
      siblings = [];
      for (let i = 0; i < g.pre[level]!; i++) {
        const key = `p${level}${i}`;
        siblings.push(key);
        out.push(`${lead || indent}${key}: v${i}`);
        lead = '';
      }
      if (level === g.depth) break;
      const key = `l${level + 1}`;
      const nested = level + 1 === g.depth && g.inSequence;
      out.push(`${lead || indent}${key}:`);
      path = [...path, key];
      lead = nested ? `${indent}- ` : '';
      if (nested) path = [...path, 0];
      indent += '  ';
      maps.push(path);
    }
    // More-indented lines need an indicator: the first line would set the indentation.
    const body = [...g.lines.filter((l) => g.indicator !== '' || !l.startsWith(' ')), g.last];
    if (body[0] === '') body.shift();
    const header = `${g.style}${g.indicator}${g.chomping}${g.comment ? ' # note' : ''}`;
    out.push(`${lead || indent}note: ${header}`);
    for (const line of body) out.push(line === '' ? '' : `${indent}  ${line}`);
    const text = out.join(g.eol) + (g.finalBreak ? g.eol : '');
    return { text, maps, siblings, scalarPath: [...path, 'note'], finalBreak: g.finalBreak };
  });
