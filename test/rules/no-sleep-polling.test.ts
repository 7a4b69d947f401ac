import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at, commonjs, jsx, script, valid } from './cases.js';

const ruleTester = new RuleTester();

const SLEEP = 'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n';
const polled = (condition: string, interval: string) => ({ messageId: 'polled' as const, data: { condition, interval } });
const spins = (condition: string) => ({ messageId: 'polledZero' as const, data: { condition } });
type Case = ReturnType<typeof at<MessageIds, Options>>;
const inv = (code: string, error: { messageId: MessageIds; data: Record<string, string> }, rest: Partial<Case> = {}) =>
  at<MessageIds, Options>(code, error, rest);

ruleTester.run('no-sleep-polling', rule, {
  valid: [
    // --- retry and back-off around a remote call
    valid(`${SLEEP}async function get(url) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try { return await fetch(url); } catch { await sleep(2 ** attempt * 100); }
      }
    }`),
    valid(`${SLEEP}async function connect(client) {
      let ok = false;
      while (!ok) { ok = await client.tryConnect(); await sleep(1000); }
    }`),
    valid(`${SLEEP}class C { ready = false; async wait() {
      let delay = 100;
      while (!this.ready) { await sleep(delay); delay = Math.min(delay * 2, 5000); }
    } }`),
    valid(`${SLEEP}class C { ready = false; async wait() {
      let attempt = 0;
      while (!this.ready) { await sleep(backoff(attempt)); attempt++; }
    } }`),
    valid(`${SLEEP}class C { ready = false; async wait(retryDelay) {
      while (!this.ready) { await sleep(retryDelay * Math.random()); }
    } }`),
    // --- polling remote state
    valid(`${SLEEP}async function waitJob(api, id) {
      while ((await api.status(id)) !== 'done') await sleep(1000);
    }`),
    valid(`${SLEEP}async function waitJob(api, id) {
      let status = 'pending';
      while (status !== 'done') { await sleep(1000); status = (await api.get(id)).status; }
    }`),
    valid(`import fs from 'node:fs';
    ${SLEEP}export async function waitForFile(path) { while (!fs.existsSync(path)) await sleep(100); }`),
    valid(`${SLEEP}async function waitForPort(port) { while (!isPortOpen(port)) await sleep(200); }`),
    // --- periodic workers whose flag only cancels the loop
    valid(`${SLEEP}class Worker { stopping = false; async run() {
      while (!this.stopping) { this.tick(); await sleep(1000); }
    } }`),
    valid(`${SLEEP}class Worker { running = true; async run() {
      while (this.running) { await this.processBatch(); await sleep(100); }
    } }`),
    valid(`${SLEEP}let stopped = false; export function stop() { stopped = true; }
    export async function pump(queue) { while (!stopped) { queue.drainSome(); await sleep(250); } }`),
    // --- pacing, rate limits, staggered starts, load generators
    valid(`${SLEEP}async function pace(items, send) { for (const item of items) { send(item); await sleep(100); } }`),
    valid(`${SLEEP}async function load(send, total) { let sent = 0; while (sent < total) { send(); sent++; await sleep(10); } }`),
    valid(`${SLEEP}async function drip(queue, send) { while (queue.length > 0) { send(queue.shift()); await sleep(50); } }`),
    valid(`${SLEEP}async function stagger(workers) { for (let i = 0; i < workers.length; i++) { workers[i].start(); await sleep(i * 100); } }`),
    // --- animation, spinners, heartbeats, countdowns
    valid(`${SLEEP}async function countdown(render) { let remaining = 10; while (remaining > 0) { render(remaining); remaining--; await sleep(1000); } }`),
    valid(`${SLEEP}class Conn { connected = true; async heartbeat() { while (this.connected) { this.socket.ping(); await sleep(30000); } } }`),
    valid(`${SLEEP}let done = false; export function finish() { done = true; }
    export async function spin(spinner) { while (!done) { spinner.tick(); await sleep(80); } }`),
    valid(`${SLEEP}const p = { ready: false };
    async function idle() { while (!p.ready) { p.nudge(); await sleep(10); } }`),
    valid(`${SLEEP}async function frames(game) { while (true) { game.update(); game.draw(); await sleep(16); } }`),
    // --- absence or quiet windows, deadlines alone
    valid(`${SLEEP}let lastMessageAt = Date.now(); export function onMessage() { lastMessageAt = Date.now(); }
    export async function quiet() { while (Date.now() - lastMessageAt < 2000) await sleep(100); }`),
    valid(`${SLEEP}async function hold(ms) { const end = Date.now() + ms; while (Date.now() < end) await sleep(50); }`),
    valid(`${SLEEP}async function hold(ms) { const start = performance.now(); while (performance.now() - start < ms) { await sleep(5); } }`),
    // --- I/O back-pressure with no event to await
    valid(`${SLEEP}async function send(ws, data) { while (ws.bufferedAmount > 1_000_000) await sleep(10); ws.send(data); }`),
    valid(`${SLEEP}async function send(socket, data) { while (socket.bufferSize > 0) await sleep(5); socket.write(data); }`),
    // --- shared memory: another thread's state
    valid(`${SLEEP}async function waitCell(view) { while (Atomics.load(view, 0) === 0) await sleep(1); }`),
    valid(`${SLEEP}async function waitCell(view) { while (Atomics.load(view, 0) !== 1) { await sleep(0); } }`),
    // --- a drain that awaits the work itself
    valid(`async function drain(set) { while (set.size) await Promise.allSettled(set); }`),
    valid(`${SLEEP}class Q { inflight = []; async drain() { while (this.inflight.length) { await Promise.all(this.inflight); await sleep(10); } } }`),
    valid(`async function drain(pending) { while (pending.size > 0) { await Promise.race(pending); } }`),
    // --- not a sleep, or not awaited
    valid(`class C { ready = false; tick() { while (!this.ready) { sleep(100); } } }`),
    valid(`function wait(p) { return p.then(() => undefined); }
    class C { ready = false; async go(job) { while (!this.ready) await wait(job); } }`),
    valid(`import { wait } from './util.js';
    class C { ready = false; async go(promise) { while (!this.ready) await wait(promise); } }`),
    valid(`const setTimeout = (f) => f();
    class C { ready = false; async go() { while (!this.ready) await new Promise((r) => setTimeout(r, 10)); } }`),
    valid(`class C { ready = false; async go() { while (!this.ready) await new Promise((r) => requestAnimationFrame(r)); } }`),
    valid(`import { delay } from 'redux-saga/effects';
    function* saga(state) { while (!state.ready) { yield delay(100); } }`),
    // --- loops with nothing to wait for
    valid(`${SLEEP}async function retry3(fn) { let tries = 0; while (tries < 3) { tries++; await sleep(10); } }`),
    valid(`${SLEEP}async function forever(job) { while (true) { await sleep(1000); job(); } }`),
    valid(`${SLEEP}async function local() { const ready = false; while (!ready) await sleep(10); }`),
    // --- sleeps in nested functions do not belong to the loop
    valid(`class C { ready = false; go() { while (!this.ready) { setTimeout(() => this.poke(), 10); break; } } }`),
    // --- a generic helper is judged at its calls, by the predicate it is given
    // A helper that awaits its predicate: judged where it is called.
    valid(`${SLEEP}export async function waitFor(predicate, ms = 50) { while (!(await predicate())) await sleep(ms); }`),
    // Exits that throw: the loop refuses to go on when the state changes, it does not wait for it.
    valid(`${SLEEP}async function go(s) { while (1) { if (s.failed) throw new Error('failed'); await sleep(25); } }`),
    // --- CommonJS and scripts with nothing to report
    valid(`const { setTimeout: sleep } = require('node:timers/promises');
    async function retry(fn) { for (let i = 0; i < 3; i++) { try { return await fn(); } catch { await sleep(100); } } }`, commonjs),
    valid(`function f() { var i = 0; while (i < 3) { i++; } }`, script),
    valid(`const App = () => <div>{items.map((i) => <span key={i}>{i}</span>)}</div>;`, { ...jsx, filename: 'react.tsx' }),
  ],
  invalid: [
    // --- loop shapes
    inv(`${SLEEP}class C { ready = false; async go() { @@do { await sleep(100); } while (!this.ready); } }`, polled('!this.ready', '100 ms')),
    inv(`${SLEEP}async function go(worker) { @@for (let i = 0; i < 50 && worker.busy; i++) { await sleep(20); } }`, polled('worker.busy', '20 ms')),
    inv(`${SLEEP}async function go(s) { @@for (;;) { if (s.ready) break; await sleep(10); } }`, polled('s.ready', '10 ms')),
    inv(`${SLEEP}async function go(s) { @@for (;;) { await sleep(10); if (s.ready) break; } }`, polled('s.ready', '10 ms')),
    inv(`${SLEEP}async function go(s) { @@while (true) { if (s.done) { return s.result; } await sleep(25); } }`, polled('s.done', '25 ms')),
    inv(`${SLEEP}async function waitForButton() { @@while (!document.querySelector('#go')) await sleep(50); }`,
      { messageId: 'domPolled', data: { condition: "!document.querySelector('#go')", every: 'every 50 ms', how: '' } }),
    inv(`${SLEEP}export async function waitFor(predicate, ms = 50) { @@while (!predicate()) await sleep(ms); }`,
      { messageId: 'predicatePolled', data: { helper: 'waitFor()', condition: '!predicate()', every: 'every `ms` ms' } }),
    inv(`${SLEEP}export async function until(check, interval) { @@for (;;) { if (check()) return; await sleep(interval); } }`,
      { messageId: 'predicatePolled', data: { helper: 'until()', condition: 'check()', every: 'every `interval` ms' } }),
    inv(`${SLEEP}async function go(s) { outer: @@for (;;) { if (s.ready) break outer; await sleep(10); } }`, polled('s.ready', '10 ms')),
    inv(`${SLEEP}async function go(s) { @@while (!s.ready) await sleep(10); }`, polled('!s.ready', '10 ms')),
    // --- deadline forms
    inv(`${SLEEP}class C { ready = false; async go(deadline) { @@while (!this.ready && Date.now() < deadline) await sleep(50); } }`, polled('!this.ready', '50 ms')),
    inv(`${SLEEP}class C { ready = false; async go(timeout) {
      const deadline = Date.now() + timeout;
      @@for (;;) {
        if (this.ready) return;
        if (Date.now() > deadline) throw new Error('timed out');
        await sleep(50);
      }
    } }`, polled('this.ready', '50 ms')),
    inv(`${SLEEP}async function go(pool, N) { @@for (let i = 0; i < N && pool.pending > 0; i++) await sleep(5); }`, polled('pool.pending > 0', '5 ms')),
    // --- inline promise timers and zero delays
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => setTimeout(r, 100)); } }`, polled('!this.ready', '100 ms')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) { await new Promise((resolve) => { setTimeout(() => resolve(), 100); }); } } }`, polled('!this.ready', '100 ms')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => globalThis.setTimeout(r, 2000)); } }`, polled('!this.ready', '2 s')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => setImmediate(r)); } }`, spins('!this.ready')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => process.nextTick(r)); } }`, spins('!this.ready')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => setTimeout(r)); } }`, spins('!this.ready')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await new Promise((r) => setTimeout(r, 0)); } }`, spins('!this.ready')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await null; } }`, spins('!this.ready')),
    inv(`class C { ready = false; async go() { @@while (!this.ready) await Promise.resolve(); } }`, spins('!this.ready')),
    // --- timers/promises under any name
    inv(`import { setTimeout as wait } from 'node:timers/promises';
    class C { ready = false; async go() { @@while (!this.ready) await wait(100); } }`, polled('!this.ready', '100 ms')),
    inv(`import { setTimeout } from 'timers/promises';
    class C { ready = false; async go() { @@while (!this.ready) await setTimeout(75); } }`, polled('!this.ready', '75 ms')),
    inv(`import * as timers from 'node:timers/promises';
    class C { ready = false; async go() { @@while (!this.ready) await timers.setTimeout(30); } }`, polled('!this.ready', '30 ms')),
    inv(`import { setImmediate as tick } from 'node:timers/promises';
    class C { ready = false; async go() { @@while (!this.ready) await tick(); } }`, spins('!this.ready')),
    inv(`import { scheduler } from 'node:timers/promises';
    class C { ready = false; async go() { @@while (!this.ready) await scheduler.wait(40); } }`, polled('!this.ready', '40 ms')),
    inv(`const { setTimeout: pause } = require('node:timers/promises');
    async function go(s) { @@while (!s.ready) await pause(60); }`, polled('!s.ready', '60 ms'), commonjs),
    inv(`const timers = require('timers/promises');
    async function go(s) { @@while (!s.ready) await timers.setTimeout(60); }`, polled('!s.ready', '60 ms'), commonjs),
    inv(`const pause = require('timers/promises').setTimeout;
    async function go(s) { @@while (!s.ready) await pause(60); }`, polled('!s.ready', '60 ms'), commonjs),
    // --- promisify, Bun, packages
    inv(`import util from 'node:util';
    const sleep = util.promisify(setTimeout);
    async function go(s) { @@while (!s.ready) await sleep(70); }`, polled('!s.ready', '70 ms')),
    inv(`import { promisify } from 'util';
    const sleep = promisify(setTimeout);
    async function go(s) { @@while (!s.ready) await sleep(70); }`, polled('!s.ready', '70 ms')),
    inv(`async function go(s) { @@while (!s.ready) await Bun.sleep(15); }`, polled('!s.ready', '15 ms')),
    inv(`import delay from 'delay';
    async function go(s) { @@while (!s.ready) await delay(300); }`, polled('!s.ready', '300 ms')),
    inv(`import sleep from 'sleep-promise';
    async function go(s) { @@while (!s.ready) await sleep(300); }`, polled('!s.ready', '300 ms')),
    inv(`import pSleep from 'p-sleep';
    async function go(s) { @@while (!s.ready) await pSleep(300); }`, polled('!s.ready', '300 ms')),
    inv(`import nap from 'await-sleep';
    async function go(s) { @@while (!s.ready) await nap(300); }`, polled('!s.ready', '300 ms')),
    inv(`const delay = require('delay');
    async function go(s) { @@while (!s.ready) await delay(300); }`, polled('!s.ready', '300 ms'), commonjs),
    // --- helpers defined in the file, in every form
    inv(`function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
    async function go(s) { @@while (!s.ready) await sleep(90); }`, polled('!s.ready', '90 ms')),
    inv(`const sleep = function (ms) { return new Promise((resolve) => setTimeout(resolve, ms)); };
    async function go(s) { @@while (!s.ready) await sleep(90); }`, polled('!s.ready', '90 ms')),
    inv(`async function sleep(ms: number): Promise<void> { await new Promise<void>((resolve) => setTimeout(resolve, ms)); }
    async function go(s: { ready: boolean }) { @@while (!s.ready) await sleep(90); }`, polled('!s.ready', '90 ms')),
    inv(`const sleep = (ms = 250) => new Promise((r) => setTimeout(r, ms));
    async function go(s) { @@while (!s.ready) await sleep(); }`, polled('!s.ready', '250 ms')),
    inv(`const tick = () => new Promise((r) => setTimeout(r, 35));
    async function go(s) { @@while (!s.ready) await tick(); }`, polled('!s.ready', '35 ms')),
    inv(`${SLEEP}const nap = () => sleep(45);
    async function go(s) { @@while (!s.ready) await nap(); }`, polled('!s.ready', '45 ms')),
    inv(`const sleepSeconds = (s) => new Promise((r) => setTimeout(r, s * 1000));
    async function go(job) { @@while (!job.done) await sleepSeconds(2); }`, polled('!job.done', '2 s')),
    inv(`class Poller { ready = false;
      sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
      async go() { @@while (!this.ready) await this.sleep(20); }
    }`, polled('!this.ready', '20 ms')),
    // --- helpers from elsewhere, by name
    inv(`import { sleep } from './utils.js';
    async function go(s) { @@while (!s.ready) await sleep(100); }`, polled('!s.ready', '100 ms')),
    inv(`import * as utils from '../lib/utils';
    async function go(s) { @@while (!s.ready) await utils.delay(100); }`, polled('!s.ready', '100 ms')),
    inv(`class C extends Base { ready = false; async go() { @@while (!this.ready) await this.sleep(100); } }`, polled('!this.ready', '100 ms')),
    inv(`import { pause } from '@acme/time';
    const POLL_MS = 250;
    async function go(s) { @@while (!s.ready) await pause(POLL_MS); }`, polled('!s.ready', '250 ms')),
    inv(`import { snooze } from './t';
    async function go(s, pollInterval) { @@while (!s.ready) await snooze(pollInterval); }`, polled('!s.ready', '`pollInterval` ms')),
    inv(`import { wait } from './t';
    class C { ready = false; async go() { @@while (!this.ready) await wait(this.options.interval); } }`, polled('!this.ready', '`this.options.interval` ms')),
    // --- the sleepFunctions option
    inv(`import { hold } from './t';
    async function go(s) { @@while (!s.ready) await hold(10); }`, polled('!s.ready', '10 ms'), { options: [{ sleepFunctions: ['hold'] }] }),
    inv(`async function go(s, clock) { @@while (!s.ready) await clock.advance(10); }`, polled('!s.ready', '10 ms'), { options: [{ sleepFunctions: ['clock.advance'] }] }),
    inv(`import linger from '@acme/linger';
    async function go(s) { @@while (!s.ready) await linger(10); }`, polled('!s.ready', '10 ms'), { options: [{ sleepFunctions: [{ from: '@acme/linger' }] }] }),
    inv(`import { rest } from '@acme/time';
    async function go(s) { @@while (!s.ready) await rest(10); }`, polled('!s.ready', '10 ms'), { options: [{ sleepFunctions: [{ from: '@acme/time', name: 'rest' }] }] }),
    // --- state forms
    inv(`${SLEEP}class Q { queue = []; async idle() { @@while (this.queue.length > 0) await sleep(10); } }`, polled('this.queue.length > 0', '10 ms')),
    inv(`${SLEEP}async function idle(set) { @@while (set.size) await sleep(10); }`, polled('set.size', '10 ms')),
    inv(`${SLEEP}async function idle(pending) { @@while (Object.keys(pending).length > 0) await sleep(10); }`, polled('Object.keys(pending).length > 0', '10 ms')),
    inv(`${SLEEP}async function idle(map, id) { @@while (!map.has(id)) await sleep(10); }`, polled('!map.has(id)', '10 ms')),
    inv(`${SLEEP}async function idle(conn) { @@while (conn.state !== 'open') await sleep(10); }`, polled("conn.state !== 'open'", '10 ms')),
    inv(`${SLEEP}async function start(emitter) {
      let ready = false;
      emitter.once('ready', () => { ready = true; });
      emitter.on('error', () => { ready = true; });
      @@while (!ready) await sleep(10);
    }`, polled('!ready', '10 ms')),
    inv(`${SLEEP}let connected = false;
    export function onConnect() { connected = true; }
    export async function whenConnected() { @@while (!connected) await sleep(10); }`, polled('!connected', '10 ms')),
    inv(`import { ready } from './state.js';
    ${SLEEP}export async function whenReady() { @@while (!ready) await sleep(10); }`, polled('!ready', '10 ms')),
    inv(`${SLEEP}async function idle(a, b) { @@while (a.busy || b.busy) await sleep(10); }`, polled('a.busy || b.busy', '10 ms')),
    inv(`${SLEEP}async function idle(q) { @@while (!(q.idle && q.drained)) await sleep(10); }`, polled('!(q.idle && q.drained)', '10 ms')),
    inv(`${SLEEP}async function idle(q) { @@while (q.isBusy()) { console.log('waiting'); await sleep(10); } }`, polled('q.isBusy()', '10 ms')),
    inv(`${SLEEP}async function idle(worker) { @@while (!isIdle(worker)) await sleep(10); }`, polled('!isIdle(worker)', '10 ms')),
    inv(`${SLEEP}async function idle(q) { @@while (q.items.length > 0 || q.active > 0) { q.items.shift(); await sleep(10); } }`, polled('q.active > 0', '10 ms')),
    inv(`${SLEEP}async function idle() { @@while (!window.appReady) await sleep(10); }`, polled('!window.appReady', '10 ms')),
    inv(`${SLEEP}class C { get idle() { return this.n === 0; } async drain() { @@while (!this.idle) await sleep(10); } }`, polled('!this.idle', '10 ms')),
    inv(`${SLEEP}async function idle(q) { @@while ((q as { size: number }).size! > 0) await sleep(10); }`, polled('(q as { size: number }).size! > 0', '10 ms')),
    inv(`${SLEEP}async function idle(q) { @@while (q?.pending?.size) await sleep(10); }`, polled('q?.pending?.size', '10 ms')),
    // --- CommonJS, scripts, JSX
    inv(`const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    module.exports.flushSync = async function (producer) {
      @@while (producer.getOutstandingRecordsCount() > 0) { producer.flush(); await sleep(500); }
    };`, polled('producer.getOutstandingRecordsCount() > 0', '500 ms'), commonjs),
    inv(`var state = { done: false };
    async function waitDone() { @@while (!state.done) { await new Promise(function (r) { setTimeout(r, 100); }); } }`, polled('!state.done', '100 ms'), script),
    inv(`${SLEEP}export function Spinner({ store }) {
      React.useEffect(() => { (async () => { @@while (store.loading) await sleep(100); })(); }, [store]);
      return <span>loading</span>;
    }`, polled('store.loading', '100 ms'), { ...jsx, filename: 'react.tsx' }),
    // --- deasync turns the event loop while the caller stays blocked
    inv(`const deasync = require('deasync');
    function waitSync(state) { @@while (!state.done) deasync.runLoopOnce(); }`, { messageId: 'polledDeasync', data: { condition: '!state.done' } }, commonjs),
    // --- options
    inv(`${SLEEP}class Worker { stopping = false; async run() { @@while (!this.stopping) { this.tick(); await sleep(1000); } } }`, polled('!this.stopping', '1 s'), { options: [{ reportWorkLoops: true }] }),
    // --- long conditions are shortened in the message
    inv(`${SLEEP}async function idle(q) { @@while (q.someVeryLongPropertyNameForTesting.anotherLongPropertyName.yetAnotherOne.length > 0) await sleep(10); }`,
      polled('q.someVeryLongPropertyNameForTesting.anotherLongPropertyName.yetAnotherOne.leng…', '10 ms')),
  ],
});
