import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { calleeName, contains, enclosingFunction, isFunction, staticPropertyName, unwrap, walkSameFunction, type FunctionNode, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import { EMPTY_ENV, isComputedDelay } from '../evaluate.js';
import type { Exit, Wait } from '../model.js';
import { findVariable, resolveFunctionId } from '../scope.js';
import { collectWrites, declarationsFeeding, endsWith, hasAwaitOrYield, isFailureBranch, isLoggingCall } from './common.js';
import { timerDelay } from './timers.js';

/** The name a method or property function is known by (`check` in `check() {}` or `check = () => {}`). */
function memberName(fn: FunctionNode): string | null {
  const parent = fn.parent;
  if (!parent) return null;
  if ((parent.type === T.MethodDefinition || parent.type === T.PropertyDefinition || parent.type === T.Property) && parent.value === fn && !parent.computed) {
    const key = parent.key;
    return key.type === T.Identifier ? key.name : key.type === T.PrivateIdentifier ? `#${key.name}` : key.type === T.Literal ? String(key.value) : null;
  }
  return null;
}

/** True when `callee` names `self`: its binding, or `this.name` for a method. */
export function namesSelf(calleeNode: Node, self: FunctionNode, ctx: FileContext): boolean {
  const callee = unwrap(calleeNode);
  // A name no declaration binds to a function is not looked up (see resolveFunctionId).
  if (callee.type === T.Identifier) return resolveFunctionId(callee, ctx) === self;
  if (callee.type === T.MemberExpression && unwrap(callee.object).type === T.ThisExpression) {
    const name = staticPropertyName(callee);
    return name !== null && name === memberName(self);
  }
  // `this.check.bind(this)`
  if (callee.type === T.CallExpression && calleeName(callee.callee) === 'bind') {
    const bound = unwrap(callee.callee);
    return bound.type === T.MemberExpression && namesSelf(bound.object, self, ctx);
  }
  return false;
}

/**
 * Arguments that re-run `self` with the same inputs: its own parameters in place, or unchanging outer names. An
 * attempt counter (`++attempt`, `n + 1` in its own parameter's place) is accepted when `self` reads it to give up
 * (`if (attempt === max) return`): it bounds the wait, like a deadline. Its name is added to `counters`.
 */
export function sameInputs(args: readonly Node[], self: FunctionNode, ctx: FileContext, counters: string[] = []): boolean {
  return args.every((arg, index) => {
    const a = unwrap(arg);
    const param = self.params[index];
    const paramName = param?.type === T.Identifier ? param.name : param?.type === T.AssignmentPattern && param.left.type === T.Identifier ? param.left.name : null;
    if (a.type !== T.Identifier) {
      const counted = a.type === T.UpdateExpression ? unwrap(a.argument)
        : a.type === T.BinaryExpression && (a.operator === '+' || a.operator === '-') && unwrap(a.right).type === T.Literal ? unwrap(a.left) : null;
      if (counted?.type === T.Identifier && counted.name === paramName && readsToGiveUp(self, paramName, ctx)) {
        counters.push(paramName);
        return true;
      }
      return false;
    }
    const variable = findVariable(ctx.getScope(a), a.name);
    if (!variable || variable.defs.length === 0) return false;
    if (variable.references.some((r) => r.isWrite() && !r.init)) {
      // `retryAttempts++; … setTimeout(() => retry(retryAttempts), ms)`: the same counter, counted in place.
      const counts = paramName === a.name && variable.references.every((r) => !r.isWrite() || r.init || isCount(r.identifier as Node));
      if (counts && readsToGiveUp(self, paramName, ctx)) {
        counters.push(paramName);
        return true;
      }
      return false;
    }
    if (paramName === a.name) return true;
    // Declared outside self (`resolve` of an enclosing executor) and never written again.
    return !contains(self, variable.defs[0]!.name as Node);
  });
}

/** `n++`, `--n`, `n += 1`: a write that counts. */
function isCount(id: Node): boolean {
  const parent = id.parent;
  return parent?.type === T.UpdateExpression || (parent?.type === T.AssignmentExpression && (parent.operator === '+=' || parent.operator === '-='));
}

/** `self` tests `name` in an `if` that leaves (`if (attempt === maxAttempts) return;`). */
function readsToGiveUp(self: FunctionNode, name: string, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(self.body, ctx.sourceCode.visitorKeys, (n) => {
    if (found) return false;
    if (n.type === T.IfStatement && endsWith(n.consequent, [T.ReturnStatement, T.ThrowStatement])) {
      walkSameFunction(n.test, ctx.sourceCode.visitorKeys, (t) => {
        if (t.type === T.Identifier && t.name === name) found = true;
        return !found;
      });
    }
    return undefined;
  });
  return found;
}

/** `setTimeout(self, …)`, `setTimeout(() => self(), …)`, `setTimeout(this.check, …)`; null for anything else. */
function rearmTarget(call: TSESTree.CallExpression, self: FunctionNode, ctx: FileContext, counters: string[] = []): boolean {
  const target = call.arguments[0] && unwrap(call.arguments[0]);
  if (!target || target.type === T.SpreadElement) return false;
  const extra = call.arguments.slice(2) as Node[];
  if (!isFunction(target)) return namesSelf(target, self, ctx) && sameInputs(extra, self, ctx, counters);
  // `setTimeout(_ => check(resolve), 1)`: a parameter the arrow never reads changes nothing.
  if (target.params.some((p) => p.type !== T.Identifier || (findVariable(ctx.getScope(target.body), p.name)?.references.length ?? 0) > 0)) return false;
  const body = target.body.type === T.BlockStatement
    ? target.body.body.length === 1 && target.body.body[0]!.type === T.ExpressionStatement ? target.body.body[0]!.expression : null
    : target.body;
  const inner = body && unwrap(body);
  if (!inner || inner.type !== T.CallExpression) return false;
  return namesSelf(inner.callee, self, ctx) && sameInputs(inner.arguments as Node[], self, ctx, counters);
}

/**
 * Reduces a function that schedules itself again (`function check() { if (done) return resolve(); setTimeout(check, 50) }`)
 * to a wait: the tests on the way to the re-arm, and the guards before it, are its exits.
 */
export function rearmExits(call: TSESTree.CallExpression, ctx: FileContext): { self: FunctionNode; exits: Exit[]; counters: string[] } | null {
  const self = enclosingFunction(call);
  const counters: string[] = [];
  if (!self || !rearmTarget(call, self, ctx, counters)) return null;
  const exits = pathExits(call, self, ctx);
  return exits.length > 0 ? { self, exits, counters } : null;
}

/** The tests on the way from `self`'s body to `node`, and the `if (…) return` guards before it, as exits. */
export function pathExits(node: Node, self: FunctionNode, ctx: FileContext): Exit[] {
  const call = node;
  const exits: Exit[] = [];
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && p !== self; child = p, p = p.parent) {
    if (p.type === T.IfStatement && child !== p.test) {
      const other = child === p.consequent ? p.alternate : p.consequent;
      exits.push({ conditions: [p.test], kind: other && isFailureBranch(other, ctx) ? 'failure' : 'success' });
    }
    if (p.type === T.ConditionalExpression && child !== p.test) exits.push({ conditions: [p.test], kind: 'success' });
    if (p.type === T.LogicalExpression && child === p.right) exits.push({ conditions: [p.left], kind: 'success' });
    if (p.type === T.BlockStatement) {
      // Earlier `if (done) return …;` guards at the same level.
      for (const statement of p.body) {
        if (statement === child) break;
        if (statement.type === T.IfStatement && !statement.alternate && endsWith(statement.consequent, [T.ReturnStatement, T.ThrowStatement])) {
          exits.push({ conditions: [statement.test], kind: endsWith(statement.consequent, [T.ThrowStatement]) || isFailureBranch(statement.consequent, ctx) ? 'failure' : 'success' });
        }
      }
    }
  }
  return exits;
}

/** Calls on the re-arm path (not in a branch that stops polling, a condition, or a read feeding one): the function's own work. */
function rearmWorkCalls(self: FunctionNode, exits: Exit[], call: TSESTree.CallExpression, ctx: FileContext): { work: number; logs: number } {
  // Only what runs on the way to the re-arm: the statements before it at each level, not the branches that stop.
  const conditions = exits.flatMap((e) => e.conditions);
  const reads = declarationsFeeding(self.body, conditions, ctx);
  let count = 0;
  let logs = 0;
  const countIn = (node: Node) =>
    walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
      if (conditions.includes(n) || reads.has(n)) return false;
      if (n.type === T.CallExpression && isLoggingCall(n)) logs++;
      else if (n.type === T.CallExpression || n.type === T.NewExpression) count++;
      return undefined;
    });
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && child !== self.body; child = p, p = p.parent) {
    if (p.type === T.BlockStatement) {
      for (const statement of p.body) {
        if (statement === child) break;
        if (statement.type === T.IfStatement && !statement.alternate && endsWith(statement.consequent, [T.ReturnStatement, T.ThrowStatement])) continue;
        countIn(statement);
      }
    }
    if (p === self.body) break;
  }
  return { work: count, logs };
}

export function rearmShape(call: TSESTree.CallExpression, timer: string, ctx: FileContext): Wait | null {
  const shape = rearmExits(call, ctx);
  if (!shape || hasAwaitOrYield(shape.self, ctx)) return null;
  const written = collectWrites(shape.self.body, ctx, stoppingBranches(call, shape.self));
  for (const counter of shape.counters) written.add(counter);
  const delayArg = call.arguments[1];
  const computed = timer === 'setTimeout' && !!delayArg && delayArg.type !== T.SpreadElement && isComputedDelay(delayArg, written, ctx);
  const delay = timer === 'setImmediate' ? timerDelay(undefined, EMPTY_ENV, ctx) : timerDelay(delayArg, EMPTY_ENV, ctx);
  const { work: workCalls, logs } = rearmWorkCalls(shape.self, shape.exits, call, ctx);
  // A function that works each time it runs and schedules itself again is a pump or a periodic task.
  if (workCalls > 0 && !shape.exits.every((e) => e.conditions.every((c) => flagOnly(c)))) return null;
  return {
    shape: 'rearm', node: call, owner: shape.self.body, exits: shape.exits,
    iteration: { written, workCalls, sharedWrites: 0, mutated: new Set<string>(), logs, otherAwaits: 0 },
    delay: { sleep: null, delay, zero: delay.value === 0, blocking: false, computed, unknown: false },
    via: timer,
  };
}

/** A test of bare flags only (`!stopped`, `this.ready`): the judgement decides whether the work makes it a worker. */
function flagOnly(condition: Node): boolean {
  let n = unwrap(condition);
  while (n.type === T.UnaryExpression && n.operator === '!') n = unwrap(n.argument);
  if (n.type === T.LogicalExpression) return flagOnly(n.left) && flagOnly(n.right);
  return n.type === T.Identifier || n.type === T.MemberExpression;
}

/** The branches on the way to the re-arm that do not lead to it: the exits, which run once the wait is over. */
function stoppingBranches(call: Node, self: FunctionNode): Set<Node> {
  const out = new Set<Node>();
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && p !== self; child = p, p = p.parent) {
    if (p.type === T.IfStatement && child !== p.test) {
      const other = child === p.consequent ? p.alternate : p.consequent;
      if (other) out.add(other);
    }
    if (p.type === T.BlockStatement) {
      for (const statement of p.body) {
        if (statement === child) break;
        if (statement.type === T.IfStatement && !statement.alternate && endsWith(statement.consequent, [T.ReturnStatement, T.ThrowStatement])) out.add(statement.consequent);
      }
    }
  }
  return out;
}
