import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at, atEach, valid } from './cases.js';

/**
 * The shapes real code waits in (found by labelling loops and timers of public repositories, written anew here),
 * and the look-alikes that must stay silent. Each is a general rule of the wait model, stated in
 * docs/rules/no-sleep-polling.md.
 */
const ruleTester = new RuleTester();

type Error = { messageId: MessageIds; data: Record<string, string> };
const polled = (condition: string, interval: string): Error => ({ messageId: 'polled', data: { condition, interval } });
const spins = (condition: string): Error => ({ messageId: 'polledZero', data: { condition } });
const interval = (condition: string, every: string): Error => ({ messageId: 'intervalPolled', data: { condition, interval: every } });
const zero = (condition: string, how: string): Error => ({ messageId: 'timerPolledZero', data: { condition, how } });
const predicate = (name: string, condition: string, every: string): Error => ({ messageId: 'predicatePolled', data: { helper: name, condition, every } });
const dom = (condition: string, every: string, how: string): Error => ({ messageId: 'domPolled', data: { condition, every, how } });
const inv = (code: string, e: Error, rest: Parameters<typeof at<MessageIds, Options>>[2] = {}) => at<MessageIds, Options>(code, e, rest);

const SLEEP = 'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n';

ruleTester.run('no-sleep-polling (shapes of real code)', rule, {
  valid: [
    // --- exits that throw: a cancellation check between steps of work, or an assertion over a quiet window
    valid(`${SLEEP}export async function steps(signal, items) {
      for (const item of items) {
        let n = 0;
        while (n < item.weight) { if (signal.aborted) throw new Error('aborted'); n++; await sleep(5); }
      }
    }`),
    valid(`${SLEEP}export async function staysQuiet(log) {
      const end = Date.now() + 2000;
      while (Date.now() < end) {
        if (log.some((line) => line.includes('reloaded'))) throw new Error('reloaded');
        await sleep(100);
      }
    }`),
    valid(`${SLEEP}export async function guard(job) {
      while (Date.now() < job.deadline) { if (job.cancelled) { throw new Error('cancelled'); } await sleep(50); }
    }`),
    // --- a quiet window: ticks without change are counted, and the count starts again on activity
    valid(`export function settle(stats, quietTicks, onSettled) {
      const timer = setInterval(() => {
        if (stats.seen === stats.last) { stats.quiet++; if (stats.quiet >= quietTicks) { clearInterval(timer); onSettled(); } }
        else { stats.quiet = 0; stats.last = stats.seen; }
        if (stats.scrolled >= stats.maxScroll) { clearInterval(timer); onSettled(); }
      }, 1000);
    }`),
    // --- a cancellation check that returns instead of throwing also gives up
    valid(`${SLEEP}export async function job(signal) {
      for (let step = 0; step < 100; step++) { if (signal.aborted) { console.log('cancelled'); return; } await sleep(100); }
    }`),
    // --- a cancellation flag beside a remote part: the loop waits for the remote part
    valid(`${SLEEP}export class Conn { closed = false; async flushOut() {
      while (!this.closed && this.socket.bufferedAmount > 0) await sleep(100);
    } }`),
    valid(`${SLEEP}export async function opened(ws, signal) {
      while (ws.readyState !== 1 && !signal.aborted) await sleep(20);
    }`),
    // --- state read through a same-file function that asks the OS, or a lock file checked with sync I/O
    valid(`${SLEEP}const Tree = {};
    Tree.isAlive = function (pid) { try { process.kill(pid, 0); return true; } catch { return false; } };
    export async function reaped(pids) { while (pids.some((p) => Tree.isAlive(p))) await sleep(100); }`),
    valid(`${SLEEP}function alive(pid) { try { process.kill(pid, 0); return true; } catch { return false; } }
    export function waitExit(pid, done) { const id = setInterval(() => { if (!alive(pid)) { clearInterval(id); done(); } }, 100); }`),
    valid(`${SLEEP}import { existsSync } from 'node:fs';
    function locked(dir) { return existsSync(dir + '/.lock'); }
    export async function acquire(dir) { while (locked(dir)) await sleep(50); }`),
    // --- a method named for polling, with no interval stated and nothing known about it, or an async predicate
    valid(`export class Nav { requests = new Map(); async go(id) { return this.waitUntil(() => this.requests.get(id)); } }`),
    valid(`export class Nav { async ok(url) { return this.waitUntil(async () => (await fetch(url)).ok, { interval: 10 }); } }`),
    // --- a predicate that returns a promise answers later, from whatever settles it
    valid(`export async function later() { await browser.waitUntil(() => new Promise((resolve) => setTimeout(() => resolve(true), 200)), { interval: 50 }); }`),
    valid(`import { vi } from 'vitest'; export async function settled(job) { await vi.waitFor(() => Promise.resolve(job.done)); }`),
    // --- a browser driven from outside: what its calls return, or an async condition, is remote
    valid(`export async function titled() { await browser.waitUntil(async () => (await browser.getTitle()) === 'Home'); }`),
    valid(`export async function moved() { await browser.waitUntil(() => browser.getUrl() === 'https://example.com/next'); }`),
    // --- a helper that awaits something else each round polls what it fetches, not memory
    valid(`${SLEEP}export async function waitForResult(fetchOnce, accept, every = 200) {
      for (;;) { const result = await fetchOnce(); if (accept(result)) return result; await sleep(every); }
    }
    export const seen = (broker) => waitForResult(() => broker.call('events'), (events) => events.length > 0);`),
    valid(`${SLEEP}async function waitForCondition(pid, condition, maxWaitMs = 3000) {
      const start = Date.now();
      while (Date.now() - start < maxWaitMs) { const children = await listChildren(pid); if (condition(children)) return children; await sleep(100); }
    }
    export const spawned = (pid) => waitForCondition(pid, (c) => c.length > 0);`),
    // --- a function of a third-party package that its package or name says probes a process, port, host or file
    valid(`${SLEEP}import isRunning from 'is-running';
    export async function reaped(pid) { while (isRunning(pid)) await sleep(100); }`),
    valid(`${SLEEP}const { check } = require('tcp-port-used');
    export function waitFree(port, done) { const id = setInterval(() => { if (!check(port)) { clearInterval(id); done(); } }, 100); }`),
    valid(`${SLEEP}import { ping } from 'net-ping';
    function up(host) { return ping(host); }
    export async function ready(host) { while (!up(host)) await sleep(100); }`),
    valid(`${SLEEP}export class Lock { held() { return require('node:fs').existsSync(this.file); }
      async acquire() { while (this.held()) await sleep(50); } }`),
    // --- a condition over what the iteration itself writes
    valid(`export function other(items, last) { while (true) { const pick = items[Math.floor(Math.random() * items.length)]; if (pick !== last) return pick; } }`),
    valid(`${SLEEP}export async function fill(buf, n) { while (buf.length < n) { buf.push(0); await sleep(1); } }`),
    // --- a periodic loop on a bare flag whose body logs, resets counters or assigns: a worker
    valid(`${SLEEP}export class Stats { running = true; async report() {
      while (this.running) { console.log('requests', this.count); this.count = 0; await sleep(1000); }
    } }`),
    valid(`${SLEEP}export class Beat { running = true; async beat() { while (this.running) { this.lastBeat = Date.now(); await sleep(500); } } }`),
    // --- a periodic function that logs and re-arms while a cancellation flag allows
    valid(`let stopped = false; export function stop() { stopped = true; }
    export function work() { console.log('working'); !stopped && setTimeout(work, 1000); }`),
    // --- a guard whose branch does the work itself, and a worker loop that waits on remote work
    valid(`${SLEEP}export class W { running = true; async loop() {
      while (this.running) { if (!this.handler) { this.reconnect(); await sleep(100); continue; } await this.handler.run(); }
    } }`),
    // --- a `try` exit around a call we know nothing about (a retry of anything)
    valid(`${SLEEP}export async function load(name) { for (;;) { try { return require(name); } catch { await sleep(100); } } }`),
    // --- a predicate retried with a blocking sleep can only be asking the outside world
    valid(`const cell = new Int32Array(new SharedArrayBuffer(4));
    export function retry(fn) { for (;;) { try { return fn(); } catch { Atomics.wait(cell, 0, 0, 100); } } }`),
    // --- a recursion that asks the server each round, or that passes a new attempt count
    valid(`${SLEEP}export async function poll(api) { const s = await api.status(); if (s === 'done') return; await sleep(1000); return poll(api); }`),
    // --- a re-arm that passes a new attempt count it never gives up on is a retry
    valid(`export class C { ready = false; attempt(n) { if (this.ready) return; setTimeout(this.attempt.bind(this), 100, n + 1); } }`),
    // --- a value fetched once before the wait is an argument, not a remote read
    valid(`${SLEEP}export async function fetched(api) { const id = await api.id(); while (true) { if (id) return id; await sleep(10); } }`),
  ],
  invalid: [
    // --- an attempt counter that only counts up is no quiet window
    inv(`export function whenReady(app) {
      return new Promise((resolve) => {
        let tries = 0;
        const id = @@setInterval(() => { tries++; if (app.ready || tries > 50) { clearInterval(id); resolve(); } }, 20);
      });
    }`, interval('app.ready', '20 ms')),
    // --- any other package function reads what the condition passes it, or the package's own state
    inv(`${SLEEP}import isEmpty from 'lodash/isEmpty.js';
    export class Batcher { pending = []; async drain() { @@while (!isEmpty(this.pending)) await sleep(50); } }`, polled('!isEmpty(this.pending)', '50 ms')),
    inv(`${SLEEP}const _ = require('lodash');
    export async function settled(jobs) { @@while (_.some(jobs, (job) => !job.done)) await sleep(10); }`, polled('_.some(jobs, (job) => !job.done)', '10 ms')),
    inv(`${SLEEP}import { getClient } from '@acme/sdk';
    export async function started() { @@while (!getClient()) await sleep(50); }`, polled('!getClient()', '50 ms')),
    // --- setInterval callbacks that also count attempts or check a deadline, and give up
    inv(`export class Client { pending = 0; drained(timeout) {
      return new Promise((resolve) => {
        let waited = 0;
        const id = @@setInterval(() => {
          if (this.pending === 0) { clearInterval(id); resolve(true); }
          else { waited += 1; if (timeout && waited >= timeout) { clearInterval(id); resolve(false); } }
        }, 1);
      });
    } }`, interval('this.pending === 0', '1 ms')),
    inv(`export function whenSet(holder) {
      return new Promise((resolve, reject) => {
        let tries = 0;
        const id = @@setInterval(() => {
          tries++;
          const value = holder.current;
          if (tries > 100) { clearInterval(id); reject(new Error('never set')); }
          else if (value) { clearInterval(id); resolve(value); }
        }, 20);
      });
    }`, interval('value', '20 ms')),
    inv(`export function ready(app) {
      return new Promise((resolve) => {
        const timer = @@setInterval(() => {
          if (!app.booted) return;
          resolve(app);
          clearInterval(timer);
        }, 50);
      });
    }`, interval('!app.booted', '50 ms')),
    inv(`export function waitGlobal(done) {
      let n = 0;
      const id = @@setInterval(() => { if (++n > 50) clearInterval(id); else if (globalThis.__router) { clearInterval(id); done(globalThis.__router); } }, 20);
    }`, interval('globalThis.__router', '20 ms')),
    // --- deadline and `while (true)` loops whose exit tests a local computed in the iteration
    inv(`${SLEEP}export async function pingers(client) {
      @@while (true) {
        const found = [...client.servers.values()].filter((s) => s.pinger);
        if (found.length > 0) return found;
        await sleep(5);
      }
    }`, polled('found.length > 0', '5 ms')),
    inv(`${SLEEP}import * as Sdk from './sdk.js';
    export async function installed(timeoutMs = 30000) {
      const start = Date.now();
      @@while (Date.now() - start < timeoutMs) {
        const client = Sdk.getClient();
        if (client?.getIntegration('Profiler')) { await sleep(1000); return; }
        await sleep(100);
      }
    }`, polled("client?.getIntegration('Profiler')", '100 ms')),
    inv(`${SLEEP}export async function watching(watcher, dir) {
      const deadline = Date.now() + 2000;
      @@while (Date.now() < deadline) {
        const ready = watcher.ready;
        const covers = Object.keys(watcher.getWatched()).includes(dir);
        if (ready && covers) break;
        await sleep(10);
      }
    }`, polled('ready && covers', '10 ms')),
    // --- a wait guarding a worker loop
    inv(`${SLEEP}export class Consumer { running = true; async loop() {
      while (this.running) {
        if (@@!this.handler) { await sleep(100); continue; }
        await this.handler(await this.next());
      }
    } }`, polled('!this.handler', '100 ms')),
    // --- zero-delay re-arming on a local from a call; sleeps that yield with nextTick, setImmediate, queueMicrotask
    inv(`import { state } from './state.js';
    export function orchestrator() {
      return new Promise((resolve) => {
        function check() { const o = state().orchestrator; if (o) return resolve(o); @@setTimeout(check); }
        check();
      });
    }`, zero('o', 're-arming `setTimeout`')),
    inv(`import process from 'node:process';
    const tick = () => new Promise((resolve) => process.nextTick(resolve));
    export async function started(resource) { @@while (!resource.started) await tick(); return resource; }`, spins('!resource.started')),
    inv(`const turn = () => new Promise((resolve) => setImmediate(resolve));
    export async function settled(job) { @@while (job.state !== 'done') await turn(); }`, spins("job.state !== 'done'")),
    inv(`const micro = () => new Promise((resolve) => queueMicrotask(resolve));
    export async function flushed(q) { @@while (q.size > 0) await micro(); }`, spins('q.size > 0')),
    inv(`export class Q { size = 1; async empty() { @@while (this.size > 0) await new Promise(setImmediate); } }`, spins('this.size > 0')),
    // --- an async function that sleeps and calls itself again: the recursion is its loop
    inv(`${SLEEP}export async function until(job) { if (job.done) return; await sleep(10); return @@until(job); }`,
      { messageId: 'rearmPolled', data: { condition: 'job.done', interval: '10 ms', timer: 'until()' } }),
    inv(`${SLEEP}export class Boot { ready = false; async wait() { if (this.ready) return; await sleep(25); await @@this.wait(); } }`,
      { messageId: 'rearmPolled', data: { condition: 'this.ready', interval: '25 ms', timer: 'wait()' } }),
    // --- an attempt counter passed to the next round bounds the wait, like a deadline
    inv(`${SLEEP}export async function again(job, n = 0) { if (job.done || n > 5) return; await sleep(100); return @@again(job, n + 1); }`,
      { messageId: 'rearmPolled', data: { condition: 'job.done', interval: '100 ms', timer: 'again()' } }),
    inv(`export function retryIfMissing(selector, callback, attempt = 0) {
      const el = document.querySelector(selector);
      if (el) return callback(el);
      if (attempt === 100) return;
      @@setTimeout(() => { retryIfMissing(selector, callback, ++attempt); }, 50);
    }`, dom('el', 'every 50 ms', ' by re-arming `setTimeout`')),
    // --- taking from a queue to test what was taken reads it
    inv(`${SLEEP}export class Mock { queued = []; async next() { @@for (;;) { const task = this.queued.pop(); if (task !== undefined) return task; await sleep(1); } } }`,
      polled('task !== undefined', '1 ms')),
    inv(`${SLEEP}const store = { config: null };
    export const waitForReady: () => Promise<void> = async () => { if (!store.config) { await sleep(60); return @@waitForReady(); } };`,
      { messageId: 'rearmPolled', data: { condition: '!store.config', interval: '60 ms', timer: 'waitForReady()' } }),
    // --- helpers that sleep-poll a synchronous predicate: the helper is reported, once
    inv(`${SLEEP}export async function eventually(assertion, timeout, every = 50) {
      const start = Date.now();
      let last;
      @@while (Date.now() - start < timeout) {
        try { assertion(); return; } catch (error) { last = error; await sleep(every); }
      }
      throw last;
    }`, predicate('eventually()', 'assertion()', 'every `every` ms')),
    inv(`export function waitFor(predicate) {
      const waiting = (resolve) => { if (predicate()) resolve(); else @@setTimeout((_) => waiting(resolve), 1); };
      return new Promise(waiting);
    }`, predicate('waitFor()', 'predicate()', 'every 1 ms')),
    inv(`export function waitUntil(fn, maxWait = 4000) {
      return new Promise((resolve, reject) => {
        const start = Date.now();
        const check = () => {
          const result = fn();
          if (result || Date.now() - start > maxWait) { if (result) resolve(result); else reject(result); }
          else @@setTimeout(check, 25);
        };
        check();
      });
    }`, predicate('waitUntil()', 'result', 'every 25 ms')),
    atEach(`function waitForChange(fn) {
      const initial = fn();
      return new Promise((resolve, reject) => {
        let count = 0;
        const int = @@setInterval(() => {
          const updated = fn();
          if (initial !== updated) { resolve(updated); clearInterval(int); }
          if (count > 100000) reject(new Error('timeout'));
          count++;
        }, 1);
      });
    }
    export class W { pid = 1; changed() { return @@waitForChange(() => this.pid); } }`, [
      predicate('waitForChange()', 'initial !== updated', 'every 1 ms'),
      { messageId: 'helperPolled', data: { condition: 'this.pid', interval: '1 ms', helper: 'waitForChange()' } },
    ]),
    inv(`export function until(condition, ms = 1000) {
      return new Promise((resolve) => { const id = @@setInterval(() => { if (condition()) { resolve(); clearInterval(id); } }, ms); });
    }`, predicate('until()', 'condition()', 'every `ms` ms')),
    // ... and its calls with in-process state keep their own report
    atEach(`${SLEEP}async function waitFor(check, ms = 10) { @@while (!check()) await sleep(ms); }
    export class Queue { items = []; async empty() { await @@waitFor(() => this.items.length === 0, 25); } }`, [
      predicate('waitFor()', '!check()', 'every `ms` ms'),
      { messageId: 'helperPolled', data: { condition: 'this.items.length === 0', interval: '25 ms', helper: 'waitFor()' } },
    ]),
    // ... including an assertion callback (the helper awaits it, so it is judged at this call only)
    inv(`${SLEEP}async function retryAssert(assertion, ms = 100) { for (;;) { try { await assertion(); return; } catch { await sleep(ms); } } }
    export class Tracker { received = 0; async resumed() { await @@retryAssert(() => { expect(this.received).toBeGreaterThan(0); }); } }`,
      { messageId: 'helperPolled', data: { condition: 'this.received', interval: '100 ms', helper: 'retryAssert()' } }),
    // ... and an \`async\` predicate that awaits nothing answers from memory
    inv(`${SLEEP}async function retryAssert(assertion, ms = 100) { for (;;) { try { await assertion(); return; } catch { await sleep(ms); } } }
    export class Tracker { sent = 0; async flushed() { await @@retryAssert(async () => { assert.ok(this.sent === 0); }); } }`,
      { messageId: 'helperPolled', data: { condition: 'this.sent === 0', interval: '100 ms', helper: 'retryAssert()' } }),
    // --- a setInterval cleared through a function of the file that also removes listeners
    inv(`export function playing(video, hls) {
      return new Promise((resolve) => {
        let settled = false;
        const cleanup = () => { settled = true; clearInterval(timer); hls.off('frag', onFrag); };
        const onFrag = () => { cleanup(); resolve(); };
        hls.on('frag', onFrag);
        const timer = @@setInterval(() => { if (!settled && video.currentTime > 0) { cleanup(); resolve(); } }, 200);
      });
    }`, interval('!settled && video.currentTime > 0', '200 ms')),
    // --- vitest's vi.waitFor / vi.waitUntil (imported or global), 50 ms unless { interval } says otherwise
    inv(`import { vi } from 'vitest';
    export class Q { items = []; async empty() { await @@vi.waitUntil(() => this.items.length === 0, { interval: 10 }); } }`,
      { messageId: 'helperPolled', data: { condition: 'this.items.length === 0', interval: '10 ms', helper: 'waitUntil()' } }),
    inv(`export class Q { spy = { calls: [] }; async called() { await @@vi.waitFor(() => expect(this.spy.calls.length).toBe(1)); } }`,
      { messageId: 'helperPolled', data: { condition: 'expect(this.spy.calls.length).toBe(1)', interval: '50 ms', helper: 'waitFor()' } }),
    // --- WebdriverIO's browser.waitUntil (the runner's global, or imported), 100 ms unless { interval } says otherwise
    inv(`export async function mocked(url) { const mock = await browser.mock(url); await @@browser.waitUntil(() => mock.calls.length === 1, { timeout: 2000 }); }`,
      { messageId: 'helperPolled', data: { condition: 'mock.calls.length === 1', interval: '100 ms', helper: 'waitUntil()' } }),
    inv(`import { browser } from '@wdio/globals';
    export class Log { lines = []; async logged() { await @@browser.waitUntil(() => this.lines.length > 0, { interval: 20 }); } }`,
      { messageId: 'helperPolled', data: { condition: 'this.lines.length > 0', interval: '20 ms', helper: 'waitUntil()' } }),
    // --- a method named for polling until a predicate holds, whose call states the interval
    inv(`export class Nav { requests = new Map(); async go(id) { return await @@this.waitUntil(() => this.requests.get(id), { interval: 1, timeoutMsg: 'none' }); } }`,
      { messageId: 'helperPolled', data: { condition: 'this.requests.get(id)', interval: '1 ms', helper: 'waitUntil()' } }),
    // --- what a caller hands in, and what a same-file function reads, is in-process
    inv(`${SLEEP}export async function idle(pool) { @@while (!pool.isIdle()) await sleep(10); }`, polled('!pool.isIdle()', '10 ms')),
    inv(`${SLEEP}export class Pool { busy = 0; idle() { return this.busy === 0; }
      async drain() { @@while (!this.idle()) await sleep(10); } }`, polled('!this.idle()', '10 ms')),
    inv(`${SLEEP}let events = [];
    function count(name) { return events.filter((e) => e === name).length; }
    export async function completed(n) { @@while (count('complete') < n) await sleep(5); }`, polled("count('complete') < n", '5 ms')),
    // --- the page's own DOM: an observer can await it
    inv(`export const element = (selector) => new Promise((resolve) => {
      const id = @@setInterval(() => { const el = document.querySelector(selector); if (el) { clearInterval(id); resolve(el); } }, 100);
    });`, dom('el', 'every 100 ms', ' from a `setInterval` callback')),
    // --- deliberate blocking stays reported (disable the line with a reason)
  ],
});
