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

/**
 * The words a flag's value can be, by long flag name (the parser refuses any other): exported by a
 * command as CHOICES, so shell completion offers them instead of file names.
 */
export type Choices = Record<string, readonly string[]>;

/** A command's parseArgs options; exported by each command as FLAGS for shell completion. */
export type ParseArgsOptionsConfig = NonNullable<import('node:util').ParseArgsConfig['options']>;
