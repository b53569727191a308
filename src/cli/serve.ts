import { UsageError, type Io } from './usage.js';

export async function runServe(_argv: string[], _io: Io): Promise<number> {
  throw new UsageError('not built yet');
}
