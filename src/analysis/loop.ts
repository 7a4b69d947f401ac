import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/utils';
import { contains, isLoop, pathOf, rootOf, staticPropertyName, unwrap, walkSameFunction, type LoopNode, type Node } from './ast.js';
import type { FileContext } from './context.js';
import { describeBlockingSleep } from './blocking.js';
import { describeSleep, type SleepCall } from './sleep.js';
import { mayPollWithin } from './gate.js';
import { isComputedDelay } from './evaluate.js';
import { readsPromise } from './types.js';
import { findVariable } from './scope.js';
import { classifyAtom, conditionAtoms, readsWrittenPath, type Atom } from './state.js';

/** A loop that waits for in-process state by checking it, sleeping a fixed time, and checking again. */
export interface LoopWait {
  loop: LoopNode;
  /** The atoms of the exit condition(s) that read in-process state the loop does not change itself. */
  polled: Atom[];
  /** Source text naming what is polled (the smallest part of the condition holding every polled atom). */
  conditionText: string;
  /** The sleep between checks (the first one, when there are several). */
  sleep: SleepCall;
}

/** Methods that change the object they are called on. */
export const MUTATORS: ReadonlySet<string> = new Set([
  'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin',
  'add', 'delete', 'clear', 'set', 'dequeue', 'enqueue', 'drain', 'remove', 'removeAll', 'reset',
]);
const LOGGERS = /^(console|logger|log|logging|debug|this\.log|this\.logger|this\.debug)$/;
const PRIMITIVE_PROPS = /\.(length|size|byteLength)$/;

interface LoopFacts {
  sleeps: SleepCall[];
  otherAwaits: number;
  written: Set<string>;
  /** Calls in the body that are neither sleeps nor logging: the loop does work of its own. */
  workCalls: number;
}

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

function exitsLoop(statement: TSESTree.Statement, loop: LoopNode): boolean {
  const last = statement.type === T.BlockStatement ? statement.body[statement.body.length - 1] : statement;
  if (!last) return false;
  if (last.type === T.ReturnStatement || last.type === T.ThrowStatement) return true;
  if (last.type === T.BreakStatement) {
    if (!last.label) return true;
    return loop.parent?.type === T.LabeledStatement && loop.parent.label.name === last.label.name;
  }
  return false;
}

/** The exit conditions: the loop's test, and `if (cond) break|return|throw` at the top of its body. */
export function exitConditions(loop: LoopNode): { conditions: Node[]; exitIfs: Set<Node> } {
  const conditions: Node[] = [];
  const exitIfs = new Set<Node>();
  const test = loop.test ?? null;
  if (!isConstantTrue(test)) conditions.push(test!);
  if (loop.body.type === T.BlockStatement) {
    for (const statement of loop.body.body) {
      if (statement.type === T.IfStatement && exitsLoop(statement.consequent, loop)) {
        conditions.push(statement.test);
        exitIfs.add(statement);
      }
    }
  }
  return { conditions, exitIfs };
}

export function isLoggingCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  const objectPath = callee.type === T.MemberExpression ? pathOf(callee.object) : null;
  if (objectPath !== null && LOGGERS.test(objectPath)) return true;
  return callee.type === T.Identifier && /^(debug|log|trace)$/.test(callee.name);
}

function collectFacts(loop: LoopNode, exitIfs: Set<Node>, ctx: FileContext): LoopFacts {
  const facts: LoopFacts = { sleeps: [], otherAwaits: 0, written: new Set(), workCalls: 0 };
  const keys = ctx.sourceCode.visitorKeys;
  const write = (target: Node) => {
    const path = pathOf(target);
    if (path !== null) facts.written.add(path);
    else {
      const root = rootOf(target);
      if (root) facts.written.add(root.type === T.ThisExpression ? 'this' : root.name);
    }
  };
  const writePattern = (pattern: Node) => {
    walkSameFunction(pattern, keys, (n) => {
      if (n.type === T.Identifier || n.type === T.MemberExpression) {
        write(n);
        return false;
      }
      return undefined;
    });
  };
  const roots: Node[] = [loop.body];
  if (loop.type !== T.DoWhileStatement && loop.type === T.ForStatement && loop.update) roots.push(loop.update);
  if (loop.test) roots.push(loop.test);

  const sleepNodes = new Set<Node>();
  for (const root of roots) {
    walkSameFunction(root, keys, (n) => {
      switch (n.type) {
        case T.AwaitExpression: {
          const sleep = insideNestedLoop(n, loop) ? null : describeSleep(n.argument, ctx);
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
          writePattern(n.left);
          return undefined;
        case T.UpdateExpression:
          write(n.argument);
          return undefined;
        case T.UnaryExpression:
          if (n.operator === 'delete') write(n.argument);
          return undefined;
        case T.VariableDeclarator:
          writePattern(n.id);
          return undefined;
        case T.ForInStatement:
          writePattern(n.left);
          return undefined;
        case T.CallExpression: {
          if (sleepNodes.has(n)) return false;
          if (isLoggingCall(n)) return false;
          const callee = unwrap(n.callee);
          if (callee.type === T.MemberExpression) {
            const method = staticPropertyName(callee);
            if (method !== null && MUTATORS.has(method)) write(callee.object);
          }
          if (!insideExitCheck(n, exitIfs, loop)) {
            // An object handed to a call may be changed by it.
            for (const arg of n.arguments) {
              const path = pathOf(arg);
              if (path !== null && path !== 'this' && !PRIMITIVE_PROPS.test(path)) facts.written.add(path);
            }
            const blocking = insideNestedLoop(n, loop) ? null : describeBlockingSleep(n, ctx);
            if (blocking) {
              facts.sleeps.push(blocking);
              return false;
            }
            facts.workCalls++;
          }
          return undefined;
        }
        case T.NewExpression:
          if (!insideExitCheck(n, exitIfs, loop)) facts.workCalls++;
          return undefined;
        default:
          return undefined;
      }
    });
  }
  return facts;
}

function insideNestedLoop(node: Node, loop: LoopNode): boolean {
  for (let p = node.parent; p && p !== loop; p = p.parent) if (isLoop(p)) return true;
  return false;
}

/** Inside the loop's own test or update, or an `if (cond) break|return|throw` exit: checks, not work. */
function insideExitCheck(node: Node, exitIfs: Set<Node>, loop: LoopNode): boolean {
  for (let p: Node | undefined = node; p && p !== loop; p = p.parent) {
    if (p.parent === loop && (loop.test === p || (loop.type === T.ForStatement && loop.update === p))) return true;
    if (exitIfs.has(p)) return true;
  }
  return false;
}


/**
 * The atom calls a predicate the enclosing function was given (`while (!pred()) await sleep(ms)` inside a
 * `waitFor(pred, ms)` helper): what it polls is decided by each caller, so the helper is judged at its calls.
 */
function callsParameter(atom: Node, loop: LoopNode, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(atom, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type !== T.CallExpression) return undefined;
    const callee = unwrap(n.callee);
    if (callee.type === T.Identifier) {
      const def = findVariable(ctx.getScope(callee), callee.name)?.defs[0];
      if (def?.type === 'Parameter' && contains(def.node as Node, loop)) found = true;
    }
    return undefined;
  });
  return found;
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

/**
 * Describes `loop` as sleep-polling of in-process state, or returns null when it is anything else
 * (a retry, remote polling, a worker loop, pacing, a countdown, a drain that awaits the work…).
 */
export function describeLoopWait(loop: LoopNode, ctx: FileContext): LoopWait | null {
  if (!mayPollWithin(ctx, loop.range)) return null;
  const { conditions, exitIfs } = exitConditions(loop);
  if (conditions.length === 0) return null;
  const facts = collectFacts(loop, exitIfs, ctx);
  const sleep = facts.sleeps[0];
  if (!sleep) return null;
  if (facts.otherAwaits > 0) return null;

  const polledByCondition: { condition: Node; atoms: Atom[] }[] = [];
  for (const condition of conditions) {
    const atoms = conditionAtoms(condition)
      .map((atom) => classifyAtom(atom, loop, ctx))
      .filter((atom) => atom.kind === 'state' && !readsWrittenPath(atom, facts.written) && !readsPromise(atom.node, ctx) && !callsParameter(atom.node, loop, ctx));
    if (atoms.length > 0) polledByCondition.push({ condition, atoms });
  }
  if (polledByCondition.length === 0) return null;
  // A counted run of microtask turns (`for (n = 50; !done && n > 0; --n) await Promise.resolve()`, fast-check's
  // scheduler) only lets already-queued promise callbacks run, never waits on time or I/O: a flush, not a poll.
  if (facts.sleeps.every((s) => s.via === 'microtask') && conditions.some((c) => conditionAtoms(c).some((a) => readsWrittenPath(classifyAtom(a, loop, ctx), facts.written)))) return null;
  if (facts.sleeps.some((s) => s.delay.nodes.some((node) => isComputedDelay(node, facts.written, ctx)))) return null;

  const polled = polledByCondition.flatMap((c) => c.atoms);
  if (!ctx.options.reportWorkLoops && polled.every((a) => a.flag) && facts.workCalls > 0) return null;

  const conditionText = polledByCondition
    .map(({ condition, atoms }) => ctx.text(smallestCover(condition, atoms.map((a) => a.node))))
    .join(' || ');
  return { loop, polled, conditionText, sleep };
}
