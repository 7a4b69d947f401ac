import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { pathOf, statementsOf, unwrap, walkSameFunction, type FunctionNode, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import { calledFunction } from '../dependence/functions.js';
import { EMPTY_ENV } from '../evaluate.js';
import type { Exit, Wait } from '../model.js';
import { callbackFunction, collectWrites, declarationsFeeding, hasAwaitOrYield, isFailureBranch, isLoggingCall, hasWorkCall } from './common.js';
import { handlePath, timerDelay, timerFunction } from './timers.js';

/** `clearInterval(handle)` (or `clearInterval(this)` in a non-arrow callback, as Node's timers allow). */
function isClearCall(node: Node, handle: string | null, allowThis: boolean, ctx: FileContext, depth = 0): boolean {
  const e = node.type === T.ExpressionStatement ? unwrap(node.expression) : node;
  if (e.type !== T.CallExpression) return false;
  if (timerFunction(e.callee, ctx) !== 'clearInterval') {
    // `cleanup()`, a function of this file that clears the interval (and removes listeners).
    if (depth > 0 || handle === null || e.arguments.length > 0 || unwrap(e.callee).type !== T.Identifier) return false;
    const fn = calledFunction(e, ctx);
    let clears = false;
    if (fn) walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
      if (!clears && n.type === T.CallExpression && isClearCall(n, handle, false, ctx, 1)) clears = true;
      return !clears;
    });
    return clears;
  }
  const arg = e.arguments[0] && unwrap(e.arguments[0]);
  if (!arg) return false;
  if (arg.type === T.ThisExpression) return allowThis;
  return handle !== null && pathOf(arg) === handle;
}

/** `if (c) return …;` with no else: a guard the code after it only runs past when `c` is false. */
function isGuard(statement: TSESTree.Statement): statement is TSESTree.IfStatement {
  if (statement.type !== T.IfStatement || statement.alternate) return false;
  const last = statementsOf(statement.consequent).at(-1);
  return !!last && (last.type === T.ReturnStatement || last.type === T.ThrowStatement);
}

/**
 * The tests on the way from the callback's body to `statement`: the `if`s it sits in (an `else` branch's test
 * only when it is the innermost one, since an outer `else` merely says "not the other case"), and the guards
 * (`if (!ready) return;`) before it at each level.
 */
export function pathConditions(statement: Node, body: Node): Node[] {
  const conditions: Node[] = [];
  let innermost = true;
  let child: Node = statement;
  for (let p = statement.parent; p && child !== body; child = p, p = p.parent) {
    if (p.type === T.IfStatement && child === p.consequent) {
      conditions.push(p.test);
      innermost = false;
    } else if (p.type === T.IfStatement && child === p.alternate) {
      if (innermost) conditions.push(p.test);
      innermost = false;
    } else if (p.type === T.LogicalExpression && child === p.right) {
      conditions.push(p.left);
      innermost = false;
    } else if (p.type === T.BlockStatement) {
      for (const sibling of p.body) {
        if (sibling === child) break;
        if (isGuard(sibling)) conditions.push(sibling.test);
      }
    }
    if (p === body) break;
  }
  return conditions;
}

/** The statements that run with the clear: its branch (the block or `if` branch it is in). */
function branchOf(statement: Node, body: Node): Node {
  for (let p = statement.parent; p; p = p.parent) {
    if (p === body) return statement;
    if (p.type === T.BlockStatement || (p.parent?.type === T.IfStatement && p !== p.parent.test)) return p;
  }
  return statement;
}

/** A branch that only stops the timer (and logs): a worker that ends, or a give-up, never what is awaited. */
function bareStop(branch: Node, handle: string | null, allowThis: boolean, ctx: FileContext): boolean {
  const statements = branch.type === T.BlockStatement ? branch.body : [branch as TSESTree.Statement];
  return statements.every((s) => s.type === T.EmptyStatement || s.type === T.ReturnStatement && !s.argument || isClearCall(s, handle, allowThis, ctx) ||
    (s.type === T.ExpressionStatement && unwrap(s.expression).type === T.CallExpression && isLoggingCall(unwrap(s.expression) as TSESTree.CallExpression)));
}

/**
 * Reduces `setInterval(callback, ms)` to a wait: each `clearInterval` of its own handle is an exit, its
 * condition the tests on the way there, its kind read off what the branch does (resolve, call back, go on:
 * success; reject, throw, `resolve(false)`, a bare stop: failure).
 */
export function intervalShape(call: TSESTree.CallExpression, ctx: FileContext): Wait | null {
  const callback = callbackFunction(call.arguments[0], ctx);
  if (!callback || callback.body.type !== T.BlockStatement || hasAwaitOrYield(callback, ctx)) return null;
  const handle = handlePath(call);
  const allowThis = callback.type !== T.ArrowFunctionExpression;
  if (handle === null && !allowThis) return null;
  const body = callback.body;
  const exits: Exit[] = [];
  const exitBranches: Node[] = [];
  walkSameFunction(body, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type !== T.CallExpression || !isClearCall(n, handle, allowThis, ctx)) return undefined;
    const statement = n.parent?.type === T.ExpressionStatement ? n.parent : n;
    const branch = branchOf(statement, body);
    const conditions = pathConditions(statement, body);
    exitBranches.push(branch === body ? statement : branch);
    if (conditions.length === 0) return false;
    let failure: boolean;
    if (branch === statement && statement.parent === body) {
      // `if (!ready) return; clearInterval(id); resolve();`: what follows the clear is its branch.
      // `if (!ready) return; resolve(); clearInterval(id);`: the statements after the last guard are its branch.
      const at = body.body.indexOf(statement as TSESTree.Statement);
      let from = at;
      while (from > 0 && !isGuard(body.body[from - 1]!)) from--;
      const branchStatements = body.body.slice(from);
      failure = branchStatements.every((s) => bareStop(s, handle, allowThis, ctx)) || branchStatements.some((s) => isFailureBranch(s, ctx));
      exitBranches.push(...branchStatements);
    } else {
      failure = bareStop(branch, handle, allowThis, ctx) || isFailureBranch(branch, ctx);
    }
    exits.push({ conditions, kind: failure ? 'failure' : 'success' });
    return false;
  });
  if (exits.length === 0) return null;
  const iteration = iterationOf(callback, exitBranches, exits, ctx);
  // A timer that works on each tick (renders, sends, flushes) is a periodic task, whatever it stops on.
  if (iteration.workCalls > 0) return null;
  return { shape: 'interval', node: call, owner: body, exits, iteration, delay: delayOf(call.arguments[1], ctx), via: 'setInterval' };
}

/** What a timer callback does besides checking: work calls outside its exits and the reads feeding them. */
export function iterationOf(callback: FunctionNode, exitBranches: Node[], exits: Exit[], ctx: FileContext): Wait['iteration'] {
  const tests = new Set(exits.flatMap((e) => e.conditions));
  let workCalls = 0;
  let logs = 0;
  const topClear = exitBranches.find((b) => b.parent === callback.body);
  const reads = declarationsFeeding(callback.body, [...tests], ctx);
  walkSameFunction(callback.body, ctx.sourceCode.visitorKeys, (n) => {
    if (exitBranches.includes(n) || tests.has(n)) return false;
    // After a clear at the top of the callback, the rest is the continuation of the wait, not its work.
    if (topClear && n.parent === callback.body && n.range[0] > topClear.range[0]) return false;
    if (reads.has(n)) return false;
    if (n.type === T.CallExpression && isLoggingCall(n)) {
      logs++;
      return false;
    }
    if ((n.type === T.CallExpression || n.type === T.NewExpression) && hasWorkCall(n, ctx)) {
      workCalls++;
      return false;
    }
    return undefined;
  });
  return { written: collectWrites(callback.body, ctx, new Set(exitBranches.filter((b) => b !== callback.body))), mutated: new Set<string>(), workCalls, logs, sharedWrites: 0, otherAwaits: 0 };
}

function delayOf(arg: Node | undefined, ctx: FileContext): Wait['delay'] {
  const delay = timerDelay(arg, EMPTY_ENV, ctx);
  return { sleep: null, delay, zero: delay.value === 0, blocking: false, computed: false, unknown: false };
}
