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
