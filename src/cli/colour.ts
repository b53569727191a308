// Colour for people at a terminal, never for pipes and logs: only when the stream is a TTY and
// NO_COLOR is unset or empty (https://no-color.org: any non-empty value turns colour off).
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

/** Whether to colour what goes to `stream`. */
export function wantsColour(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export const paintFor = (stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Paint =>
  wantsColour(stream, env) ? ansi : plain;
