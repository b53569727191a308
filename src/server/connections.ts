// Connection bookkeeping the server needs and Node's http server does not give cheaply:
//
// - A graceful drain that does not wait on idle or never-used connections. The apiserver opens
//   spare TLS connections under load that may never carry a request; Node's closeIdleConnections()
//   does not count those as idle, so server.close() waited for the whole shutdown timeout (seen in
//   e2e: 21 s). On drain, every connection with no response in flight is closed at once, each
//   other one as soon as its last response is done (those responses say "Connection: close").
// - No keep-alive once shutdown begins (before the drain, for the whole --shutdown-delay): the
//   apiserver calls the Service over kept-alive connections, which kube-proxy leaves on the
//   terminating pod whatever its readiness; an answer that says "Connection: close" ends one cleanly,
//   and the apiserver's next connection goes to a ready replica. Left open, each was still here when
//   the drain closed it, under a review the apiserver may have been writing (a failed call, which
//   the apiserver does not retry for a POST: a refused AIStore write on a Fail entry).
// - An idle cut for connections stalled mid-response (a client that stops reading), by a sweep
//   once a second instead of socket.setTimeout: that re-arms a timer on every read and write, and
//   cost 7 % of the fast path's throughput (docs/performance.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface Connections {
  /** Counts a request on its connection; the server's request handler calls it first. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** Every answer from now on says "Connection: close" (shutdown begins: the delay). */
  closeAfterAnswers(): void;
  /** Stop reusing connections: close the idle ones now and the busy ones when they finish. */
  drain(): void;
  /** Open TLS connections, for tests and logs. */
  open(): number;
  /** Stops the idle sweep. */
  stop(): void;
}

interface Connection {
  inFlight: number;
  /** The response being answered, to say "Connection: close" on it when a drain begins. */
  latest: ServerResponse | undefined;
  /** Bytes read and written at the last sweep that saw them change, and when. */
  bytes: number;
  activeAt: number;
}

export function trackConnections(server: Server, idleMs: number): Connections {
  const connections = new Map<TLSSocket, Connection>();
  let draining = false;
  let closing = false; // answers close their connection; set at drain too

  server.on('secureConnection', (socket: TLSSocket) => {
    if (draining) return void socket.destroy();
    connections.set(socket, { inFlight: 0, latest: undefined, bytes: 0, activeAt: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });

  // One shared listener, no closure per request: this runs on every review.
  function onResponseClose(this: ServerResponse): void {
    const socket = this.req.socket as TLSSocket;
    const connection = connections.get(socket);
    if (!connection) return;
    connection.inFlight--;
    if (connection.latest === this) connection.latest = undefined;
    if (draining && connection.inFlight === 0) socket.end();
  }

  function closeAfterAnswers(): void {
    closing = true;
    for (const connection of connections.values())
      if (connection.latest && !connection.latest.headersSent) connection.latest.shouldKeepAlive = false;
  }

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [socket, connection] of connections) {
        const bytes = socket.bytesRead + socket.bytesWritten;
        if (bytes !== connection.bytes) {
          connection.bytes = bytes;
          connection.activeAt = now;
        } else if (now - connection.activeAt >= idleMs) socket.destroy();
      }
    },
    Math.min(1_000, idleMs / 4),
  );
  sweep.unref();

  return {
    track(req, res) {
      const connection = connections.get(req.socket as TLSSocket);
      if (!connection) return;
      connection.inFlight++;
      connection.latest = res;
      if (closing) res.shouldKeepAlive = false;
      res.on('close', onResponseClose);
    },
    closeAfterAnswers,
    drain() {
      draining = true;
      closeAfterAnswers();
      for (const [socket, connection] of connections) if (connection.inFlight === 0) socket.end();
    },
    open: () => connections.size,
    stop: () => clearInterval(sweep),
  };
}
