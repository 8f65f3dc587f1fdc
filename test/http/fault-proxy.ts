import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does to one client connection. */
export type Fault =
  /** Forward both ways untouched. */
  | { kind: 'pass' }
  /** Reset the connection as soon as the client connects (no byte answered). */
  | { kind: 'reset' }
  /** Forward the first `bytes` of the server's answer, then close the connection mid-response. */
  | { kind: 'cut'; bytes: number }
  /** Forward the request but hold the answer back for `ms` (or forever with Infinity). */
  | { kind: 'stall'; ms: number };

/**
 * A TCP proxy on 127.0.0.1 in front of a test server, for fault injection. Each new client connection takes the
 * next fault from the queue (`pass` once it is empty), so a test scripts exactly what its next connections suffer.
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #faults: Fault[] = [];
  readonly #open = new Set<Socket>();
  /** Connections accepted so far. */
  connections = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts a proxy in front of `targetUrl` (an http URL) on a free port. */
  static async start(targetUrl: string): Promise<FaultProxy> {
    const url = new URL(targetUrl);
    const proxy = new FaultProxy({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's URL, to give the adapter instead of the server's. */
  get url(): string {
    const address = this.#server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy is not listening');
    return `http://127.0.0.1:${address.port}/`;
  }

  /** Client connections open right now. */
  get openConnections(): number {
    return this.#open.size;
  }

  /** Scripts the faults of the next connections, in order. */
  inject(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  /** Closes every open connection at once, as a server restart or a dropped network would. */
  dropAll(): void {
    for (const socket of this.#open) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.connections += 1;
    const fault = this.#faults.shift() ?? { kind: 'pass' };
    this.#open.add(client);
    client.once('close', () => this.#open.delete(client));
    client.on('error', () => undefined);
    if (fault.kind === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.#target.port, this.#target.host);
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);

    let forwarded = 0;
    let held: Buffer[] | undefined = fault.kind === 'stall' ? [] : undefined;
    if (fault.kind === 'stall' && Number.isFinite(fault.ms)) {
      setTimeout(() => {
        const pending = held ?? [];
        held = undefined;
        for (const chunk of pending) client.write(chunk);
      }, fault.ms);
    }
    upstream.on('data', (chunk: Buffer) => {
      if (held !== undefined) {
        held.push(chunk);
        return;
      }
      if (fault.kind === 'cut') {
        const room = fault.bytes - forwarded;
        if (room <= 0) return;
        const part = chunk.subarray(0, room);
        forwarded += part.byteLength;
        client.write(part, () => {
          if (forwarded >= fault.bytes) {
            client.destroy();
            upstream.destroy();
          }
        });
        return;
      }
      client.write(chunk);
    });
  }
}
