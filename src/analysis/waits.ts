import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { enclosingFunction, functionName, unwrap, walkSameFunction, type LoopNode, type Node } from './ast.js';
import { describeBlockingHelperCall, type BlockingHelperCall } from './blocking-calls.js';
import { describeBlockingPrimitive, type BlockingSleepCall } from './blocking.js';
import { perFile, type FileContext } from './context.js';
import type { Atom } from './dependence/atoms.js';
import type { Delay } from './evaluate.js';
import { mayPollWithin } from './gate.js';
import { judgeWait } from './judge.js';
import type { Judgement, Wait } from './model.js';
import { helperCallShape, mayCallPollingHelper } from './shapes/helper-call.js';
import { intervalShape } from './shapes/interval.js';
import { guardShapes, loopShape } from './shapes/loop.js';
import { rearmShape } from './shapes/rearm.js';
import { recursionShape } from './shapes/recursion.js';
import { timerFunction } from './shapes/timers.js';
import type { SleepCall } from './sleep.js';

/**
 * The entry points the rules call: each reduces one node with its shape, then asks the one judgement.
 * Results are memoised per node, since `no-sleep-polling` and `no-blocking-sleep` ask about the same loops.
 */

/** A loop (or a guard inside one) that waits for in-process state by checking it, sleeping a fixed time, and checking again. */
export interface LoopWait extends Judgement {
  loop: LoopNode;
  /** The reported node: the loop, or the guarding `if` inside it. */
  node: Node;
  shape: 'loop' | 'guard';
  /** The sleep between checks. */
  sleep: SleepCall;
}

/** A poll of in-process state driven by a timer or a polling helper instead of a loop. */
export interface TimerWait extends Judgement {
  node: TSESTree.CallExpression;
  kind: 'interval' | 'rearm' | 'helper';
  delay: Delay;
  /** The interval is not known at all (a declared helper with no interval argument). */
  delayUnknown: boolean;
  zero: boolean;
  /** How it polls, for messages: `setInterval`, `setTimeout`, `pWaitFor()`. */
  via: string;
}

export function describeLoopWait(loop: LoopNode, ctx: FileContext): LoopWait | null {
  const cache = ctx.cache<LoopWait | null>('loop-wait');
  if (cache.has(loop)) return cache.get(loop)!;
  let result: LoopWait | null = null;
  if (mayPollWithin(ctx, loop.range)) {
    const wait = loopShape(loop, ctx);
    const judgement = wait && judgeWait(wait, ctx);
    if (wait && judgement) result = { ...judgement, loop, node: loop, shape: 'loop', sleep: wait.delay.sleep! };
  }
  cache.set(loop, result);
  return result;
}

/** Guarded waits inside a loop that is not itself a wait (`if (!this.handler) { await sleep(100); continue; }`). */
export function describeGuardWaits(loop: LoopNode, ctx: FileContext): LoopWait[] {
  if (!mayPollWithin(ctx, loop.range) || describeLoopWait(loop, ctx)) return [];
  const out: LoopWait[] = [];
  for (const wait of guardShapes(loop, ctx)) {
    const judgement = judgeWait(wait, ctx);
    if (judgement) out.push({ ...judgement, loop, node: wait.node, shape: 'guard', sleep: wait.delay.sleep! });
  }
  return out;
}

/** Describes `call` as a timer or helper that sleep-polls in-process state, or null. */
export function describeTimerWait(call: TSESTree.CallExpression, ctx: FileContext): TimerWait | null {
  const timer = timerFunction(call.callee, ctx);
  // Most calls are neither timers nor candidates for a polling helper: answer those without the cache.
  if (timer === null && !mayCallPollingHelper(call, ctx) && !mayRecurse(call, ctx)) return null;
  const cache = ctx.cache<TimerWait | null>('timer-wait');
  if (cache.has(call)) return cache.get(call)!;
  let wait: Wait | null = null;
  if (timer === 'setInterval') wait = intervalShape(call, ctx);
  else if (timer === 'setTimeout' || timer === 'setImmediate') wait = rearmShape(call, timer, ctx);
  else if (timer === null) wait = recursionShape(call, ctx) ?? helperCallShape(call, ctx);
  const judgement = wait && judgeWait(wait, ctx);
  const result: TimerWait | null = wait && judgement
    ? {
        ...judgement,
        node: call,
        kind: wait.shape === 'interval' ? 'interval' : wait.shape === 'rearm' ? 'rearm' : 'helper',
        delay: wait.delay.delay,
        delayUnknown: wait.delay.unknown,
        zero: wait.delay.zero,
        via: wait.via,
      }
    : null;
  cache.set(call, result);
  return result;
}

/** Cheap, before any lookup: a call inside an `async` function, by a plain name or `this.name`. */
function mayRecurse(call: TSESTree.CallExpression, ctx: FileContext): boolean {
  const callee = call.callee;
  const name = callee.type === T.Identifier ? callee.name
    : callee.type === T.MemberExpression && callee.object.type === T.ThisExpression && !callee.computed && callee.property.type === T.Identifier ? callee.property.name
    : null;
  // Only names the file gives an `async` function (read off the text once) can call their own function again.
  if (name === null || !asyncNames(ctx).has(name)) return false;
  const fn = enclosingFunction(call);
  return !!fn?.async && functionName(fn) === name;
}

const AFTER_ASYNC = /^\s+(?:function\s*\*?\s*([\w$]+)|\*?\s*#?([\w$]+)\s*\()/;
const BEFORE_ASYNC = /#?([\w$]+)\s*[=:]\s*$/;
const DECLARED_ASYNC = /\b(?:const|let|var)\s+([\w$]+)[^;\n]*=\s*$/;

/** Names of the file's `async` functions and methods, from its text. */
function asyncNames(ctx: FileContext): ReadonlySet<string> {
  return perFile(ctx, 'async-names', findAsyncNames);
}

function findAsyncNames(ctx: FileContext): ReadonlySet<string> {
  const names = new Set<string>();
  const text = ctx.sourceCode.text;
  // Around each `async`: `async function name`, `async name(` after it; `name = async`, `name: async` before it.
  for (let at = text.indexOf('async'); at !== -1; at = text.indexOf('async', at + 5)) {
    const after = AFTER_ASYNC.exec(text.slice(at + 5, at + 120));
    if (after) names.add(after[1] ?? after[2]!);
    const window = text.slice(Math.max(0, at - 120), at);
    const before = BEFORE_ASYNC.exec(window);
    if (before) names.add(before[1]!);
    // `const waitForReady: () => Promise<void> = async () => …`: the declared name, past its type.
    const declared = DECLARED_ASYNC.exec(window);
    if (declared) names.add(declared[1]!);
  }
  return names;
}

function innermostLoop(node: Node): Node | null {
  const fn = enclosingFunction(node);
  for (let p = node.parent; p && p !== fn; p = p.parent) {
    if (
      p.type === T.WhileStatement || p.type === T.DoWhileStatement || p.type === T.ForStatement ||
      p.type === T.ForInStatement || p.type === T.ForOfStatement
    ) {
      return p;
    }
  }
  return null;
}

/**
 * The blocking sleep `call` performs, when it is one that `no-blocking-sleep` reports: a primitive (a
 * helper's body is reported where the primitive is written, not at every call), `deasync.runLoopOnce`
 * only inside a loop, and none inside a polling loop that `describeLoopWait` reports (that loop is
 * reported once, by `no-sleep-polling`, with the blocking sleep named in its message).
 */
export function findBlockingSleep(call: TSESTree.CallExpression, ctx: FileContext): BlockingSleepCall | null {
  const sleep = describeBlockingPrimitive(call, ctx);
  if (!sleep) return null;
  const loop = innermostLoop(call);
  if (sleep.via === 'deasync.runLoopOnce()' && !loop) return null;
  if (
    loop &&
    (loop.type === T.WhileStatement || loop.type === T.DoWhileStatement || loop.type === T.ForStatement) &&
    describeLoopWait(loop as LoopNode, ctx)?.sleep.blocking
  ) {
    return null;
  }
  if (loop && retriesSyncIo(loop, call, ctx)) return null;
  return sleep;
}

/**
 * A call of a helper that only passes the time by blocking, when `no-blocking-sleep` reports it: not inside a
 * polling loop that `no-sleep-polling` reports, nor in a back-off between attempts of synchronous I/O.
 */
export function findBlockingHelperCall(call: TSESTree.CallExpression, ctx: FileContext): BlockingHelperCall | null {
  const helper = describeBlockingHelperCall(call, ctx);
  if (!helper) return null;
  const loop = innermostLoop(call);
  if (loop && (loop.type === T.WhileStatement || loop.type === T.DoWhileStatement || loop.type === T.ForStatement) && describeLoopWait(loop as LoopNode, ctx)?.sleep.blocking) return null;
  if (loop && retriesSyncIo(loop, call, ctx)) return null;
  return helper;
}

/**
 * The loop around a blocking sleep retries synchronous I/O (`fs.writeSync` on EAGAIN, `spawnSync` of a command that
 * hit a busy file): the whole program is synchronous there, and the sleep is its back-off between attempts.
 */
function retriesSyncIo(loop: Node, sleep: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(loop, ctx.sourceCode.visitorKeys, (n) => {
    if (found || n === sleep) return false;
    if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression && !callee.computed && callee.property.type === T.Identifier ? callee.property.name : '';
      if (/^(spawnSync|execSync|execFileSync)$|^(write|read|open|rename|unlink|rm|copyFile|mkdir)\w*Sync$/.test(name)) found = true;
    }
    return !found;
  });
  return found;
}

export type { Atom };
