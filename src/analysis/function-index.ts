import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { isFunction, pathOf, pushChildren, unwrap, type FunctionNode, type Node } from './ast.js';
import { perFile, type FileContext } from './context.js';

/** The functions a file defines, found by one walk of its AST (per file, on first use). */
export interface FunctionIndex {
  /**
   * Names a function may be bound to: function declarations and named function expressions, and `const f = …` set to
   * a function or to another name (an alias, which may name one). A superset of the names the scope manager would
   * resolve to a function of this file.
   */
  readonly names: ReadonlySet<string>;
  /** Names declared as another name (`const again = poll`), which may stand for a function. */
  readonly aliases: ReadonlySet<string>;
  /** `a.b = function …` and `const a = { b() {…} }`, by member path. */
  readonly members: ReadonlyMap<string, FunctionNode>;
}

export function functionIndex(ctx: FileContext): FunctionIndex {
  return perFile(ctx, 'function-index', indexFunctions);
}

function indexFunctions(ctx: FileContext): FunctionIndex {
  const names = new Set<string>();
  const aliases = new Set<string>();
  const members = new Map<string, FunctionNode>();
  const keys = ctx.sourceCode.visitorKeys;
  const stack: Node[] = [ctx.sourceCode.ast as Node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case T.FunctionDeclaration:
      case T.FunctionExpression:
        if (node.id) names.add(node.id.name);
        break;
      case T.VariableDeclarator: {
        if (node.id.type !== T.Identifier || !node.init) break;
        const init = unwrap(node.init);
        if (isFunction(init)) names.add(node.id.name);
        else if (init.type === T.Identifier) {
          names.add(node.id.name);
          aliases.add(node.id.name);
        }
        else if (init.type === T.ObjectExpression) {
          for (const property of init.properties) {
            if (property.type !== T.Property || property.computed) continue;
            const key = property.key.type === T.Identifier ? property.key.name : property.key.type === T.Literal ? String(property.key.value) : null;
            const value = unwrap(property.value as Node);
            if (key !== null && isFunction(value)) members.set(`${node.id.name}.${key}`, value);
          }
        }
        break;
      }
      case T.AssignmentExpression: {
        if (node.operator !== '=' || node.left.type !== T.MemberExpression) break;
        const path = pathOf(node.left);
        const value = unwrap(node.right);
        if (path !== null && isFunction(value) && !members.has(path)) members.set(path, value);
        break;
      }
      default:
        break;
    }
    // Source order (see pushChildren): the first assignment of a path wins.
    pushChildren(node, keys, stack);
  }
  return { names, aliases, members };
}
