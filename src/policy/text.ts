// Clipping text that comes from requests or goes into bounded places (warnings, logs, refusals).
// One helper for what the webhook, its log and the core's messages each did their own way.

/** `text` cut to `max` characters, with "…" when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * `text` in at most `max` characters keeping its start and its end, the middle replaced by "…":
 * a warning keeps its rule id and link (first) and the end of its fix (last). Cuts at spaces when
 * one is near, so words stay whole.
 */
export function clipMiddle(text: string, max: number, tail = Math.floor(max / 2)): string {
  if (text.length <= max) return text;
  const headRoom = max - tail - 1;
  let head = text.slice(0, headRoom);
  const headSpace = head.lastIndexOf(' ');
  if (headSpace > headRoom / 2) head = head.slice(0, headSpace + 1);
  let end = text.slice(text.length - tail);
  const tailSpace = end.indexOf(' ');
  if (tailSpace >= 0 && tailSpace < tail / 2) end = end.slice(tailSpace);
  return `${head}…${end}`;
}

/**
 * A name from a CR (a map key: a resource name, a label key) as a message shows it: as written while
 * it is plain printable ASCII, else JSON-quoted, so a line break or a quote in it cannot break the
 * message; clipped to `max`.
 */
export const nameAsWritten = (name: string, max = 100): string =>
  /^[\x21-\x7e]+$/.test(name) ? clip(name, max) : clip(JSON.stringify(name), max);

/** CR text as a warning quotes it: JSON-quoted (no line breaks), clipped (a key can be megabytes). */
export const quoted = (text: string): string => JSON.stringify(clip(text, 100));

/** Go's len() of a string: its UTF-8 bytes (a lone surrogate is written as U+FFFD, 3 bytes). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}
