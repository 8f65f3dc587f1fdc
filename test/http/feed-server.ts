// A small real HTTP server on 127.0.0.1 that speaks the feed endpoints pouchdb-server lacks: `_changes` with
// `feed=eventsource`, and `_db_updates` (normal, longpoll, continuous, eventsource), with CouchDB 3's wire formats
// (chttpd_db.erl, global_changes_httpd.erl). Seqs are opaque strings `N-opaqueN`. It keeps a log of requests, so
// that tests can see where a reconnecting feed resumed from.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

interface Entry {
  readonly seq: string;
  readonly row: Record<string, unknown>;
}

type Feed = 'normal' | 'longpoll' | 'continuous' | 'eventsource';

/** A listening client: gets each new entry as it is added. */
type Listener = (entry: Entry) => void;

function seqNumber(since: string | null, current: number): number {
  if (since === null || since === '0') return 0;
  if (since === 'now') return current;
  const n = Number.parseInt(since, 10);
  if (!Number.isFinite(n)) throw new Error(`bad since ${since}`);
  return n;
}

/** Writes a message in three pieces (separate chunks of the chunked answer), cut at awkward places. */
function writeInPieces(res: ServerResponse, text: string): void {
  const bytes = Buffer.from(text);
  const a = Math.floor(bytes.length / 3);
  const b = Math.floor((2 * bytes.length) / 3);
  res.write(bytes.subarray(0, a));
  res.write(bytes.subarray(a, b));
  res.write(bytes.subarray(b));
}

export class FeedServer {
  readonly #server: Server;
  readonly #changes: Entry[] = [];
  readonly #updates: Entry[] = [];
  readonly #changeListeners = new Set<Listener>();
  readonly #updateListeners = new Set<Listener>();
  /** Open feed responses, each with what stops feeding it. */
  readonly #open = new Map<ServerResponse, () => void>();
  /** Every request's path and query, in arrival order. */
  readonly requests: string[] = [];

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(): Promise<FeedServer> {
    const server = new FeedServer();
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    const address = this.#server.address();
    if (typeof address !== 'object' || address === null) throw new Error('not listening');
    return `http://127.0.0.1:${address.port}/`;
  }

  /** Feed responses open right now. */
  get openFeeds(): number {
    return this.#open.size;
  }

  /** A change to document `id` in the (single) database `db`. */
  change(id: string): void {
    const seq = `${this.#changes.length + 1}-opaque${this.#changes.length + 1}`;
    const entry = { seq, row: { seq, id, changes: [{ rev: `1-${id}` }] } };
    this.#changes.push(entry);
    for (const listener of this.#changeListeners) listener(entry);
  }

  /** A `_db_updates` entry. */
  dbUpdate(dbName: string, type: 'created' | 'updated' | 'deleted'): void {
    const seq = `${this.#updates.length + 1}-opaque${this.#updates.length + 1}`;
    const entry = { seq, row: { db_name: dbName, type, seq } };
    this.#updates.push(entry);
    for (const listener of this.#updateListeners) listener(entry);
  }

  /** Ends every open feed response abruptly (the socket is destroyed), as a dropped network would. */
  dropAll(): void {
    for (const [res, stop] of this.#open) {
      // Stop feeding first: nothing is written to a response whose socket is gone.
      stop();
      res.socket?.destroy();
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push(url.pathname + url.search);
    if (url.pathname === '/db/_changes') this.#feed(url, res, this.#changes, this.#changeListeners, 'changes');
    else if (url.pathname === '/_db_updates') this.#feed(url, res, this.#updates, this.#updateListeners, 'updates');
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found","reason":"missing"}');
    }
  }

  #feed(url: URL, res: ServerResponse, entries: Entry[], listeners: Set<Listener>, kind: 'changes' | 'updates'): void {
    const feed = (url.searchParams.get('feed') ?? 'normal') as Feed;
    const from = seqNumber(url.searchParams.get('since'), entries.length);
    const lastSeq = (): string | number => entries[entries.length - 1]?.seq ?? 0;
    const pending = entries.slice(from);
    if (feed === 'normal' || (feed === 'longpoll' && pending.length > 0)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body: Record<string, unknown> = { results: pending.map((entry) => entry.row), last_seq: lastSeq() };
      if (kind === 'changes') body['pending'] = 0;
      res.end(JSON.stringify(body));
      return;
    }
    const eventsource = feed === 'eventsource';
    res.writeHead(200, { 'content-type': eventsource ? 'text/event-stream' : 'application/json', 'cache-control': 'no-cache' });
    const heartbeatMs = Number(url.searchParams.get('heartbeat') ?? 0);
    const heartbeat =
      heartbeatMs > 0 ? setInterval(() => res.write(eventsource ? 'event: heartbeat\ndata: \n\n' : '\n'), heartbeatMs) : undefined;
    const timeoutMs = Number(url.searchParams.get('timeout') ?? 0);
    const send = (entry: Entry): void => {
      if (feed === 'longpoll') {
        res.end(JSON.stringify({ results: [entry.row], last_seq: entry.seq }));
        return;
      }
      const json = JSON.stringify(entry.row);
      writeInPieces(res, eventsource ? `data: ${json}\nid: ${JSON.stringify(entry.seq)}\n\n` : `${json}\n`);
    };
    for (const entry of pending) send(entry);
    listeners.add(send);
    const stop = (): void => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      listeners.delete(send);
      this.#open.delete(res);
    };
    // `timeout` ends the feed as CouchDB does: the continuous one with its last_seq line, eventsource with nothing.
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            if (feed === 'continuous') res.write(`${JSON.stringify({ last_seq: lastSeq() })}\n`);
            stop();
            res.end();
          }, timeoutMs)
        : undefined;
    this.#open.set(res, stop);
    res.once('close', stop);
  }
}
