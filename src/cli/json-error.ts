// Where JSON text stops being JSON. JSON.parse says "at position N" for some mistakes and for others
// only quotes the text around them ("Unexpected token ']', ..."b", "c",]"..."), counted from the
// value's start either way; a user wants the line in the file (review check47, fix47). So `check`
// asks this scanner, which follows RFC 8259 and JSON.parse's reading of it, for the offset of the
// first character that cannot continue a JSON value. Only run on text JSON.parse refused: its
// nesting is already bounded (nesting.ts), and the scan keeps its own stack, so no recursion.

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const ESCAPED = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]$/;
const LITERALS = ['true', 'false', 'null'];

/** Where the string whose quote is at `at` ends (after its closing quote), or -(the bad offset) - 1. */
function stringEnd(text: string, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const c = text[i]!;
    if (c === '"') return i + 1;
    if (c.charCodeAt(0) < 0x20) return -i - 1;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        for (let h = i + 2; h < i + 6; h++) if (h >= end || !HEX.test(text[h]!)) return -h - 1;
        i += 5;
      } else if (next !== undefined && i + 1 < end && ESCAPED.has(next)) i++;
      else return -(i + 1) - 1;
    }
  }
  return -end - 1;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Where the number starting at `at` ends, or -(the bad offset) - 1: the first character after "-",
 * "." or the exponent's "e" and sign that is no digit, as JSON.parse places it.
 */
function numberEnd(text: string, at: number, end: number): number {
  let i = at;
  const digits = () => {
    if (i >= end || !isDigit(text[i])) return false;
    while (i < end && isDigit(text[i])) i++;
    return true;
  };
  if (text[i] === '-') i++;
  if (text[i] === '0' && i < end) i++;
  else if (!digits()) return -i - 1;
  if (text[i] === '.' && i < end) {
    i++;
    if (!digits()) return -i - 1;
  }
  if ((text[i] === 'e' || text[i] === 'E') && i < end) {
    i++;
    if ((text[i] === '+' || text[i] === '-') && i < end) i++;
    if (!digits()) return -i - 1;
  }
  return i;
}

/** The offset in text[start, end) where the JSON value there goes wrong, or undefined if it does not. */
export function jsonErrorAt(text: string, start: number, end: number): number | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  const afterValue = (): Expect => (open.length > 0 ? 'comma-or-close' : 'end');
  for (let at = start; ;) {
    while (at < end && ' \t\n\r'.includes(text[at]!)) at++;
    if (at >= end) return expect === 'end' ? undefined : end;
    const c = text[at]!;
    switch (expect) {
      case 'end':
        return at;
      case 'colon':
        if (c !== ':') return at;
        at++;
        expect = 'value';
        continue;
      case 'comma-or-close': {
        const close = open[open.length - 1] === '{' ? '}' : ']';
        if (c === ',') expect = close === '}' ? 'key' : 'value';
        else if (c === close) {
          open.pop();
          expect = afterValue();
        } else return at;
        at++;
        continue;
      }
      case 'key-or-close':
      case 'key': {
        if (c === '}' && expect === 'key-or-close') {
          open.pop();
          at++;
          expect = afterValue();
          continue;
        }
        if (c !== '"') return at;
        const after = stringEnd(text, at, end);
        if (after < 0) return -after - 1;
        at = after;
        expect = 'colon';
        continue;
      }
      default: {
        if (c === ']' && expect === 'value-or-close') {
          open.pop();
          at++;
          expect = afterValue();
          continue;
        }
        if (c === '{' || c === '[') {
          open.push(c);
          at++;
          expect = c === '{' ? 'key-or-close' : 'value-or-close';
          continue;
        }
        if (c === '"') {
          const after = stringEnd(text, at, end);
          if (after < 0) return -after - 1;
          at = after;
        } else {
          const literal = LITERALS.find((w) => w[0] === c);
          if (literal) {
            // JSON.parse places a broken literal at its first wrong character.
            for (let k = 0; k < literal.length; k++, at++)
              if (at >= end || text[at] !== literal[k]) return at;
          } else if (c === '-' || isDigit(c)) {
            const after = numberEnd(text, at, end);
            if (after < 0) return -after - 1;
            at = after;
          } else return at;
        }
        expect = afterValue();
      }
    }
  }
}
