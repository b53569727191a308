// Collections nested deeper than ais-guard reads, refused before the yaml library composes them.
// The library's parser keeps its open collections on a stack of its own, but composing a document
// recurses once a level: a few thousand block levels (6 KB of "- ") or about 800 flow levels
// ("[[[…") overflowed the call stack, a crash with a stack trace or "Maximum call stack size
// exceeded" as the error, whichever step overflowed first. go-yaml, which kubectl reads YAML with,
// reads up to 10,000 levels (scannerc.go yaml_parser_increase_flow_level, max_flow_level) and
// refuses more; past that, the library first built the whole nest (a 2 MB file of "[" cost 1.1 GB
// and 40 s). No manifest comes near 500 levels.
import { CST, Lexer, Parser } from 'yaml';

export const MAX_DEPTH = 500;

export const TOO_DEEP = `collections nested deeper than ${MAX_DEPTH} levels, more than ais-guard reads (kubectl's go-yaml reads up to 10000): no manifest needs them`;

/** A text that nests too deeply; `offset` is where the level past the limit opens. */
export class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(TOO_DEEP);
  }
}

/**
 * The parser's tokens for `text`, as `new Parser(onNewLine).parse(text)` gives them, but TooDeep at
 * the collection, block or flow, past MAX_DEPTH levels: read off the parser's stack a lexeme after
 * the parser opened it, before anything composes it.
 */
export function* tokensWithinDepth(text: string, onNewLine?: (offset: number) => void): Generator<CST.Token> {
  const parser = new Parser(onNewLine);
  onNewLine?.(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (pastDepth(parser.stack)) throw new TooDeep(parser.offset);
  }
  yield* parser.end();
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Whether the parser's stack holds more than MAX_DEPTH collections. It holds the document, then the
 * open block collections, then the flow ones (a flow collection holds no block one), then the
 * scalar being read: so the entry just past the limit tells, in one look. A flow collection is
 * popped a token after its bracket closes, before a sibling's opens: siblings never count twice.
 */
function pastDepth(stack: readonly { type: string }[]): boolean {
  const document = stack[0]?.type === 'document' ? 1 : 0;
  const type = stack[document + MAX_DEPTH]?.type;
  return type !== undefined && COLLECTIONS.has(type);
}

/**
 * Where JSON text nests past the limit (the "[" or "{" that does), or undefined: a scan of the
 * characters, strings and their escapes skipped, before JSON.parse and the yaml library see it.
 */
export function jsonTooDeep(text: string, from = 0, to = text.length): number | undefined {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < to && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
