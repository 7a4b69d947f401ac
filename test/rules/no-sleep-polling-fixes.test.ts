import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at, commonjs } from './cases.js';

const ruleTester = new RuleTester();

const IMPORT = "import { KinesisProducer } from 'eslint-plugin-sleepless/producer';\n";
const SLEEP = 'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n';
const awaitIt = (condition: string, interval: string, awaited: string) =>
  ({ messageId: 'polledAwait' as const, data: { condition, interval, awaited } });
type Case = ReturnType<typeof at<MessageIds, Options>>;
const inv = (code: string, error: ReturnType<typeof awaitIt>, rest: Partial<Case> = {}) => at<MessageIds, Options>(code, error, rest);
/** A case whose fix is only offered as a suggestion: `output` stays null, the suggestion gives `suggested`. */
const suggest = (code: string, error: ReturnType<typeof awaitIt>, suggested: string, rest: Partial<Case> = {}) => {
  const c = at<MessageIds, Options>(code, error, rest);
  const [e] = c.errors;
  return { ...c, errors: [{ ...e!, suggestions: [{ messageId: 'replaceLoop' as const, data: { awaited: error.data.awaited }, output: suggested }] }] };
};
const KPL = awaitIt('producer.getOutstandingRecordsCount() > 0', '500 ms', 'producer.flush()');

ruleTester.run('no-sleep-polling fixes', rule, {
  valid: [],
  invalid: [
    // --- no replacement to offer: the producer is not known to be ours, the emitter is out of scope
    at(`${SLEEP}export async function flushSync(producer) {
  @@while (producer.getOutstandingRecordsCount() > 0) { producer.flush(); await sleep(500); }
}`, { messageId: 'polled', data: { condition: 'producer.getOutstandingRecordsCount() > 0', interval: '500 ms', awaited: '' } }),
    at(`${SLEEP}export class Client {
  connected = false;
  constructor(socket) { socket.on('connect', () => { this.connected = true; }); }
  async whenConnected() { @@while (!this.connected) await sleep(10); }
}`, { messageId: 'polled', data: { condition: '!this.connected', interval: '10 ms', awaited: '' } }),
    at(`${SLEEP}export async function idle(q) { @@while (q?.pending?.size) await sleep(10); }`,
      { messageId: 'polled', data: { condition: 'q?.pending?.size', interval: '10 ms', awaited: '' } }),
    // --- autofix: the KPL drain on this package's producer
    inv(`${IMPORT}${SLEEP}const producer = new KinesisProducer({ streamName: 's' });
export async function flushSync() {
  @@while (producer.getOutstandingRecordsCount() > 0) {
    producer.flush();
    await sleep(500);
  }
}`, KPL, { output: `${IMPORT}const producer = new KinesisProducer({ streamName: 's' });
export async function flushSync() {
  await producer.flush();
}` }),
    inv(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  @@while (producer.getOutstandingRecordsCount() > 0) await sleep(500);
}`, KPL, { output: `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  await producer.flush();
}` }),
    inv(`${IMPORT}${SLEEP}class Sink {
  private producer = new KinesisProducer({ streamName: 's' });
  async flushSync() {
    @@while (this.producer.getOutstandingRecordsCount() > 0) {
      void this.producer.flush();
      await sleep(500);
    }
  }
}`, awaitIt('this.producer.getOutstandingRecordsCount() > 0', '500 ms', 'this.producer.flush()'), { output: `${IMPORT}class Sink {
  private producer = new KinesisProducer({ streamName: 's' });
  async flushSync() {
    await this.producer.flush();
  }
}` }),
    inv(`${IMPORT}${SLEEP}class Sink {
  constructor(streamName) { this.producer = new KinesisProducer({ streamName }); }
  async flushSync() {
    @@do {
      this.producer.flush();
      await sleep(500);
    } while (this.producer.getOutstandingRecordsCount() !== 0);
  }
}`, awaitIt('this.producer.getOutstandingRecordsCount() !== 0', '500 ms', 'this.producer.flush()'), { output: `${IMPORT}class Sink {
  constructor(streamName) { this.producer = new KinesisProducer({ streamName }); }
  async flushSync() {
    await this.producer.flush();
  }
}` }),
    inv(`${IMPORT}class Sink {
  constructor(private readonly producer: KinesisProducer) {}
  async flushSync() {
    @@for (;;) {
      if (this.producer.getOutstandingRecordsCount() === 0) break;
      this.producer.flush();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}`, awaitIt('this.producer.getOutstandingRecordsCount() === 0', '500 ms', 'this.producer.flush()'), { output: `${IMPORT}class Sink {
  constructor(private readonly producer: KinesisProducer) {}
  async flushSync() {
    await this.producer.flush();
  }
}` }),
    inv(`${IMPORT}import { setTimeout as sleep } from 'node:timers/promises';
export async function flushSync(p: KinesisProducer) {
  @@while (true) {
    p.flush();
    await sleep(250);
    if (!p.getOutstandingRecordsCount()) {
      break;
    }
  }
}`, awaitIt('!p.getOutstandingRecordsCount()', '250 ms', 'p.flush()'), { output: `${IMPORT}export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    inv(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  // KPL's flushSync(), ported as it was
  @@while (0 < producer.getOutstandingRecordsCount()) {
    producer.flush(); // ask the producer to send now
    /* then check again in half a second */
    await sleep(500);
  }
}`, awaitIt('0 < producer.getOutstandingRecordsCount()', '500 ms', 'producer.flush()'), { output: `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  // KPL's flushSync(), ported as it was
  // ask the producer to send now
  /* then check again in half a second */
  await producer.flush();
}` }),
    inv(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  drain: @@for (;;) {
    if (producer.getOutstandingRecordsCount() <= 0) break;
    await sleep(500);
  }
}`, awaitIt('producer.getOutstandingRecordsCount() <= 0', '500 ms', 'producer.flush()'), { output: `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  await producer.flush();
}` }),
    inv(`const { KinesisProducer } = require('eslint-plugin-sleepless/producer');
const { setTimeout: sleep } = require('node:timers/promises');
const producer = new KinesisProducer({ streamName: 's' });
module.exports.flushSync = async () => {
  @@while (producer.getOutstandingRecordsCount() > 0) { producer.flush(); await sleep(500); }
};`, KPL, { ...commonjs, output: `const { KinesisProducer } = require('eslint-plugin-sleepless/producer');
const producer = new KinesisProducer({ streamName: 's' });
module.exports.flushSync = async () => {
  await producer.flush();
};` }),
    // --- the fix takes the sleep it removed with it when nothing else uses it: the helper, its import, or both
    inv(`${IMPORT}import { setTimeout as sleep, setImmediate } from 'node:timers/promises';
export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
  await setImmediate();
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}import { setImmediate } from 'node:timers/promises';
export async function flushSync(p: KinesisProducer) {
  await p.flush();
  await setImmediate();
}` }),
    inv(`${IMPORT}import {
  setImmediate,
  setTimeout as sleep,
} from 'node:timers/promises';
export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
  await setImmediate();
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}import {
  setImmediate,
} from 'node:timers/promises';
export async function flushSync(p: KinesisProducer) {
  await p.flush();
  await setImmediate();
}` }),
    inv(`import { setTimeout } from 'node:timers/promises';
${IMPORT}
function pause(ms: number) {
  return setTimeout(ms);
}

export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await pause(100);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}

export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    inv(`import delay from 'delay';
${IMPORT}export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await delay(100);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    inv(`${IMPORT}import { promisify } from 'node:util';
const sleep = promisify(setTimeout);
export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    // two drain loops share the helper: the fix of either rewrites both, so that the helper can go with them
    {
      code: `${IMPORT}${SLEEP}export async function a(p: KinesisProducer) {
  while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}
export async function b(q: KinesisProducer) {
  while (q.getOutstandingRecordsCount() > 0) await sleep(200);
}`,
      errors: [
        { ...awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), line: 4 },
        { ...awaitIt('q.getOutstandingRecordsCount() > 0', '200 ms', 'q.flush()'), line: 7 },
      ],
      output: `${IMPORT}export async function a(p: KinesisProducer) {
  await p.flush();
}
export async function b(q: KinesisProducer) {
  await q.flush();
}`,
    },
    // …but not when the other loop only gets a suggestion
    {
      code: `${IMPORT}${SLEEP}export async function a(p: KinesisProducer) {
  while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}
export async function b(q: KinesisProducer) {
  while (q.getOutstandingRecordsCount() > 0) { console.log('waiting'); await sleep(200); }
}`,
      errors: [
        { ...awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), line: 4 },
        {
          ...awaitIt('q.getOutstandingRecordsCount() > 0', '200 ms', 'q.flush()'),
          line: 7,
          suggestions: [{ messageId: 'replaceLoop' as const, data: { awaited: 'q.flush()' }, output: `${IMPORT}${SLEEP}export async function a(p: KinesisProducer) {
  while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}
export async function b(q: KinesisProducer) {
  await q.flush();
}` }],
        },
      ],
      output: `${IMPORT}${SLEEP}export async function a(p: KinesisProducer) {
  await p.flush();
}
export async function b(q: KinesisProducer) {
  while (q.getOutstandingRecordsCount() > 0) { console.log('waiting'); await sleep(200); }
}`,
    },
    // still used elsewhere, or exported: it stays
    inv(`${IMPORT}${SLEEP}export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
  await sleep(5);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}${SLEEP}export async function flushSync(p: KinesisProducer) {
  await p.flush();
  await sleep(5);
}` }),
    inv(`${IMPORT}export ${SLEEP}export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}export ${SLEEP}export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    inv(`${IMPORT}import { setTimeout as sleep } from 'node:timers/promises';
export { sleep };
export async function flushSync(p: KinesisProducer) {
  @@while (p.getOutstandingRecordsCount() > 0) await sleep(100);
}`, awaitIt('p.getOutstandingRecordsCount() > 0', '100 ms', 'p.flush()'), { output: `${IMPORT}import { setTimeout as sleep } from 'node:timers/promises';
export { sleep };
export async function flushSync(p: KinesisProducer) {
  await p.flush();
}` }),
    // --- autofix for other producers, through drainMethods
    inv(`${SLEEP}export async function idle(queue) {
  @@while (queue.pendingCount() > 0) await sleep(50);
}`, awaitIt('queue.pendingCount() > 0', '50 ms', 'queue.drain()'), {
      options: [{ drainMethods: [{ poll: 'pendingCount', await: 'drain' }] }],
      output: `export async function idle(queue) {
  await queue.drain();
}` }),
    inv(`${SLEEP}export async function idle(pool) {
  @@while (pool.pending) await sleep(50);
}`, awaitIt('pool.pending', '50 ms', 'pool.onIdle()'), {
      options: [{ drainMethods: [{ poll: 'pending', await: 'onIdle' }] }],
      output: `export async function idle(pool) {
  await pool.onIdle();
}` }),
    // --- the same change as a suggestion where the loop does more than drain
    suggest(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  @@while (producer.getOutstandingRecordsCount() > 0) {
    console.log('waiting for', producer.getOutstandingRecordsCount());
    producer.flush();
    await sleep(500);
  }
}`, KPL, `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  await producer.flush();
}`),
    suggest(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer, deadline: number) {
  @@while (producer.getOutstandingRecordsCount() > 0 && Date.now() < deadline) await sleep(500);
}`, KPL, `${IMPORT}export async function flushSync(producer: KinesisProducer, deadline: number) {
  await producer.flush();
}`),
    suggest(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  @@for (;;) {
    if (producer.getOutstandingRecordsCount() === 0) return 'drained';
    await sleep(500);
  }
}`, awaitIt('producer.getOutstandingRecordsCount() === 0', '500 ms', 'producer.flush()'), `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  await producer.flush();
}`),
    suggest(`${IMPORT}${SLEEP}export async function flushSync(producer: KinesisProducer) {
  @@for (let i = 0; producer.getOutstandingRecordsCount() > 0; i++) await sleep(500);
}`, KPL, `${IMPORT}export async function flushSync(producer: KinesisProducer) {
  await producer.flush();
}`),
    // --- Promise.allSettled for a collection of promises
    suggest(`${SLEEP}export class Runner {
  running = new Set();
  start(job) { const task = job().finally(() => this.running.delete(task)); this.running.add(task); }
  async shutdown() {
    @@while (this.running.size > 0) await sleep(100);
  }
}`, awaitIt('this.running.size > 0', '100 ms', 'Promise.allSettled(this.running)'), `export class Runner {
  running = new Set();
  start(job) { const task = job().finally(() => this.running.delete(task)); this.running.add(task); }
  async shutdown() {
    while (this.running.size > 0) await Promise.allSettled(this.running);
  }
}`),
    suggest(`${SLEEP}const requests = new Map();
export function send(id, p) { requests.set(id, p.then((r) => { requests.delete(id); return r; })); }
export async function settle() {
  @@while (requests.size) {
    await sleep(20);
  }
}`, awaitIt('requests.size', '20 ms', 'Promise.allSettled(requests.values())'), `const requests = new Map();
export function send(id, p) { requests.set(id, p.then((r) => { requests.delete(id); return r; })); }
export async function settle() {
  while (requests.size) await Promise.allSettled(requests.values());
}`),
    suggest(`${SLEEP}const uploads = [];
export function upload(file) { uploads.push(new Promise((resolve) => file.on('done', resolve))); }
export async function done() {
  @@while (uploads.length > 0) await sleep(20);
}`, awaitIt('uploads.length > 0', '20 ms', 'Promise.allSettled(uploads)'), `const uploads = [];
export function upload(file) { uploads.push(new Promise((resolve) => file.on('done', resolve))); }
export async function done() {
  while (uploads.length > 0) await Promise.allSettled(uploads);
}`),
    // --- once(emitter, event) for a flag an event handler sets
    suggest(`import { createServer } from 'node:http';
${SLEEP}export async function start() {
  const server = createServer();
  let listening = false;
  server.on('listening', () => { listening = true; });
  server.listen(0);
  @@while (!listening) await sleep(25);
  return server;
}`, awaitIt('!listening', '25 ms', "once(server, 'listening')"), `import { createServer } from 'node:http';
import { once } from 'node:events';
export async function start() {
  const server = createServer();
  let listening = false;
  server.on('listening', () => { listening = true; });
  server.listen(0);
  if (!listening) await once(server, 'listening');
  return server;
}`),
    suggest(`import { once as onceEvent } from 'events';
${SLEEP}export class Client {
  connected = false;
  constructor(socket) { this.socket = socket; this.socket.on('connect', () => { this.connected = true; }); }
  async whenConnected() {
    @@for (;;) {
      if (this.connected) break;
      await sleep(10);
    }
  }
}`, awaitIt('this.connected', '10 ms', "onceEvent(this.socket, 'connect')"), `import { once as onceEvent } from 'events';
export class Client {
  connected = false;
  constructor(socket) { this.socket = socket; this.socket.on('connect', () => { this.connected = true; }); }
  async whenConnected() {
    if (!this.connected) await onceEvent(this.socket, 'connect');
  }
}`),
    suggest(`${SLEEP}async function start(worker) {
  let ready = false;
  worker.addListener('message', () => { ready = true; });
  @@while (!ready) await sleep(5);
}
module.exports = { start };`, awaitIt('!ready', '5 ms', "require('node:events').once(worker, 'message')"), `async function start(worker) {
  let ready = false;
  worker.addListener('message', () => { ready = true; });
  if (!ready) await require('node:events').once(worker, 'message');
}
module.exports = { start };`, commonjs),
    // --- streams
    suggest(`${SLEEP}export async function write(stream, chunk) {
  stream.write(chunk);
  @@while (stream.writableNeedDrain) await sleep(5);
}`, awaitIt('stream.writableNeedDrain', '5 ms', "once(stream, 'drain')"), `import { once } from 'node:events';
export async function write(stream, chunk) {
  stream.write(chunk);
  if (stream.writableNeedDrain) await once(stream, 'drain');
}`),
    suggest(`const { setTimeout: sleep } = require('node:timers/promises');
async function consumed(stream) {
  @@while (stream.readableLength > 0) await sleep(5);
}
module.exports = { consumed };`, awaitIt('stream.readableLength > 0', '5 ms', "require('node:stream/promises').finished(stream)"), `async function consumed(stream) {
  await require('node:stream/promises').finished(stream);
}
module.exports = { consumed };`, commonjs),
  ],
});
