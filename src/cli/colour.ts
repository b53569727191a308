// Colour for people at a terminal, never for pipes and logs, read from the environment as the
// conventions say (and as Node's tty.getColorDepth() and chalk read them):
// - NO_COLOR set and not empty (https://no-color.org): never. It wins over FORCE_COLOR, unlike in
//   Node: runners set FORCE_COLOR=1 for their children on their own (jest-worker, task runners), and
//   NO_COLOR is the user's standing choice.
// - FORCE_COLOR "", "1", "2", "3" or "true": always, even into a pipe (a CI log that renders ANSI,
//   `| less -R`); any other value ("0", "false"): never, even on a terminal.
// - TERM=dumb (an Emacs shell buffer, some CI runners): a terminal that shows ESC codes raw, never.
// - Otherwise: only when the stream is a TTY.
// Plain SGR codes: five styles do not warrant a dependency.

export type Style = 'red' | 'yellow' | 'cyan' | 'dim' | 'bold';

const SGR: Record<Style, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;
export const ansi: Paint = (style, text) => `\x1b[${SGR[style][0]}m${text}\x1b[${SGR[style][1]}m`;

const FORCED = new Set(['', '1', '2', '3', 'true']);

/** Whether to colour what goes to `stream`. */
export function wantsColour(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return FORCED.has(env.FORCE_COLOR);
  if (env.TERM === 'dumb') return false;
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export const paintFor = (stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Paint =>
  wantsColour(stream, env) ? ansi : plain;
