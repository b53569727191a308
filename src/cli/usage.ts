// Usage errors exit 2 with a one-line reason, never a stack trace.
export class UsageError extends Error {}

/** A flag's whole number, or undefined: decimal digits only (Number() takes "", "0x2", "2.0", "1e3"). */
export const wholeNumber = (text: string): number | undefined =>
  /^\d+$/.test(text) ? Number(text) : undefined;

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

/** A command's parseArgs options; exported by each command as FLAGS for shell completion. */
export type ParseArgsOptionsConfig = NonNullable<import('node:util').ParseArgsConfig['options']>;
