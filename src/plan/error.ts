// A plan that cannot be made: the CLI prints the reason and exits 2. Never a stack trace.
export class PlanError extends Error {
  override name = 'PlanError';
}
