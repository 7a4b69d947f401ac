import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-blocking-sleep.js';
import { shorten } from '../../src/analysis/index.js';
import { at, atEach, valid } from './cases.js';

const ruleTester = new RuleTester();

const script = { languageOptions: { parserOptions: { sourceType: 'script' as const } } };
const commonjs = { languageOptions: { parserOptions: { sourceType: 'script' as const, ecmaFeatures: { globalReturn: true } } } };
const jsx = { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } };

const CELL = 'new Int32Array(new SharedArrayBuffer(4))';
/** The call is quoted as the rule quotes it: on one line, at most 60 characters. */
const error = (messageId: MessageIds, call: string, interval: string) => ({ messageId, data: { call: shorten(call, 60), interval } });
const helperCall = (call: string, interval: string, helper: string, where: string, how: string) =>
  ({ messageId: 'blockingHelper' as const, data: { call: shorten(call, 60), interval, helper, where, how } });
const inv = (code: string, e: ReturnType<typeof error> | ReturnType<typeof helperCall>, rest: Parameters<typeof at<MessageIds, Options>>[2] = {}) =>
  at<MessageIds, Options>(code, e, rest);

ruleTester.run('no-blocking-sleep', rule, {
  valid: [
    // --- futex-style waits: something else can notify the cell
    valid(`const cell = ${CELL};
    worker.postMessage(cell);
    Atomics.wait(cell, 0, 0, 1000);`),
    valid(`const cell = ${CELL};
    export function wake() { Atomics.notify(cell, 0); }
    export function park() { Atomics.wait(cell, 0, 0, 5000); }`),
    valid(`import { Worker } from 'node:worker_threads';
    const sab = new SharedArrayBuffer(4);
    const view = new Int32Array(sab);
    new Worker('./w.js', { workerData: sab });
    Atomics.wait(view, 0, 0, 5000);`),
    valid(`import { workerData } from 'node:worker_threads';
    const view = new Int32Array(workerData.buffer);
    Atomics.wait(view, 0, 0, 50);`),
    valid(`export function park(view) { Atomics.wait(view, 0, 0, 100); }`),
    valid(`export const cell = ${CELL};
    export function park() { Atomics.wait(cell, 0, 0, 100); }`),
    valid(`const cell = ${CELL};
    share(cell);
    Atomics.wait(cell, 0, 0, 100);`),
    valid(`const sab = new SharedArrayBuffer(4);
    const view = new Int32Array(sab);
    port.postMessage({ sab });
    Atomics.wait(view, 0, 0, 100);`),
    valid(`class Lock { cell = ${CELL}; park() { Atomics.wait(this.cell, 0, 0, 100); } }`),
    // --- no timeout: a wait for a notification, not a sleep
    valid(`import { workerData } from 'node:worker_threads';
    Atomics.wait(new Int32Array(workerData), 0, 0);`),
    valid(`Atomics.wait(${CELL}, 0, 0);`),
    valid(`Atomics.wait(${CELL}, 0, 0, Infinity);`),
    valid(`Atomics.wait(${CELL}, 0, 0, undefined);`),
    valid(`Atomics.wait(${CELL}, 0, 0, Number.POSITIVE_INFINITY);`),
    valid(`declare const view: Int32Array;
    Atomics.wait(view, 0, 0, 10);`),
    valid(`const result = Atomics.waitAsync(${CELL}, 0, 0, 1000);`),
    valid(`const Atomics = { wait() {} };
    Atomics.wait(${CELL}, 0, 0, 10);`),
    // --- child processes that do real work
    valid(`import { execSync } from 'node:child_process';
    execSync('ls -la');`),
    valid(`import { execSync } from 'node:child_process';
    execSync('sleep 1 && ls');`),
    valid(`import { execSync } from 'node:child_process';
    execSync('timeout 5 npm test');`),
    valid(`import { execSync } from 'node:child_process';
    execSync('ping -c 3 example.com');`),
    valid(`import { execSync } from 'node:child_process';
    execSync('ping -c many 127.0.0.1');`),
    valid(`import sleep from 'sleep';
    import deasync from 'deasync';
    export function f(args) { sleep.usleep(...args); deasync.sleep(); sleep.msleep(); }`),
    valid(`import { execSync } from 'node:child_process';
    export function run(cmd) { return execSync(cmd); }`),
    valid(`import { exec, spawn } from 'node:child_process';
    exec('sleep 1', () => {});
    spawn('sleep', ['1']);`),
    valid(`import { execSync } from './shell.js';
    execSync('sleep 1');`),
    valid(`function execSync(command) { return command; }
    execSync('sleep 1');`),
    // --- sleeps that do not block
    valid(`import { setTimeout as sleep } from 'node:timers/promises';
    export async function pause() { await sleep(100); }`),
    valid(`import sleep from 'sleep-promise';
    export async function pause() { await sleep(100); }`),
    valid(`import { sleep } from './utils.js';
    sleep(1);`),
    // --- deasync outside a loop: one turn of the event loop
    valid(`import deasync from 'deasync';
    deasync.runLoopOnce();`),
    // --- inside a polling loop: reported once, by no-sleep-polling
    valid(`const cell = ${CELL};
    class C { ready = false; waitReady() { while (!this.ready) { Atomics.wait(cell, 0, 0, 50); } } }`),
    valid(`const deasync = require('deasync');
    function get(fs, file) {
      let result;
      fs.readFile(file, (err, data) => { result = data; });
      while (result === undefined) deasync.runLoopOnce();
      return result;
    }`, commonjs),
    valid(`import { execSync } from 'node:child_process';
    export function waitIdle(pool) { while (pool.busy > 0) { execSync('sleep 1'); } }`),
    // --- scripts and JSX with nothing to report
    valid(`var cp = require('./cp-lib'); cp.execSync('sleep 1');`, script),
    valid(`const App = () => <div onClick={() => Atomics.waitAsync(view, 0, 0)} />;`, { ...jsx, filename: 'app.tsx' }),
  ],
  invalid: [
    // --- Atomics.wait on a throw-away buffer
    inv(`@@Atomics.wait(${CELL}, 0, 0, 1000);`, error('atomicsWait', `Atomics.wait(${CELL}, 0, 0, 1000)`, '1 s')),
    inv(`export function sleepSync(ms) {
      @@Atomics.wait(${CELL}, 0, 0, ms);
    }`, error('atomicsWait', `Atomics.wait(${CELL}, 0, 0, ms)`, '`ms` ms')),
    inv(`const cell = ${CELL};
    export function pause(ms) { @@Atomics.wait(cell, 0, 0, ms); }`, error('atomicsWait', 'Atomics.wait(cell, 0, 0, ms)', '`ms` ms')),
    inv(`const sab = new SharedArrayBuffer(4);
    const view = new Int32Array(sab);
    Atomics.store(view, 0, 0);
    @@Atomics.wait(view, 0, 0, 250);`, error('atomicsWait', 'Atomics.wait(view, 0, 0, 250)', '250 ms')),
    inv(`@@globalThis.Atomics.wait(${CELL}, 0, 0, 20);`, error('atomicsWait', `globalThis.Atomics.wait(${CELL}, 0, 0, 20)`, '20 ms')),
    inv(`@@Atomics.wait(new BigInt64Array(new SharedArrayBuffer(8)), 0, 0n, 50);`,
      error('atomicsWait', 'Atomics.wait(new BigInt64Array(new SharedArrayBuffer(8)), 0, 0n, 50)', '50 ms')),
    inv(`const DELAY_MS = 200;
    export function pause(): void {
      @@Atomics.wait(new Int32Array(new SharedArrayBuffer(4)) as Int32Array, 0, 0, DELAY_MS);
    }`, error('atomicsWait', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)) as Int32Array, 0, 0, DELAY_MS)', '200 ms')),
    inv(`export class Throttle {
      pause(ms: number): void { @@Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms * 2); }
    }`, error('atomicsWait', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms * 2)', '`ms * 2` ms')),
    // A helper that only passes the time blocks each caller: reported where it is written and at every call.
    atEach(`const cell = ${CELL};
    function pauseSync(ms) { @@Atomics.wait(cell, 0, 0, ms); }
    @@pauseSync(10);
    @@pauseSync(20);`, [
      error('atomicsWait', 'Atomics.wait(cell, 0, 0, ms)', '`ms` ms'),
      helperCall('pauseSync(10)', ' for 10 ms', 'pauseSync()', '', 'waits on a buffer no other thread can notify'),
      helperCall('pauseSync(20)', ' for 20 ms', 'pauseSync()', '', 'waits on a buffer no other thread can notify'),
    ]),
    // (the loop itself is no-busy-wait's)
    inv(`export function SyncDelay(ms) { let now = Date.now(); const start = now; while (now - start < ms) { now = Date.now(); } }
    export class Gateway { leave() { @@SyncDelay(2000); } }`,
      helperCall('SyncDelay(2000)', ' for 2 s', 'SyncDelay()', '', 'spins on the clock until the time has passed')),
    // A helper that also works (restarts a service, then sleeps) is reported where its sleep is written, not at calls.
    inv(`import { execSync } from 'node:child_process';
    function restart(name) { execSync('systemctl restart ' + name); @@execSync('sleep 2'); }
    restart('api');`, error('childProcess', "execSync('sleep 2')", '2 s')),
    inv(`function sleep(ms) { @@Atomics.wait(${CELL}, 0, 0, ms); }
    module.exports = sleep;`, error('atomicsWait', `Atomics.wait(${CELL}, 0, 0, ms)`, '`ms` ms'), commonjs),
    // --- child processes started only to pass time
    inv(`import { execSync } from 'child_process';
    @@execSync('sleep 1');`, error('childProcess', "execSync('sleep 1')", '1 s')),
    inv(`import { execSync } from 'node:child_process';
    @@execSync('sleep 0.5');`, error('childProcess', "execSync('sleep 0.5')", '500 ms')),
    inv(`import * as cp from 'node:child_process';
    export function pause(seconds) { @@cp.execSync(\`sleep \${seconds}\`); }`,
      error('childProcess', 'cp.execSync(`sleep ${seconds}`)', '`seconds * 1000` ms')),
    inv(`import cp from 'child_process';
    @@cp.execSync('sleep 2s');`, error('childProcess', "cp.execSync('sleep 2s')", '2 s')),
    inv(`const { execSync } = require('child_process');
    @@execSync('sleep 1');`, error('childProcess', "execSync('sleep 1')", '1 s'), commonjs),
    inv(`const cp = require('child_process');
    @@cp.spawnSync('sleep', ['3']);`, error('childProcess', "cp.spawnSync('sleep', ['3'])", '3 s'), commonjs),
    inv(`@@require('child_process').execSync('sleep 1');`, error('childProcess', "require('child_process').execSync('sleep 1')", '1 s'), commonjs),
    inv(`import { execFileSync } from 'node:child_process';
    @@execFileSync('sleep', ['1']);`, error('childProcess', "execFileSync('sleep', ['1'])", '1 s')),
    inv(`import { execFileSync } from 'node:child_process';
    @@execFileSync('/bin/sleep', ['0.1']);`, error('childProcess', "execFileSync('/bin/sleep', ['0.1'])", '100 ms')),
    inv(`import { execSync } from 'node:child_process';
    @@execSync('timeout /t 5 /nobreak > nul');`, error('childProcess', "execSync('timeout /t 5 /nobreak > nul')", '5 s')),
    inv(`import { execSync } from 'node:child_process';
    @@execSync('timeout 2');`, error('childProcess', "execSync('timeout 2')", '2 s')),
    inv(`import { execSync } from 'node:child_process';
    @@execSync('ping -n 3 127.0.0.1 > nul');`, error('childProcess', "execSync('ping -n 3 127.0.0.1 > nul')", '2 s')),
    inv(`import { spawnSync } from 'node:child_process';
    @@spawnSync('ping', ['-c', '2', 'localhost']);`, error('childProcess', "spawnSync('ping', ['-c', '2', 'localhost'])", '1 s')),
    inv(`import { execSync as run } from 'child_process';
    @@run('sleep 1', { stdio: 'ignore' });`, error('childProcess', "run('sleep 1', { stdio: 'ignore' })", '1 s')),
    inv(`import { execSync } from 'node:child_process';
    const SLEEP = 'sleep 1';
    @@execSync(SLEEP);`, error('childProcess', 'execSync(SLEEP)', '1 s')),
    inv(`import { execSync } from 'node:child_process';
    @@execSync('sleep 1 >/dev/null 2>&1');`, error('childProcess', "execSync('sleep 1 >/dev/null 2>&1')", '1 s')),
    inv(`import { spawnSync } from 'node:child_process';
    @@spawnSync('timeout', ['/t', '3'], { shell: true });`, error('childProcess', "spawnSync('timeout', ['/t', '3'], { shell: true })", '3 s')),
    inv(`import { spawnSync } from 'node:child_process';
    @@spawnSync('sleep 1', { shell: true });`, error('childProcess', "spawnSync('sleep 1', { shell: true })", '1 s')),
    inv(`import { execSync } from 'node:child_process';
    export async function settle() { @@execSync('sleep 1'); }`, error('childProcess', "execSync('sleep 1')", '1 s')),
    inv(`var cp = require('child_process');
    function pause() { @@cp.execSync('sleep 1'); }`, error('childProcess', "cp.execSync('sleep 1')", '1 s'), script),
    inv(`import { execSync } from 'node:child_process';
    export const Reload = () => { @@execSync('sleep 1'); return <div />; };`, error('childProcess', "execSync('sleep 1')", '1 s'),
      { ...jsx, filename: 'reload.tsx' }),
    // --- the sleep packages
    inv(`import sleep from 'sleep';
    @@sleep.sleep(2);`, error('sleepPackage', 'sleep.sleep(2)', '2 s')),
    inv(`const sleep = require('sleep');
    @@sleep.msleep(100);`, error('sleepPackage', 'sleep.msleep(100)', '100 ms'), commonjs),
    inv(`const { usleep } = require('sleep');
    @@usleep(500000);`, error('sleepPackage', 'usleep(500000)', '500 ms'), commonjs),
    inv(`export function pause(ms) { @@require('sleep').msleep(ms); }`, error('sleepPackage', "require('sleep').msleep(ms)", '`ms` ms'), commonjs),
    inv(`const sleep = require('system-sleep');
    @@sleep(1000);`, error('sleepPackage', 'sleep(1000)', '1 s'), commonjs),
    inv(`import { msleep } from 'sleep';
    const POLL_MS: number = 75;
    @@msleep(POLL_MS);`, error('sleepPackage', 'msleep(POLL_MS)', '75 ms')),
    // --- deasync
    inv(`import deasync from 'deasync';
    @@deasync.sleep(100);`, error('deasyncSleep', 'deasync.sleep(100)', '100 ms')),
    inv(`import deasync from 'deasync';
    import fs from 'node:fs';
    export function waitFile(file) { while (!fs.existsSync(file)) @@deasync.runLoopOnce(); }`,
      error('deasyncLoop', 'deasync.runLoopOnce()', '0 ms')),
    inv(`import deasync from 'deasync';
    let done = false;
    export function finish() { done = true; }
    export function block() { @@deasync.loopWhile(() => !done); }`, error('deasyncLoop', 'deasync.loopWhile(() => !done)', '0 ms')),
    inv(`const { loopWhile } = require('deasync');
    @@loopWhile(() => pending > 0);`, error('deasyncLoop', 'loopWhile(() => pending > 0)', '0 ms'), commonjs),
    // --- blocking sleeps in loops that are not polling loops: still reported here
    inv(`import { execSync } from 'node:child_process';
    export function pace(items, send) { for (let i = 0; i < items.length; i++) { send(items[i]); @@execSync('sleep 1'); } }`,
      error('childProcess', "execSync('sleep 1')", '1 s')),
    inv(`const cell = ${CELL};
    export function retry(fn) {
      for (;;) { try { return fn(); } catch { @@Atomics.wait(cell, 0, 0, 100); } }
    }`, error('atomicsWait', 'Atomics.wait(cell, 0, 0, 100)', '100 ms')),
  ],
});
