// Test helper: a fetch that records requests and answers from a script, so the adapter can be checked without a server.
export interface SeenRequest {
  method: string;
  /** Path and query as sent, e.g. `/db/doc?rev=1-a`. */
  target: string;
  headers: Record<string, string>;
  body: string;
  /** The body's raw bytes. */
  bytes: Uint8Array;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: string | Uint8Array } | Error;

export interface FakeFetch {
  fetch: typeof globalThis.fetch;
  seen: SeenRequest[];
  /** Queues answers; once empty, every request gets `fallback`. */
  reply(...replies: Reply[]): void;
}

export function fakeFetch(fallback: Reply = { status: 200, body: { ok: true } }): FakeFetch {
  const queue: Reply[] = [];
  const seen: SeenRequest[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const bytes = new Uint8Array(await request.arrayBuffer());
    seen.push({ method: request.method, target: url.pathname + url.search, headers, body: new TextDecoder().decode(bytes), bytes });
    if (request.signal.aborted) throw request.signal.reason;
    const reply = queue.shift() ?? fallback;
    if (reply instanceof Error) throw reply;
    const nullBody = reply.status === 204 || reply.status === 304;
    const body = nullBody ? null : (reply.raw ?? (reply.body === undefined ? null : JSON.stringify(reply.body)));
    return new Response(body as ConstructorParameters<typeof Response>[0], {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen, reply: (...replies) => queue.push(...replies) };
}
