// A CR port read as the operator reads it. Its DaemonSpec ports are IntOrStrings, and it only ever
// asks them for IntValue (operator api/aistore/v1beta1/aistore_validation.go validateServiceSpec,
// internal/resources/aistore/cmn/res.go NewDaemonPorts): one reading for every rule that needs it.

/**
 * A port as IntOrString.IntValue gives it (k8s.io apimachinery intstr): strconv.Atoi of a string,
 * which takes an optional sign and decimal digits and yields 0 for anything else, or the integer.
 * Absent is 0. NaN for what the operator cannot decode at all (a fraction, a boolean, an object):
 * no port either.
 */
export function portOf(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  return typeof v === 'number' && Number.isInteger(v) ? v : NaN;
}

/** validation.IsValidPortNum: 1 to 65535. */
export const validPort = (n: number) => n >= 1 && n <= 65535;

/**
 * A daemon spec's hostPort as the operator writes it onto its container port (an int32 in the
 * CRD): 0, no host port, when unset or no integer.
 */
export function hostPortOf(daemon: Record<string, unknown>): number {
  const v = daemon.hostPort;
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}
