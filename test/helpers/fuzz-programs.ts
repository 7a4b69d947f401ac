import fc from 'fast-check';

/**
 * fast-check arbitraries for programs that wait: loops (while / do / for / for(;;) with break, return or throw
 * exits), timers (setInterval that clears itself, setTimeout re-arm, polling helpers), every kind of sleep in the
 * vocabulary, conditions over members, closure variables, the clock and awaits, and bodies that mutate state or do
 * work; in JS and TS, ESM and CommonJS. Programs are built as text and always parse; the rules' options are drawn too.
 */

export type Language = 'js' | 'ts';
export type ModuleKind = 'esm' | 'cjs';

export interface Program {
  code: string;
  filename: string;
  language: Language;
  module: ModuleKind;
  options: Record<string, unknown>;
}

interface Env {
  language: Language;
  module: ModuleKind;
  inClass: boolean;
  /** Preamble lines, each once, in first-use order. */
  preamble: string[];
}

/** A piece of code that may need declarations at the top of the file. */
type Piece = (env: Env) => string;

const need = (env: Env, esm: string, cjs: string): void => {
  const line = env.module === 'esm' ? esm : cjs;
  if (!env.preamble.includes(line)) env.preamble.push(line);
};
const declare = (env: Env, line: string): void => {
  if (!env.preamble.includes(line)) env.preamble.push(line);
};
const ts = (env: Env, typed: string, plain = ''): string => (env.language === 'ts' ? typed : plain);

// --- delays -------------------------------------------------------------------------------------------------

const delayArb: fc.Arbitrary<Piece> = fc.oneof(
  fc.constantFrom(0, 1, 5, 10, 50, 100, 250, 500, 1000, 2000, 60_000).map((ms) => () => String(ms)),
  fc.constant(() => '1000 * 2'),
  fc.constant(() => '1_000'),
  fc.constant((env: Env) => {
    declare(env, 'const POLL_MS = 100;');
    return 'POLL_MS';
  }),
  fc.constant(() => 'Math.random() * 100'),
  fc.constant(() => '2 ** attempt * 10'),
  fc.constant(() => 'intervalMs'),
);

// --- sleeps: each returns the statement that sleeps -------------------------------------------------------

const sleepArb: fc.Arbitrary<Piece> = fc.tuple(
  fc.constantFrom(
    'promise-timer', 'promise-timer-block', 'promise-timer-global', 'promise-immediate', 'promise-nexttick', 'await-null',
    'promise-resolve', 'timers-promises', 'timers-promises-ns', 'timers-promises-settimeout', 'scheduler-wait',
    'timers-immediate', 'promisify', 'promisify-inline', 'helper-arrow', 'helper-function', 'helper-method', 'bun',
    'delay-package', 'sleep-promise', 'custom-option', 'atomics', 'exec-sync', 'spawn-sync', 'sleep-package',
    'not-a-sleep', 'typed-helper',
  ),
  delayArb,
).map(([kind, delay]) => (env: Env): string => {
  const ms = delay(env);
  if (ms === 'intervalMs') declare(env, `let intervalMs${ts(env, ': number')} = 20;`);
  if (ms.includes('attempt')) declare(env, `let attempt = 0;`);
  switch (kind) {
    case 'promise-timer':
      return `await new Promise((r) => setTimeout(r, ${ms}));`;
    case 'promise-timer-block':
      return `await new Promise${ts(env, '<void>')}((resolve) => { setTimeout(() => resolve(), ${ms}); });`;
    case 'promise-timer-global':
      return `await new Promise((r) => globalThis.setTimeout(r, ${ms}));`;
    case 'promise-immediate':
      return 'await new Promise((r) => setImmediate(r));';
    case 'promise-nexttick':
      return 'await new Promise((r) => process.nextTick(r));';
    case 'await-null':
      return 'await null;';
    case 'promise-resolve':
      return 'await Promise.resolve();';
    case 'timers-promises':
      need(env, "import { setTimeout as wait } from 'node:timers/promises';", "const { setTimeout: wait } = require('node:timers/promises');");
      return `await wait(${ms});`;
    case 'timers-promises-ns':
      need(env, "import * as timersP from 'timers/promises';", "const timersP = require('timers/promises');");
      return `await timersP.setTimeout(${ms});`;
    case 'timers-promises-settimeout':
      // Shadows the global setTimeout in this file only when nothing else uses it: use a fresh scope.
      return `await (async () => { const { setTimeout: st } = await import('node:timers/promises'); await st(${ms}); })();`;
    case 'scheduler-wait':
      need(env, "import { scheduler } from 'node:timers/promises';", "const { scheduler } = require('node:timers/promises');");
      return `await scheduler.wait(${ms});`;
    case 'timers-immediate':
      need(env, "import { setImmediate as tick } from 'node:timers/promises';", "const { setImmediate: tick } = require('node:timers/promises');");
      return 'await tick();';
    case 'promisify':
      need(env, "import { promisify } from 'node:util';", "const { promisify } = require('node:util');");
      declare(env, 'const nap = promisify(setTimeout);');
      return `await nap(${ms});`;
    case 'promisify-inline':
      need(env, "import util from 'util';", "const util = require('util');");
      return `await util.promisify(setTimeout)(${ms});`;
    case 'helper-arrow':
      declare(env, `const sleep = (ms${ts(env, ': number')}) => new Promise((resolve) => setTimeout(resolve, ms));`);
      return `await sleep(${ms});`;
    case 'helper-function':
      declare(env, `function snooze(ms${ts(env, ': number')})${ts(env, ': Promise<void>')} { return new Promise((resolve) => { setTimeout(resolve, ms); }); }`);
      return `await snooze(${ms});`;
    case 'helper-method':
      return env.inClass ? `await this.pauseFor(${ms});` : `await new Promise((r) => setTimeout(r, ${ms}));`;
    case 'typed-helper':
      declare(env, `const waitMs = async (ms${ts(env, ': number')})${ts(env, ': Promise<void>')} => { await new Promise((r) => setTimeout(r, ms)); };`);
      return `await waitMs(${ms});`;
    case 'bun':
      return `await Bun.sleep(${ms});`;
    case 'delay-package':
      need(env, "import delay from 'delay';", "const delay = require('delay');");
      return `await delay(${ms});`;
    case 'sleep-promise':
      need(env, "import sleepPromise from 'sleep-promise';", "const sleepPromise = require('sleep-promise');");
      return `await sleepPromise(${ms});`;
    case 'custom-option':
      need(env, "import { pause } from './pause.js';", "const { pause } = require('./pause');");
      return `await pause(${ms});`;
    case 'atomics':
      return `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});`;
    case 'exec-sync':
      need(env, "import { execSync } from 'node:child_process';", "const { execSync } = require('node:child_process');");
      return "execSync('sleep 1');";
    case 'spawn-sync':
      need(env, "import * as cp from 'child_process';", "const cp = require('child_process');");
      return "cp.spawnSync('sleep', ['0.5']);";
    case 'sleep-package':
      need(env, "import sleepSync from 'sleep';", "const sleepSync = require('sleep');");
      return `sleepSync.msleep(${ms});`;
    default:
      return 'await fetchStatus();';
  }
});

// --- conditions ---------------------------------------------------------------------------------------------

const producerDecl = (env: Env): string => {
  need(env, "import { KinesisProducer } from 'eslint-plugin-sleepless/producer';", "const { KinesisProducer } = require('eslint-plugin-sleepless/producer');");
  declare(env, "const producer = new KinesisProducer({ streamName: 's' });");
  return 'producer';
};

const atomArb: fc.Arbitrary<Piece> = fc.constantFrom<Piece>(
  (env) => (env.inClass ? 'this.ready' : 'ready'),
  (env) => (env.inClass ? '!this.ready' : '!ready'),
  (env) => (env.inClass ? 'this.queue.length > 0' : 'queue.length > 0'),
  (env) => (env.inClass ? 'this.queue.length' : '0 < queue.length'),
  (env) => (env.inClass ? 'this.pending.size' : 'pending.size !== 0'),
  (env) => (env.inClass ? '!this.state.done' : 'state.done === false'),
  (env) => (env.inClass ? 'this.count > 0' : 'count > 0'),
  (env) => (env.inClass ? 'this.count !== 0' : 'count !== 0'),
  () => 'done',
  () => '!done',
  () => 'Date.now() < deadline',
  () => 'performance.now() - start < timeout',
  () => 'new Date().getTime() < deadline',
  () => 'await isReady()',
  () => '!(await isReady())',
  () => '(await fetch(url)).status !== 200',
  () => 'fs.existsSync(lockFile)',
  () => 'i < 10',
  () => 'attempt < maxAttempts',
  (env) => `${producerDecl(env)}.getOutstandingRecordsCount() > 0`,
  (env) => `${producerDecl(env)}.getOutstandingRecordsCount() === 0`,
  (env) => `!${producerDecl(env)}.getOutstandingRecordsCount()`,
  (env) => `0 < ${producerDecl(env)}.getOutstandingRecordsCount()`,
  () => 'jobs.pendingCount() > 0',
  () => 'pool.pending',
  () => 'running.size > 0',
  () => 'requests.size',
  () => '!listening',
  () => 'socket.bufferedAmount > 0',
  () => 'stream.writableLength > 0',
  () => 'stream.writableNeedDrain',
  (env) => ts(env, '(queue as unknown[]).length > 0', 'queue.length > 0'),
  (env) => ts(env, 'holder!.value === undefined', 'holder.value === undefined'),
  () => 'Atomics.load(view, 0) === 0',
  () => 'workers.every((w) => w.idle) === false',
  () => '/* still */ !done',
);

const conditionArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: atomArb },
  {
    weight: 2,
    arbitrary: fc.tuple(atomArb, fc.constantFrom('&&', '||'), atomArb).map(([a, op, b]) => (env: Env) => `${a(env)} ${op} ${b(env)}`),
  },
  { weight: 1, arbitrary: atomArb.map((a) => (env: Env) => `!(${a(env)})`) },
);

// --- loop bodies ----------------------------------------------------------------------------------------

const statementArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: sleepArb },
  {
    weight: 5,
    arbitrary: fc.constantFrom<Piece>(
      (env) => (env.inClass ? 'this.count++;' : 'count++;'),
      (env) => (env.inClass ? 'this.queue.shift();' : 'queue.shift();'),
      () => 'attempt++;',
      () => 'i++;',
      () => 'doWork();',
      () => 'await doWorkAsync();',
      () => "console.log('waiting');",
      () => "logger.debug('still waiting', count);",
      (env) => `${producerDecl(env)}.flush();`,
      () => 'jobs.kick();',
      () => 'if (aborted) return;',
      () => "if (Date.now() > deadline) throw new Error('timed out');",
      () => 'if (skip) continue;',
      () => 'done = check();',
      // Declarations in a block of their own: a body may hold the same piece twice.
      () => '{ const status = await fetch(url); }',
      () => '// keep waiting',
      () => '/* tick */',
      () => ';',
      () => 'await Promise.allSettled(running);',
      () => 'for (const w of workers) w.poke();',
      () => '{ count += 1; }',
      (env) => ts(env, '{ const n: number = count; }', '{ const n = count; }'),
    ),
  },
);

const exitArb: fc.Arbitrary<string> = fc.constantFrom('break;', 'return;', 'return true;', "throw new Error('stop');", '{ break; }', '{ cleanup(); return; }');

const loopArb: fc.Arbitrary<Piece> = fc
  .tuple(
    fc.constantFrom('while', 'do', 'for', 'for-ever', 'while-true', 'for-counted', 'labelled', 'while-single'),
    conditionArb,
    fc.array(statementArb, { minLength: 0, maxLength: 4 }),
    sleepArb,
    exitArb,
    fc.boolean(),
  )
  .map(([shape, condition, body, sleep, exit, sleepFirst]) => (env: Env): string => {
    const c = condition(env);
    const s = sleep(env);
    const rest = body.map((b) => b(env));
    const stmts = (sleepFirst ? [s, ...rest] : [...rest, s]).join('\n    ');
    switch (shape) {
      case 'while':
        return `while (${c}) {\n    ${stmts}\n  }`;
      case 'while-single':
        return `while (${c}) ${s}`;
      case 'do':
        return `do {\n    ${stmts}\n  } while (${c});`;
      case 'for':
        return `for (let i = 0; ${c}; i++) {\n    ${stmts}\n  }`;
      case 'for-counted':
        return `for (let n = 50; ${c} && n > 0; --n) ${s}`;
      case 'for-ever':
        return `for (;;) {\n    if (${c}) ${exit}\n    ${stmts}\n  }`;
      case 'while-true':
        return `while (true) {\n    if (${c}) ${exit.startsWith('return') || exit.startsWith('throw') ? exit : 'break;'}\n    ${stmts}\n  }`;
      default:
        return `outer: while (${c}) {\n    ${stmts}\n    if (count > 10) break outer;\n  }`;
    }
  });

/** Loops shaped like drains the rule can rewrite: the KPL flushSync loop, drainMethods, sets of promises, flags set by events. */
const drainLoopArb: fc.Arbitrary<Piece> = fc
  .tuple(
    fc.constantFrom<Piece>(
      (env) => `${producerDecl(env)}.getOutstandingRecordsCount() > 0`,
      (env) => `${producerDecl(env)}.getOutstandingRecordsCount() !== 0`,
      (env) => `0 < ${producerDecl(env)}.getOutstandingRecordsCount()`,
      (env) => `${producerDecl(env)}.getOutstandingRecordsCount()`,
      (env) => `${producerDecl(env)}.getOutstandingRecordsCount() >= 1`,
      () => 'jobs.pendingCount() > 0',
      () => 'pool.pending',
      () => 'running.size > 0',
      () => 'requests.size',
      () => '!listening',
      () => 'stream.writableLength > 0',
      () => 'stream.writableNeedDrain',
    ),
    fc.constantFrom('while', 'while-block', 'do', 'for-ever-break', 'for-ever-return', 'while-true', 'labelled', 'deadline', 'counted'),
    fc.constantFrom('none', 'nudge', 'log', 'comment', 'work'),
    sleepArb,
  )
  .map(([condition, shape, extra, sleep]) => (env: Env): string => {
    const c = condition(env);
    const s = sleep(env);
    const object = /^(\w+)\./.exec(c.replace(/^!|^0 < /, ''))?.[1] ?? 'producer';
    const extraLine = extra === 'nudge' ? `${object}.flush();` : extra === 'log' ? "console.log('waiting');" : extra === 'comment' ? '// nothing to do but wait' : extra === 'work' ? 'doWork();' : '';
    const body = [extraLine, s].filter(Boolean).join('\n    ');
    const done = c.startsWith('!') ? c.slice(1) : `!(${c})`;
    switch (shape) {
      case 'while':
        return extraLine ? `while (${c}) {\n    ${body}\n  }` : `while (${c}) ${s}`;
      case 'while-block':
        return `while (${c}) {\n    ${body}\n  }`;
      case 'do':
        return `do {\n    ${body}\n  } while (${c});`;
      case 'for-ever-break':
        return `for (;;) {\n    if (${done}) break;\n    ${body}\n  }`;
      case 'for-ever-return':
        return `for (;;) {\n    if (${done}) return 'drained';\n    ${body}\n  }`;
      case 'while-true':
        return `while (true) {\n    if (${done}) { break; }\n    ${body}\n  }`;
      case 'labelled':
        return `drain: while (${c}) {\n    ${body}\n    if (aborted) break drain;\n  }`;
      case 'deadline':
        return `while (${c} && Date.now() < deadline) {\n    ${body}\n  }`;
      default:
        return `for (let k = 0; ${c}; k++) ${s}`;
    }
  });

/** Loops that never yield: busy-waits on the clock or on state, and time-sliced work that is not one. */
const busyLoopArb: fc.Arbitrary<Piece> = fc
  .tuple(conditionArb, fc.constantFrom('empty', 'semicolon', 'do', 'for', 'work', 'comment'))
  .map(([condition, shape]) => (env: Env): string => {
    const c = condition(env);
    switch (shape) {
      case 'empty':
        return `while (${c}) {}`;
      case 'semicolon':
        return `while (${c});`;
      case 'do':
        return `do { /* spin */ } while (${c});`;
      case 'for':
        return `for (; ${c}; ) { void 0; }`;
      case 'work':
        return `while (${c}) { doWork(); }`;
      default:
        return `while (${c}) {\n    // spin\n  }`;
    }
  });

// --- timers -------------------------------------------------------------------------------------------------

const timerArb: fc.Arbitrary<Piece> = fc
  .tuple(fc.constantFrom('interval', 'interval-window', 'rearm', 'rearm-named', 'p-wait-for', 'async-wait-until', 'wait-for-option', 'timers-module'), conditionArb, delayArb, fc.boolean())
  .map(([shape, condition, delay, extra]) => (env: Env): string => {
    const c = condition(env).replace(/\bawait\b/g, '');
    const ms = delay(env);
    if (ms === 'intervalMs') declare(env, `let intervalMs${ts(env, ': number')} = 20;`);
    if (ms.includes('attempt')) declare(env, 'let attempt = 0;');
    const work = extra ? '\n      doWork();' : '';
    return `{\n  ${timerText()}\n  }`;
    function timerText(): string {
    switch (shape) {
      case 'interval':
        return `await new Promise${ts(env, '<void>')}((resolve) => {
    const id = setInterval(() => {${work}
      if (${c}) { clearInterval(id); resolve(); }
    }, ${ms});
  });`;
      case 'interval-window':
        return `const handle = window.setInterval(function () {
    if (${c}) { window.clearInterval(handle); onReady(); }
  }, ${ms});`;
      case 'rearm':
        return `await new Promise((resolve) => {
    const check = () => { if (${c}) resolve(undefined); else setTimeout(check, ${ms}); };${work}
    check();
  });`;
      case 'rearm-named':
        return `function poll(cb${ts(env, ': () => void')}) {
    if (${c}) return cb();
    setTimeout(() => poll(cb), ${ms});
  }
  poll(onReady);`;
      case 'p-wait-for':
        need(env, "import pWaitFor from 'p-wait-for';", "const pWaitFor = require('p-wait-for');");
        return `await pWaitFor(() => ${c}${extra ? `, { interval: ${ms} }` : ''});`;
      case 'async-wait-until':
        need(env, "import waitUntil from 'async-wait-until';", "const waitUntil = require('async-wait-until');");
        return `await waitUntil(() => ${c}, 10_000, ${ms});`;
      case 'wait-for-option':
        need(env, "import { waitFor } from './wait-for.js';", "const { waitFor } = require('./wait-for');");
        return `await waitFor(() => ${c});`;
      default:
        need(env, "import * as timers from 'node:timers';", "const timers = require('node:timers');");
        return `const t = timers.setInterval(() => { if (${c}) { timers.clearInterval(t); onReady(); } }, ${ms});`;
    }
    }
  });

// --- where the wait sits --------------------------------------------------------------------------------

const placementArb = fc.constantFrom(
  (s: string) => s,
  (s: string) => `if (flag) ${s}`,
  (s: string) => `if (flag) ${s}\n  else other();`,
  (s: string) => `if (flag) other();\n  else ${s}`,
  (s: string) => `try {\n  ${s}\n  } finally {\n    cleanup();\n  }`,
  (s: string) => `switch (mode) {\n    case 1:\n      ${s}\n      break;\n    default:\n  }`,
  (s: string) => `label: {\n  ${s}\n  }`,
  (s: string) => `{\n  // before\n  ${s} // after\n  }`,
);

const optionsArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    sleepFunctions: fc.constantFrom<unknown[]>(['pause'], [{ from: './pause.js', name: 'pause' }], ['utils.pause'], []),
    reportWorkLoops: fc.boolean(),
    pollingFunctions: fc.constantFrom<unknown[]>(['waitFor'], [{ from: './wait-for.js', name: 'waitFor' }], []),
    drainMethods: fc.constantFrom<unknown[]>([{ poll: 'pendingCount', await: 'drain' }], [{ poll: 'pending', await: 'onIdle' }], []),
  },
  { requiredKeys: [] },
);

/** Module-level state every program may read; declared once so that every name resolves. */
function stateDeclarations(env: Env): string[] {
  const t = (typed: string, plain = '') => ts(env, typed, plain);
  const lines = [
    `let ready = false, done = false, count = 0, flag = true, aborted = false, skip = false, listening = false, mode = 1;`,
    `const queue${t(': number[]')} = [];`,
    `const pending = new Set${t('<number>')}();`,
    `const state = { done: false };`,
    `const running = new Set${t('<Promise<unknown>>')}();`,
    `const requests = new Map${t('<string, Promise<unknown>>')}();`,
    `const holder${t(': { value?: number } | undefined')} = { value: undefined };`,
    `const view = new Int32Array(new SharedArrayBuffer(4));`,
    `const workers${t(': { idle: boolean; poke(): void }[]')} = [];`,
    `let deadline = Date.now() + 1000, start = performance.now(), timeout = 500, i = 0, maxAttempts = 5;`,
    `const url = 'http://127.0.0.1/health', lockFile = '/tmp/lock';`,
    `const jobs${t(': any')} = globalThis.jobs, pool${t(': any')} = globalThis.pool, socket${t(': any')} = globalThis.socket, stream${t(': any')} = globalThis.stream, logger = console;`,
    `const server = makeServer();`,
    `server.on('listening', () => { listening = true; });`,
    `export function track(job${t(': () => Promise<unknown>')}) { const task = job().finally(() => running.delete(task)); running.add(task); }`,
  ];
  if (env.module === 'cjs') lines[lines.length - 1] = lines[lines.length - 1]!.replace(/^export /, '');
  return lines;
}

/** A whole program: preamble, state, and one or two waits inside an async function or class method. */
export const programArb: fc.Arbitrary<Program> = fc
  .record({
    language: fc.constantFrom<Language>('js', 'ts'),
    module: fc.constantFrom<ModuleKind>('esm', 'cjs'),
    inClass: fc.boolean(),
    waits: fc.array(fc.oneof({ weight: 3, arbitrary: loopArb }, { weight: 3, arbitrary: drainLoopArb }, { weight: 1, arbitrary: busyLoopArb }, { weight: 2, arbitrary: timerArb }), { minLength: 1, maxLength: 2 }),
    placement: placementArb,
    options: optionsArb,
    useStrict: fc.boolean(),
    importOnce: fc.constantFrom('none', 'import', 'shadow'),
    fsImport: fc.boolean(),
  })
  .map(({ language, module, inClass, waits, placement, options, useStrict, importOnce, fsImport }) => {
    const env: Env = { language, module, inClass, preamble: [] };
    const body = waits.map((w, index) => (index === 0 ? placement(w(env)) : w(env))).join('\n  ');
    if (fsImport) need(env, "import fs from 'node:fs';", "const fs = require('node:fs');");
    else declare(env, 'const fs = { existsSync: (p) => p.length > 0 };'.replace('(p)', ts(env, '(p: string)', '(p)')));
    if (importOnce === 'import') need(env, "import { once } from 'node:events';", "const { once } = require('node:events');");
    if (importOnce === 'shadow') declare(env, 'const once = (f) => f;'.replace('(f)', ts(env, '(f: unknown)', '(f)')));
    const fnHeader = language === 'ts' ? 'async wait(this: unknown): Promise<unknown>' : 'async wait()';
    let container: string;
    if (inClass) {
      const fields =
        language === 'ts'
          ? 'private ready = false;\n  queue: number[] = [];\n  pending = new Set<number>();\n  state = { done: false };\n  count = 0;\n  pauseFor(ms: number) { return new Promise((r) => setTimeout(r, ms)); }'
          : 'ready = false;\n  queue = [];\n  pending = new Set();\n  state = { done: false };\n  count = 0;\n  pauseFor(ms) { return new Promise((r) => setTimeout(r, ms)); }';
      container = `${module === 'esm' ? 'export ' : ''}class Waiter {\n  ${fields}\n  ${fnHeader.replace('this: unknown', '')} {\n  ${body}\n  }\n}`;
    } else {
      container = `${module === 'esm' ? 'export ' : ''}async function run${language === 'ts' ? '(): Promise<unknown>' : '()'} {\n  ${body}\n}`;
    }
    if (module === 'cjs') container += `\nmodule.exports = { ${inClass ? 'Waiter' : 'run'} };`;
    const code = [useStrict && module === 'cjs' ? "'use strict';" : '', ...env.preamble.filter((l) => l.startsWith('import ') || l.includes('require(')), ...stateDeclarations(env), ...env.preamble.filter((l) => !l.startsWith('import ') && !l.includes('require(')), container]
      .filter(Boolean)
      .join('\n');
    const ext = language === 'ts' ? (module === 'cjs' ? 'cts' : 'ts') : module === 'cjs' ? 'cjs' : 'mjs';
    return { code: `${code}\n`, filename: `program.${ext}`, language, module, options };
  });
