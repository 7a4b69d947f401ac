import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { enclosingFunction, unwrap, walkSameFunction, type LoopNode, type Node } from './ast.js';
import { describeSleep } from './sleep.js';
import type { FileContext } from './context.js';
import { exitConditions, isConstantTrue } from './shapes/loop.js';
import { smallestCover } from './shapes/common.js';
import { findVariable } from './scope.js';
import { classifyAtom, conditionAtoms, isReadOnlyCall, type Atom } from './dependence/atoms.js';

/**
 * A loop that re-checks a condition without ever yielding, with a body that cannot change it:
 * - `clock`: it waits for time to pass (`while (Date.now() < end) {}`), blocking the event loop meanwhile;
 * - `state`: it waits for in-process state (`while (!this.ready) {}`), which nothing can change while it spins;
 * - `state-until`: the same, bounded by a deadline (`while (!this.ready && Date.now() < end) {}`).
 */
export interface BusyWait {
  loop: LoopNode;
  kind: 'clock' | 'clock-microtask' | 'state' | 'state-until';
  /** The atoms the message is about: the state atoms, or the clock atoms of a pure time wait. */
  atoms: Atom[];
  /** Source text of the smallest part of the condition holding those atoms. */
  conditionText: string;
}

/** Describes `loop` as a busy-wait, or null (time-sliced work, a body that changes the state, a yield…). */
export function describeBusyWait(loop: LoopNode, ctx: FileContext): BusyWait | null {
  const cache = ctx.cache<BusyWait | null>('busy-wait');
  if (cache.has(loop)) return cache.get(loop)!;
  const result = describeUncached(loop, ctx);
  cache.set(loop, result);
  return result;
}

function describeUncached(loop: LoopNode, ctx: FileContext): BusyWait | null {
  const yields = { microtask: false };
  if (loop.type === T.ForStatement && loop.update && !readsOnly(loop.update, ctx)) return null;
  if (loop.test && !readsOnly(loop.test, ctx)) return null;
  if (!bodyReadsOnly(loop.body, ctx, loop, yields)) return null;

  const conditions = exitConditions(loop, ctx);
  if (conditions.length === 0) return null;
  const classified = conditions.map((condition) => ({
    condition,
    atoms: conditionAtoms(condition).map((atom) => classifyAtom(atom, loop, ctx)),
  }));
  const all = classified.flatMap((c) => c.atoms);
  if (all.some((a) => a.kind === 'remote')) return null;

  const state = classified.filter((c) => c.atoms.some((a) => a.kind === 'state'));
  // A loop that yields to microtasks only is a busy-wait on the clock; on state it is no-sleep-polling's zero-delay poll.
  if (yields.microtask && state.length > 0) return null;
  // A typed array may sit on a SharedArrayBuffer that another thread writes: not provably in-process.
  if (state.some((c) => c.atoms.some((a) => a.kind === 'state' && readsTypedArray(a.node, ctx)))) return null;
  if (state.length > 0) {
    const bounded = isBounded(loop, ctx);
    return {
      loop,
      kind: bounded ? 'state-until' : 'state',
      atoms: state.flatMap((c) => c.atoms.filter((a) => a.kind === 'state')),
      conditionText: coverText(state, 'state', ctx),
    };
  }
  const clock = classified.filter((c) => c.atoms.some((a) => a.kind === 'clock'));
  if (clock.length === 0) return null;
  return {
    loop,
    kind: yields.microtask ? 'clock-microtask' : 'clock',
    atoms: clock.flatMap((c) => c.atoms.filter((a) => a.kind === 'clock')),
    conditionText: coverText(clock, 'clock', ctx),
  };
}

function coverText(parts: { condition: Node; atoms: Atom[] }[], kind: Atom['kind'], ctx: FileContext): string {
  return parts
    .map(({ condition, atoms }) => ctx.text(smallestCover(condition, atoms.filter((a) => a.kind === kind).map((a) => a.node))))
    .join(' || ');
}

/**
 * True when the loop ends by the clock whatever the state: a conjunct of its test reads only the clock
 * (`!ready && Date.now() < end`), or an exit `if` tests the clock (`if (Date.now() > end) break`).
 */
function isBounded(loop: LoopNode, ctx: FileContext): boolean {
  const clockOnly = (node: Node) => {
    const atoms = conditionAtoms(node).map((atom) => classifyAtom(atom, loop, ctx));
    return atoms.some((a) => a.kind === 'clock') && atoms.every((a) => a.kind === 'clock' || a.kind === 'local');
  };
  const conjuncts = (node: Node): Node[] => {
    const n = unwrap(node);
    return n.type === T.LogicalExpression && n.operator === '&&' ? [...conjuncts(n.left), ...conjuncts(n.right)] : [n];
  };
  if (loop.test && !isConstantTrue(loop.test) && conjuncts(loop.test).some(clockOnly)) return true;
  for (const condition of exitConditions(loop, ctx)) {
    if (condition === loop.test) continue;
    const atoms = conditionAtoms(condition).map((atom) => classifyAtom(atom, loop, ctx));
    if (atoms.some((a) => a.kind === 'clock')) return true;
  }
  return false;
}

function readsTypedArray(atom: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(atom, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type !== T.MemberExpression) return !found;
    const object = unwrap(n.object);
    if (object.type !== T.Identifier) return !found;
    const def = findVariable(ctx.getScope(object), object.name)?.defs[0];
    const init = def?.node.type === T.VariableDeclarator ? def.node.init : null;
    const created = init ? unwrap(init) : null;
    if (created?.type === T.NewExpression && created.callee.type === T.Identifier && /.Array$/.test(created.callee.name)) {
      found = true;
    }
    return !found;
  });
  return found;
}

/** An expression that changes nothing: no assignment, update, `delete`, `await`, `yield`, or call other than a read. */
function readsOnly(node: Node, ctx: FileContext): boolean {
  let ok = true;
  walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
    switch (n.type) {
      case T.AssignmentExpression:
      case T.UpdateExpression:
      case T.AwaitExpression:
      case T.YieldExpression:
      case T.TaggedTemplateExpression:
      case T.ImportExpression:
      case T.ArrowFunctionExpression:
      case T.FunctionExpression:
      case T.ClassExpression:
        ok = false;
        break;
      case T.UnaryExpression:
        if (n.operator === 'delete') ok = false;
        break;
      case T.CallExpression:
      case T.NewExpression:
        if (!isReadOnlyCall(n, ctx)) ok = false;
        break;
      default:
        break;
    }
    return ok;
  });
  return ok;
}

/** The body changes nothing the condition could read: empty, comments only, reads, or exits. */
/** Sleeps that only let microtasks run (`process.nextTick`, resolved promises): timers and I/O never do. */
const MICROTASK_YIELDS = new Set(['microtask', 'process.nextTick promise', 'queueMicrotask promise']);

function bodyReadsOnly(statement: TSESTree.Statement, ctx: FileContext, loop: LoopNode, yields: { microtask: boolean }): boolean {
  switch (statement.type) {
    case T.EmptyStatement:
    case T.BreakStatement:
    case T.ContinueStatement:
      return true;
    case T.BlockStatement:
      return statement.body.every((s) => bodyReadsOnly(s, ctx, loop, yields));
    case T.ExpressionStatement: {
      const e = unwrap(statement.expression);
      // `await new Promise((r) => process.nextTick(r))`: only microtasks run, as if it never yielded.
      if (e.type === T.AwaitExpression) {
        const sleep = describeSleep(e.argument, ctx);
        if (sleep && MICROTASK_YIELDS.has(sleep.via)) {
          yields.microtask = true;
          return true;
        }
        return false;
      }
      // `now = Date.now()`: a variable of the function given a fresh reading of the clock (or another pure value).
      if (e.type === T.AssignmentExpression && e.operator === '=' && e.left.type === T.Identifier && readsClock(e.right, ctx) && readsOnly(e.right, ctx) && isOwnVariable(e.left, loop, ctx)) return true;
      return readsOnly(statement.expression, ctx);
    }
    case T.ReturnStatement:
    case T.ThrowStatement:
      // Runs once, on the way out.
      return true;
    case T.IfStatement:
      return (
        readsOnly(statement.test, ctx) &&
        bodyReadsOnly(statement.consequent, ctx, loop, yields) &&
        (!statement.alternate || bodyReadsOnly(statement.alternate, ctx, loop, yields))
      );
    case T.VariableDeclaration:
      return (
        statement.kind !== 'var' &&
        statement.declarations.every((d) => d.id.type === T.Identifier && (!d.init || readsOnly(d.init, ctx)))
      );
    default:
      return false;
  }
}

/** A variable declared in the loop's own function (or module, at top level): not state another callback shares. */
function isOwnVariable(id: TSESTree.Identifier, loop: LoopNode, ctx: FileContext): boolean {
  const variable = findVariable(ctx.getScope(id), id.name);
  if (!variable || variable.defs.length === 0) return false;
  const declaredIn = variable.scope.variableScope.block as Node;
  const fn = enclosingFunction(loop);
  return fn === null ? declaredIn.type === T.Program : declaredIn === fn;
}

/** The expression reads the clock (`Date.now()`, `performance.now()`, `new Date()`). */
function readsClock(node: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
    if ((n.type === T.CallExpression || n.type === T.NewExpression) && /^(Date\.now|performance\.now|Date)$/.test(ctx.text(n.callee))) found = true;
    return !found;
  });
  return found;
}
