import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { contains, enclosingFunction, isPathPrefix, pathOf, rootOf, staticPropertyName, unwrap, walkSameFunction, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import { findVariable, isGlobalAt } from '../scope.js';
import { callIsRemote, REMOTE_CALL_NAME, REMOTE_PROPERTIES, REMOTE_ROOTS } from './functions.js';

/**
 * What one atom of a condition (an operand of `&&`/`||`) reads:
 * - `state`: in-process state that only a callback of this process can change;
 * - `clock`: the wall clock (`Date.now()`), so the atom is a deadline or a quiet window, not a wait for state;
 * - `remote`: state owned by something else, observable only by asking (an `await`, sync I/O, the OS, shared memory);
 *   the page's own DOM is in-process (`dom`), a browser driven from outside is remote (its calls are awaited);
 * - `local`: a variable of the waiting function itself, or constants: nothing another callback changes.
 */
export type AtomKind = 'state' | 'clock' | 'remote' | 'local';

export interface Atom {
  node: Node;
  kind: AtomKind;
  /** Access paths the atom reads (`this.queue.length`, `p.getCount`, `done`), through the waiter's own locals. */
  reads: string[];
  /** A bare flag (`this.stopped`, `!running`) rather than a count, comparison, call or a value looked up. */
  flag: boolean;
  /** The page's own DOM (`document.querySelector(…)`, `el.offsetHeight`): in-process, observable with an observer. */
  dom: boolean;
  /** The name of a function parameter the atom calls synchronously (`pred()`): a predicate handed in by a caller. */
  predicate: string | null;
  /** The waiter's own variables the atom was followed through: a waiter that mutates one (`buf.push(…)`) changes what it reads. */
  followed: string[];
}

const CLOCK_CALLS = new Set(['Date.now', 'performance.now', 'process.hrtime', 'process.hrtime.bigint', 'process.uptime', 'Date']);
/** Namespaces whose functions compute from their arguments and read nothing else. */
const PURE_NAMESPACES = new Set(['Object', 'Array', 'Number', 'Math', 'JSON', 'String', 'Boolean', 'Reflect', 'BigInt']);
const PURE_FUNCTIONS = new Set(['Number', 'String', 'Boolean', 'BigInt', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);
/** The page's own DOM: it changes only when a task of this page runs, so an observer can await it. */
const DOM_ROOTS = new Set(['document']);
const DOM_PROPERTIES = new Set([
  'querySelector', 'querySelectorAll', 'getElementById', 'getElementsByClassName', 'getElementsByTagName', 'getElementsByName',
  'offsetHeight', 'offsetWidth', 'offsetTop', 'offsetLeft', 'clientHeight', 'clientWidth', 'scrollHeight', 'scrollWidth',
  'isConnected', 'getBoundingClientRect', 'getComputedStyle', 'childElementCount', 'firstElementChild', 'innerHTML', 'textContent',
]);
const RANDOM_CALLS = /^(Math\.random|crypto\.random\w*|crypto\.getRandomValues|randomUUID|randomInt|randomBytes)$/;
const GLOBAL_CONSTANTS = new Set(['undefined', 'NaN', 'Infinity']);
const MAX_FOLLOW = 3;

/** Splits a condition into its atoms (operands of `&&`, `||`, `??`, through `!` and parentheses). */
export function conditionAtoms(condition: Node): Node[] {
  const n = unwrap(condition);
  if (n.type === T.LogicalExpression) return [...conditionAtoms(n.left), ...conditionAtoms(n.right)];
  if (n.type === T.UnaryExpression && n.operator === '!') {
    const inner = unwrap(n.argument);
    if (inner.type === T.LogicalExpression) return conditionAtoms(inner);
  }
  return [n];
}

function isFlag(node: Node): boolean {
  let n = unwrap(node);
  while (n.type === T.UnaryExpression && n.operator === '!') n = unwrap(n.argument);
  return n.type === T.Identifier || n.type === T.MemberExpression;
}

/**
 * Classifies one atom of an exit condition, as seen from `anchor` (the waiting loop, or a node inside a timer
 * callback): variables of the waiting function that no other callback writes are followed to what they were
 * assigned from (`const found = [...this.pending].find(…)` reads `this.pending`); a variable whose value comes
 * from a random draw is the iteration's own.
 */
export function classifyAtom(atom: Node, anchor: Node, ctx: FileContext): Atom {
  const reads: string[] = [];
  let clock = false;
  let remote = false;
  let state = false;
  let dom = false;
  let own = false;
  let predicate: string | null = null;
  let followedRoot = false;
  const followed: string[] = [];
  /** Inside the definition of a variable the waiter never reassigns: a value fetched once (`await`) is not asked again. */
  let fixed = 0;
  const following = new Set<TSESLint.Scope.Variable>();
  const scopeOf = (n: Node) => ctx.getScope(n);
  const waitingFunction = enclosingFunction(anchor);

  /** The expressions a waiter's own variable was assigned from, or null when it is a counter or not its own. */
  const sources = (variable: TSESLint.Scope.Variable): Node[] | null => {
    const def = variable.defs[0]!;
    if (def.type !== 'Variable' || def.node.type !== T.VariableDeclarator) return null;
    const declarator = def.node;
    const statement = declarator.parent?.parent;
    if (statement && (statement.type === T.ForOfStatement || statement.type === T.ForInStatement)) return null;
    const declaredIn = variable.scope.variableScope.block as Node;
    if (waitingFunction === null ? declaredIn.type !== T.Program : declaredIn !== waitingFunction) return null;
    // Referenced from another function (a listener pushing into it, a callback setting it): shared, not followed.
    const waiter = waitingFunction;
    if (variable.references.some((r) => enclosingFunction(r.identifier as Node) !== waiter)) return null;
    const out: Node[] = [];
    if (declarator.init) {
      if (declarator.id.type !== T.Identifier && declarator.id.type !== T.ObjectPattern && declarator.id.type !== T.ArrayPattern) return null;
      out.push(declarator.init);
    }
    for (const reference of variable.references) {
      if (!reference.isWrite() || reference.init) continue;
      const parent = (reference.identifier as Node).parent;
      if (parent?.type !== T.AssignmentExpression || parent.operator !== '=' || parent.left !== reference.identifier) return null;
      out.push(parent.right);
    }
    return out.length > 0 && out.length <= 4 ? out : null;
  };

  const visitIdentifier = (id: TSESTree.Identifier) => {
    if (GLOBAL_CONSTANTS.has(id.name)) return;
    const variable = findVariable(scopeOf(id), id.name);
    if (!variable || variable.defs.length === 0) {
      reads.push(id.name);
      state = true; // an implicit global, set by another script or module
      return;
    }
    if (isSharedVariable(variable, anchor)) {
      reads.push(id.name);
      state = true;
      return;
    }
    const from = following.size < MAX_FOLLOW && !following.has(variable) ? sources(variable) : null;
    if (from) {
      following.add(variable);
      followed.push(id.name);
      if (id === unwrap(atom) || rootOf(unwrap(atom)) === id) followedRoot = true;
      const once = !variable.references.some((r) => r.isWrite() && contains(anchor, r.identifier as Node));
      if (once) fixed++;
      from.forEach(visit);
      if (once) fixed--;
      following.delete(variable);
      return;
    }
    reads.push(id.name);
  };

  const visit = (raw: Node): void => {
    const n = unwrap(raw);
    switch (n.type) {
      case T.AwaitExpression:
        // A value fetched once before the wait is an object of this process now; asking was done once.
        if (fixed === 0) remote = true;
        return;
      case T.YieldExpression:
        remote = true;
        return;
      case T.Identifier:
        visitIdentifier(n);
        return;
      case T.ThisExpression:
        return;
      case T.ArrowFunctionExpression:
      case T.FunctionExpression:
        // A callback (`items.some(i => i.done)`) reads elements of what it is called on; it may still ask the OS.
        if (callbackAsks(n)) remote = true;
        return;
      case T.NewExpression:
        if (n.callee.type === T.Identifier && n.callee.name === 'Date') clock = true;
        else state = true;
        n.arguments.forEach(visit);
        return;
      case T.MemberExpression: {
        const path = pathOf(n);
        const root = rootOf(n);
        const prop = staticPropertyName(n);
        const inPage = root?.type === T.Identifier && DOM_ROOTS.has(root.name) && isUnshadowed(root);
        if (root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isUnshadowed(root)) remote = true;
        else if (prop !== null && REMOTE_PROPERTIES.has(prop)) remote = true;
        // A socket's or request's `readyState` follows the network; the page's own (`document.readyState`) does not.
        else if (prop === 'readyState' && !inPage) remote = true;
        else {
          if ((root?.type === T.Identifier && DOM_ROOTS.has(root.name) && isUnshadowed(root)) || (prop !== null && DOM_PROPERTIES.has(prop))) dom = true;
          if (root?.type === T.Identifier && followable(root)) {
            // A member of an object the waiter holds (`client.ready`, `list.length`) changes with the object.
            visit(root);
            state = true;
          } else if (path !== null) {
            reads.push(path);
            state = true;
          } else {
            state = true;
            visit(n.object);
          }
        }
        if (n.computed) visit(n.property);
        return;
      }
      case T.CallExpression: {
        const callee = unwrap(n.callee);
        const path = pathOf(callee);
        const name = callee.type === T.MemberExpression ? staticPropertyName(callee) : callee.type === T.Identifier ? callee.name : null;
        if (path !== null && CLOCK_CALLS.has(path.replace(/^(globalThis|window)\./, ''))) {
          clock = true;
          return;
        }
        if (path !== null && RANDOM_CALLS.test(path)) {
          own = true;
          return;
        }
        const root = rootOf(callee);
        if (root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isUnshadowed(root)) {
          remote = true;
          return;
        }
        if (path === 'process.kill' || (name !== null && (REMOTE_CALL_NAME.test(name) || REMOTE_PROPERTIES.has(name)))) {
          remote = true;
          return;
        }
        if ((root?.type === T.Identifier && DOM_ROOTS.has(root.name) && isUnshadowed(root)) || (name !== null && DOM_PROPERTIES.has(name))) dom = true;
        const pure =
          (callee.type === T.Identifier && PURE_FUNCTIONS.has(callee.name) && isUnshadowed(callee)) ||
          (callee.type === T.MemberExpression && root?.type === T.Identifier && PURE_NAMESPACES.has(root.name) && isUnshadowed(root) && unwrap(callee.object) === root);
        if (pure) {
          n.arguments.forEach(visit);
          return;
        }
        if (callee.type === T.Identifier) {
          const variable = findVariable(scopeOf(callee), callee.name);
          // A predicate is a parameter of its own (`waitFor(pred)`); one taken out of an object a caller handed in
          // (`({ runCount }) => …`) is state the caller keeps.
          const def = variable?.defs[0];
          const own = def?.type === 'Parameter' && ((def.name as Node).parent === def.node || (def.name as Node).parent?.type === T.AssignmentPattern);
          if (own) predicate ??= callee.name;
        }
        if (callIsRemote(n, ctx)) {
          remote = true;
          return;
        }
        if (callee.type === T.MemberExpression) {
          const objectRoot = rootOf(callee.object);
          if (objectRoot?.type === T.Identifier && followable(objectRoot)) visit(callee.object);
          else {
            if (path !== null) reads.push(path);
            const objectPath = pathOf(callee.object);
            if (objectPath !== null) reads.push(objectPath);
            else visit(callee.object);
          }
        } else if (callee.type === T.Identifier) {
          reads.push(callee.name);
        } else {
          visit(callee);
        }
        state = true;
        n.arguments.forEach(visit);
        return;
      }
      case T.Literal:
      case T.TemplateElement:
        return;
      default:
        for (const key of ctx.sourceCode.visitorKeys[n.type] ?? []) {
          const value = (n as unknown as Record<string, unknown>)[key];
          if (Array.isArray(value)) value.forEach((v) => v && typeof v === 'object' && 'type' in v && visit(v as Node));
          else if (value && typeof value === 'object' && 'type' in value) visit(value as Node);
        }
    }
  };

  const callbackAsks = (fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression): boolean => {
    let asks = false;
    walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (c) => {
      if (c.type === T.CallExpression && callIsRemote(c, ctx)) asks = true;
      return !asks;
    });
    return asks;
  };

  /** A waiter's own variable with assignments to follow (not shared, not a counter). */
  const followable = (id: TSESTree.Identifier): boolean => {
    const variable = findVariable(scopeOf(id), id.name);
    if (!variable || variable.defs.length === 0 || isSharedVariable(variable, anchor)) return false;
    return following.size < MAX_FOLLOW && !following.has(variable) && sources(variable) !== null;
  };

  const isUnshadowed = (id: TSESTree.Identifier) => {
    const v = findVariable(scopeOf(id), id.name);
    return !v || v.defs.length === 0;
  };

  visit(atom);
  const kind: AtomKind = remote ? 'remote' : clock ? 'clock' : own ? 'local' : state ? 'state' : 'local';
  return { node: atom, kind, reads, flag: isFlag(atom) && !followedRoot, dom, predicate, followed };
}

/**
 * A call that only reads: the clock (`Date.now()`, `performance.now()`, `new Date().getTime()`) or a pure
 * function of its arguments (`Math.max`, `Number`, `Object.keys`), not shadowed by a declaration.
 */
export function isReadOnlyCall(call: TSESTree.CallExpression | TSESTree.NewExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.callee);
  if (call.type === T.NewExpression) return callee.type === T.Identifier && callee.name === 'Date' && unshadowed(callee, ctx);
  // What the call would be if its root is the global it names; the (costlier) shadowing check only then.
  const root = rootOf(callee);
  if (!readOnlyByName(callee, root)) return false;
  return root?.type !== T.Identifier || unshadowed(root, ctx);
}

function readOnlyByName(callee: Node, root: Node | null): boolean {
  const path = pathOf(callee);
  if (path !== null && CLOCK_CALLS.has(path.replace(/^(globalThis|window)\./, ''))) return true;
  if (callee.type === T.Identifier) return PURE_FUNCTIONS.has(callee.name);
  if (callee.type !== T.MemberExpression) return false;
  const method = staticPropertyName(callee);
  if (method === 'getTime' || method === 'valueOf') return true;
  return root?.type === T.Identifier && PURE_NAMESPACES.has(root.name) && unwrap(callee.object) === root;
}

function unshadowed(id: TSESTree.Identifier, ctx: FileContext): boolean {
  return isGlobalAt(id, id.name, ctx);
}

/**
 * A variable that another callback can change while the loop sleeps: written inside a function other
 * than the loop's own, declared outside the loop's function (module state, an outer closure), or imported.
 */
function isSharedVariable(variable: TSESLint.Scope.Variable, loop: Node): boolean {
  const def = variable.defs[0]!;
  if (def.type === 'ImportBinding') return true;
  const loopFunction = enclosingFunction(loop);
  const declaredIn = variable.scope.variableScope.block as Node;
  if (loopFunction === null ? declaredIn.type !== T.Program : declaredIn !== loopFunction) {
    // Declared outside the waiting function: shared unless nobody ever writes it after its declaration.
    // A parameter of an outer function that nobody reassigns is a value; its members are read as state anyway.
    return variable.references.some((r) => r.isWrite() && !r.init);
  }
  return variable.references.some((r) => {
    if (!r.isWrite() || r.init) return false;
    const id = r.identifier as Node;
    return enclosingFunction(id) !== loopFunction && !contains(loop, id);
  });
}

/** True when any path the atom reads is one the loop writes (or a part or a whole of one). */
export function readsWrittenPath(atom: Atom, written: ReadonlySet<string>): boolean {
  for (const read of atom.reads) {
    for (const w of written) if (isPathPrefix(w, read) || isPathPrefix(read, w)) return true;
  }
  return false;
}
