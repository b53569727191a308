// A pass-through proxy in front of a stand-in apiserver that writes down every request (method,
// path with query, content type), so a test can say what a program asked, not what it is believed
// to ask. Watches are streamed through as they come.
import { KubeConfig } from '@kubernetes/client-node';
import { EventEmitter, once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sent } from './rbac.js';

export interface Recorder {
  sent: Sent[];
  kubeConfig(): KubeConfig;
  /** Resolves once a request matching `seen` has been sent (at once if one was). */
  sentOne(seen: (s: Sent) => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function recorder(target: string): Promise<Recorder> {
  const sent: Sent[] = [];
  const events = new EventEmitter();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const s: Sent = {
      method: req.method ?? '',
      url: req.url ?? '/',
      contentType: req.headers['content-type'],
    };
    sent.push(s);
    events.emit('sent', s);
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    sent,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'rec', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
        users: [{ name: 'u' }],
        contexts: [{ name: 'c', cluster: 'rec', user: 'u' }],
        currentContext: 'c',
      });
      return kc;
    },
    async sentOne(seen) {
      if (sent.some(seen)) return;
      await new Promise<void>((resolve) => {
        const look = (s: Sent) => {
          if (!seen(s)) return;
          events.off('sent', look);
          resolve();
        };
        events.on('sent', look);
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
