// Types for bench/peers/index.mjs (plain JavaScript, used from test/peers).
export interface AdmissionReview {
  apiVersion: string;
  kind: string;
  request: {
    uid: string;
    operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
    namespace?: string;
    kind: { group: string; version: string; kind: string };
    object: Record<string, unknown>;
    oldObject: Record<string, unknown> | null;
  };
}
export interface Verdict {
  name: string;
  review: AdmissionReview;
  allowed: boolean;
}
export const VERDICTS: readonly Verdict[];

export interface OfflineTool {
  name: string;
  peer?: string;
  bin?: string;
  version(): string;
  prepare(): Promise<void>;
  argv(dir: string): string[];
  okCodes: (number | string)[];
  denied(stdout: string): number;
}
export const TOOLS: readonly OfflineTool[];
export function runTool(argv: string[]): Promise<{ code: number | string; stdout: string; stderr: string }>;
export function documents(count: number): { docs: Record<string, unknown>[]; denied: number };

export interface Peer {
  name: string;
  version: string;
  prepare(): Promise<void | string>;
  start(o: {
    certFile: string;
    keyFile: string;
    port: number;
  }): Promise<{ url: string; stop(): Promise<void> }>;
}
export const opaPeer: Peer;
export function kyvernoPolicyText(): Promise<string>;
export function gatorTemplateText(): Promise<string>;
