// Reading the caBundles and the serving certificate for the two certificate checks, with Node's
// X.509 parser (what src/tls/inspect.ts uses too).
import { X509Certificate } from 'node:crypto';
import { chainTo, parsePemChain } from '../../tls/chain.js';
import type { Expected, Snapshot } from '../types.js';
import { liveEntries } from './common.js';

export const commonName = (dn: string): string =>
  /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');

/** The distinct caBundles of the live webhooks, each with the webhooks that carry it. */
export function caBundles(
  snapshot: Snapshot,
  expected: Pick<Expected, 'name'>,
): { bundle: string; webhooks: string[] }[] {
  const by = new Map<string, string[]>();
  for (const { entry } of liveEntries(snapshot, expected)) {
    const bundle = entry.clientConfig?.caBundle ?? '';
    (by.get(bundle) ?? by.set(bundle, []).get(bundle)!).push(entry.name);
  }
  return [...by].map(([bundle, webhooks]) => ({ bundle, webhooks }));
}

/** A caBundle's certificates, or why it has none. */
export function bundleCerts(bundle: string): X509Certificate[] | string {
  try {
    return parsePemChain(Buffer.from(bundle, 'base64').toString('utf8'), { skipUnparsable: true });
  } catch (err) {
    return `not a base64 PEM certificate bundle (${(err as Error).message})`;
  }
}

/** The serving certificate chain as served (leaf first, then its intermediates), or why there is none. */
export function servingChain(snapshot: Snapshot): X509Certificate[] | string {
  const { pem, source } = snapshot.servingCert;
  if (!pem.ok) return `${source}: ${pem.reason}`;
  try {
    return parsePemChain(pem.value);
  } catch (err) {
    return `${source}: ${(err as Error).message}`;
  }
}

/** The serving certificate (the first of its chain), or why there is none. */
export function servingCert(snapshot: Snapshot): X509Certificate | string {
  const chain = servingChain(snapshot);
  return typeof chain === 'string' ? chain : chain[0]!;
}

/** Whether `ca` verifies the serving chain (see chainTo). */
export const signs = (ca: X509Certificate, chain: X509Certificate[]): boolean =>
  chainTo(chain, ca) !== undefined;
