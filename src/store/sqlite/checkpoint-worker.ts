/**
 * The body of the background checkpointer (checkpointer.ts): its own
 * connection to the server's SQLite file, copying committed WAL pages into
 * the database at a fixed interval, off the event loop. PASSIVE never waits
 * for the writer or for readers; a pass that cannot finish is finished by
 * the next one.
 *
 * It is plain JavaScript run with `eval: true` rather than a `.ts` module:
 * a module worker loads the ESM loader and the type stripper into its
 * isolate, many megabytes of resident memory for twenty lines of code.
 */
export const CHECKPOINT_WORKER_SOURCE = `
'use strict';
const { DatabaseSync } = require('node:sqlite');
const { parentPort, workerData } = require('node:worker_threads');

const db = new DatabaseSync(workerData.path);
// Checkpointing reads each page once and writes it; a large page cache would only cost memory.
db.exec('PRAGMA cache_size = -256');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    const { log, checkpointed } = checkpoint.get();
    parentPort.postMessage({ kind: 'pass', walFrames: log, checkpointedFrames: checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}, workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
