import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { calleeName, pathOf, unwrap, walkSameFunction, type FunctionNode, type Node } from './ast.js';
import type { FileContext } from './context.js';
import { findVariable } from './scope.js';

/**
 * Parameter substitutions when a helper's body is read at a call site: `sleep(500)` reads the body
 * `setTimeout(r, ms)` with `ms` → `500` (evaluated in the caller's own environment).
 */
export interface Environment {
  readonly params: ReadonlyMap<string, { arg: Node | undefined; fallback: Node | undefined }>;
  readonly parent: Environment | null;
}

export const EMPTY_ENV: Environment = { params: new Map(), parent: null };

export interface Delay {
  /** Milliseconds when known statically. */
  value: number | null;
  /** Source text of the delay as the caller wrote it (`POLL_MS`, `this.interval`), when not a literal. */
  text: string | null;
  /** The caller's expressions the delay is computed from (empty when the helper hard-codes it). */
  nodes: Node[];
}

/** The environment in which a helper's body runs for one call: each simple parameter bound to its argument. */
export function bindParameters(fn: FunctionNode, args: readonly Node[], parent: Environment = EMPTY_ENV): Environment {
  const params = new Map<string, { arg: Node | undefined; fallback: Node | undefined }>();
  fn.params.forEach((param, index) => {
    const p = param.type === T.TSParameterProperty ? param.parameter : param;
    if (p.type === T.Identifier) params.set(p.name, { arg: args[index], fallback: undefined });
    else if (p.type === T.AssignmentPattern && p.left.type === T.Identifier) {
      params.set(p.left.name, { arg: args[index], fallback: p.right });
    }
  });
  return { params, parent };
}

type GetScope = (node: Node) => TSESLint.Scope.Scope;

const MAX_DEPTH = 8;

/** Statically evaluates a numeric expression (literals, arithmetic, `const` names, helper parameters). */
export function evaluateNumber(node: Node, env: Environment, getScope: GetScope, depth = 0): number | null {
  if (depth > MAX_DEPTH) return null;
  const n = unwrap(node);
  switch (n.type) {
    case T.Literal:
      return typeof n.value === 'number' ? n.value : null;
    case T.UnaryExpression: {
      const v = evaluateNumber(n.argument, env, getScope, depth + 1);
      if (v === null) return null;
      return n.operator === '-' ? -v : n.operator === '+' ? v : null;
    }
    case T.BinaryExpression: {
      if (n.left.type === T.PrivateIdentifier) return null;
      const a = evaluateNumber(n.left, env, getScope, depth + 1);
      const b = evaluateNumber(n.right, env, getScope, depth + 1);
      if (a === null || b === null) return null;
      switch (n.operator) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0 ? null : a / b;
        case '%': return b === 0 ? null : a % b;
        case '**': return a ** b;
        default: return null;
      }
    }
    case T.Identifier: {
      const param = lookupParam(env, n.name);
      if (param) {
        const { entry, owner } = param;
        if (entry.arg) return evaluateNumber(entry.arg, owner.parent ?? EMPTY_ENV, getScope, depth + 1);
        if (entry.fallback) return evaluateNumber(entry.fallback, owner, getScope, depth + 1);
        return 0; // a missing delay argument is a zero delay for every timer
      }
      if (n.name === 'undefined') return 0;
      const variable = findVariable(getScope(n), n.name);
      const def = variable?.defs[0];
      if (!variable || !def || def.node.type !== T.VariableDeclarator || def.node.id !== def.name) return null;
      const init = def.node.init;
      if (!init) return null;
      const reassigned = variable.references.some((r) => r.isWrite() && !r.init);
      return reassigned ? null : evaluateNumber(init, EMPTY_ENV, getScope, depth + 1);
    }
    default:
      return null;
  }
}

function lookupParam(env: Environment, name: string) {
  for (let e: Environment | null = env; e; e = e.parent) {
    const entry = e.params.get(name);
    if (entry) return { entry, owner: e };
  }
  return null;
}

/**
 * The delay of a sleep whose delay expression (inside a helper or inline) is `node`, seen from the
 * outermost caller: its value when static, and the caller's expressions it depends on.
 */
export function describeDelay(node: Node | null, env: Environment, getScope: GetScope, sourceText: (n: Node) => string): Delay {
  if (node === null) return { value: 0, text: null, nodes: [] };
  const value = evaluateNumber(node, env, getScope);
  const nodes = callerNodes(node, env);
  const outer = nodes.length === 1 ? nodes[0]! : null;
  const text = value !== null ? null : outer ? sourceText(outer) : sourceText(node);
  return { value, text, nodes };
}

/** Maps a delay expression through helper parameters to the expressions written at the outermost call. */
function callerNodes(node: Node, env: Environment, depth = 0): Node[] {
  if (depth > MAX_DEPTH) return [];
  const n = unwrap(node);
  if (n.type === T.Identifier) {
    const param = lookupParam(env, n.name);
    if (param) {
      const { entry, owner } = param;
      if (entry.arg) return callerNodes(entry.arg, owner.parent ?? EMPTY_ENV, depth + 1);
      return [];
    }
  }
  if (env.params.size === 0 && env.parent === null) return [n];
  // Inside a helper: only parameters lead back to the caller; other names are the helper's own constants.
  const out: Node[] = [];
  const visit = (x: Node) => {
    const u = unwrap(x);
    if (u.type === T.Identifier) {
      if (lookupParam(env, u.name)) out.push(...callerNodes(u, env, depth + 1));
      return;
    }
    if (u.type === T.BinaryExpression) {
      visit(u.left as Node);
      visit(u.right);
    } else if (u.type === T.UnaryExpression) visit(u.argument);
  };
  visit(n);
  return out;
}

export type { TSESTree };

const BACKOFF_NAME = /attempt|retr(y|ies)|backoff|jitter|tries/i;

/**
 * A delay computed per attempt (back-off, jitter) or from what the waiting code changes (`written` paths):
 * the mark of a retry, not of a poll.
 */
export function isComputedDelay(delay: Node, written: ReadonlySet<string>, ctx: FileContext): boolean {
  let computed = false;
  walkSameFunction(delay, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.CallExpression && !/^(Number|parseInt|parseFloat)$/.test(calleeName(n.callee) ?? '')) computed = true;
    if (n.type === T.BinaryExpression && n.operator === '**') computed = true;
    if (n.type === T.Identifier || n.type === T.MemberExpression) {
      const path = pathOf(n);
      // `const retryInterval = 500`: a constant, whatever its name says.
      const constant = n.type === T.Identifier && evaluateNumber(n, EMPTY_ENV, ctx.getScope) !== null;
      if (path !== null && ([...written].some((w) => path === w || path.startsWith(`${w}.`)) || (BACKOFF_NAME.test(path) && !constant))) computed = true;
      if (n.type === T.MemberExpression) return false;
    }
    return !computed;
  });
  return computed;
}
