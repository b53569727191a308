// The peers of the side-by-side benches: every bench/peers/<name>/peer.mjs, each prepared (built or
// installed, cached). A peer whose prepare() gives a reason, or throws, is kept with that reason.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function discoverPeers() {
  const dir = new URL('.', import.meta.url).pathname;
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'peer.mjs')))
    .map((e) => e.name)
    .sort();
  const peers = [];
  for (const name of names) {
    const peer = (await import(join(dir, name, 'peer.mjs'))).default;
    let reason;
    try {
      reason = (await peer.prepare()) || undefined;
    } catch (e) {
      reason = `prepare() failed: ${e.message.split('\n')[0]}`;
    }
    peers.push({ peer, reason });
    process.stderr.write(`peers: ${peer.name} ${peer.version}: ${reason ?? 'ready'}\n`);
  }
  return peers;
}
