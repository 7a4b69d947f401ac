import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at, atEach, valid } from './cases.js';

const ruleTester = new RuleTester();

const script = { languageOptions: { parserOptions: { sourceType: 'script' as const } } };
const commonjs = { languageOptions: { parserOptions: { sourceType: 'script' as const, ecmaFeatures: { globalReturn: true } } } };
const jsx = { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } };

type Error = { messageId: MessageIds; data: Record<string, string> };
const interval = (condition: string, every: string): Error => ({ messageId: 'intervalPolled', data: { condition, interval: every } });
const rearm = (condition: string, every: string, timer = 'setTimeout'): Error => ({ messageId: 'rearmPolled', data: { condition, interval: every, timer } });
const helper = (condition: string, every: string, name: string): Error => ({ messageId: 'helperPolled', data: { condition, interval: every, helper: name } });
const helperDefault = (condition: string, name: string): Error => ({ messageId: 'helperPolledDefault', data: { condition, helper: name } });
const predicate = (name: string, condition: string, every: string): Error => ({ messageId: 'predicatePolled', data: { helper: name, condition, every } });
const dom = (condition: string, every: string, how: string): Error => ({ messageId: 'domPolled', data: { condition, every, how } });
const zero = (condition: string, how: string): Error => ({ messageId: 'timerPolledZero', data: { condition, how } });
const inv = (code: string, e: Error, rest: Parameters<typeof at<MessageIds, Options>>[2] = {}) => at<MessageIds, Options>(code, e, rest);

const SLEEP = 'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n';
const FLAG = 'let ready = false;\nexport function markReady() { ready = true; }\n';

ruleTester.run('no-sleep-polling (timers)', rule, {
  valid: [
    // ===== setInterval =====
    // --- heartbeats and keep-alives
    valid(`export function keepAlive(ws) { setInterval(() => ws.ping(), 30000); }`),
    valid(`export class Conn { alive = true; start() {
      const id = setInterval(() => {
        if (!this.alive) { clearInterval(id); this.socket.terminate(); return; }
        this.alive = false;
        this.socket.ping();
      }, 30000);
    } }`),
    valid(`const { setInterval } = require('timers');
    setInterval(() => process.send('alive'), 1000);`, commonjs),
    // --- spinners, countdowns, animations that change their own state
    valid(`let done = false; export function finish() { done = true; }
    export function spin(spinner) { const id = setInterval(() => { spinner.tick(); if (done) clearInterval(id); }, 80); }`),
    valid(`export function countdown(onDone) {
      let n = 10;
      const id = setInterval(() => { n--; if (n === 0) { clearInterval(id); onDone(); } }, 1000);
    }`),
    valid(`export function slide(el) {
      let x = 0;
      const id = setInterval(() => { el.style.left = x++ + 'px'; if (x > 100) clearInterval(id); }, 16);
    }`),
    valid(`export function progress(job, bar) {
      const id = setInterval(() => { bar.update(job.progress); if (job.progress >= 100) { clearInterval(id); bar.stop(); } }, 200);
    }`),
    // --- pacers that send N items and then clear
    valid(`export function pace(items, send) {
      let i = 0;
      const id = setInterval(() => { if (i >= items.length) { clearInterval(id); return; } send(items[i++]); }, 100);
    }`),
    valid(`export function drip(queue, send) {
      const id = setInterval(() => { if (queue.length === 0) { clearInterval(id); return; } send(queue.shift()); }, 50);
    }`),
    valid(`let tokens = 0; export function refill(max) { setInterval(() => { tokens = Math.min(tokens + 1, max); }, 100); }`),
    // --- timeouts and remote state
    valid(`export function expire(deadline, reject) {
      const id = setInterval(() => { if (Date.now() > deadline) { clearInterval(id); reject(new Error('timeout')); } }, 100);
    }`),
    valid(`export function waitJob(api, resolve) {
      const id = setInterval(async () => { const s = await api.status(); if (s.done) { clearInterval(id); resolve(s); } }, 1000);
    }`),
    valid(`import fs from 'node:fs';
    export function waitFile(file, resolve) {
      const id = setInterval(() => { if (fs.existsSync(file)) { clearInterval(id); resolve(); } }, 100);
    }`),
    // --- not a poll that ends: no clear, another handle, a local, or work in the other branch
    valid(`export class C { ready = false; go(resolve) { setInterval(() => { if (this.ready) resolve(); }, 100); } }`),
    valid(`export class C { ready = false; go(other, resolve) { const id = setInterval(() => { if (this.ready) { clearInterval(other); resolve(); } }, 100); } }`),
    valid(`export function f(resolve) { const id = setInterval(() => { const done = false; if (done) { clearInterval(id); resolve(); } }, 10); }`),
    valid(`export class C { ready = false; go(resolve) {
      const id = setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } else { this.poke(); } }, 100);
    } }`),
    valid(`const setInterval = (f) => f();
    export class C { ready = false; go(resolve) { const id = setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } }, 100); } }`),
    // --- a generic helper that awaits its predicate: judged where it is called
    valid(`export function waitFor(pred, ms) {
      return new Promise((resolve) => { const id = setInterval(async () => { if (await pred()) { clearInterval(id); resolve(); } }, ms); });
    }`),
    valid(`export function every(fn, ms) { return setInterval(fn, ms); }`),
    valid(`let done = false; export function stop() { done = true; }
    export function idle() { const id = setInterval(() => { if (done) clearInterval(id); }, 100); }`),
    valid(`setInterval(function () { tick(); }, 1000);`, script),

    // ===== re-armed setTimeout =====
    // --- periodic loops, game loops, heartbeats
    valid(`export function tick() { doWork(); setTimeout(tick, 1000); }`),
    valid(`export function loop() { update(); draw(); setTimeout(loop, 16); }`),
    valid(`export function beat(conn) { if (conn.connected) { conn.socket.ping(); setTimeout(() => beat(conn), 30000); } }`),
    valid(`let frame = 0; let done = false; export function stop() { done = true; }
    export function spin(frames, render) { frame = (frame + 1) % frames.length; render(frames[frame]); if (!done) setTimeout(() => spin(frames, render), 80); }`),
    valid(`const timers = require('timers');
    function loop() { work(); timers.setTimeout(loop, 100); }`, commonjs),
    // --- countdowns and pumps that change their own state
    valid(`let n = 10; export function tick(render) { n--; render(n); if (n > 0) setTimeout(() => tick(render), 1000); }`),
    valid(`const queue = []; export function pump(send) { if (queue.length > 0) { send(queue.shift()); setTimeout(() => pump(send), 10); } }`),
    valid(`var count = 0; function tick() { count++; if (count < 10) setTimeout(tick, 100); }`, script),
    // --- retries: a new attempt count, or a growing delay
    valid(`export class C { ready = false; attempt(n) { if (this.ready) return; setTimeout(() => this.attempt(n + 1), 2 ** n * 100); } }`),
    valid(`export class C { ready = false; attempt(n) { if (this.ready) return; setTimeout(this.attempt.bind(this), 100, n + 1); } }`),
    valid(`export class C { ok = false; delay = 100; retry() { if (this.ok) return; this.delay *= 2; setTimeout(() => this.retry(), this.delay); } }`),
    valid(`${FLAG}export function retry(attempt) { if (ready) return; setTimeout(() => retry(attempt), backoff(attempt)); }`),
    // --- timeouts, debounces, animation frames
    valid(`let t; export function debounced(fn) { clearTimeout(t); t = setTimeout(fn, 300); }`),
    valid(`export function withTimeout(ms, reject) { setTimeout(() => reject(new Error('timeout')), ms); }`),
    valid(`let done = false; export function stop() { done = true; }
    export function frame(draw) { draw(); if (!done) requestAnimationFrame(() => frame(draw)); }`),
    valid(`export function tick(end, cb) { if (Date.now() < end) setTimeout(() => tick(end, cb), 100); else cb(); }`),
    // --- remote state, and re-arms inside I/O callbacks
    valid(`export function poll(url, done) { fetch(url).then((r) => { if (!r.ok) setTimeout(() => poll(url, done), 1000); else done(r); }); }`),
    valid(`export async function poll(api) { const s = await api.status(); if (s !== 'done') setTimeout(() => poll(api), 1000); }`),
    // --- not self, a local condition, a shadowed timer, a generic helper
    valid(`${FLAG}export function a(cb) { if (ready) cb(); else setTimeout(b, 10); } function b() {}`),
    valid(`export function check(cb) { const ok = false; if (ok) cb(); else setTimeout(() => check(cb), 10); }`),
    valid(`const setTimeout = (f) => f();
    ${FLAG}export function check(cb) { if (ready) cb(); else setTimeout(() => check(cb), 10); }`),

    // ===== polling helpers =====
    // --- predicates that await I/O or return a promise
    valid(`import pWaitFor from 'p-wait-for';
    export async function up(api) { await pWaitFor(async () => (await api.status()) === 'up'); }`),
    valid(`import pWaitFor from 'p-wait-for';
    export async function up(url) { await pWaitFor(() => fetch(url).then((r) => r.ok)); }`),
    valid(`import pWaitFor from 'p-wait-for';
    async function isUp() { return true; }
    export async function up() { await pWaitFor(() => isUp()); }`),
    valid(`const { waitUntil } = require('async-wait-until');
    waitUntil(async () => (await db.count()) === 0);`, commonjs),
    // --- remote state, the clock
    valid(`import pWaitFor from 'p-wait-for';
    import fs from 'node:fs';
    export async function waitFile(file) { await pWaitFor(() => fs.existsSync(file)); }`),
    valid(`import pWaitFor from 'p-wait-for';
    export async function until(deadline) { await pWaitFor(() => Date.now() > deadline); }`),
    // --- nothing known about the predicate or the helper
    valid(`import pWaitFor from 'p-wait-for';
    export function wait(pred) { return pWaitFor(pred); }`),
    valid(`import { waitFor } from '@testing-library/react';
    export async function check(x) { await waitFor(() => x.ready); }`),
    valid(`import pWaitFor from './p-wait-for.js';
    export class C { ready = false; go() { return pWaitFor(() => this.ready); } }`),
    valid(`import { other } from 'async-wait-until';
    export class C { ready = false; go() { return other(() => this.ready); } }`),
    valid(`function waitFor(pred) { return pred(); }
    export class C { ready = false; go() { return waitFor(() => this.ready); } }`),
    valid(`const pWaitFor = (f) => f();
    export class C { ready = false; go() { return pWaitFor(() => this.ready); } }`),
    valid(`var waitUntil = require('./wait-until'); waitUntil(function () { return ready; });`, script),
    // --- predicates over locals, or that change what they read
    valid(`import pWaitFor from 'p-wait-for';
    export function f() { const ready = true; return pWaitFor(() => ready); }`),
    valid(`import pWaitFor from 'p-wait-for';
    const queue = [];
    export function f() { return pWaitFor(() => queue.shift() === undefined); }`),
    valid(`import pWaitFor from 'p-wait-for';
    export function f() { return pWaitFor(function* () { yield 1; }); }`),
    valid(`import { eventually } from './test-utils.js';
    export class C { go() { return eventually(async () => (await this.probe()) === "up"); } }`, { options: [{ pollingFunctions: ['eventually'] }] }),
    valid(`import pWaitFor from 'p-wait-for';
    export const App = ({ t }) => { pWaitFor(() => Date.now() > t); return <div />; };`, { ...jsx, filename: 'app.tsx' }),
  ],
  invalid: [
    // ===== setInterval =====
    inv(`export class C { ready = false;
      whenReady() {
        return new Promise((resolve) => {
          const id = @@setInterval(() => {
            if (this.ready) { clearInterval(id); resolve(); }
          }, 100);
        });
      }
    }`, interval('this.ready', '100 ms')),
    inv(`${FLAG}export function whenReady(cb) {
      const timer = @@setInterval(() => { if (ready) { clearInterval(timer); cb(); } }, 50);
    }`, interval('ready', '50 ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@setInterval(() => { if (!this.ready) return; clearInterval(id); resolve(); }, 100);
    } }`, interval('!this.ready', '100 ms')),
    inv(`export class Q { queue = []; drained() {
      this.poller = @@setInterval(() => { if (this.queue.length === 0) { clearInterval(this.poller); this.emit('drained'); } }, 250);
    } }`, interval('this.queue.length === 0', '250 ms')),
    inv(`export function whenDone(state, done) {
      @@setInterval(function () { if (state.done) { clearInterval(this); done(); } }, 10);
    }`, interval('state.done', '10 ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@window.setInterval(() => { if (this.ready) { window.clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@globalThis.setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`import { setInterval, clearInterval } from 'node:timers';
    export class C { ready = false; go(resolve) {
      const id = @@setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`import timers from 'timers';
    export class C { ready = false; go(resolve) {
      const id = @@timers.setInterval(() => { if (this.ready) { timers.clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`const { setInterval: every, clearInterval } = require('timers');
    module.exports = function whenReady(conn, cb) {
      const id = @@every(() => { if (conn.ready) { clearInterval(id); cb(); } }, 100);
    };`, interval('conn.ready', '100 ms'), commonjs),
    inv(`const POLL_MS = 200;
    export class Tracker { pending = new Set<string>();
      idle(): Promise<void> {
        return new Promise<void>((resolve) => {
          const id: NodeJS.Timeout = @@setInterval((): void => {
            if (this.pending.size === 0) { clearInterval(id); resolve(); }
          }, POLL_MS);
        });
      }
    }`, interval('this.pending.size === 0', '200 ms')),
    inv(`export function flushSync(producer, deadline) {
      return new Promise((resolve, reject) => {
        const id = @@setInterval(() => {
          if (Date.now() > deadline) { clearInterval(id); reject(new Error('timeout')); return; }
          if (producer.getOutstandingRecordsCount() === 0) { clearInterval(id); resolve(); }
        }, 500);
      });
    }`, interval('producer.getOutstandingRecordsCount() === 0', '500 ms')),
    inv(`export class C { ready = false; go(resolve, reject) {
      let tries = 0;
      const id = @@setInterval(() => {
        if (++tries > 50) { clearInterval(id); reject(new Error('gave up')); }
        if (this.ready) { clearInterval(id); resolve(); }
      }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@setInterval(() => { console.log('waiting'); if (this.ready) { clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@setInterval(() => { if (!this.ready) { log('waiting'); } else { clearInterval(id); resolve(); } }, 100);
    } }`, interval('!this.ready', '100 ms')),
    inv(`export class C { ready = false; pollMs = 100; go(resolve) {
      const id = @@setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } }, this.pollMs);
    } }`, interval('this.ready', '`this.pollMs` ms')),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } });
    } }`, zero('this.ready', 'a `setInterval` callback')),
    inv(`${FLAG}export function whenReady(done) {
      function check() { if (ready) { clearInterval(id); done(); } }
      const id = @@setInterval(check, 100);
    }`, interval('ready', '100 ms')),
    inv(`var loaded = false;
    function onLoad() { loaded = true; }
    var t = @@setInterval(function () { if (loaded) { clearInterval(t); start(); } }, 100);`, interval('loaded', '100 ms'), script),
    inv(`export class C { ready = false; go(resolve) {
      const id = @@setInterval(async () => { if (this.ready) { clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`export class C { ready = false; go(resolve) {
      let id;
      id = @@setInterval(() => { if (this.ready) { clearInterval(id); resolve(); } }, 100);
    } }`, interval('this.ready', '100 ms')),
    inv(`import { useEffect, useState } from 'react';
    export function Status({ conn }) {
      const [ready, setReady] = useState(false);
      useEffect(() => {
        const id = @@setInterval(() => { if (conn.current.ready) { clearInterval(id); setReady(true); } }, 100);
        return () => clearInterval(id);
      }, [conn]);
      return <span>{ready ? 'ready' : 'waiting'}</span>;
    }`, interval('conn.current.ready', '100 ms'), { ...jsx, filename: 'status.tsx' }),
    inv(`export class Pool { queue = []; inflight = 0; idle(resolve) {
      const id = @@setInterval(() => { if (this.queue.length === 0 && this.inflight === 0) { clearInterval(id); resolve(); } }, 20);
    } }`, interval('this.queue.length === 0 && this.inflight === 0', '20 ms')),

    // ===== re-armed setTimeout =====
    inv(`${FLAG}export function whenReady(cb) {
      function check() { if (ready) cb(); else @@setTimeout(check, 100); }
      check();
    }`, rearm('ready', '100 ms')),
    inv(`export class C { ready = false; whenReady() {
      return new Promise((resolve) => {
        const check = () => { if (this.ready) resolve(); else @@setTimeout(check, 50); };
        check();
      });
    } }`, rearm('this.ready', '50 ms')),
    inv(`export class C { ready = false; whenReady(resolve) {
      const check = () => { if (this.ready) resolve(); else @@setTimeout(() => check(), 50); };
      check();
    } }`, rearm('this.ready', '50 ms')),
    inv(`export class C { ready = false;
      check(resolve) { if (this.ready) resolve(); else @@setTimeout(() => this.check(resolve), 20); }
    }`, rearm('this.ready', '20 ms')),
    inv(`export class C { ready = false;
      check() { if (this.ready) this.resolve(); else @@setTimeout(this.check.bind(this), 20); }
    }`, rearm('this.ready', '20 ms')),
    inv(`${FLAG}export function whenReady(cb) {
      function check() { if (ready) cb(); else @@setTimeout(check); }
      check();
    }`, zero('ready', 're-arming `setTimeout`')),
    inv(`export function drained(queue) {
      return new Promise(function poll(resolve) { if (queue.length === 0) resolve(); else @@setTimeout(poll, 10, resolve); });
    }`, rearm('queue.length === 0', '10 ms')),
    inv(`export function flushed(producer, done) {
      function check() {
        if (producer.getOutstandingRecordsCount() === 0) return done();
        @@setTimeout(check, 500);
      }
      check();
    }`, rearm('producer.getOutstandingRecordsCount() === 0', '500 ms')),
    inv(`export class C { ready = false; whenReady(resolve) {
      const check = () => (this.ready ? resolve() : @@setTimeout(check, 25));
      check();
    } }`, rearm('this.ready', '25 ms')),
    inv(`${FLAG}export function whenReady(resolve) {
      function check() { if (ready) { resolve(); return; } log('waiting'); @@setTimeout(check, 100); }
      check();
    }`, rearm('ready', '100 ms')),
    inv(`${FLAG}export function whenReady(cb) {
      function check() { if (ready) cb(); else @@window.setTimeout(check, 100); }
      check();
    }`, rearm('ready', '100 ms')),
    inv(`import { setTimeout } from 'node:timers';
    ${FLAG}export function whenReady(cb) {
      function check() { if (ready) cb(); else @@setTimeout(check, 100); }
      check();
    }`, rearm('ready', '100 ms')),
    inv(`const timers = require('timers');
    let ready = false;
    exports.markReady = () => { ready = true; };
    exports.whenReady = (cb) => {
      function check() { if (ready) cb(); else @@timers.setTimeout(check, 100); }
      check();
    };`, rearm('ready', '100 ms'), commonjs),
    inv(`export class Batch {
      private pending = 0;
      private resolve?: () => void;
      private check = (): void => {
        if (this.pending === 0) { this.resolve?.(); } else { @@setTimeout(this.check, 50); }
      };
    }`, rearm('this.pending === 0', '50 ms')),
    inv(`${FLAG}export function whenReady(cb) {
      function check() { if (ready) cb(); else @@setImmediate(check); }
      check();
    }`, zero('ready', 're-arming `setImmediate`')),
    inv(`export function whenOpen(conn, deadline, resolve, reject) {
      function check() {
        if (conn.open) return resolve();
        if (Date.now() > deadline) return reject(new Error('timeout'));
        @@setTimeout(check, 100);
      }
      check();
    }`, rearm('conn.open', '100 ms')),
    inv(`var loaded = false;
    window.onload = function () { loaded = true; };
    function waitLoaded(cb) { if (loaded) cb(); else @@setTimeout(function () { waitLoaded(cb); }, 50); }`, rearm('loaded', '50 ms'), script),
    inv(`const POLL_MS = 250;
    ${FLAG}export function whenReady(cb) { if (ready) cb(); else @@setTimeout(() => whenReady(cb), POLL_MS); }`, rearm('ready', '250 ms')),
    inv(`export class C { ready = false; interval = 100;
      check(cb) { if (this.ready) cb(); else @@setTimeout(() => this.check(cb), this.interval); }
    }`, rearm('this.ready', '`this.interval` ms')),
    inv(`export const poller = {
      check(state, done) { if (state.ready) done(); else @@setTimeout(() => this.check(state, done), 10); },
    };`, rearm('state.ready', '10 ms')),

    inv(`export class C { #ready = false;
      #check(resolve) { if (this.#ready) resolve(); else @@setTimeout(() => this.#check(resolve), 15); }
    }`, rearm('this.#ready', '15 ms')),

    // ===== polling helpers =====
    inv(`import pWaitFor from 'p-wait-for';
    const queue = new Set();
    export async function drained() { await @@pWaitFor(() => queue.size === 0); }`, helper('queue.size === 0', '20 ms', 'pWaitFor()')),
    inv(`import pWaitFor from 'p-wait-for';
    export class C { ready = false; go() { return @@pWaitFor(() => this.ready, { interval: 100 }); } }`, helper('this.ready', '100 ms', 'pWaitFor()')),
    inv(`const pWaitFor = require('p-wait-for');
    module.exports = (state) => @@pWaitFor(() => state.ready);`, helper('state.ready', '20 ms', 'pWaitFor()'), commonjs),
    inv(`import { waitUntil } from 'async-wait-until';
    export class C { pending = 0; idle() { return @@waitUntil(() => this.pending === 0); } }`, helper('this.pending === 0', '50 ms', 'waitUntil()')),
    inv(`import { waitUntil } from 'async-wait-until';
    export class C { pending = 0; idle() { return @@waitUntil(() => this.pending === 0, { timeout: 5000, intervalBetweenAttempts: 200 }); } }`,
      helper('this.pending === 0', '200 ms', 'waitUntil()')),
    inv(`import { waitUntil } from 'async-wait-until';
    ${FLAG}export const whenReady = () => @@waitUntil(() => ready, 5000, 100);`, helper('ready', '100 ms', 'waitUntil()')),
    inv(`import waitUntil from 'async-wait-until';
    export class C { ready = false; go() { return @@waitUntil(() => this.ready); } }`, helper('this.ready', '50 ms', 'waitUntil()')),
    inv(`${SLEEP}async function waitFor(pred, interval = 50) { while (!(await pred())) await sleep(interval); }
    export async function flushed(producer) { await @@waitFor(() => producer.getOutstandingRecordsCount() === 0, 500); }`,
      helper('producer.getOutstandingRecordsCount() === 0', '500 ms', 'waitFor()')),
    inv(`${SLEEP}async function waitFor(pred, interval = 50) { while (!(await pred())) await sleep(interval); }
    export class C { ready = false; go() { return @@waitFor(() => this.ready); } }`, helper('this.ready', '50 ms', 'waitFor()')),
    inv(`${SLEEP}async function waitFor(pred, { timeout = 5000, interval = 50 } = {}) {
      const start = Date.now();
      while (!(await pred())) {
        if (Date.now() - start > timeout) throw new Error('timeout');
        await sleep(interval);
      }
    }
    export class C { ready = false; go() { return @@waitFor(() => this.ready); } }`, helperDefault('this.ready', 'waitFor()')),
    // A helper that polls a synchronous predicate is reported itself, once, and at each call with in-process state.
    atEach(`function waitFor(pred, ms = 100) {
      return new Promise((resolve) => { const id = @@setInterval(() => { if (pred()) { clearInterval(id); resolve(); } }, ms); });
    }
    export function ready(state) { return @@waitFor(() => state.ready, 250); }`, [predicate('waitFor()', 'pred()', 'every `ms` ms'), helper('state.ready', '250 ms', 'waitFor()')]),
    atEach(`function until(pred, cb) { (function check() { if (pred()) cb(); else @@setTimeout(check, 30); })(); }
    export class Img { loaded = false; onLoad(done) { @@until(() => this.loaded, done); } }`, [predicate('until()', 'pred()', 'every 30 ms'), helper('this.loaded', '30 ms', 'until()')]),
    inv(`export function waitFor(pred, ms, cb) { const check = () => (pred() ? cb() : @@setTimeout(check, ms)); check(); }`, predicate('waitFor()', 'pred()', 'every `ms` ms')),
    // The page's own DOM changes only when a task of the page runs: an observer can await it.
    inv(`export function waitApp(resolve) {
      const id = @@setInterval(() => { if (document.querySelector('#app')) { clearInterval(id); resolve(); } }, 50);
    }`, dom("document.querySelector('#app')", 'every 50 ms', ' from a `setInterval` callback')),
    inv(`export function waitEl(cb) { if (document.querySelector('#app')) cb(); else @@setTimeout(() => waitEl(cb), 50); }`,
      dom("document.querySelector('#app')", 'every 50 ms', ' by re-arming `setTimeout`')),
    inv(`import { waitUntil } from 'async-wait-until';
    export async function waitApp() { await @@waitUntil(() => document.querySelector('#app')); }`, dom("document.querySelector('#app')", 'every 50 ms', ' through `waitUntil()`')),
    inv(`import pWaitFor from 'p-wait-for';
    const queue = [];
    function isDrained() { return queue.length === 0; }
    export const drained = () => @@pWaitFor(isDrained);`, helper('queue.length === 0', '20 ms', 'pWaitFor()')),
    inv(`import pWaitFor from 'p-wait-for';
    export class C { count = 1; go() { return @@pWaitFor(() => { return this.count === 0; }); } }`, helper('this.count === 0', '20 ms', 'pWaitFor()')),
    inv(`import { eventually } from './test-utils.js';
    export class Store { ready = false; go() { return @@eventually(() => this.ready); } }`, helperDefault('this.ready', 'eventually()'),
      { options: [{ pollingFunctions: ['eventually'] }] }),
    inv(`import { eventually } from './test-utils.js';
    export class Store { ready = false; go() { return @@eventually(() => this.ready, { interval: 10 }); } }`, helper('this.ready', '10 ms', 'eventually()'),
      { options: [{ pollingFunctions: ['eventually'] }] }),
    inv(`import { poll } from '@acme/poll';
    export class Store { ready = false; go() { return @@poll(() => this.ready); } }`, helperDefault('this.ready', 'poll()'),
      { options: [{ pollingFunctions: [{ from: '@acme/poll', name: 'poll' }] }] }),
    inv(`import * as utils from './utils.js';
    export class Store { ready = false; go() { return @@utils.waitFor(() => this.ready); } }`, helperDefault('this.ready', 'waitFor()'),
      { options: [{ pollingFunctions: ['utils.waitFor'] }] }),
    inv(`import pWaitFor from 'p-wait-for';
    const POLL_MS = 25;
    export class Q { queue: string[] = []; drained(): Promise<void> { return @@pWaitFor((): boolean => this.queue.length === 0, { interval: POLL_MS }); } }`,
      helper('this.queue.length === 0', '25 ms', 'pWaitFor()')),
    inv(`var pWaitFor = require('p-wait-for');
    @@pWaitFor(function () { return window.appReady; });`, helper('window.appReady', '20 ms', 'pWaitFor()'), script),
    inv(`import pWaitFor from 'p-wait-for';
    let connected = false;
    export function watch(socket) { socket.on('connect', () => { connected = true; }); }
    export const whenConnected = () => @@pWaitFor(() => connected);`, helper('connected', '20 ms', 'pWaitFor()')),
    inv(`import pWaitFor from 'p-wait-for';
    export const Gate = ({ store }) => { @@pWaitFor(() => store.ready); return <div />; };`, helper('store.ready', '20 ms', 'pWaitFor()'),
      { ...jsx, filename: 'gate.tsx' }),
  ],
});
