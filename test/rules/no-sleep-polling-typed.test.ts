import { join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import rule, { type MessageIds, type Options } from '../../src/rules/no-sleep-polling.js';
import { at } from './cases.js';

/** Type-aware mode: a fixture project (test/fixtures/typed) read through the TypeScript project service. */
const ruleTester = new RuleTester({
  languageOptions: {
    parserOptions: { projectService: true, tsconfigRootDir: join(import.meta.dirname, '..', 'fixtures', 'typed') },
  },
});

const polled = (condition: string, interval: string) => ({ messageId: 'polled' as const, data: { condition, interval, awaited: '' } });
const inv = (code: string, error: { messageId: MessageIds; data: Record<string, string> }, rest = {}) => at<MessageIds, Options>(code, error, rest);

ruleTester.run('no-sleep-polling with types', rule, {
  valid: [
    // `wait` is named like a sleep, but its declaration fetches: with types it is not a sleep.
    `import { wait } from './helpers.js';
    export class C { ready = false; async go() { while (!this.ready) await wait(100); } }`,
    // `isReady()` returns a promise: the loop does not poll synchronous state (and the test is always truthy).
    `import { Client, sleep } from './helpers.js';
    export async function go(client: Client) { while (!client.isReady()) await sleep(10); }`,
  ],
  invalid: [
    // A helper re-exported under another name, followed to its declaration.
    inv(`import { hold } from './reexport.js';
    export async function go(s: { ready: boolean }) { @@while (!s.ready) await hold(100); }`, polled('!s.ready', '100 ms')),
    // A helper with its own delay and no argument: only its declaration tells.
    inv(`import { nap } from './helpers.js';
    export async function go(s: { ready: boolean }) { @@while (!s.ready) await nap(); }`, polled('!s.ready', '40 ms')),
    // A promise-returning member of the polled object's type is named, and offered as a suggestion.
    inv(`import { Pool, sleep } from './helpers.js';
    export async function go(pool: Pool) {
      @@while (pool.active > 0) await sleep(10);
    }`, { messageId: 'polledAwait', data: { condition: 'pool.active > 0', interval: '10 ms', awaited: 'pool.onIdle()' } }, {
      errors: undefined,
    }),
    // This package's producer, known from its type alone: fixed to `await p.flush()`, without the import of `sleep`.
    inv(`import { makeProducer, sleep } from './helpers.js';
    const p = makeProducer();
    export async function flushSync() {
      @@while (p.getOutstandingRecordsCount() > 0) { p.flush(); await sleep(500); }
    }`, { messageId: 'polledAwait', data: { condition: 'p.getOutstandingRecordsCount() > 0', interval: '500 ms', awaited: 'p.flush()' } }, {
      output: `import { makeProducer } from './helpers.js';
    const p = makeProducer();
    export async function flushSync() {
      await p.flush();
    }`,
    }),
  ].map((c) => {
    // The member-hint case carries its suggestion.
    if (!c.code.includes('Pool')) return c;
    const [e] = c.errors;
    return {
      ...c,
      errors: [{ ...e!, suggestions: [{ messageId: 'replaceLoop' as const, data: { awaited: 'pool.onIdle()' }, output: c.code.replace('while (pool.active > 0) await sleep(10);', 'await pool.onIdle();').replace('{ Pool, sleep }', '{ Pool }') }] }],
    };
  }),
});
