import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { contains, isFunction, isLoop, pathOf, staticPropertyName, statementsOf, unwrap, walkSameFunction, type LoopNode, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import { mayBlock } from '../gate.js';
import { describeBlockingSleep } from '../blocking.js';
import { describeSleep, type SleepCall } from '../sleep.js';
import { isComputedDelay } from '../evaluate.js';
import type { Exit, Iteration, Wait, WaitDelay } from '../model.js';
import { classifyAtom, conditionAtoms, readsWrittenPath } from '../dependence/atoms.js';
import { addPatternWrites, addWrite, declarationsFeeding, isFailureBranch, isLoggingCall, MUTATORS } from './common.js';

const PRIMITIVE_PROPS = /\.(length|size|byteLength)$/;
const TAKERS: ReadonlySet<string> = new Set(['pop', 'shift', 'dequeue']);

export function isConstantTrue(node: Node | null): boolean {
  if (node === null) return true;
  const n = unwrap(node);
  if (n.type === T.Literal) return !!n.value;
  if (n.type === T.UnaryExpression && n.operator === '!') {
    const inner = unwrap(n.argument);
    return inner.type === T.Literal && !inner.value;
  }
  return false;
}

/** The statement leaves `loop`: `return`, `throw`, or a `break` of this loop (not of a `switch` inside it). */
function leavesLoop(statement: TSESTree.Statement, loop: LoopNode): TSESTree.Statement | null {
  const last = statementsOf(statement).at(-1);
  if (!last) return null;
  if (last.type === T.ReturnStatement || last.type === T.ThrowStatement) return last;
  if (last.type === T.BreakStatement) {
    if (last.label) return loop.parent?.type === T.LabeledStatement && loop.parent.label.name === last.label.name ? last : null;
    for (let p: Node | undefined = last.parent; p && p !== loop; p = p.parent) if (p.type === T.SwitchStatement) return null;
    return last;
  }
  return null;
}

/** Inside a loop or function nested in `loop`: code that is not this loop's own iteration. */
function insideNested(node: Node, loop: Node): boolean {
  for (let p = node.parent; p && p !== loop; p = p.parent) if (isLoop(p) || isFunction(p)) return true;
  return false;
}

/** The `if` tests between `loop`'s body and `node`. */
function pathTests(node: Node, loop: Node): Node[] {
  const tests: Node[] = [];
  let child: Node = node;
  for (let p = node.parent; p && p !== loop; child = p, p = p.parent) {
    if (p.type === T.IfStatement && child !== p.test) tests.unshift(p.test);
  }
  return tests;
}

/** `signal.aborted`, `this.signal?.aborted`: whether an operation was cancelled, not what a wait waits for. */
function isAbortCheck(test: Node): boolean {
  const n = unwrap(test);
  return n.type === T.MemberExpression && staticPropertyName(n) === 'aborted';
}

/**
 * The ways out of a loop: its test (unless constant), every `if` branch of its iteration that ends in a
 * `break`/`return`/`throw` (with the tests on the way there), and a `try` block that returns or breaks when its
 * calls do not throw (`try { assertion(); return } catch { await sleep(ms) }`).
 */
export function loopExits(loop: LoopNode, ctx: FileContext): Exit[] {
  const exits: Exit[] = [];
  const test = loop.test ?? null;
  if (!isConstantTrue(test)) exits.push({ conditions: [test!], kind: 'success', loopTest: true });
  walkSameFunction(loop.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n !== loop.body && isLoop(n)) return false;
    if (n.type === T.IfStatement) {
      for (const branch of [n.consequent, n.alternate]) {
        if (!branch) continue;
        const last = leavesLoop(branch, loop);
        if (!last) continue;
        // A cancellation check (`if (signal.aborted) return`) gives up, whether it throws or returns.
        const kind = last.type === T.ThrowStatement || isAbortCheck(n.test) || isFailureBranch(branch, ctx) ? 'failure' : 'success';
        exits.push({ conditions: [...pathTests(n, loop), n.test], kind });
      }
    }
    if (n.type === T.TryStatement) {
      const last = leavesLoop(n.block, loop);
      if (last && last.type !== T.ThrowStatement && !isFailureBranch(n.block, ctx)) {
        const checks: Node[] = [];
        for (const statement of n.block.body) {
          if (statement.type === T.ExpressionStatement) checks.push(statement.expression);
          else if (statement.type === T.ReturnStatement && statement.argument) checks.push(statement.argument);
        }
        if (checks.length > 0) exits.push({ conditions: [...pathTests(n, loop), ...checks], kind: 'success', viaTry: true });
      }
    }
    return undefined;
  });
  return exits;
}

/** Every `if` branch of the iteration that leaves the loop (`break`, `return`, `throw`). */
function leavingBranches(loop: LoopNode, ctx: FileContext): Set<Node> {
  const out = new Set<Node>();
  walkSameFunction(loop.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n !== loop.body && isLoop(n)) return false;
    if (n.type === T.IfStatement) {
      for (const branch of [n.consequent, n.alternate]) if (branch && leavesLoop(branch, loop)) out.add(branch);
    }
    return undefined;
  });
  return out;
}

/** The branches the success exits run in (their sleeps are a last pause before leaving, not the poll's delay). */
function successBranches(loop: LoopNode, ctx: FileContext): Node[] {
  const out: Node[] = [];
  walkSameFunction(loop.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n !== loop.body && isLoop(n)) return false;
    if (n.type === T.IfStatement) {
      for (const branch of [n.consequent, n.alternate]) {
        const last = branch && leavesLoop(branch, loop);
        if (branch && last && last.type !== T.ThrowStatement) out.push(branch);
      }
    }
    return undefined;
  });
  return out;
}

interface LoopFacts extends Iteration {
  sleeps: SleepCall[];
}

/** What the iteration does: its sleeps, other awaits, writes, work, logging (within `roots`, not nested loops). */
export function iterationFacts(roots: Node[], loop: Node, checks: ReadonlySet<Node>, ctx: FileContext, exitBranches: ReadonlySet<Node> = new Set()): LoopFacts {
  const facts: LoopFacts = { sleeps: [], otherAwaits: 0, written: new Set(), mutated: new Set(), workCalls: 0, sharedWrites: 0, logs: 0 };
  const keys = ctx.sourceCode.visitorKeys;
  const sleepNodes = new Set<Node>();
  const sharedTarget = (target: Node) => {
    const t = unwrap(target);
    if (t.type === T.MemberExpression) {
      const path = pathOf(t);
      if (path === null || !PRIMITIVE_PROPS.test(path)) facts.sharedWrites++;
    }
  };
  for (const root of roots) {
    walkSameFunction(root, keys, (n) => {
      // A branch that leaves the loop runs once the wait is over: its writes, awaits and sleeps are not the iteration's.
      if (exitBranches.has(n)) return false;
      switch (n.type) {
        case T.AwaitExpression: {
          const sleep = insideNested(n, loop) ? null : describeSleep(n.argument, ctx);
          if (sleep) {
            facts.sleeps.push(sleep);
            sleepNodes.add(unwrap(n.argument));
            return false;
          }
          facts.otherAwaits++;
          return undefined;
        }
        case T.YieldExpression:
          facts.otherAwaits++;
          return undefined;
        case T.ForOfStatement:
          if (n.await) facts.otherAwaits++;
          return undefined;
        case T.AssignmentExpression:
          addPatternWrites(facts.written, n.left, ctx);
          sharedTarget(n.left);
          return undefined;
        case T.UpdateExpression:
          addWrite(facts.written, n.argument);
          sharedTarget(n.argument);
          return undefined;
        case T.UnaryExpression:
          if (n.operator === 'delete') addWrite(facts.written, n.argument);
          return undefined;
        case T.VariableDeclarator:
          addPatternWrites(facts.written, n.id, ctx);
          return undefined;
        case T.ForInStatement:
          addPatternWrites(facts.written, n.left, ctx);
          return undefined;
        case T.CallExpression: {
          if (sleepNodes.has(n)) return false;
          if (isLoggingCall(n)) {
            facts.logs++;
            return false;
          }
          const callee = unwrap(n.callee);
          if (callee.type === T.MemberExpression) {
            const method = staticPropertyName(callee);
            // Taking from a collection to test what was taken (`const task = queue.pop(); if (task) return task`)
            // is how the check reads it: on an empty collection it changes nothing.
            const takes = method !== null && TAKERS.has(method) && insideCheck(n, checks, loop);
            if (method !== null && MUTATORS.has(method) && !takes) {
              addWrite(facts.written, callee.object);
              addWrite(facts.mutated, callee.object);
            }
          }
          if (!insideCheck(n, checks, loop)) {
            // An object handed to a call may be changed by it.
            for (const arg of n.arguments) {
              const path = pathOf(arg);
              if (path !== null && path !== 'this' && !PRIMITIVE_PROPS.test(path)) {
                facts.written.add(path);
                facts.mutated.add(path);
              }
            }
            const blocking = insideNested(n, loop) ? null : describeBlockingSleep(n, ctx);
            if (blocking) {
              facts.sleeps.push(blocking);
              return false;
            }
            facts.workCalls++;
          }
          return undefined;
        }
        case T.NewExpression:
          if (!insideCheck(n, checks, loop)) facts.workCalls++;
          return undefined;
        default:
          return undefined;
      }
    });
  }
  return facts;
}

/** Inside a check: an exit's test, the loop's own test or update, or a declaration a check reads. */
function insideCheck(node: Node, checks: ReadonlySet<Node>, loop: Node): boolean {
  for (let p: Node | undefined = node; p && p !== loop; p = p.parent) {
    if (checks.has(p)) return true;
    if (p.type === T.VariableDeclarator && checks.has(p)) return true;
  }
  return false;
}

function delayOf(facts: LoopFacts, preferred: SleepCall | undefined, ctx: FileContext): WaitDelay | null {
  const sleep = preferred ?? facts.sleeps[0];
  if (!sleep) return null;
  return {
    sleep,
    delay: sleep.delay,
    zero: sleep.zero,
    blocking: sleep.blocking,
    computed: facts.sleeps.some((s) => s.delay.nodes.some((node) => isComputedDelay(node, facts.written, ctx))),
    unknown: false,
  };
}

/** Reduces a `while` / `do` / `for` loop to a wait: its exits, its iteration, and the sleep between checks. */
export function loopShape(loop: LoopNode, ctx: FileContext): Wait | null {
  // Most loops that await something await I/O, not a sleep: find a sleep first, before any other walk.
  if (!holdsSleep(loop, ctx)) return null;
  const exits = loopExits(loop, ctx);
  if (exits.length === 0) return null;
  const checks = new Set<Node>(exits.flatMap((e) => e.conditions));
  // The exits' own branches (`if (n > 5) throw new Error(…)`) check and leave: not the iteration's work.
  for (const exit of exits) {
    const last = exit.conditions.at(-1);
    if (!exit.viaTry && last?.parent?.type === T.IfStatement && last.parent.test === last) checks.add(last.parent);
  }
  const roots: Node[] = [loop.body];
  if (loop.type === T.ForStatement && loop.update) roots.push(loop.update);
  if (loop.test) roots.push(loop.test);
  for (const declaration of declarationsFeeding(loop.body, exits.flatMap((e) => e.conditions), ctx)) checks.add(declaration);
  const facts = iterationFacts(roots, loop, checks, ctx, leavingBranches(loop, ctx));
  if (facts.sleeps.length === 0) return null;
  // A counted run of microtask turns (`for (n = 50; !done && n > 0; --n) await Promise.resolve()`) only lets
  // already-queued callbacks run: a flush, not a poll.
  if (facts.sleeps.every((s) => s.via === 'microtask') && [...checks].some((c) => conditionAtoms(c).some((a) => readsWrittenPath(classifyAtom(a, loop, ctx), facts.written)))) return null;
  const exitBranches = successBranches(loop, ctx);
  const pacing = facts.sleeps.find((s) => !exitBranches.some((b) => contains(b, s.node)));
  const delay = delayOf(facts, pacing, ctx);
  if (!delay) return null;
  return { shape: 'loop', node: loop, owner: loop, exits, iteration: facts, delay, via: delay.sleep!.via };
}

/**
 * A wait guarding the work of a larger loop: `while (running) { if (!this.handler) { await sleep(100); continue; } … }`.
 * The guard's test is the exit (falling through to the work is the success); the loop's own writes count as the
 * iteration's.
 */
export function guardShapes(loop: LoopNode, ctx: FileContext): Wait[] {
  if (loop.body.type !== T.BlockStatement) return [];
  const out: Wait[] = [];
  let loopWrites: LoopFacts | null = null;
  for (const statement of loop.body.body) {
    if (statement.type !== T.IfStatement || statement.alternate) continue;
    const last = statementsOf(statement.consequent).at(-1);
    if (!last || last.type !== T.ContinueStatement || (last.label && !(loop.parent?.type === T.LabeledStatement && loop.parent.label.name === last.label.name))) continue;
    loopWrites ??= iterationFacts([loop.body], loop, new Set(), ctx);
    const facts = iterationFacts([statement.consequent], loop, new Set([statement.test]), ctx);
    const delay = delayOf(facts, undefined, ctx);
    if (!delay || facts.workCalls > 0) continue;
    for (const w of loopWrites.written) facts.written.add(w);
    for (const w of loopWrites.mutated) facts.mutated.add(w);
    out.push({
      shape: 'guard', node: statement, owner: loop,
      exits: [{ conditions: [statement.test], kind: 'success' }],
      iteration: facts, delay, via: delay.sleep!.via,
    });
  }
  return out;
}

/** The conditions of a loop's exits (for the busy-wait analysis, which needs no kinds). */
export function exitConditions(loop: LoopNode, ctx: FileContext): Node[] {
  return loopExits(loop, ctx).flatMap((e) => (e.viaTry ? [] : e.conditions.slice(-1)));
}

/** The loop's own iteration (not nested loops or functions) awaits a sleep or calls a blocking one. */
function holdsSleep(loop: LoopNode, ctx: FileContext): boolean {
  let found = false;
  const blocks = mayBlock(ctx);
  const roots: Node[] = [loop.body];
  if (loop.test) roots.push(loop.test);
  if (loop.type === T.ForStatement && loop.update) roots.push(loop.update);
  for (const root of roots) {
    walkSameFunction(root, ctx.sourceCode.visitorKeys, (n) => {
      if (found) return false;
      if (n !== root && isLoop(n)) return false;
      if (n.type === T.AwaitExpression && describeSleep(n.argument, ctx)) found = true;
      else if (blocks && n.type === T.CallExpression && describeBlockingSleep(n, ctx)) found = true;
      return !found;
    });
  }
  return found;
}
