// The network between the guard and the fake apiserver (test/support/fake-apiserver.ts), as a TCP
// proxy on 127.0.0.1 that the test breaks on purpose: refuse connections (apiserver down), cut
// every connection, go silent on the open ones while new ones work (a dead watch behind a proxy
// or a lost NAT entry), deliver slowly, or cut answers after a few bytes (partial responses).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigFor } from '../../support/fake-apiserver.js';

interface Pipe {
  client: Socket;
  upstream: Socket;
  /** No more bytes either way; the sockets stay open. */
  silent: boolean;
  /** Bytes from the apiserver still allowed before the connection is cut. */
  budget: number;
}

export class FaultyLink {
  private readonly pipes = new Set<Pipe>();
  private server: Server;
  private port = 0;
  /** Delay added to every chunk from the apiserver. */
  delayMs = 0;
  /** How many new connections get their answer cut after `cutAfterBytes` bytes. */
  private cutNext = 0;
  private cutAfterBytes = 0;

  private constructor(private readonly upstreamUrl: string) {
    this.server = this.makeServer();
  }

  static async start(upstreamUrl: string): Promise<FaultyLink> {
    const link = new FaultyLink(upstreamUrl);
    await link.listen();
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  kubeConfig(): KubeConfig {
    return kubeConfigFor(this.url);
  }

  /** Connections refused from now on, and every open one reset: the apiserver is down. */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutAll();
    await closed;
  }

  /** Listening again, on the same port. */
  async up(): Promise<void> {
    this.server = this.makeServer();
    await this.listen();
  }

  /** Every open connection reset; new ones work. */
  cutAll(): void {
    for (const pipe of this.pipes) {
      pipe.client.destroy();
      pipe.upstream.destroy();
    }
    this.pipes.clear();
  }

  /** The open connections stop carrying bytes but stay open; new ones work. */
  silenceOpen(): number {
    for (const pipe of this.pipes) pipe.silent = true;
    return this.pipes.size;
  }

  /** The next `n` connections get `bytes` bytes of their answer, then are cut. */
  truncateNext(n: number, bytes: number): void {
    this.cutNext = n;
    this.cutAfterBytes = bytes;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    return new Promise((resolve) =>
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  private makeServer(): Server {
    return createServer((client) => {
      const { hostname, port } = new URL(this.upstreamUrl);
      const upstream = connect({ host: hostname, port: Number(port) });
      const cut = this.cutNext > 0;
      if (cut) this.cutNext--;
      const pipe: Pipe = { client, upstream, silent: false, budget: cut ? this.cutAfterBytes : Infinity };
      this.pipes.add(pipe);
      const end = () => {
        this.pipes.delete(pipe);
        client.destroy();
        upstream.destroy();
      };
      client.on('data', (chunk: Buffer) => pipe.silent || upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => {
        if (pipe.silent) return;
        const forward = chunk.subarray(0, Math.max(0, Math.min(chunk.length, pipe.budget)));
        pipe.budget -= forward.length;
        const send = () => {
          if (!pipe.silent && !client.destroyed) client.write(forward);
          if (pipe.budget <= 0) end();
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      });
      client.on('close', end);
      upstream.on('close', () => (this.delayMs > 0 ? setTimeout(end, this.delayMs + 1) : end()));
      client.on('error', end);
      upstream.on('error', end);
    });
  }
}
