// Text between the nodes of a YAML collection, for the in-place editor (yaml-edit.ts). The yaml
// library gives each node's range but not the places of the indicators around it ("-", ","), nor
// of the anchors, tags and comments before it. Between the end of one node and the next indicator
// there are only blanks, line breaks and comments, so a scan forward from a known node end finds
// them exactly; a scan back from a node's start does not (an anchor "&zone-req" or a comment
// "# zone-pinning" has its own "-").

/** The first place at or after pos that is not a blank, a line break or a comment. */
export function skipGap(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
    // A "#" starts a comment only after a blank or at a line start; elsewhere it is part of a token.
    if (text[i] !== '#' || (i > 0 && !' \t\r\n'.includes(text[i - 1]!))) return i;
    const eol = text.indexOf('\n', i);
    i = eol < 0 ? text.length : eol;
  }
}

const blank = (s: string) => /^[ \t]*\r?$/.test(s);
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * The text with entry `index` of a flow collection cut out, with one comma: the one after it, or,
 * for the last entry, the one before it. Nothing else goes: comments and line breaks around the
 * entry stay (cutting to the next entry's start, or from the previous one's end, took the comments
 * between them). A line left blank goes whole; blanks the cut leaves at a line end are trimmed.
 * `open` is the place of the collection's "{" or "[", `ends` the end of each entry (of its value);
 * undefined if the text between them is not what a flow collection has there.
 */
export function cutFlowEntry(text: string, open: number, ends: number[], index: number): string | undefined {
  if (text[open] !== '{' && text[open] !== '[') return undefined;
  const end = ends[index]!;
  const commaBefore = index > 0 ? skipGap(text, ends[index - 1]!) : undefined;
  if (commaBefore !== undefined && text[commaBefore] !== ',') return undefined;
  // The entry starts with its anchor, tag or "?" if it has one: the first thing after the comma.
  const start = skipGap(text, commaBefore === undefined ? open + 1 : commaBefore + 1);
  const after = skipGap(text, end);
  if (start >= end || after >= text.length) return undefined;
  const pieces: [number, number][] = [];
  if (text[after] === ',') {
    if (blank(text.slice(end, after))) pieces.push([start, after + 1]);
    else pieces.push([start, end], [after, after + 1]);
  } else if (commaBefore !== undefined) {
    if (blank(text.slice(commaBefore + 1, start))) pieces.push([commaBefore, end]);
    else pieces.push([commaBefore, commaBefore + 1], [start, end]);
  } else pieces.push([start, end]);
  // From the last piece back, so the places of the earlier ones stay right.
  let out = text;
  for (const [from, to] of pieces.reverse()) {
    const lineStart = out.lastIndexOf('\n', from - 1) + 1;
    const lineEnd = out.indexOf('\n', to) < 0 ? out.length : out.indexOf('\n', to);
    const blankBefore = blank(out.slice(lineStart, from));
    const blankAfter = blank(out.slice(to, lineEnd));
    let [cutFrom, cutTo] = [from, to];
    if (blankBefore && blankAfter && lineEnd < out.length) [cutFrom, cutTo] = [lineStart, lineEnd + 1];
    else if (blankAfter) while (isBlank(out[cutFrom - 1])) cutFrom--;
    else if (blankBefore || out[to - 1] === ',') {
      // "a: 1, b: 2" loses "a: 1, ", and what follows a cut at a line's indent moves to it; but a
      // comment after a token keeps a blank before it ("{# c" is no comment).
      while (isBlank(out[cutTo])) cutTo++;
      if (out[cutTo] === '#' && !blankBefore) cutTo = to;
    }
    out = out.slice(0, cutFrom) + out.slice(cutTo);
  }
  return out;
}
