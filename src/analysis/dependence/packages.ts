/**
 * A polling helper of an npm package: a function that calls a predicate at a fixed interval until it holds.
 * Given a predicate over in-process state, a call of one is a sleep-poll like a hand-written loop.
 */
export interface PollingPackage {
  /**
   * The exports that poll: `default` for the default export (or CommonJS `module.exports` itself); with
   * `member`, the methods of that export (`vi.waitFor`). Each is `default` or a name that says it polls
   * (`POLLISH_NAME` in shapes/helper-call.ts): a method call under any other name is ruled out before any lookup.
   */
  readonly exports: ReadonlySet<string>;
  /** The argument that is the predicate. */
  readonly predicateIndex: number;
  /** Keys of an options-object argument that set the interval (ms). */
  readonly intervalKeys: readonly string[];
  /** The argument that is the interval (ms) when it is passed positionally. */
  readonly positional?: number;
  /** The interval when the call does not set one, in ms (0 where the interval is a required argument). */
  readonly defaultMs: number;
  /** The helper awaits what the predicate returns (a promise-returning predicate waits for its answer). */
  readonly awaitsPredicate: boolean;
  /** The export, an object, whose methods named in `exports` poll: `vi` of `vitest`. */
  readonly member?: string;
}

/*
 * Each entry was read from the package's published code (npm pack <name>, the version named), not from its
 * README alone; the README is named where it documents the option.
 */
export const POLLING_PACKAGES: ReadonlyMap<string, PollingPackage> = new Map<string, PollingPackage>([
  // p-wait-for 6.0.0, index.js: `export default async function pWaitFor(condition, options = {})`,
  // `const { interval = 20, … } = options`, `const value = await condition()`. (3.x, CommonJS: the same.)
  ['p-wait-for', { exports: new Set(['default']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 20, awaitsPredicate: true }],
  // async-wait-until 2.0.31, dist/index.js: `waitUntil(predicate, options | timeout, interval)`, exported as
  // `default` and `waitUntil`; `intervalBetweenAttempts` (or the third argument) defaults to
  // DEFAULT_INTERVAL_BETWEEN_ATTEMPTS_IN_MS = 50; `const t = yield e()` awaits the predicate.
  ['async-wait-until', { exports: new Set(['default', 'waitUntil']), predicateIndex: 0, intervalKeys: ['intervalBetweenAttempts'], positional: 2, defaultMs: 50, awaitsPredicate: true }],
  // wait-for-expect 4.0.0, lib/index.js: `waitForExpect(expectation, timeout = 4500, interval = 50)`,
  // `module.exports = exports.default`; `Promise.resolve(expectation()).then(resolve).catch(rerun)`.
  ['wait-for-expect', { exports: new Set(['default']), predicateIndex: 0, intervalKeys: [], positional: 2, defaultMs: 50, awaitsPredicate: true }],
  // @sadams/wait-for-expect 1.2.0, lib/index.js: the same code as wait-for-expect (a fork).
  ['@sadams/wait-for-expect', { exports: new Set(['default']), predicateIndex: 0, intervalKeys: [], positional: 2, defaultMs: 50, awaitsPredicate: true }],
  // jest-time-helpers 1.1.0, dist/index.js: `async function sleepUntil(condition, maxDuration = 2000,
  // pollInterval = 2)`, `if (condition()) return;` between `await sleep(pollInterval)`: a synchronous predicate.
  ['jest-time-helpers', { exports: new Set(['sleepUntil']), predicateIndex: 0, intervalKeys: [], positional: 2, defaultMs: 2, awaitsPredicate: false }],
  // poll-until-promise 4.2.0, src/poll-until-promise.ts: `waitFor(fn, options) => new PollUntil(options).execute(fn)`,
  // `constructor({ interval = 100, … })`; `execute` wraps fn in `async () => await fn()`.
  ['poll-until-promise', { exports: new Set(['waitFor']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 100, awaitsPredicate: true }],
  // @open-wc/testing-helpers 3.0.1, src/helpers.js: `waitUntil(predicate, message, options = {})`,
  // `const { interval = 50, timeout = 1000 } = options`, `if (await predicate())`.
  ['@open-wc/testing-helpers', { exports: new Set(['waitUntil']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 50, awaitsPredicate: true }],
  // @open-wc/testing 5.0.0, index.d.ts: `export { waitUntil } from '@open-wc/testing-helpers'` (what tests import).
  ['@open-wc/testing', { exports: new Set(['waitUntil']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 50, awaitsPredicate: true }],
  // vitest 4.1.12, dist/chunks/test.*.js: `waitFor(callback, options = {})` and `waitUntil(callback, options = {})`,
  // methods of the exported `vi`; `const { interval = 50, timeout = 1e3 } = typeof options === "number" ?
  // { timeout: options } : options` (a number is the timeout, never the interval); a thenable result is awaited.
  ['vitest', { exports: new Set(['waitFor', 'waitUntil']), member: 'vi', predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 50, awaitsPredicate: true }],
  // webdriverio 9, packages/webdriverio/src/commands/browser/waitUntil.ts: `waitUntil(condition, { timeout, interval =
  // this.options.waitforInterval })`, a method of the `browser` object (a global of the test runner, or imported from
  // `@wdio/globals`); wdio-config's defaults set `waitforInterval: 100`; the condition's result is awaited (a Timer).
  ['webdriverio', { exports: new Set(['waitUntil']), member: 'browser', predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 100, awaitsPredicate: true }],
  ['@wdio/globals', { exports: new Set(['waitUntil']), member: 'browser', predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 100, awaitsPredicate: true }],
  // wait-until-promise 1.0.0, index.js: `exports.default = function (escapeFunction, maxWait = 50, checkDelay = 1)`,
  // `setInterval(() => { const res = escapeFunction(); if (res) resolve(res) }, checkDelay)`: synchronous.
  ['wait-until-promise', { exports: new Set(['default']), predicateIndex: 0, intervalKeys: [], positional: 2, defaultMs: 1, awaitsPredicate: false }],
  // sleep-await 1.0.3, dist/wait-until.js: `waitUntil(predicate, options = {})`, `const { interval = 50, … }`,
  // `if (yield predicate()) return;`.
  ['sleep-await', { exports: new Set(['waitUntil']), predicateIndex: 0, intervalKeys: ['interval'], defaultMs: 50, awaitsPredicate: true }],
  // wait-until 0.0.2, index.js: `module.exports = function waitUntil(interval, times, condition, cb)`;
  // `setTimeout(() => gotConditionResult(self._condition()), self._interval)`: synchronous (or node-style
  // `condition(cb)`). The interval is a required first argument; the chained form `waitUntil().interval(…)
  // .condition(…)` passes no predicate argument and is not matched, so `defaultMs` is never used.
  ['wait-until', { exports: new Set(['default']), predicateIndex: 2, intervalKeys: [], positional: 0, defaultMs: 0, awaitsPredicate: false }],
  // @cs125/wait-until 0.0.3, index.js: the same code as wait-until (a fork).
  ['@cs125/wait-until', { exports: new Set(['default']), predicateIndex: 2, intervalKeys: [], positional: 0, defaultMs: 0, awaitsPredicate: false }],
]);

const escaped = [...POLLING_PACKAGES.keys()].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
/** A polling package's name in quotes (an import or `require` of it), global: every mention, in one pass. */
export const POLLING_PACKAGE_MENTION = new RegExp(`['"\`](?:${escaped})['"\`]`, 'g');

/**
 * Packages looked at and left out on purpose, with the reason: calls of these are not judged as polling helpers
 * (a user who wants one judged declares it with the `pollingFunctions` option).
 */
export const NOT_POLLING_PACKAGES: ReadonlyMap<string, string> = new Map([
  // @testing-library/dom 10.4.2, dist/wait-for.js: `waitFor(callback, { interval = 50, mutationObserverOptions, … })`
  // also runs the callback on every mutation of `container` (`new MutationObserver(checkRealTimersCallback)`).
  // For the DOM it is made for it does not wait out an interval; over other state (a mock's calls) it does, but it
  // is the library's documented idiom, the replacement (`findBy*`, the promise `act()` wraps) depends on the test,
  // and a report on every `waitFor` of a React test suite is noise a CI linter cannot afford.
  ['@testing-library/dom', 'waitFor re-checks on DOM mutations (MutationObserver), not only every 50 ms'],
  ['@testing-library/react', 'waitFor is @testing-library/dom\'s (re-exported)'],
  ['@testing-library/vue', 'waitFor is @testing-library/dom\'s (re-exported)'],
  ['@testing-library/svelte', 'waitFor is @testing-library/dom\'s (re-exported)'],
  ['@testing-library/angular', 'waitFor is @testing-library/dom\'s (re-exported)'],
  ['@testing-library/preact', 'waitFor is @testing-library/dom\'s (re-exported)'],
  // poll 3.2.2, dist/poll.js: `poll(fn, delay, shouldStop)` runs `fn` every `delay` until `shouldStop()`: a periodic
  // worker whose predicate only cancels it, which must stay silent.
  ['poll', 'a periodic task runner: its predicate cancels the work, it is not what is waited for'],
  // wait-on 9.x: files, ports, sockets and HTTP resources: remote state by definition.
  ['wait-on', 'waits for files, ports and HTTP resources: remote state'],
  // promise-poller 1.9.1: `promisePoller({ taskFn, interval, retries })` polls a promise-returning task (remote work);
  // its task is an option, not an argument.
  ['promise-poller', 'polls a promise-returning task (remote work), given as an option'],
  // wait-for-async 0.8.1, dist/index.mjs: `waitFor({ interval = 100, condition, times })`: the predicate is an
  // option, not an argument, which this table cannot describe.
  ['wait-for-async', 'the predicate is the `condition` option, not an argument'],
  // cypress-wait-until: `cy.waitUntil(…)` polls the application from the test runner, like a driven browser.
  ['cypress-wait-until', 'a Cypress command: the page is driven from outside, remote state'],
  // waitfor 0.1.3, waitfor.js: serial/parallel flow control, no polling.
  ['waitfor', 'flow control (serial/parallel callbacks), not a poll'],
]);
