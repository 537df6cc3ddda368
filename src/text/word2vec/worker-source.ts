/**
 * The training worker, as source text run with `new Worker(WORKER_SOURCE, { eval: true })`.
 *
 * Why a string and not a file: the worker only instantiates the WebAssembly kernel on the shared
 * memory and runs jobs, and as a string it works unchanged from the ESM and CJS builds, from a
 * bundle, and from the TypeScript sources under vitest, with no extra build entry to locate.
 */
export const WORKER_SOURCE = `
'use strict';
// CommonJS normally; ESM if the parent's flags forced it (getBuiltinModule: Node >= 20.16).
const { parentPort, workerData } =
  typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
const { module, memory, modelPtr } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const trainJob = instance.exports.train_job;
parentPort.on('message', (message) => {
  if (message === null) {
    parentPort.close();
    return;
  }
  trainJob(modelPtr, message.jobPtr);
  parentPort.postMessage(message.slot);
});
`;
