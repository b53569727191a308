// Text from manifests and live objects, as a terminal or CI log shows it. Names and values reach
// `check` before any apiserver has refused them, and a CRD's strings accept any character: raw,
// an ESC sequence recolours or moves the cursor and "\r" overwrites a FAIL or DENY line.

// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters and bidirectional marks written as \uXXXX; paint verdict words after this. */
export const terminalSafe = (text: string): string =>
  text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
