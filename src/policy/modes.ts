// How findings turn into admission actions. enforce: deny findings deny; warn: they only warn;
// audit: nothing is denied, warned or changed, findings go to audit annotations and logs.
export type Mode = 'enforce' | 'warn' | 'audit';
export const MODES: readonly Mode[] = ['enforce', 'warn', 'audit'];

export interface Modes {
  default: Mode;
  /** Per-rule overrides, by rule id. */
  rules?: Record<string, Mode>;
}

export const ENFORCE: Modes = { default: 'enforce' };

export type Action = 'deny' | 'warn' | 'audit';

export function modeOf(modes: Modes, ruleId: string): Mode {
  return modes.rules?.[ruleId] ?? modes.default;
}

export function actionFor(mode: Mode, severity: 'deny' | 'warn'): Action {
  if (mode === 'audit') return 'audit';
  if (mode === 'warn') return 'warn';
  return severity;
}
