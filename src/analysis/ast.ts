import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';

export type Node = TSESTree.Node;
export type Expression = TSESTree.Expression;
export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;
export type LoopNode = TSESTree.WhileStatement | TSESTree.DoWhileStatement | TSESTree.ForStatement;

export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return (
    !!node &&
    (node.type === T.ArrowFunctionExpression ||
      node.type === T.FunctionDeclaration ||
      node.type === T.FunctionExpression)
  );
}

export function isLoop(node: Node): node is LoopNode | TSESTree.ForInStatement | TSESTree.ForOfStatement {
  return (
    node.type === T.WhileStatement ||
    node.type === T.DoWhileStatement ||
    node.type === T.ForStatement ||
    node.type === T.ForInStatement ||
    node.type === T.ForOfStatement
  );
}

/** Strips what changes no value at run time: TS assertions, non-null marks, `satisfies`, optional chains. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case T.TSAsExpression:
      case T.TSNonNullExpression:
      case T.TSSatisfiesExpression:
      case T.TSTypeAssertion:
      case T.TSInstantiationExpression:
        current = current.expression;
        break;
      case T.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The name of a property key or member property when it is static (`a.b`, `a['b']`). */
export function staticPropertyName(node: TSESTree.MemberExpression): string | null {
  const { property } = node;
  if (!node.computed) return property.type === T.Identifier ? property.name : property.type === T.PrivateIdentifier ? `#${property.name}` : null;
  if (property.type === T.Literal && (typeof property.value === 'string' || typeof property.value === 'number')) {
    return String(property.value);
  }
  if (property.type === T.TemplateLiteral && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? null;
  }
  return null;
}

/**
 * A stable text key for an access path: `this.queue.length`, `producer.count`, `done`.
 * Null for anything whose path is not static (computed with a variable, calls in the middle).
 */
export function pathOf(node: Node): string | null {
  const n = unwrap(node);
  if (n.type === T.Identifier) return n.name;
  if (n.type === T.ThisExpression) return 'this';
  if (n.type === T.Super) return 'super';
  if (n.type === T.MemberExpression) {
    const object = pathOf(n.object);
    const name = staticPropertyName(n);
    if (object === null) return null;
    return name === null ? `${object}[]` : `${object}.${name}`;
  }
  return null;
}

/** The callee's last name: `sleep` for `sleep()`, `delay` for `utils.delay()`. */
export function calleeName(callee: Node): string | null {
  const n = unwrap(callee);
  if (n.type === T.Identifier) return n.name;
  if (n.type === T.MemberExpression) return staticPropertyName(n);
  return null;
}

/** A promise made on the spot: `new Promise(…)`, or a `.then(…)` / `.catch(…)` / `.finally(…)` chained on one. */
export function makesPromise(node: Node): boolean {
  const n = unwrap(node);
  if (n.type === T.NewExpression) return n.callee.type === T.Identifier && n.callee.name === 'Promise';
  if (n.type !== T.CallExpression) return false;
  const callee = unwrap(n.callee);
  const method = callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
  return method === 'then' || method === 'catch' || method === 'finally';
}

/** The root identifier or `this` of a member chain. */
export function rootOf(node: Node): TSESTree.Identifier | TSESTree.ThisExpression | null {
  let n = unwrap(node);
  for (;;) {
    if (n.type === T.Identifier || n.type === T.ThisExpression) return n;
    if (n.type === T.MemberExpression) n = unwrap(n.object);
    else if (n.type === T.CallExpression) n = unwrap(n.callee);
    else return null;
  }
}

export function isPathPrefix(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/**
 * Visits `root` and its descendants depth-first, without entering nested functions or classes
 * (their code does not run as part of this code). `visit` returns false to skip a node's children.
 */
export function walkSameFunction(
  root: Node,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
  visit: (node: Node) => boolean | void,
): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== root && (isFunction(node) || node.type === T.ClassBody)) continue;
    if (visit(node) === false) continue;
    pushChildren(node, visitorKeys, stack);
  }
}

/**
 * Pushes `node`'s children onto `stack`, last first, so that popping visits them in source order. No array per
 * node: walks over every node of a file run in every file that has a candidate.
 */
export function pushChildren(node: Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>, stack: Node[]): void {
  const keys = visitorKeys[node.type];
  if (keys === undefined) return;
  for (let k = keys.length - 1; k >= 0; k--) {
    const value = (node as unknown as Record<string, unknown>)[keys[k]!];
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item = value[i] as Node | null;
        if (item && typeof item.type === 'string') stack.push(item);
      }
    } else if (value && typeof (value as Node).type === 'string') stack.push(value as Node);
  }
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** The innermost function around a node, or null at module/script level. */
export function enclosingFunction(node: Node): FunctionNode | null {
  let current = node.parent;
  while (current) {
    if (isFunction(current)) return current;
    current = current.parent;
  }
  return null;
}

export function isUndefinedLike(node: Node): boolean {
  const n = unwrap(node);
  return (
    (n.type === T.Identifier && n.name === 'undefined') ||
    (n.type === T.UnaryExpression && n.operator === 'void') ||
    (n.type === T.Literal && n.value === null)
  );
}

/** Statements of a block, or the single statement as a list. */
export function statementsOf(node: TSESTree.Statement): TSESTree.Statement[] {
  return node.type === T.BlockStatement ? node.body : [node];
}

/** The name a function is known by: its own, the variable or property it is assigned to, or its method key. */
export function functionName(fn: FunctionNode): string | null {
  if (fn.type !== T.ArrowFunctionExpression && fn.id) return fn.id.name;
  const parent = fn.parent;
  if (!parent) return null;
  if (parent.type === T.VariableDeclarator && parent.id.type === T.Identifier) return parent.id.name;
  if ((parent.type === T.MethodDefinition || parent.type === T.Property || parent.type === T.PropertyDefinition) && !parent.computed) {
    const key = parent.key;
    return key.type === T.Identifier ? key.name : key.type === T.PrivateIdentifier ? `#${key.name}` : key.type === T.Literal ? String(key.value) : null;
  }
  if (parent.type === T.AssignmentExpression) return pathOf(parent.left);
  return null;
}
