// A kubeconfig for `serve --kubeconfig` pointing at a stub apiserver (or at nothing: a closed port).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes DIR/kubeconfig for `server` (e.g. http://127.0.0.1:PORT) and returns its path. */
export function writeKubeconfig(dir: string, server: string): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: f, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: x}}]',
      'contexts: [{name: f, context: {cluster: f, user: u}}]',
      'current-context: f',
    ].join('\n'),
  );
  return path;
}
