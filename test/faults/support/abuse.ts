// Abusive clients on raw sockets, where an HTTP client library would not misbehave on purpose:
// silent TCP connections, TLS connections that never send a request, header and body tricklers,
// idle keep-alive connections, oversized bodies with and without a declared length.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { Target } from './client.js';

export interface Conn {
  socket: Socket | TLSSocket;
  openedAt: number;
  /** Its opening (request line and headers) is written: only then may the trickle start. */
  started?: boolean;
  closedAt?: number;
  /** The status line the server answered with, if any (e.g. "HTTP/1.1 408 Request Timeout"). */
  answer?: string;
}

export type Kind = 'silent-tcp' | 'no-request' | 'slow-headers' | 'slow-body' | 'idle-keep-alive';

const HEAD = 'POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n';

/** A group of connections of one kind; one timer trickles a byte or a header line into each. */
export class Abusers {
  readonly conns: Conn[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reopen = false;
  private ended = false;

  constructor(
    private readonly target: Target,
    readonly kind: Kind,
    private readonly trickleMs = 500,
  ) {}

  /** Opens n connections, `parallel` handshakes at a time; with `reopen`, replaces each one the server cuts. */
  async open(n: number, o: { parallel?: number; reopen?: boolean } = {}): Promise<void> {
    this.reopen = o.reopen ?? false;
    let next = 0;
    const worker = async () => {
      while (next++ < n && !this.ended) await this.one();
    };
    await Promise.all(Array.from({ length: o.parallel ?? 32 }, worker));
    if (this.kind === 'slow-headers' || this.kind === 'slow-body') {
      this.timer = setInterval(() => this.trickle(), this.trickleMs);
    }
  }

  live(): number {
    return this.conns.filter((c) => c.closedAt === undefined).length;
  }

  /** Connections the server closed, with how long each lived and what it said. */
  cut(): Conn[] {
    return this.conns.filter((c) => c.closedAt !== undefined);
  }

  close(): void {
    this.ended = true;
    clearInterval(this.timer);
    for (const c of this.conns) c.socket.destroy();
  }

  private one(): Promise<void> {
    return new Promise((resolve) => {
      const conn: Conn = { socket: undefined as never, openedAt: Date.now() };
      const ready = () => {
        conn.openedAt = Date.now();
        this.start(conn);
        resolve();
      };
      conn.socket =
        this.kind === 'silent-tcp'
          ? tcpConnect({ host: '127.0.0.1', port: this.target.port }, ready)
          : connect({ host: '127.0.0.1', port: this.target.port, ca: this.target.ca }, ready);
      conn.socket.on('data', (chunk: Buffer) => {
        conn.answer ??= chunk.toString('latin1').split('\r\n', 1)[0];
      });
      conn.socket.on('error', () => undefined);
      conn.socket.on('close', () => {
        conn.closedAt = Date.now();
        resolve(); // a connection refused before it was ready
        if (this.reopen && !this.ended) void this.one();
      });
      this.conns.push(conn);
    });
  }

  private start(conn: Conn): void {
    const s = conn.socket;
    conn.started = true;
    if (this.kind === 'slow-headers') s.write(HEAD);
    if (this.kind === 'slow-body') s.write(`${HEAD}content-length: 100000\r\n\r\n{`);
    if (this.kind === 'idle-keep-alive') s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  }

  private trickle(): void {
    let n = 0;
    for (const c of this.conns) {
      // Not before its opening: a header line written while TLS is still connecting would go out
      // ahead of the request line and earn a 400 (seen when 200 cut slowloris reopen at once).
      if (!c.started || c.closedAt !== undefined || c.socket.destroyed) continue;
      c.socket.write(this.kind === 'slow-headers' ? `x-slow-${n++}: y\r\n` : ' ');
    }
  }
}

/**
 * Sends a body of `bytes` on a fresh connection, declared (content-length) or chunked, and
 * resolves with the status line the server answered (or the socket error when it answered none).
 * With `sendOnly`, writes only that many body bytes and then waits for the answer, as a client
 * that stops at the limit does (nothing then arrives after the server closed, so no reset).
 */
export function oversized(
  target: Target,
  bytes: number,
  declared: boolean,
  sendOnly = bytes,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: target.port, ca: target.ca }, () => {
      const length = declared ? `content-length: ${bytes}\r\n` : 'transfer-encoding: chunked\r\n';
      socket.write(`${HEAD}${length}\r\n`);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < sendOnly && !socket.destroyed) {
          const piece = chunk.subarray(0, Math.min(chunk.length, sendOnly - sent));
          sent += piece.length;
          const framed = declared
            ? piece
            : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
          if (!socket.write(framed)) return void socket.once('drain', pump);
        }
        if (!declared && sent === bytes && !socket.destroyed) socket.write('0\r\n\r\n');
      };
      pump();
    });
    let answer = '';
    socket.on('data', (c: Buffer) => {
      answer ||= c.toString('latin1').split('\r\n', 1)[0] ?? '';
      socket.destroy();
    });
    socket.on('error', (err) => (answer ||= `error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    socket.on('close', () => resolve(answer || 'closed without an answer'));
    socket.setTimeout(60_000, () => socket.destroy());
  });
}
