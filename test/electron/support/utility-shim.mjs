// Plays Electron's utility process under plain Node, for tests: the module named
// in argv[2] runs with a `process.parentPort` (postMessage, 'message' events of
// `{ data, ports }`, queued until someone listens) carried over Node's IPC channel, and `process.send` is taken
// away, so a program that still used it would be heard by nobody.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

const send = process.send.bind(process);
process.send = undefined;

class ParentPort extends EventEmitter {
  postMessage(message) {
    send(message);
  }
}
const parentPort = new ParentPort();
// As Electron's port does, messages wait until there is a 'message' listener.
let queue = [];
process.on('message', (data) => {
  if (queue) queue.push(data);
  else parentPort.emit('message', { data, ports: [] });
});
parentPort.on('newListener', (event) => {
  if (event !== 'message' || !queue) return;
  const waiting = queue;
  queue = undefined;
  setImmediate(() => {
    for (const data of waiting) parentPort.emit('message', { data, ports: [] });
  });
});
Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: true });

await import(pathToFileURL(process.argv[2]).href);
