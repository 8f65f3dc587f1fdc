import type { ChangesOptions, ChangesResponse, ChangesRow, Seq } from '@settee/core';
import type { RequestContext } from '../http/context.js';
import { sendText } from '../http/respond.js';
import { feedTimeout, openResultsAnswer } from '../http/stream-feed.js';
import type { DbTarget } from './db-target.js';

/** A changes row as sent: `seq_interval` leaves most rows' seq null. */
export type SentChangesRow = Omit<ChangesRow, 'seq'> & { seq: Seq | null };

/** How a row is sent, given how many rows were sent before it. */
export type RenderRow = (row: ChangesRow, index: number) => SentChangesRow;

/** A normal or longpoll answer as sent, rows rendered, with CouchDB's closing newline. */
export function changesAnswerText(answer: ChangesResponse, render: RenderRow): string {
  return `${JSON.stringify({ ...answer, results: answer.results.map(render) })}\n`;
}

/**
 * `feed=longpoll`: answers as soon as there is a change after `since`. Without a heartbeat it gives up after
 * `timeout` (at most CouchDB's default minute) with no rows. With one it never gives up, as CouchDB's
 * get_changes_timeout has it: the answer opens with the first heartbeat and a newline goes out every `heartbeat`
 * ms until a change comes, the client hangs up or the server closes.
 */
export async function longpollChanges(
  ctx: RequestContext,
  target: DbTarget,
  options: ChangesOptions,
  heartbeat: number | undefined,
  render: RenderRow,
): Promise<void> {
  if (heartbeat === undefined) {
    const answer = await target.db.changes({ ...options, feed: 'longpoll', timeout: feedTimeout(heartbeat, options.timeout) });
    sendText(ctx, 200, changesAnswerText(answer, render));
    return;
  }
  const { res } = ctx;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  ctx.state.feeds.add(stop);
  ctx.req.socket.once('close', stop);
  let opened = false;
  try {
    let since = options.since;
    for (;;) {
      const answer: ChangesResponse = await target.db.changes({ ...options, ...(since === undefined ? {} : { since }), feed: 'longpoll', timeout: heartbeat });
      if (answer.results.length > 0 || options.limit === 0 || stopped || res.destroyed) {
        if (!opened) {
          sendText(ctx, 200, changesAnswerText(answer, render));
          return;
        }
        const rows = answer.results.map((row, i) => JSON.stringify(render(row, i))).join(',\n');
        res.end(`${rows}\n],\n"last_seq":${JSON.stringify(answer.last_seq)},"pending":${answer.pending}}\n`);
        return;
      }
      if (!opened) {
        opened = true;
        openResultsAnswer(ctx);
      }
      if (ctx.method !== 'HEAD') res.write('\n');
      since = answer.last_seq as Seq;
    }
  } catch (error) {
    // Once the head is out the error can no longer be the answer (the database was deleted...): cut the connection
    // rather than leave the client waiting on an answer that never ends.
    if (opened) res.destroy();
    throw error;
  } finally {
    ctx.state.feeds.delete(stop);
    ctx.req.socket.off('close', stop);
  }
}
