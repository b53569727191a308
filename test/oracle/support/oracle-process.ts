// A long-lived oracle process (go/main.go built by build.sh): one JSON line in, one JSON line out,
// answers in request order. Requests are pipelined, so a thousand cases cost one process start.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { KubeObject } from '../../../src/policy/index.js';

export interface OracleRequest {
  id: string;
  cr: KubeObject;
  old?: KubeObject;
  nodes: KubeObject[];
  storageClasses: string[];
}

export interface OperatorVerdict {
  allowed: boolean;
  error?: string;
  warnings: string[];
}

export interface OracleAnswer {
  id: string;
  /** Set when the operator could not render (e.g. no size at all); the webhook verdicts still come. */
  error?: string;
  targetSize: number;
  targetAutoScaling: boolean;
  expectedTargetNodes: string[];
  statefulSet?: KubeObject;
  /** AIStore's own refusal of the target's mountpaths (its local config's fspaths), when it has one. */
  mountpathsError?: string;
  create?: OperatorVerdict;
  update?: OperatorVerdict;
  /** AIStore.ValidateSpec's error alone (the spec-only checks), when it has one. */
  specError?: string;
  /**
   * Per daemon, whether the operator's shouldUpdatePodTemplate would update the StatefulSet it just
   * created once the apiserver stored its containers' resources rounded up to milli-units.
   */
  resourcesSync?: Partial<Record<'target' | 'proxy', { update: boolean; reason?: string; error?: string }>>;
}

export class OracleProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (a: OracleAnswer) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private failed?: Error;

  constructor(binary: string) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (!next) return this.fail(new Error(`oracle answered without a question: ${line.slice(0, 200)}`));
      try {
        next.resolve(JSON.parse(line) as OracleAnswer);
      } catch {
        next.reject(new Error(`oracle printed a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    this.child.on('error', (e) => this.fail(e));
    this.child.on('exit', (code, signal) => {
      if (this.waiting.length > 0)
        this.fail(
          new Error(
            `oracle exited (${code ?? signal}) with ${this.waiting.length} question(s) open: ${this.stderr.trim()}`,
          ),
        );
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  ask(req: OracleRequest): Promise<OracleAnswer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  /** Close stdin and wait for the process to end. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
