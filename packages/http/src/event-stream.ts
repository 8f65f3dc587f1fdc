/** One event of a `text/event-stream` answer. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the event named none. */
  readonly event: string;
  /** The `data:` lines, joined with `\n`. */
  readonly data: string;
  /** The last `id:` seen so far in the stream (it carries over to later events), or undefined. */
  readonly id: string | undefined;
}

/**
 * Parses a `text/event-stream` body as it arrives, after the WHATWG rules: lines end with CRLF, LF or CR; a blank
 * line ends an event; `:` starts a comment; one space after a field's colon is dropped. Chunks may end anywhere
 * (mid-line, between CR and LF, mid-character), so the unfinished tail is kept for the next chunk.
 */
export class EventStreamParser {
  readonly #decoder = new TextDecoder();
  #pending = '';
  /** The previous chunk ended with CR: an LF opening the next one belongs to it. */
  #afterCr = false;
  #data: string[] = [];
  #event = '';
  #lastId: string | undefined;

  /** The events that `chunk` completes, in order. */
  push(chunk: Uint8Array): ServerSentEvent[] {
    let text = this.#decoder.decode(chunk, { stream: true });
    if (this.#afterCr && text.startsWith('\n')) text = text.slice(1);
    this.#afterCr = false;
    text = this.#pending + text;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      this.#line(text.slice(start, i), events);
      if (code === 13) {
        if (i + 1 === text.length) this.#afterCr = true;
        else if (text.charCodeAt(i + 1) === 10) i += 1;
      }
      start = i + 1;
    }
    this.#pending = text.slice(start);
    return events;
  }

  #line(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      this.#dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    // `retry` and unknown fields do not concern a feed reader: reconnection has its own backoff.
  }

  #dispatch(events: ServerSentEvent[]): void {
    const event = this.#event === '' ? 'message' : this.#event;
    const data = this.#data;
    this.#data = [];
    this.#event = '';
    // An event without data lines is not dispatched (the standard's rule).
    if (data.length === 0) return;
    events.push({ event, data: data.join('\n'), id: this.#lastId });
  }
}
