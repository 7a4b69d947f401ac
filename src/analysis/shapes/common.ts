import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { isFunction, pathOf, rootOf, staticPropertyName, statementsOf, unwrap, walkSameFunction, type FunctionNode, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import { isReadOnlyCall } from '../dependence/atoms.js';
import { resolveFunctionId } from '../scope.js';

/** Methods that change the object they are called on. */
export const MUTATORS: ReadonlySet<string> = new Set([
  'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin',
  'add', 'delete', 'clear', 'set', 'dequeue', 'enqueue', 'drain', 'remove', 'removeAll', 'reset',
]);
const LOGGERS = /^(console|logger|log|logging|debug|this\.log|this\.logger|this\.debug)$/;

export function isLoggingCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  const objectPath = callee.type === T.MemberExpression ? pathOf(callee.object) : null;
  if (objectPath !== null && LOGGERS.test(objectPath)) return true;
  return callee.type === T.Identifier && /^(debug|log|trace)$/.test(callee.name);
}

/** The smallest part of `condition` holding every node of `parts`. */
export function smallestCover(condition: Node, parts: Node[]): Node {
  let current = unwrap(condition);
  for (;;) {
    const n: Node = current.type === T.UnaryExpression && current.operator === '!' && unwrap(current.argument).type === T.LogicalExpression
      ? unwrap(current.argument)
      : current;
    if (n.type !== T.LogicalExpression) return current;
    const inLeft = parts.every((p) => n.left.range[0] <= p.range[0] && p.range[1] <= n.left.range[1]);
    const inRight = parts.every((p) => n.right.range[0] <= p.range[0] && p.range[1] <= n.right.range[1]);
    if (inLeft) current = unwrap(n.left);
    else if (inRight) current = unwrap(n.right);
    else return current === n ? n : current;
  }
}

/** Adds the access path a write targets (or its root) to `written`. */
export function addWrite(written: Set<string>, target: Node): void {
  const path = pathOf(target);
  if (path !== null) written.add(path);
  else {
    const root = rootOf(target);
    if (root) written.add(root.type === T.ThisExpression ? 'this' : root.name);
  }
}

export function addPatternWrites(written: Set<string>, pattern: Node, ctx: FileContext): void {
  walkSameFunction(pattern, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.Identifier || n.type === T.MemberExpression) {
      addWrite(written, n);
      return false;
    }
    return undefined;
  });
}

/** Access paths `root` (its own function only) assigns, updates, deletes, or changes through a mutator method. */
export function collectWrites(root: Node, ctx: FileContext, skip: ReadonlySet<Node> = new Set()): Set<string> {
  const written = new Set<string>();
  walkSameFunction(root, ctx.sourceCode.visitorKeys, (n) => {
    // The branches that leave run once the wait is over: what they write is not what the next check sees.
    if (skip.has(n)) return false;
    if (n.type === T.AssignmentExpression) addPatternWrites(written, n.left, ctx);
    else if (n.type === T.UpdateExpression) addWrite(written, n.argument);
    else if (n.type === T.UnaryExpression && n.operator === 'delete') addWrite(written, n.argument);
    else if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      const method = callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
      if (callee.type === T.MemberExpression && method !== null && MUTATORS.has(method)) addWrite(written, callee.object);
    }
    return undefined;
  });
  return written;
}

/** A callback argument as a function of this file: inline, or a name bound to one. */
export function callbackFunction(arg: Node | undefined, ctx: FileContext): FunctionNode | null {
  if (!arg || arg.type === T.SpreadElement) return null;
  const n = unwrap(arg);
  if (isFunction(n)) return n;
  if (n.type === T.Identifier) return resolveFunctionId(n, ctx);
  return null;
}

export function hasAwaitOrYield(fn: FunctionNode, ctx: FileContext): boolean {
  if (fn.generator) return true;
  let found = false;
  walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.AwaitExpression || n.type === T.YieldExpression || (n.type === T.ForOfStatement && n.await)) found = true;
    return !found;
  });
  return found;
}

const FAILURE_VALUE = /^(false|null|undefined|0)$/;
const SETTLE_FAILURE = /^(reject|fail|onTimeout|onError|timeout|giveUp)$/i;

/**
 * A branch that gives up rather than succeeds: it throws, rejects, settles with `false`/`null`, or calls back
 * with an error (`cb(new Error(…))`, `done(err)`).
 */
export function isFailureBranch(branch: Node, ctx: FileContext): boolean {
  let failure = false;
  let success = false;
  walkSameFunction(branch, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.ThrowStatement) failure = true;
    else if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
      if (name === null) return undefined;
      if (SETTLE_FAILURE.test(name)) failure = true;
      else if (name === 'resolve') {
        const arg = n.arguments[0] && unwrap(n.arguments[0] as Node);
        if (arg && (arg.type === T.Literal ? FAILURE_VALUE.test(String(arg.value)) : arg.type === T.Identifier && arg.name === 'undefined')) failure = true;
        else success = true;
      } else if (/^(cb|callback|done|next)$/.test(name)) {
        if (n.arguments[0] && isErrorValue(n.arguments[0] as Node)) failure = true;
        else success = true;
      }
    }
    return undefined;
  });
  // A branch that settles both ways (`if (result) resolve(result); else reject(…)`) holds the success.
  return failure && !success;
}

function isErrorValue(node: Node): boolean {
  const n = unwrap(node);
  if (n.type === T.NewExpression) return true;
  // `cb({ type: 'timeout', msg: '…' })`: an error-like object; `cb({ level, delta })` is a result.
  if (n.type === T.ObjectExpression) {
    return n.properties.some((p) => p.type === T.Property && !p.computed && p.key.type === T.Identifier && /^(err|error|msg|message|code|reason)$/.test(p.key.name));
  }
  if (n.type === T.Identifier) return /^(e|err|error|lastError|timeoutError)$/i.test(n.name);
  return false;
}

/** The last statement of a branch ends it: `return`, `throw`, `break`, `continue`. */
export function endsWith(statement: TSESTree.Statement, types: readonly string[]): TSESTree.Statement | null {
  const last = statementsOf(statement).at(-1);
  return last && types.includes(last.type) ? last : null;
}

/** A call or `new` other than logging, the clock and pure functions: the code does work of its own. */
export function hasWorkCall(node: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
    // Settling the wait's promise, or building the error it settles with, is an exit, not work.
    if (n.type === T.CallExpression && isSettleCall(n)) return false;
    if (n.type === T.CallExpression && !isLoggingCall(n) && !isReadOnlyCall(n, ctx)) found = true;
    if (n.type === T.NewExpression && !isReadOnlyCall(n, ctx) && !(n.callee.type === T.Identifier && /Error$/.test(n.callee.name))) found = true;
    return !found;
  });
  return found;
}

/**
 * The declarations whose values feed the exits' tests, directly or through other such declarations
 * (`const t = video.currentTime; const d = t - start; if (d > 0) …`): reads for the check, not work.
 */
export function declarationsFeeding(root: Node, conditions: readonly Node[], ctx: FileContext): Set<Node> {
  const names = new Set<string>();
  const addNames = (node: Node) =>
    walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
      if (n.type === T.Identifier) names.add(n.name);
      return undefined;
    });
  conditions.forEach(addNames);
  const declarators: TSESTree.VariableDeclarator[] = [];
  walkSameFunction(root, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.VariableDeclarator && n.init) declarators.push(n);
    return undefined;
  });
  const feeding = new Set<Node>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of declarators) {
      if (feeding.has(d)) continue;
      const declared: string[] = [];
      walkSameFunction(d.id, ctx.sourceCode.visitorKeys, (n) => {
        if (n.type === T.Identifier) declared.push(n.name);
        return undefined;
      });
      if (declared.some((name) => names.has(name))) {
        feeding.add(d);
        addNames(d.init!);
        changed = true;
      }
    }
  }
  return feeding;
}

/** `resolve(…)`, `reject(…)`: settling the wait's own promise is an exit, not work. */
export function isSettleCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === T.Identifier && /^(resolve|reject|res|rej)$/.test(callee.name);
}
