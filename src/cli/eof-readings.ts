// A text whose last line is inside a block scalar with no line break after it (`note: |` then
// `  hello` as the file's last bytes) is read two ways. `kubectl apply -f` (and Argo CD) read files
// through apimachinery's YAMLReader, whose LineReader.Read writes '\n' after every line, the last one
// included (k8s.io/apimachinery pkg/util/yaml decoder.go), so go-yaml gets "  hello\n": "hello\n".
// kustomize and Flux (kyaml, go-yaml v3) parse the bytes as they are, and libyaml's block scalar
// scanner keeps the final line break only when there is one: "hello" (`|+` too). The yaml library
// reads the bytes as kubectl does. `--fix` must change neither reading: yaml-edit.ts never puts
// anything after such a scalar, and fix.ts checks its edits against both readings.
import { isDocument, parseAllDocuments, visit, type Document, type Scalar } from 'yaml';
import { KUBE_YAML } from '../k8s/yaml.js';

/**
 * The block scalar (`|`, `>`, any chomping) the text ends in, without a line break after its last
 * line, when it has a line after its header (a header line last reads "" every way). `doc`: the
 * text's (last) document, when parsed already.
 */
export function blockScalarAtEnd(text: string, doc?: Document): Scalar | undefined {
  if (text === '' || text.endsWith('\n')) return undefined;
  let last = doc;
  if (!last) {
    const docs = parseAllDocuments(text, KUBE_YAML);
    last = Array.isArray(docs) ? docs[docs.length - 1] : undefined;
  }
  if (!isDocument(last)) return undefined;
  let scalar: Scalar | undefined;
  visit(last, {
    Scalar: (_, node) => {
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (block && node.range?.[1] === text.length) return ((scalar = node), visit.BREAK);
    },
  });
  if (!scalar?.range || text.lastIndexOf('\n') < scalar.range[0]) return undefined;
  return scalar;
}

/** The text as kubectl's line reader hands it to go-yaml: its last line ended by '\n'. */
export const kubectlText = (text: string): string =>
  text === '' || text.endsWith('\n') ? text : `${text}\n`;

/**
 * The text as go-yaml v3 (kyaml) reads its bytes, for the yaml library: a block scalar it ends in
 * (blockScalarAtEnd) made strip (`|` and `|+` to `|-`, `>2` to `>2-`), which drops the final line
 * break the yaml library would read into it. Exact when the last line has a character other than a
 * blank; a last line of blanks is read as if it had one, the same way before and after an edit.
 */
export function goYamlText(text: string, doc?: Document): string {
  const scalar = blockScalarAtEnd(text, doc);
  if (!scalar?.range) return text;
  const at = scalar.range[0];
  const header = /^[|>]([1-9+-]*)/.exec(text.slice(at));
  if (!header || header[1]!.includes('-')) return text;
  const indicators = header[1]!.replace('+', '') + '-';
  return text.slice(0, at + 1) + indicators + text.slice(at + header[0].length);
}
