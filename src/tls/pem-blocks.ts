// The certificate blocks of a PEM text, found with indexOf. The pattern used before,
// /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g, searched from every BEGIN to
// the end of the text for an END: a caBundle of BEGIN markers and no END took time quadratic in
// its length (1.2 s at 200 KB, tens of seconds at 1 MB), once per webhook entry.
const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/**
 * Each block from a BEGIN to the first END at least one character after it, as that pattern
 * matched them: leftmost first, each search going on after the last block. Once no END follows a
 * BEGIN, none follows a later one either, so the search stops there.
 */
export function certificateBlocks(pem: string): string[] {
  const blocks: string[] = [];
  for (let from = 0; ;) {
    const begin = pem.indexOf(BEGIN, from);
    if (begin < 0) return blocks;
    const end = pem.indexOf(END, begin + BEGIN.length + 1);
    if (end < 0) return blocks;
    from = end + END.length;
    blocks.push(pem.slice(begin, from));
  }
}
