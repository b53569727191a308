// Flow collections ("[", "{") nested past go-yaml's limit, refused before the yaml library parses
// them. go-yaml v2, which kubectl reads YAML with, stops at 10,000 flow levels (scannerc.go
// yaml_parser_increase_flow_level, max_flow_level: "exceeded max depth of 10000"); the yaml library
// has no limit and builds the whole nest first: a 2 MB file of "[" cost 1.1 GB and 40 s, and a few MB
// (far under check's 32 MiB cap per file) ran the process out of heap, a native crash with no line.
import { CST, Lexer, Parser } from 'yaml';

export const MAX_FLOW_DEPTH = 10_000;

export const TOO_DEEP = `nested deeper than ${MAX_FLOW_DEPTH} levels of "[" and "{" (kubectl's go-yaml refuses it too: "exceeded max depth of ${MAX_FLOW_DEPTH}")`;

/**
 * Block collections ("- - - 1" on one line, or a key a line, each indented past the last) nested
 * deeper than this are refused too. The yaml library parses and composes them recursively, a call
 * per level: a few thousand levels (6 KB of "- ") overflowed the call stack, a crash with a stack
 * trace or "Maximum call stack size exceeded" as the message, whichever step overflowed first.
 * go-yaml reads up to 10,000 such levels; no manifest comes near 500.
 */
export const MAX_BLOCK_DEPTH = 500;

export const TOO_DEEP_BLOCK = `block collections nested deeper than ${MAX_BLOCK_DEPTH} levels, more than ais-guard reads (kubectl's go-yaml reads up to 10000): no manifest needs them`;

/** A text that nests too deeply; `offset` is where the level past the limit opens. */
export class TooDeep extends Error {
  constructor(
    readonly offset: number,
    message = TOO_DEEP,
  ) {
    super(message);
  }
}

/**
 * The parser's tokens for `text`, as `new Parser(onNewLine).parse(text)` gives them, but counting
 * flow levels from the lexer first: TooDeep at the collection past the limit, before the parser has
 * built it (and past MAX_BLOCK_DEPTH block levels). A quoted, plain or block scalar is one lexeme (the one after CST.SCALAR), and so is a
 * comment: the brackets in them are text, never counted.
 */
export function* tokensWithinDepth(text: string, onNewLine?: (offset: number) => void): Generator<CST.Token> {
  const parser = new Parser(onNewLine);
  onNewLine?.(0);
  let depth = 0;
  let inScalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (inScalar) inScalar = false;
    else if (lexeme === CST.SCALAR) inScalar = true;
    else if (lexeme === '[' || lexeme === '{') {
      if (++depth > MAX_FLOW_DEPTH) throw new TooDeep(parser.offset);
    } else if (lexeme === ']' || lexeme === '}') depth = Math.max(0, depth - 1);
    yield* parser.next(lexeme);
    // Block levels, stopped before the library recurses deeper.
    if (pastBlockDepth(parser.stack)) throw new TooDeep(parser.offset, TOO_DEEP_BLOCK);
  }
  yield* parser.end();
}

/**
 * Whether the parser's stack holds more than MAX_BLOCK_DEPTH block collections. It holds the
 * document, then the open block collections, then the flow ones (a flow collection holds no block
 * one), then the scalar being read: so the entry just past the limit tells, in one look (the flow
 * ones are popped a token after their bracket closes, so the lexer's count of them may be short).
 */
function pastBlockDepth(stack: readonly { type: string }[]): boolean {
  const document = stack[0]?.type === 'document' ? 1 : 0;
  const type = stack[document + MAX_BLOCK_DEPTH]?.type;
  return type === 'block-map' || type === 'block-seq';
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
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
