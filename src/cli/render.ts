import { UsageError, type Io } from './usage.js';

export async function runRender(_argv: string[], _io: Io): Promise<number> {
  throw new UsageError('not built yet');
}
