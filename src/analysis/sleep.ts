import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { calleeName, isFunction, pathOf, pushChildren, staticPropertyName, unwrap, type FunctionNode, type Node } from './ast.js';
import type { FileContext } from './context.js';
import { callerView, exportedBinding, isLocalModule, moduleContext, moduleText } from './dependence/modules.js';
import { describeDelay, EMPTY_ENV, evaluateNumber, type Delay, type Environment } from './evaluate.js';
import { isGlobalAt, resolveId, type Binding } from './scope.js';
import { typedHelperDelay } from './typed-sleep.js';

/** A sleep: an operation whose only effect is that time passes. */
export interface SleepCall {
  /** The expression that sleeps (the awaited call or `new Promise`). */
  node: Node;
  delay: Delay;
  /** A zero-delay yield (`setImmediate`, `setTimeout(r, 0)`, `process.nextTick`, `await null`). */
  zero: boolean;
  /** Stops the whole thread (`Atomics.wait`, `execSync('sleep 1')`). */
  blocking: boolean;
  /** How it was recognised, for messages and debugging: `setTimeout promise`, `helper sleep()`, … */
  via: string;
}

const TIMERS_PROMISES = new Set(['timers/promises', 'node:timers/promises']);
const TIMERS = new Set(['timers', 'node:timers']);
const UTIL = new Set(['util', 'node:util']);
/** Packages whose export (default or CommonJS) is `(ms) => Promise<void>`. */
const SLEEP_PACKAGES = new Set(['delay', 'sleep-promise', 'p-sleep', 'await-sleep', 'timeout-as-promise', 'sleep-async']);
const GLOBAL_OBJECTS = /^(globalThis|global|window|self)\./;

/** Names a sleep helper imported from elsewhere commonly has; matched only with a duration-like argument. */
const SLEEP_NAME =
  /^(sleep|delay|wait|pause|snooze|nap|waitForTimeout|timeout)(Ms|Millis|Milliseconds|Seconds|Secs|Async|Promise|For)?$/i;
const SECONDS_NAME = /(Seconds|Secs)$/i;
const DURATION_NAME = /ms$|millis|interval|delay|timeout|time$|period|duration|wait|sleep|poll|tick|backoff|sec(ond)?s?$|^ms|_MS$|MS$/i;

/** Timer functions that call back after a delay (index of the delay argument) or on the next turn (null). */
const CALLBACK_TIMERS: ReadonlyMap<string, number | null> = new Map([
  ['setTimeout', 1],
  ['setImmediate', null],
  ['process.nextTick', null],
  ['queueMicrotask', null],
]);

function zeroDelay(): Delay {
  return { value: 0, text: null, nodes: [] };
}

/** Describes `expr` as a sleep, or null. `expr` is what is awaited (or, for blocking sleeps, called). */
export function describeSleep(expr: Node, ctx: FileContext, env: Environment = EMPTY_ENV, depth = 0): SleepCall | null {
  if (depth > 6) return null;
  const node = unwrap(expr);
  if (env === EMPTY_ENV) {
    if (ctx.memo.has(node)) return ctx.memo.get(node) as SleepCall | null;
    const result = describeSleepUncached(node, ctx, env, depth);
    ctx.memo.set(node, result);
    return result;
  }
  return describeSleepUncached(node, ctx, env, depth);
}

function describeSleepUncached(node: Node, ctx: FileContext, env: Environment, depth: number): SleepCall | null {
  switch (node.type) {
    case T.NewExpression:
      return describePromiseTimer(node, ctx, env);
    case T.CallExpression:
      return describeSleepCall(node, ctx, env, depth);
    case T.Literal:
      // `await null`, `await 0`: a microtask turn, nothing else.
      return node.value === null || typeof node.value === 'number' ? microtask(node) : null;
    case T.Identifier:
      return node.name === 'undefined' && isGlobalAt(node, 'undefined', ctx) ? microtask(node) : null;
    default:
      return null;
  }
}

function microtask(node: Node): SleepCall {
  return { node, delay: zeroDelay(), zero: true, blocking: false, via: 'microtask' };
}

function sleepOf(node: Node, delayNode: Node | null, ctx: FileContext, env: Environment, via: string, zero = false): SleepCall {
  const delay = zero ? zeroDelay() : describeDelay(delayNode, env, ctx.getScope, ctx.text);
  return { node, delay, zero: zero || delay.value === 0, blocking: false, via };
}

/** `new Promise(r => setTimeout(r, ms))` and its variants. */
function describePromiseTimer(node: TSESTree.NewExpression, ctx: FileContext, env: Environment): SleepCall | null {
  if (node.callee.type !== T.Identifier || node.callee.name !== 'Promise') return null;
  const executor = node.arguments[0] && unwrap(node.arguments[0]);
  // `new Promise(setImmediate)`, `new Promise(process.nextTick)`: the timer itself calls `resolve` on the next turn.
  const bare = executor && pathOf(executor)?.replace(GLOBAL_OBJECTS, '');
  if (bare && CALLBACK_TIMERS.has(bare) && CALLBACK_TIMERS.get(bare) === null && isGlobalAt(node, bare.split('.')[0]!, ctx)) {
    return sleepOf(node, null, ctx, env, `${bare} promise`, true);
  }
  if (!isFunction(executor)) return null;
  const resolve = executor.params[0];
  if (!resolve || resolve.type !== T.Identifier) return null;
  const call = singleExpression(executor);
  if (!call || call.type !== T.CallExpression) return null;
  const timerPath = pathOf(call.callee)?.replace(GLOBAL_OBJECTS, '');
  if (!timerPath || !CALLBACK_TIMERS.has(timerPath)) return null;
  const rootName = timerPath.split('.')[0]!;
  if (!isGlobalAt(call, rootName, ctx) && !isProcessModule(call, rootName, ctx)) return null;
  const callback = call.arguments[0];
  if (!callback || !callsOnly(callback, resolve.name)) return null;
  const delayIndex = CALLBACK_TIMERS.get(timerPath);
  if (delayIndex === null || delayIndex === undefined) {
    return sleepOf(node, null, ctx, env, `${timerPath} promise`, true);
  }
  const delayArg = call.arguments[delayIndex];
  return sleepOf(node, delayArg ?? null, ctx, env, `${timerPath} promise`);
}

/** The one expression a function evaluates: its expression body, or a body of one expression or return. */
function singleExpression(fn: FunctionNode): Node | null {
  if (fn.body.type !== T.BlockStatement) return unwrap(fn.body);
  const statements = fn.body.body.filter((s) => s.type !== T.EmptyStatement);
  if (statements.length !== 1) return null;
  const only = statements[0]!;
  if (only.type === T.ExpressionStatement) return unwrap(only.expression);
  if (only.type === T.ReturnStatement && only.argument) return unwrap(only.argument);
  return null;
}

/** True for `resolve` itself, or a function whose only effect is calling `resolve(...)`. */
function callsOnly(callback: Node, resolveName: string): boolean {
  const cb = unwrap(callback);
  if (cb.type === T.Identifier) return cb.name === resolveName;
  if (!isFunction(cb)) return false;
  const inner = singleExpression(cb);
  return !!inner && inner.type === T.CallExpression && unwrap(inner.callee).type === T.Identifier &&
    (unwrap(inner.callee) as TSESTree.Identifier).name === resolveName;
}

function describeSleepCall(call: TSESTree.CallExpression, ctx: FileContext, env: Environment, depth: number): SleepCall | null {
  const callee = unwrap(call.callee);
  const arg0 = call.arguments[0] ?? null;

  if (callee.type === T.Identifier) {
    const binding = resolveId(callee, ctx);
    const known = sleepFromBinding(binding, call, ctx, env, depth, callee.name);
    if (known !== undefined) return known;
    if (ctx.names.has(callee.name)) return sleepOf(call, arg0, ctx, env, `${callee.name}()`);
    const typed = typedSleep(call, callee, ctx, env);
    if (typed !== undefined) return typed;
    return byName(callee.name, call, ctx, env);
  }

  if (callee.type === T.MemberExpression) {
    const prop = staticPropertyName(callee);
    const objectNode = unwrap(callee.object);
    const path = pathOf(callee);
    if (path && ctx.paths.has(path)) return sleepOf(call, arg0, ctx, env, `${path}()`);
    if (prop === null) return null;

    if (objectNode.type === T.Identifier) {
      const binding = resolveId(objectNode, ctx);
      if (binding.kind === 'module') {
        if (TIMERS_PROMISES.has(binding.module)) return timersPromisesExport(prop, call, ctx, env);
        if (ctx.modules.get(binding.module)?.has(prop)) return sleepOf(call, arg0, ctx, env, `${prop}()`);
        // `import * as util from './util'; util.pause(100)`
        const imported = importedHelperSleep(binding.module, prop, call, ctx, env, depth);
        if (imported !== undefined) return imported;
      }
      if (binding.kind === 'export' && TIMERS_PROMISES.has(binding.module) && binding.name === 'scheduler') {
        return schedulerCall(prop, call, ctx, env);
      }
      if (binding.kind === 'global') {
        if (objectNode.name === 'Bun' && prop === 'sleep') return sleepOf(call, arg0, ctx, env, 'Bun.sleep()');
        if (objectNode.name === 'scheduler') return schedulerCall(prop, call, ctx, env);
        if (objectNode.name === 'Promise' && prop === 'resolve' && call.arguments.length === 0) return microtask(call);
      }
    }
    if (objectNode.type === T.MemberExpression && pathOf(objectNode)?.match(/^(globalThis|window|self)\.scheduler$/)) {
      return schedulerCall(prop, call, ctx, env);
    }
    if (objectNode.type === T.ThisExpression) {
      const method = classMethod(callee, prop);
      if (method) {
        const helper = helperSleep(method, call, ctx, env, depth);
        if (helper !== undefined) return helper;
      }
    }
    if (ctx.names.has(prop)) return sleepOf(call, arg0, ctx, env, `${prop}()`);
    const typed = typedSleep(call, callee, ctx, env);
    if (typed !== undefined) return typed;
    return byName(prop, call, ctx, env);
  }

  if (callee.type === T.CallExpression && calleeName(callee.callee) === 'promisify' && callee.arguments.length === 1) {
    const timer = pathOf(callee.arguments[0]!)?.replace(GLOBAL_OBJECTS, '');
    if (timer === 'setTimeout') return sleepOf(call, arg0, ctx, env, 'promisify(setTimeout)');
    if (timer === 'setImmediate') return sleepOf(call, null, ctx, env, 'promisify(setImmediate)', true);
  }
  return null;
}

/**
 * A sleep decided by what the callee is bound to; `undefined` when the binding says nothing either way
 * (the name fallback then applies), null when the binding proves it is not a sleep.
 */
function sleepFromBinding(
  binding: Binding,
  call: TSESTree.CallExpression,
  ctx: FileContext,
  env: Environment,
  depth: number,
  localName: string,
): SleepCall | null | undefined {
  const arg0 = call.arguments[0] ?? null;
  switch (binding.kind) {
    case 'export':
      if (TIMERS_PROMISES.has(binding.module)) return timersPromisesExport(binding.name, call, ctx, env);
      if (ctx.modules.get(binding.module)?.has(binding.name)) return sleepOf(call, arg0, ctx, env, `${localName}()`);
      if (TIMERS.has(binding.module) || UTIL.has(binding.module)) return null;
      return importedHelperSleep(binding.module, binding.name, call, ctx, env, depth);
    case 'module':
      if (SLEEP_PACKAGES.has(binding.module)) return sleepOf(call, arg0, ctx, env, `${binding.module}()`);
      if (ctx.modules.get(binding.module)?.has('default')) return sleepOf(call, arg0, ctx, env, `${localName}()`);
      return importedHelperSleep(binding.module, 'default', call, ctx, env, depth);
    case 'promisified':
      return binding.timer === 'setImmediate'
        ? sleepOf(call, null, ctx, env, 'promisify(setImmediate)', true)
        : sleepOf(call, arg0, ctx, env, 'promisify(setTimeout)');
    case 'function':
      return helperSleep(binding.node, call, ctx, env, depth) ?? null;
    case 'global':
    case 'local':
      return undefined;
  }
}

function timersPromisesExport(name: string, call: TSESTree.CallExpression, ctx: FileContext, env: Environment): SleepCall | null {
  if (name === 'setTimeout') return sleepOf(call, call.arguments[0] ?? null, ctx, env, 'timers/promises setTimeout()');
  if (name === 'setImmediate') return sleepOf(call, null, ctx, env, 'timers/promises setImmediate()', true);
  return null;
}

function schedulerCall(method: string, call: TSESTree.CallExpression, ctx: FileContext, env: Environment): SleepCall | null {
  if (method === 'wait') return sleepOf(call, call.arguments[0] ?? null, ctx, env, 'scheduler.wait()');
  if (method === 'yield') return sleepOf(call, null, ctx, env, 'scheduler.yield()', true);
  return null;
}

/** The fallback for helpers defined elsewhere: a sleep-like name called with a duration-like argument. */
function byName(name: string, call: TSESTree.CallExpression, ctx: FileContext, env: Environment): SleepCall | null {
  if (!SLEEP_NAME.test(name) || call.arguments.length !== 1 && !(call.arguments.length === 2 && name.toLowerCase() === 'delay')) return null;
  const arg = call.arguments[0]!;
  if (!isDurationLike(arg, ctx, env)) return null;
  const sleep = sleepOf(call, arg, ctx, env, `${name}()`);
  if (SECONDS_NAME.test(name) && sleep.delay.value !== null) sleep.delay.value *= 1000;
  return sleep;
}

function isDurationLike(arg: Node, ctx: FileContext, env: Environment): boolean {
  const a = unwrap(arg);
  if (a.type === T.SpreadElement) return false;
  if (evaluateNumber(a, env, ctx.getScope) !== null) return true;
  if (a.type === T.BinaryExpression) return ['*', '+', '-', '/'].includes(a.operator);
  if (a.type === T.Identifier) return DURATION_NAME.test(a.name);
  if (a.type === T.MemberExpression) {
    const prop = staticPropertyName(a);
    return prop !== null && DURATION_NAME.test(prop);
  }
  return false;
}

function classMethod(member: TSESTree.MemberExpression, name: string): FunctionNode | null {
  let current: Node | undefined = member.parent;
  while (current && current.type !== T.ClassBody) current = current.parent;
  if (!current) return null;
  for (const element of current.body) {
    if (
      (element.type === T.MethodDefinition || element.type === T.PropertyDefinition) &&
      !element.computed &&
      element.key.type === T.Identifier &&
      element.key.name === name &&
      element.value &&
      isFunction(element.value)
    ) {
      return element.value;
    }
  }
  return null;
}

/** The sleep expression a helper's body consists of, or null (memoised per function). */
function helperBody(fn: FunctionNode, ctx: FileContext): Node | null {
  if (ctx.helperBodies.has(fn)) return ctx.helperBodies.get(fn)!;
  ctx.helperBodies.set(fn, null); // guards recursion
  let body = singleExpression(fn);
  if (body && body.type === T.AwaitExpression) body = unwrap(body.argument);
  // `async function sleep(ms) { await new Promise(...); }` or with a trailing `return;`
  if (!body && fn.body.type === T.BlockStatement) {
    const statements = fn.body.body.filter((s) => s.type !== T.EmptyStatement && !(s.type === T.ReturnStatement && !s.argument));
    const only = statements[0];
    if (statements.length === 1 && only?.type === T.ExpressionStatement && only.expression.type === T.AwaitExpression) {
      body = unwrap(only.expression.argument);
    }
  }
  const result = body && (body.type === T.NewExpression || body.type === T.CallExpression) ? body : null;
  ctx.helperBodies.set(fn, result);
  return result;
}

/** Reads a helper's body at a call site, its parameters bound to the call's arguments. */
function helperSleep(fn: FunctionNode, call: TSESTree.CallExpression, ctx: FileContext, env: Environment, depth: number): SleepCall | null | undefined {
  const body = helperBody(fn, ctx);
  if (!body) return null;
  const params = new Map<string, { arg: Node | undefined; fallback: Node | undefined }>();
  fn.params.forEach((param, index) => {
    const p = param.type === T.TSParameterProperty ? param.parameter : param;
    if (p.type === T.Identifier) params.set(p.name, { arg: call.arguments[index], fallback: undefined });
    else if (p.type === T.AssignmentPattern && p.left.type === T.Identifier) {
      params.set(p.left.name, { arg: call.arguments[index], fallback: p.right });
    }
  });
  const inner = describeSleep(body, ctx, { params, parent: env }, depth + 1);
  if (!inner) return null;
  const name = calleeName(call.callee) ?? 'helper';
  return { ...inner, node: call, via: `${name}()` };
}

/**
 * A helper imported from a relative module (`import { pause } from './util'`, `require('./util').pause`), read
 * from its own file and judged by its body as a same-file helper is, its delay bound from this call's arguments.
 * `undefined` when the module or the function cannot be seen (the name then decides), and when the body is not
 * one sleep expression but sleeps somewhere inside (`{ log(); await delay(ms); }`): what the name said before
 * the file could be read, it still says. null when the body does something else (`wait()` that fetches).
 */
function importedHelperSleep(
  module: string,
  exportName: string,
  call: TSESTree.CallExpression,
  ctx: FileContext,
  env: Environment,
  depth: number,
): SleepCall | null | undefined {
  if (!isLocalModule(module)) return undefined;
  const callee = unwrap(call.callee);
  const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
  if (name !== null && ctx.names.has(name)) return undefined; // declared a sleep by the `sleepFunctions` option
  // A name that says nothing, from a file that names no timer: no need to parse it to know it is no sleep.
  if ((name === null || !SLEEP_NAME.test(name)) && !mayDefineSleep(moduleText(ctx, module), ctx)) return undefined;
  const moduleCtx = moduleContext(ctx, module);
  const found = moduleCtx && exportedBinding(moduleCtx, exportName);
  if (!found) return undefined;
  try {
    const view = callerView(found.ctx, ctx);
    const { binding } = found;
    // `export const sleep = promisify(setTimeout)`, `export { default as sleep } from 'delay'`: as if imported here.
    if (binding.kind !== 'function') return sleepFromBinding(binding, call, view, env, depth, name ?? exportName);
    const sleep = helperSleep(binding.node, call, view, env, depth);
    if (sleep) return sleep;
    return sleepsInside(binding.node, found.ctx, depth) ? undefined : null;
  } catch {
    return undefined; // another file's code this analysis cannot read is unknown, never a crash of the lint
  }
}

const TIMER_NAMES = new Set(['setTimeout', 'setImmediate', 'nextTick', 'queueMicrotask']);
/** What a file that defines (or re-exports) a sleep helper names somewhere in its text. */
const SLEEP_WORDS = /\b(setTimeout|setImmediate|nextTick|queueMicrotask|scheduler|promisify|timers|sleep|delay|wait|pause|snooze|nap)|\bexport\s*(\*|\{)/i;

function mayDefineSleep(text: string | null, ctx: FileContext): boolean {
  if (text === null) return false;
  if (SLEEP_WORDS.test(text)) return true;
  for (const name of ctx.names) if (text.includes(name)) return true;
  for (const module of ctx.modules.keys()) if (text.includes(module)) return true;
  return false;
}

/** A function that arms a timer or awaits a sleep somewhere in its body (memoised per function). */
function sleepsInside(fn: FunctionNode, ctx: FileContext, depth: number): boolean {
  const memo = ctx.cache<boolean>('sleepsInside');
  const known = memo.get(fn);
  if (known !== undefined) return known;
  memo.set(fn, false); // guards recursion
  let found = false;
  const stack: Node[] = [fn.body];
  while (stack.length > 0 && !found) {
    const node = stack.pop()!;
    if (node.type === T.Identifier && TIMER_NAMES.has(node.name)) found = true;
    else if (node.type === T.AwaitExpression && describeSleep(node.argument, ctx, EMPTY_ENV, depth + 1)) found = true;
    else pushChildren(node, ctx.sourceCode.visitorKeys, stack);
  }
  memo.set(fn, found);
  return found;
}

/**
 * With type information: a helper declared in another module (or behind an alias the file cannot see
 * through), judged by its declaration's body. Types only add: `undefined` whenever the body does not prove a
 * sleep (no types, a library declaration without a body, a body not read), and the name fallback then decides
 * as it does without types.
 */
function typedSleep(call: TSESTree.CallExpression, callee: Node, ctx: FileContext, env: Environment): SleepCall | undefined {
  const helper = typedHelperDelay(callee, ctx);
  if (helper === undefined) return undefined;
  const name = calleeName(callee) ?? 'helper';
  if ('param' in helper) {
    const sleep = sleepOf(call, call.arguments[helper.param] ?? null, ctx, env, `${name}()`);
    return { ...sleep, zero: sleep.delay.value === 0 };
  }
  const delay = { value: helper.constant, text: helper.constant === null ? 'its own delay' : null, nodes: [] };
  return { node: call, delay, zero: helper.constant === 0, blocking: false, via: `${name}()` };
}

/** `import process from 'node:process'`: the same object as the global. */
function isProcessModule(call: TSESTree.CallExpression, rootName: string, ctx: FileContext): boolean {
  if (rootName !== 'process') return false;
  const callee = unwrap(call.callee);
  const root = callee.type === T.MemberExpression ? unwrap(callee.object) : null;
  if (!root || root.type !== T.Identifier) return false;
  const binding = resolveId(root, ctx);
  return binding.kind === 'module' && (binding.module === 'process' || binding.module === 'node:process');
}
