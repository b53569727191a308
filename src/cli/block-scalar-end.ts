// A document that ends inside a block scalar (`|`, `>`) with no final line break. go-yaml v2, which
// kubectl uses (a port of libyaml, yaml_parser_scan_block_scalar), keeps a block scalar's last line
// break only when the text has one: `note: |\n  hello` at the end of the file reads "hello" (the yaml
// library reads "hello\n", so re-parsing does not show the difference). `--fix` putting a line break
// after it (an entry added at the end by yaml-edit.ts, the "---" between files joined by fix.ts)
// made the value "hello\n". Strip chomping (`|-`) reads "hello" with or without that break, so the
// header is rewritten to it; what cannot be rewritten so exactly is refused.
import { isDocument, parseAllDocuments, visit, type Document, type Scalar } from 'yaml';
import { KUBE_YAML } from '../k8s/yaml.js';

/** The end cannot take a line break without changing the scalar's value; `at`: its header's offset. */
export class ScalarEndError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/**
 * `text` ready to have a line break put after its end, reading as go-yaml read it without that
 * break: a block scalar with clip chomping that runs to the end (after its header line) gets strip
 * chomping (`|` -> `|-`, `>2` -> `>2-`, before a comment on the header line). Keep chomping (`|+`),
 * which would gain the break, and a last line of blanks (content or not, by the scalar's indentation)
 * are refused. `doc`: the text's (last) document, when parsed already.
 */
export function strippedAtEnd(text: string, doc?: Document): string {
  if (text === '' || text.endsWith('\n')) return text;
  let last = doc;
  if (!last) {
    const docs = parseAllDocuments(text, KUBE_YAML);
    last = Array.isArray(docs) ? docs[docs.length - 1] : undefined;
  }
  if (!isDocument(last)) return text;
  let scalar: Scalar | undefined;
  visit(last, {
    Scalar: (_, node) => {
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (block && node.range?.[1] === text.length) return ((scalar = node), visit.BREAK);
    },
  });
  if (!scalar?.range) return text;
  const at = scalar.range[0];
  const header = /^[|>]([1-9+-]*)/.exec(text.slice(at));
  // The header line ends the text: the scalar is empty with or without a break after it.
  if (!header || text.lastIndexOf('\n') < at) return text;
  const indicators = header[1]!;
  if (indicators.includes('-')) return text;
  const name = header[0];
  if (indicators.includes('+'))
    throw new ScalarEndError(
      `the block scalar "${name}" (keep chomping) ends the document without a line break, which --fix would add to its value: end the file with a line break`,
      at,
    );
  if (/^[ \t]*$/.test(text.slice(text.lastIndexOf('\n') + 1)))
    throw new ScalarEndError(
      `the block scalar "${name}" ends the document in a line of blanks without a line break, which --fix would have to add: end the file with a line break`,
      at,
    );
  const after = at + header[0].length;
  return `${text.slice(0, after)}-${text.slice(after)}`;
}

/** The text as go-yaml reads it, for the yaml library: its end as strippedAtEnd makes it, or as it is. */
export function readableEnd(text: string): string {
  try {
    return strippedAtEnd(text);
  } catch (err) {
    if (err instanceof ScalarEndError) return text;
    throw err;
  }
}
