import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-busy-wait.js';
import { at, valid } from './cases.js';

const ruleTester = new RuleTester();

const script = { languageOptions: { parserOptions: { sourceType: 'script' as const } } };
const commonjs = { languageOptions: { parserOptions: { sourceType: 'script' as const, ecmaFeatures: { globalReturn: true } } } };
const jsx = { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } };

const clock = (condition: string) => ({ messageId: 'busyClock' as const, data: { condition } });
const state = (condition: string) => ({ messageId: 'busyState' as const, data: { condition } });
const until = (condition: string) => ({ messageId: 'busyStateUntil' as const, data: { condition } });
const inv = (code: string, e: { messageId: MessageIds; data: Record<string, string> }, rest: Parameters<typeof at<MessageIds, Options>>[2] = {}) =>
  at<MessageIds, Options>(code, e, rest);

ruleTester.run('no-busy-wait', rule, {
  valid: [
    // a loop that yields to microtasks while waiting for state is no-sleep-polling's zero-delay poll, not reported twice
    valid(`export class A { ready = false; async go() { while (!this.ready) { await new Promise((r) => process.nextTick(r)); } } }`),
    // a loop over what its iteration writes: a random pick until it differs
    valid(`export function other(items, last) { while (true) { const pick = items[Math.floor(Math.random() * items.length)]; if (pick !== last) return pick; } }`),
    // walking up a tree: the loop changes what it tests
    valid(`export function item(el) { while (el.parentElement && el.parentElement.tagName !== 'LI') el = el.parentElement; return el; }`),
    // setImmediate lets timers and I/O run: a paced loop, not a busy one
    valid(`export async function spin(end) { while (Date.now() < end) { await new Promise((r) => setImmediate(r)); } }`),
    // --- time-sliced work: the loop does work until its budget is spent
    valid(`export function work(queue, budget) {
      const start = Date.now();
      while (Date.now() - start < budget) { doWork(queue); }
    }`),
    valid(`export function render(frames) { const end = performance.now() + 8; while (performance.now() < end && frames.length) frames.shift()(); }`),
    valid(`export function bench(fn) { const end = Date.now() + 1000; let n = 0; while (Date.now() < end) { fn(); n++; } return n; }`),
    valid(`export function count() { const end = Date.now() + 10; let i = 0; while (Date.now() < end) i++; return i; }`),
    // --- the body changes the state
    valid(`class C { ready = false; wait() { while (!this.ready) { this.ready = this.check(); } } }`),
    valid(`export function drain(queue) { while (queue.length > 0) queue.pop(); }`),
    valid(`export function spin(state) { while (!state.ready) { state.poll(); } }`),
    valid(`export function fill(buf) { let i = 0; while (i < buf.length) { buf[i] = 0; i++; } }`),
    valid(`export function next(it) { let r; do { r = it.next(); } while (!r.done); }`),
    // --- the loop yields
    valid(`import { setTimeout as sleep } from 'node:timers/promises';
    export async function hold(ms) { const end = Date.now() + ms; while (Date.now() < end) await sleep(10); }`),
    valid(`export function* ticks(state) { while (!state.ready) yield; }`),
    valid(`export async function wait(state) { while (!state.ready) { await null; } }`),
    // --- a blocking sleep is involved: no-blocking-sleep reports it
    valid(`export function hold(ms) { const end = Date.now() + ms; while (Date.now() < end) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); }`),
    valid(`import { execSync } from 'node:child_process';
    let ready = false; export function set() { ready = true; }
    export function wait() { while (!ready) execSync('sleep 1'); }`),
    // --- remote state: another thread or the OS may change it
    valid(`import fs from 'node:fs';
    export function waitFile(f) { while (!fs.existsSync(f)) {} }`),
    valid(`export function lock(view) { while (Atomics.compareExchange(view, 0, 0, 1) !== 0) {} }`),
    valid(`export function spin(view) { while (Atomics.load(view, 0) === 0); }`),
    valid(`const flags = new Int32Array(new SharedArrayBuffer(4));
    export function spin() { while (flags[0] === 0) {} }`),
    valid(`export function waitDom() { while (!document.querySelector('#app')) {} }`),
    // --- nothing to wait for, or nothing known about the condition
    valid(`export function burn() { for (let i = 0; i < 1e6; i++) {} }`),
    valid(`export function f() { const done = false; while (!done) {} }`),
    valid(`export function f() { for (;;) {} }`),
    valid(`export function f() { while (true) {} }`),
    valid(`export function f(isReady) { while (!isReady()) {} }`),
    valid(`export function f(it) { let line; while ((line = it.read()) !== null) {} }`),
    valid(`export function f(s) { while (!s.ready) { console.log('waiting'); } }`),
    valid(`export function f(s) { for (const x of s.items) {} }`),
    valid(`export function f(s) { while (!s.ready) { var x = 1; } }`),
    // --- scripts, CommonJS and JSX
    valid(`var i = 0; while (i < 3) { i++; }`, script),
    valid(`const start = Date.now(); while (Date.now() - start < 100) { tick(); }`, commonjs),
    valid(`const App = () => <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;`, { ...jsx, filename: 'app.tsx' }),
  ],
  invalid: [
    // --- waiting for time to pass
    inv(`const end = Date.now() + 100;
    @@while (Date.now() < end) {}`, clock('Date.now() < end')),
    inv(`export function hold(end) { @@while (Date.now() < end); }`, clock('Date.now() < end')),
    // a fresh reading of the clock into a variable of the function is still only reading the clock
    inv(`export function SyncDelay(ms) { let now = Date.now(); const start = now; @@while (now - start < ms) { now = Date.now(); } }`, clock('now - start < ms')),
    // yielding to microtasks only (nextTick, resolved promises) lets no timer or I/O run
    inv(`export async function waitMs(time) { const now = Date.now(); @@while (Date.now() < now + time) { await new Promise((res) => process.nextTick(res)); } }`,
      { messageId: 'busyClockMicrotask' as const, data: { condition: 'Date.now() < now + time' } }),
    inv(`export function hold(t, ms) { @@while (performance.now() - t < ms); }`, clock('performance.now() - t < ms')),
    inv(`export function hold(deadline) { @@do {} while (Date.now() < deadline); }`, clock('Date.now() < deadline')),
    inv(`export function hold() { @@for (const end = Date.now() + 50; Date.now() < end; ) {} }`, clock('Date.now() < end')),
    inv(`export function hold(end) { @@while (new Date().getTime() < end) { /* wait */ } }`, clock('new Date().getTime() < end')),
    inv(`export function hold(end) { @@while (true) { if (Date.now() >= end) break; } }`, clock('Date.now() >= end')),
    inv(`export function hold(end) { @@for (;;) { if (Date.now() > end) return; } }`, clock('Date.now() > end')),
    inv(`export function hold(end) { @@while (Date.now() < end) { const now = Date.now(); } }`, clock('Date.now() < end')),
    inv(`export function hold(endNs: bigint): void { @@while (process.hrtime.bigint() < endNs) {} }`, clock('process.hrtime.bigint() < endNs')),
    inv(`export function hold(end) { @@while (globalThis.performance.now() < end) {} }`, clock('globalThis.performance.now() < end')),
    inv(`export function hold(start, ms) { @@while (Date.now() - start < Math.max(ms, 10)) {} }`, clock('Date.now() - start < Math.max(ms, 10)')),
    inv(`export function hold(end) { @@while (Date.now() < end) { void 0; } }`, clock('Date.now() < end')),
    inv(`export function hold(end) { @@while (Date.now() < end) continue; }`, clock('Date.now() < end')),
    inv(`const LIMIT_MS = 5;
    export function hold() { const t0 = Date.now(); @@while (Date.now() - t0 < LIMIT_MS) { /* busy */ } }`, clock('Date.now() - t0 < LIMIT_MS')),
    inv(`export function hold() { @@for (let t = Date.now(); Date.now() - t < 5; ) {} }`, clock('Date.now() - t < 5')),
    inv(`export function hold(start, end) { @@while (performance.now() < end) { const elapsed = performance.now() - start; } }`, clock('performance.now() < end')),
    inv(`setTimeout(() => { const end = Date.now() + 50; @@while (Date.now() < end) {} }, 0);`, clock('Date.now() < end')),
    inv(`const start = Date.now();
    @@while (Date.now() - start < 1000) {}`, clock('Date.now() - start < 1000'), commonjs),
    inv(`var end = Date.now() + 10;
    @@while (Date.now() < end) {}`, clock('Date.now() < end'), script),
    inv(`export const Slow = () => { const end = Date.now() + 20; @@while (Date.now() < end) {} return <div />; };`, clock('Date.now() < end'),
      { ...jsx, filename: 'slow.tsx' }),
    // --- waiting for in-process state: it can never change
    inv(`class C { ready = false; wait() { @@while (!this.ready) {} } }`, state('!this.ready')),
    inv(`let ready = false;
    export function markReady() { ready = true; }
    export function waitReady() { @@while (!ready) {} }`, state('!ready')),
    inv(`let done = false;
    setTimeout(() => { done = true; }, 100);
    @@while (!done) {}`, state('!done')),
    inv(`const queue = [];
    export function take() { @@while (queue.length === 0) {} return queue.shift(); }`, state('queue.length === 0')),
    inv(`@@do ; while (!window.loaded);`, state('!window.loaded'), script),
    inv(`const pending = new Set();
    export function settle() { @@while (pending.size > 0) {} }`, state('pending.size > 0')),
    inv(`interface Client { connected: boolean }
    export function waitConnected(client: Client): void { @@while (!client.connected) { /* spin */ } }`, state('!client.connected')),
    inv(`class C { done = false; wait() { @@for (; !this.done; ) ; } }`, state('!this.done')),
    inv(`class C { socket?: { ready: boolean }; wait(): void { @@while (!this.socket!.ready) {} } }`, state('!this.socket!.ready')),
    inv(`class Pool { count = 0; limit = 4; acquire() { @@while (this.count >= this.limit) {} this.count++; } }`, state('this.count >= this.limit')),
    inv(`export function wait(state) { @@while (!state.ready) { if (state.error) break; } }`, state('!state.ready || state.error')),
    inv(`class C { ready = false; wait(): void { @@while (!(this.ready as boolean)) {} } }`, state('!(this.ready as boolean)')),
    inv(`class List { items = []; waitFor(n) { @@while (this.items.length < n) {} } }`, state('this.items.length < n')),
    inv(`export async function wait(s) { @@while (!s.ready) {} await s.done; }`, state('!s.ready')),
    inv(`export function* gen(s) { @@while (!s.ready) {} yield 1; }`, state('!s.ready')),
    inv(`export function wait() { @@while (!globalThis.__ready__) {} }`, state('!globalThis.__ready__')),
    inv(`let ready = false;
    process.on('message', () => { ready = true; });
    @@while (!ready) {}`, state('!ready'), commonjs),
    // --- in-process state with a deadline: it cannot change before the deadline
    inv(`class C { ready = false; wait(deadline) { @@while (!this.ready && Date.now() < deadline) {} } }`, until('!this.ready')),
    inv(`class C { ready = false; wait(deadline) { @@while (Date.now() < deadline && !this.ready) {} } }`, until('!this.ready')),
    inv(`class C { ready = false; wait(deadline) {
      @@while (!this.ready) { if (Date.now() > deadline) throw new Error('timed out'); }
    } }`, until('!this.ready')),
  ],
});
