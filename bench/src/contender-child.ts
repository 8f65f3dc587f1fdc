/**
 * One contender in its own node process, started by `contender-process.ts`: opens the contender once, answers
 * `ready`, then serves the parent's commands (`contender-protocol.ts`) one at a time until `close`. A process per
 * contender keeps every other library's heap and garbage collections out of its timings.
 *
 * Usage (IPC channel required): node --expose-gc --conditions=settee-source --import tsx src/contender-child.ts <id>
 */
import { createCaseSession, type CaseSession } from './case-session.js';
import { isChildCommand, type ChildCommand, type ChildReply } from './contender-protocol.js';
import { createContender, isContenderId } from './contenders.js';
import { exposeGc } from './gc.js';
import type { Contender } from './store.js';

function send(reply: ChildReply): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) {
      reject(new Error('contender-child.ts needs an IPC channel to its parent'));
      return;
    }
    process.send(reply, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function perform(command: ChildCommand, contender: Contender, session: CaseSession): Promise<ChildReply> {
  switch (command.type) {
    case 'prepare':
      await session.prepare(command.key);
      return { type: 'done' };
    case 'run':
      return { type: 'done', run: await session.run(command.key) };
    case 'finish':
      await session.finish(command.key);
      return { type: 'done' };
    case 'close':
      await contender.close();
      return { type: 'done' };
  }
}

async function main(): Promise<void> {
  const id = process.argv[2];
  if (!isContenderId(id)) throw new Error(`usage: contender-child.ts <engine-memory|engine-sqlite|pouchdb-memory|pouchdb-leveldb>`);
  // Without its parent the child has nobody to serve: leave rather than linger.
  process.on('disconnect', () => process.exit());
  let contender: Contender;
  try {
    contender = await createContender(id);
  } catch (error) {
    await send({ type: 'failed', message: errorMessage(error) });
    process.disconnect();
    return;
  }
  const gc = exposeGc();
  const session = createCaseSession(contender, gc);
  // The parent waits for each reply, but a queue keeps commands in order even if one arrived early.
  let queue = Promise.resolve();
  process.on('message', (message: unknown) => {
    queue = queue.then(async () => {
      if (!isChildCommand(message)) return send({ type: 'failed', message: 'unknown command' });
      const reply = await perform(message, contender, session).catch((error: unknown): ChildReply => ({ type: 'failed', message: errorMessage(error) }));
      // Collect this step's garbage before answering, while no other contender is being timed: left for later, V8
      // would collect it in the background during the next child's timed run, on a machine with only two cores.
      gc();
      await send(reply);
      if (message.type === 'close') process.disconnect();
    });
  });
  await send({ type: 'ready' });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
