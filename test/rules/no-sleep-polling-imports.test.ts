import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { Linter, type Rule } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { getFileContext } from '../../src/analysis/context.js';
import { moduleParseCount } from '../../src/analysis/dependence/modules.js';
import { describeSleep } from '../../src/analysis/sleep.js';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at, valid } from './cases.js';

/**
 * Sleep helpers imported from relative modules, read from their own files (real files in a temporary directory;
 * each case is linted as `<dir>/src/main.ts` through RuleTester's `filename`).
 */
const root = mkdtempSync(join(tmpdir(), 'sleepless-imports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  'src/util.ts': [
    'export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));',
    // Named like nothing in particular: only its body says it sleeps.
    'export function settle(ms: number): Promise<void> { return new Promise((r) => setTimeout(() => r(), ms)); }',
    'export const nap = (ms = 75) => new Promise((r) => setTimeout(r, ms));',
    'const TICK_MS = 30;',
    'export const tick = () => new Promise((r) => setTimeout(r, TICK_MS));',
    'export const seconds = (s: number) => pause(s * 1000);',
    'export function yieldTurn() { return new Promise((r) => setImmediate(r)); }',
    'export const nextTick = () => new Promise((r) => process.nextTick(r));',
    'export const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));',
    'export default function snooze(ms: number) { return new Promise((r) => setTimeout(r, ms)); }',
  ].join('\n'),
  'src/api.ts': [
    // Named like sleeps, but they ask a server.
    "export async function wait(ms: number) { return fetch('http://localhost/wait?ms=' + ms); }",
    "export const delay = (ms: number) => fetch('http://localhost/delay/' + ms).then((r) => r.json());",
  ].join('\n'),
  'src/logged.ts': [
    'export async function sleep(ms: number) {',
    "  console.log('sleeping', ms);",
    '  await new Promise((r) => setTimeout(r, ms));',
    '}',
  ].join('\n'),
  'src/helpers/index.ts': "export * from '../util.js';\nexport { pause as hold } from '../util.js';",
  'src/legacy.js': [
    'function sleepFor(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }',
    'module.exports = { sleepFor, other: () => 1 };',
  ].join('\n'),
  'src/legacy-default.cjs': 'module.exports = (ms) => new Promise((r) => setTimeout(r, ms));',
  // Sleeps that are not functions of the file: a promisified timer, a package's sleep re-exported.
  'src/timers.ts': [
    "import { promisify } from 'node:util';",
    'export const later = promisify(setTimeout);',
    "export { setTimeout as holdOn } from 'node:timers/promises';",
    "export { default as linger } from 'delay';",
  ].join('\n'),
  'src/linger.cjs': "module.exports = require('delay');",
  // Names no timer: a call of its function is no sleep, known without parsing the file.
  'src/store.ts': 'export async function save(item: unknown) { return JSON.stringify(item); }',
  'src/broken.ts': 'export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)',
};
for (const [name, text] of Object.entries(files)) {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
const filename = join(root, 'src', 'main.ts');
/** A file in a directory where none of the imported modules exist. */
const elsewhere = join(root, 'empty', 'main.ts');

const ruleTester = new RuleTester();

const polled = (condition: string, interval: string) => ({ messageId: 'polled' as const, data: { condition, interval } });
const spins = (condition: string) => ({ messageId: 'polledZero' as const, data: { condition } });
type Case = ReturnType<typeof at<MessageIds, Options>>;
const inv = (code: string, error: { messageId: MessageIds; data: Record<string, string> }, rest: Partial<Case> = {}) =>
  at<MessageIds, Options>(code, error, { filename, ...rest });

ruleTester.run('no-sleep-polling: sleep helpers of relative imports', rule, {
  valid: [
    // ... but only with a synchronous predicate, and not for a package's helper we do not know
    valid(`import { sleepUntil } from './helpers/missing.js';
    export class Events { async completed(api: { count(): Promise<number> }) { await sleepUntil(async () => (await api.count()) > 0); } }`, { filename: elsewhere }),
    valid(`import { waitFor } from '@testing-library/react';
    export class Events { count = 0; async completed() { await waitFor(() => this.count === 1); } }`, { filename: elsewhere }),
    // Named like sleeps, but their bodies do I/O: not sleeps, so nothing is polled with a sleep.
    valid(`import { wait } from './api';
    export class C { ready = false; async go() { while (!this.ready) await wait(100); } }`, { filename }),
    valid(`import { delay } from './api.js';
    export class C { ready = false; async go() { while (!this.ready) await delay(100); } }`, { filename }),
    valid(`import * as api from './api';
    export class C { ready = false; async go() { while (!this.ready) await api.wait(100); } }`, { filename }),
  ],
  invalid: [
    // A polling helper of a project module that cannot be read is taken at its name, at an unknown interval.
    inv(`import { sleepUntil } from './helpers/missing.js';
    export class Events { count = 0; async completed(n: number) { await @@sleepUntil(() => this.count === n); } }`,
      { messageId: 'helperPolledDefault', data: { condition: 'this.count === n', helper: 'sleepUntil()' } }, { filename: elsewhere }),
    // --- judged by the helper's own body, its delay bound from this call's arguments
    inv(`import { pause } from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await pause(100); } }`, polled('!this.ready', '100 ms')),
    inv(`import { pause } from './util.js';
    const POLL_MS = 250;
    export class C { ready = false; async go() { @@while (!this.ready) await pause(POLL_MS); } }`, polled('!this.ready', '250 ms')),
    inv(`import { settle } from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await settle(40); } }`, polled('!this.ready', '40 ms')),
    // A default parameter and a constant of the helper's own file.
    inv(`import { nap } from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await nap(); } }`, polled('!this.ready', '75 ms')),
    inv(`import { tick } from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await tick(); } }`, polled('!this.ready', '30 ms')),
    // A helper of the helper's file, its argument computed from the caller's.
    inv(`import { seconds } from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await seconds(2); } }`, polled('!this.ready', '2 s')),
    inv(`import snooze from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await snooze(20); } }`, polled('!this.ready', '20 ms')),
    inv(`import * as util from './util';
    export class C { ready = false; async go() { @@while (!this.ready) await util.pause(60); } }`, polled('!this.ready', '60 ms')),
    // --- through an index file and its re-exports
    inv(`import { pause, hold } from './helpers';
    export class C { ready = false; async go() { @@while (!this.ready) { await pause(10); await hold(10); } } }`, polled('!this.ready', '10 ms')),
    inv(`import { hold } from './helpers/index.js';
    export class C { ready = false; async go() { @@while (!this.ready) await hold(15); } }`, polled('!this.ready', '15 ms')),
    // --- CommonJS
    inv(`const { sleepFor } = require('./legacy');
    module.exports = async function go(s) { @@while (!s.ready) await sleepFor(35); };`, polled('!s.ready', '35 ms'), { filename: join(root, 'src', 'main.js') }),
    inv(`const legacy = require('./legacy.js');
    module.exports = async function go(s) { @@while (!s.ready) await legacy.sleepFor(45); };`, polled('!s.ready', '45 ms'), { filename: join(root, 'src', 'main.js') }),
    inv(`const hush = require('./legacy-default.cjs');
    module.exports = async function go(s) { @@while (!s.ready) await hush(55); };`, polled('!s.ready', '55 ms'), { filename: join(root, 'src', 'main.js') }),
    // --- sleeps that are not functions of the helper's file
    inv(`import { later } from './timers';
    export class C { ready = false; async go() { @@while (!this.ready) await later(70); } }`, polled('!this.ready', '70 ms')),
    inv(`import { holdOn } from './timers.js';
    export class C { ready = false; async go() { @@while (!this.ready) await holdOn(90); } }`, polled('!this.ready', '90 ms')),
    inv(`import { linger } from './timers';
    export class C { ready = false; async go() { @@while (!this.ready) await linger(65); } }`, polled('!this.ready', '65 ms')),
    inv(`const linger = require('./linger.cjs');
    module.exports = async function go(s) { @@while (!s.ready) await linger(45); };`, polled('!s.ready', '45 ms'), { filename: join(root, 'src', 'main.js') }),
    // --- zero-delay yields: setImmediate, process.nextTick, queueMicrotask
    inv(`import { yieldTurn } from './util';
    export async function drained(q: { size: number }) { @@while (q.size > 0) await yieldTurn(); }`, spins('q.size > 0')),
    inv(`import { nextTick } from './util';
    export async function drained(q: { size: number }) { @@while (q.size > 0) await nextTick(); }`, spins('q.size > 0')),
    inv(`import { microtask } from './util';
    export async function drained(q: { size: number }) { @@while (q.size > 0) await microtask(); }`, spins('q.size > 0')),
    inv(`const wait = () => new Promise((r) => process.nextTick(r));
    export async function drained(q) { @@while (q.size > 0) await wait(); }`, spins('q.size > 0')),
    inv(`const wait = () => new Promise((resolve) => { setImmediate(resolve); });
    export async function drained(q) { @@while (q.size > 0) await wait(); }`, spins('q.size > 0')),
    inv(`function wait() { return new Promise((resolve) => queueMicrotask(() => resolve())); }
    export async function drained(q) { @@while (q.size > 0) await wait(); }`, spins('q.size > 0')),
    // --- what the file cannot tell, the name still does
    // The same I/O helpers, where the file that would prove them I/O does not exist: judged by their names.
    inv(`import { wait } from './api';
    export class C { ready = false; async go() { @@while (!this.ready) await wait(100); } }`, polled('!this.ready', '100 ms'), { filename: elsewhere }),
    // A file that does not parse is unknown, never a crash.
    inv(`import { sleep } from './broken';
    export class C { ready = false; async go() { @@while (!this.ready) await sleep(100); } }`, polled('!this.ready', '100 ms')),
    // A helper that sleeps after other statements keeps its name's judgement.
    inv(`import { sleep } from './logged';
    export class C { ready = false; async go() { @@while (!this.ready) await sleep(80); } }`, polled('!this.ready', '80 ms')),
    // The \`sleepFunctions\` option still declares a sleep, whatever the relative file holds.
    inv(`import { wait } from './api';
    export class C { ready = false; async go() { @@while (!this.ready) await wait(100); } }`, polled('!this.ready', '100 ms'), {
      options: [{ sleepFunctions: ['wait'] }],
    }),
  ],
});

describe('sleep recognition parses a relative module only when it may hold a sleep', () => {
  /** What describeSleep says of each awaited expression of `code`, linted as `<dir>/src/other.ts`. */
  const sleeps = (code: string) => {
    const found: (string | null)[] = [];
    const probe: Rule.RuleModule = {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const ctx = getFileContext(context.sourceCode as never, {}, context.physicalFilename);
        return { AwaitExpression(node) { const sleep = describeSleep(node.argument as never, ctx); found.push(sleep && `${sleep.via} ${sleep.delay.value}`); } };
      },
    };
    const linter = new Linter({ cwd: root });
    const messages = linter.verify(code, [{
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser },
      plugins: { test: { rules: { probe } } },
      rules: { 'test/probe': 'error' },
    }], { filename: join(root, 'src', 'other.ts') });
    expect(messages).toEqual([]);
    return found;
  };

  it('a file that names no timer is read, not parsed, for a call whose name says nothing', () => {
    const before = moduleParseCount();
    expect(sleeps(`import { save } from './store'; export async function run(i: string) { await save(i); }`)).toEqual([null]);
    expect(moduleParseCount()).toBe(before);
  });

  it('a file that names a timer is parsed once to judge its helpers', () => {
    expect(sleeps(`import { settle } from './util'; export async function run() { await settle(5); }`)).toEqual(['settle() 5']);
    const after = moduleParseCount();
    expect(sleeps(`import { settle, tick } from './util'; export async function run() { await settle(6); await tick(); }`)).toEqual(['settle() 6', 'tick() 30']);
    expect(moduleParseCount()).toBe(after);
  });
});
