import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/utils';
import { contains, enclosingFunction, isPathPrefix, pathOf, rootOf, staticPropertyName, unwrap, type Node } from './ast.js';
import type { FileContext } from './context.js';
import { findVariable } from './scope.js';

/**
 * What one atom of a condition (an operand of `&&`/`||`) reads:
 * - `state`: in-process state that only a callback of this process can change;
 * - `clock`: the wall clock (`Date.now()`), so the atom is a deadline or a quiet window, not a wait for state;
 * - `remote`: state owned by something else, observable only by asking (an `await`, sync I/O, the DOM, shared memory);
 * - `local`: a variable of the waiting function itself, or constants: nothing another callback changes.
 */
export type AtomKind = 'state' | 'clock' | 'remote' | 'local';

export interface Atom {
  node: Node;
  kind: AtomKind;
  /** Access paths the atom reads (`this.queue.length`, `p.getCount`, `done`). */
  reads: string[];
  /** A bare flag (`this.stopped`, `!running`) rather than a count, comparison or call. */
  flag: boolean;
}

const CLOCK_CALLS = new Set(['Date.now', 'performance.now', 'process.hrtime', 'process.hrtime.bigint', 'process.uptime', 'Date']);
/** Namespaces whose functions compute from their arguments and read nothing else. */
const PURE_NAMESPACES = new Set(['Object', 'Array', 'Number', 'Math', 'JSON', 'String', 'Boolean', 'Reflect', 'BigInt']);
const PURE_FUNCTIONS = new Set(['Number', 'String', 'Boolean', 'BigInt', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);
/** Roots whose members are owned by the browser, the OS or another process. */
const REMOTE_ROOTS = new Set(['document', 'navigator', 'localStorage', 'sessionStorage', 'fs', 'fsp', 'Atomics', 'os', 'location', 'history', 'indexedDB', 'caches']);
/** Members that change without a callback of ours to await (I/O back-pressure, shared memory, the DOM). */
const REMOTE_PROPERTIES = new Set([
  'bufferedAmount', 'bufferSize', 'querySelector', 'querySelectorAll', 'getElementById', 'getElementsByClassName',
  'getElementsByTagName', 'offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth', 'scrollHeight', 'isConnected',
  'existsSync', 'statSync', 'readFileSync', 'readdirSync', 'accessSync', 'memoryUsage', 'cpuUsage', 'freemem', 'loadavg',
]);
const REMOTE_CALL_NAME = /Sync$|^(fetch|exists|stat|ping|readFile|readdir|isPortOpen|isPortFree|isPortInUse)$/;
const GLOBAL_CONSTANTS = new Set(['undefined', 'NaN', 'Infinity']);

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
 * Classifies one atom of a loop's exit condition. `loop` is the waiting loop (its own function's
 * variables are `local` unless a callback writes them); `written` holds the paths the loop writes.
 */
export function classifyAtom(atom: Node, loop: Node, ctx: FileContext): Atom {
  const reads: string[] = [];
  let clock = false;
  let remote = false;
  let state = false;
  const scopeOf = (n: Node) => ctx.getScope(n);

  const visitIdentifier = (id: TSESTree.Identifier) => {
    reads.push(id.name);
    if (GLOBAL_CONSTANTS.has(id.name)) return;
    const variable = findVariable(scopeOf(id), id.name);
    if (!variable || variable.defs.length === 0) {
      state = true; // an implicit global, set by another script or module
      return;
    }
    if (isSharedVariable(variable, loop)) state = true;
  };

  const visit = (raw: Node): void => {
    const n = unwrap(raw);
    switch (n.type) {
      case T.AwaitExpression:
      case T.YieldExpression:
        remote = true;
        return;
      case T.Identifier:
        visitIdentifier(n);
        return;
      case T.ThisExpression:
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
        if (root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isUnshadowed(root)) remote = true;
        else if (prop !== null && REMOTE_PROPERTIES.has(prop)) remote = true;
        else if (path !== null) {
          reads.push(path);
          state = true;
        } else {
          state = true;
          visit(n.object);
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
        const root = rootOf(callee);
        if (path === 'Math.random') return;
        if (root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isUnshadowed(root)) {
          remote = true;
          return;
        }
        if (name !== null && (REMOTE_CALL_NAME.test(name) || REMOTE_PROPERTIES.has(name))) {
          remote = true;
          return;
        }
        const pure =
          (callee.type === T.Identifier && PURE_FUNCTIONS.has(callee.name) && isUnshadowed(callee)) ||
          (callee.type === T.MemberExpression && root?.type === T.Identifier && PURE_NAMESPACES.has(root.name) && isUnshadowed(root) && unwrap(callee.object) === root);
        if (pure) {
          n.arguments.forEach(visit);
          return;
        }
        if (callee.type === T.MemberExpression) {
          if (path !== null) reads.push(path);
          const objectPath = pathOf(callee.object);
          if (objectPath !== null) reads.push(objectPath);
          else visit(callee.object);
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

  const isUnshadowed = (id: TSESTree.Identifier) => {
    const v = findVariable(scopeOf(id), id.name);
    return !v || v.defs.length === 0;
  };

  visit(atom);
  const kind: AtomKind = remote ? 'remote' : clock ? 'clock' : state ? 'state' : 'local';
  return { node: atom, kind, reads, flag: isFlag(atom) };
}

/**
 * A call that only reads: the clock (`Date.now()`, `performance.now()`, `new Date().getTime()`) or a pure
 * function of its arguments (`Math.max`, `Number`, `Object.keys`), not shadowed by a declaration.
 */
export function isReadOnlyCall(call: TSESTree.CallExpression | TSESTree.NewExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.callee);
  if (call.type === T.NewExpression) return callee.type === T.Identifier && callee.name === 'Date' && unshadowed(callee, ctx);
  const path = pathOf(callee);
  const root = rootOf(callee);
  if (root?.type === T.Identifier && !unshadowed(root, ctx)) return false;
  if (path !== null && CLOCK_CALLS.has(path.replace(/^(globalThis|window)\./, ''))) return true;
  if (callee.type === T.Identifier) return PURE_FUNCTIONS.has(callee.name);
  if (callee.type !== T.MemberExpression) return false;
  const method = staticPropertyName(callee);
  if (method === 'getTime' || method === 'valueOf') return true;
  return root?.type === T.Identifier && PURE_NAMESPACES.has(root.name) && unwrap(callee.object) === root;
}

function unshadowed(id: TSESTree.Identifier, ctx: FileContext): boolean {
  const v = findVariable(ctx.getScope(id), id.name);
  return !v || v.defs.length === 0;
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
    return variable.references.some((r) => r.isWrite() && !r.init) || def.type === 'Parameter';
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
