// Graceful shutdown that does not wait on idle connections. The apiserver opens spare TLS
// connections under load that may never carry a request; Node's closeIdleConnections() does not
// count those as idle, so server.close() waited for the whole shutdown timeout (seen in e2e: 21 s).
// Track the responses in flight per socket: on drain, close every socket with none, and each other
// one as soon as its last response is done (those responses say "Connection: close").
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface Drainer {
  /** Stop reusing connections: close the idle ones now and the busy ones when they finish. */
  drain(): void;
  /** Open TLS connections, for tests and logs. */
  open(): number;
}

export function trackConnections(server: Server): Drainer {
  const inFlight = new Map<TLSSocket, Set<ServerResponse>>();
  let draining = false;

  server.on('secureConnection', (socket: TLSSocket) => {
    if (draining) return void socket.destroy();
    inFlight.set(socket, new Set());
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const responses = inFlight.get(socket) ?? new Set<ServerResponse>();
    inFlight.set(socket, responses);
    responses.add(res);
    if (draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      responses.delete(res);
      if (draining && responses.size === 0) socket.end();
    });
  });

  return {
    drain() {
      draining = true;
      for (const [socket, responses] of inFlight) {
        if (responses.size === 0) socket.end();
        for (const res of responses) if (!res.headersSent) res.shouldKeepAlive = false;
      }
    },
    open: () => inFlight.size,
  };
}
