import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { findVariable as findScopeVariable } from '@typescript-eslint/utils/ast-utils';
import { calleeName, isFunction, pathOf, pushChildren, unwrap, walkSameFunction, type FunctionNode, type Node } from './ast.js';
import { perFile, type FileContext } from './context.js';
import { bindingIndex, MAY_BIND, MAY_BIND_FUNCTION, mayBindAt, VERY_LONG_TEXT, wordOffsets } from './words.js';

type Scope = TSESLint.Scope.Scope;
type Variable = TSESLint.Scope.Variable;

/** What a name stands for, as far as one file can tell. */
export type Binding =
  /** `import x from 'm'`, `import * as x`, `const x = require('m')`: the module's export object (or function). */
  | { kind: 'module'; module: string }
  /** `import { a as x } from 'm'`, `const { a: x } = require('m')`, `require('m').a`. */
  | { kind: 'export'; module: string; name: string }
  /** `util.promisify(setTimeout)` and friends. */
  | { kind: 'promisified'; timer: string }
  /** A function defined in this file (declaration, arrow or function expression). */
  | { kind: 'function'; node: FunctionNode }
  /** Declared in this file with another value, or a parameter. */
  | { kind: 'local'; variable: Variable }
  /** Not declared anywhere in the file: a global of the environment. */
  | { kind: 'global'; name: string };

export function findVariable(scope: Scope, name: string): Variable | null {
  return findScopeVariable(scope, name) ?? null;
}

/** The module `require('m')` (or `await import('m')`) names; null for anything else. */
export function requiredModule(node: Node | null | undefined): string | null {
  if (!node) return null;
  const n = unwrap(node);
  if (
    n.type === T.CallExpression &&
    n.callee.type === T.Identifier &&
    n.callee.name === 'require' &&
    n.arguments.length === 1
  ) {
    const arg = n.arguments[0]!;
    if (arg.type === T.Literal && typeof arg.value === 'string') return arg.value;
    if (arg.type === T.TemplateLiteral && arg.expressions.length === 0) return arg.quasis[0]?.value.cooked ?? null;
  }
  if (n.type === T.AwaitExpression) {
    // `await import('m')`
    const inner = unwrap(n.argument);
    if (inner.type === T.ImportExpression && inner.source.type === T.Literal && typeof inner.source.value === 'string') {
      return inner.source.value;
    }
  }
  return null;
}

const TIMER_NAMES = new Set(['setTimeout', 'setImmediate']);

function bindingOfInit(init: Node, scope: Scope, depth: number): Binding | null {
  const n = unwrap(init);
  const module = requiredModule(n);
  if (module !== null) return { kind: 'module', module };
  if (n.type === T.MemberExpression) {
    const objModule = requiredModule(n.object);
    const prop = n.property.type === T.Identifier && !n.computed ? n.property.name : null;
    if (objModule !== null && prop) return { kind: 'export', module: objModule, name: prop };
  }
  if (isFunction(n)) return { kind: 'function', node: n };
  if (n.type === T.CallExpression && calleeName(n.callee) === 'promisify' && n.arguments.length === 1) {
    const arg = unwrap(n.arguments[0]!);
    const path = pathOf(arg);
    const timer = path?.replace(/^(globalThis|global|window|self)\./, '');
    if (timer && TIMER_NAMES.has(timer)) return { kind: 'promisified', timer };
  }
  if (n.type === T.Identifier && depth < 4) {
    // `const sleep = delay;` follows the alias.
    return resolveName(n, scope, depth + 1);
  }
  return null;
}

function bindingOfVariable(variable: Variable, scope: Scope, depth: number): Binding {
  const def = variable.defs[0];
  if (!def) return { kind: 'global', name: variable.name };
  const node = def.node as Node;
  switch (def.type) {
    case 'ImportBinding': {
      if (node.type === T.ImportSpecifier) {
        const decl = node.parent as TSESTree.ImportDeclaration;
        const imported = node.imported.type === T.Identifier ? node.imported.name : String(node.imported.value);
        return imported === 'default'
          ? { kind: 'module', module: decl.source.value }
          : { kind: 'export', module: decl.source.value, name: imported };
      }
      if (node.type === T.ImportDefaultSpecifier || node.type === T.ImportNamespaceSpecifier) {
        return { kind: 'module', module: (node.parent as TSESTree.ImportDeclaration).source.value };
      }
      if (node.type === T.TSImportEqualsDeclaration && node.moduleReference.type === T.TSExternalModuleReference) {
        const expr = node.moduleReference.expression;
        if (expr.type === T.Literal && typeof expr.value === 'string') return { kind: 'module', module: expr.value };
      }
      return { kind: 'local', variable };
    }
    case 'FunctionName':
      return isFunction(node) ? { kind: 'function', node } : { kind: 'local', variable };
    case 'Variable': {
      if (node.type !== T.VariableDeclarator) return { kind: 'local', variable };
      const id = def.name as Node;
      if (node.id === id) {
        // Only a binding that keeps its initial value stands for it (`const`, or a `let` never reassigned).
        const neverReassigned = variable.references.every((r) => !r.isWrite() || r.init);
        if (node.init && neverReassigned) return bindingOfInit(node.init, scope, depth) ?? { kind: 'local', variable };
        return { kind: 'local', variable };
      }
      // Destructuring: `const { setTimeout: sleep } = require('timers/promises')`.
      const property = id.parent?.type === T.AssignmentPattern ? id.parent.parent : id.parent;
      if (property?.type === T.Property && property.parent?.type === T.ObjectPattern && property.parent === node.id && node.init) {
        const key = property.key.type === T.Identifier && !property.computed ? property.key.name : property.key.type === T.Literal ? String(property.key.value) : null;
        const init = unwrap(node.init);
        const module = requiredModule(init);
        if (key && module !== null) return { kind: 'export', module, name: key };
        if (key && init.type === T.Identifier && depth < 4) {
          const base = resolveName(init, scope, depth + 1);
          if (base.kind === 'module') return { kind: 'export', module: base.module, name: key };
        }
      }
      return { kind: 'local', variable };
    }
    default:
      return { kind: 'local', variable };
  }
}

/** Resolves an identifier (at its own position) to what it stands for. */
export function resolveName(identifier: TSESTree.Identifier, scope: Scope, depth = 0): Binding {
  const variable = findVariable(scope, identifier.name);
  if (!variable || variable.defs.length === 0) return { kind: 'global', name: identifier.name };
  return bindingOfVariable(variable, variable.scope, depth);
}

/**
 * Resolves an identifier of the file `ctx` holds. A name the file declares nowhere is a global without asking
 * the scope manager: oxlint analyses a file's scopes only when a rule first asks, and that analysis costs more
 * than the rest of these rules' work on most files. Same answer as `resolveName(id, ctx.getScope(id))`.
 */
export function resolveId(identifier: TSESTree.Identifier, ctx: FileContext): Binding {
  if (!mayDeclare(ctx, identifier.name)) return { kind: 'global', name: identifier.name };
  return resolveName(identifier, ctx.getScope(identifier));
}

/** As `isGlobalName(ctx.getScope(node), name)`, without scope analysis when the file declares no `name`. */
export function isGlobalAt(node: Node, name: string, ctx: FileContext): boolean {
  return !mayDeclare(ctx, name) || isGlobalName(ctx.getScope(node), name);
}

/** As `resolveId`, for an identifier that matters only if it names a function of this file (else null). */
export function resolveFunctionId(identifier: TSESTree.Identifier, ctx: FileContext): FunctionNode | null {
  if (!mayBindFunction(ctx, identifier.name)) return null;
  const binding = resolveName(identifier, ctx.getScope(identifier));
  return binding.kind === 'function' ? binding.node : null;
}

/**
 * In a very long text (`VERY_LONG_TEXT`), once a file has been asked about `SEARCHES_BEFORE_INDEX` names, one pass
 * indexes every word (see `bindingIndex`) instead of a search per name: a bundle is usually asked about a few dozen
 * names (a pass would cost more than their searches), the TypeScript compiler about thousands.
 */
const SEARCHES_BEFORE_INDEX = 24;

/** Whether the file can hold type annotations (`name: Type`): TypeScript, or a file whose language is not known. */
function mayAnnotate(ctx: FileContext): boolean {
  return ctx.filename === undefined || !/\.[cm]?jsx?$/i.test(ctx.filename);
}

const indexOfFile = (ctx: FileContext) => bindingIndex(ctx.sourceCode.text, mayAnnotate(ctx));
const newMemo = () => new Map<string, boolean>();

/**
 * One answer per file and name: from `search` (a look at the text for that name alone; module-level, so a memoised
 * answer allocates nothing), memoised under `key`, or from the file's binding index once a very long text has been
 * asked about many names.
 */
function perName(
  ctx: FileContext,
  key: string,
  flag: number,
  name: string,
  search: (text: string, name: string, ctx: FileContext) => boolean,
): boolean {
  const text = ctx.sourceCode.text;
  const memo = perFile(ctx, key, newMemo);
  let known = memo.get(name);
  if (known === undefined) {
    known = text.length > VERY_LONG_TEXT && memo.size >= SEARCHES_BEFORE_INDEX
      ? ((perFile(ctx, 'binding-index', indexOfFile).get(name) ?? 0) & flag) !== 0
      : search(text, name, ctx);
    memo.set(name, known);
  }
  return known;
}

/**
 * Whether the file may declare `name` anywhere: read off the text. A superset (see `mayBindAt`), so a name it rules
 * out is certainly not declared, and the scope manager is asked only about names some occurrence could bind.
 */
export function mayDeclare(ctx: FileContext, name: string): boolean {
  return perName(ctx, 'declared-names', MAY_BIND, name, searchDeclaration);
}

function searchDeclaration(text: string, name: string): boolean {
  return wordOffsets(text, name).some((at) => mayBindAt(text, at, name.length));
}

/**
 * Whether the file may bind a function to `name`: `function name`, `function* name`, or `name =` / `name:` (a
 * declarator, typed in TypeScript, which may also be an alias of another name). One regular expression over the
 * text per file and name: cheaper than a walk of the AST, and a superset of the names the scope manager would
 * resolve to a function of this file.
 */
export function mayBindFunction(ctx: FileContext, name: string): boolean {
  return perName(ctx, 'function-names', MAY_BIND_FUNCTION, name, searchFunctionBinding);
}

function searchFunctionBinding(text: string, name: string, ctx: FileContext): boolean {
  const quoted = name.replace(/\$/g, '\\$');
  const after = mayAnnotate(ctx) ? '(?:=(?![=>])|:)' : '=(?![=>])';
  return new RegExp(`function\\s*\\*?\\s*${quoted}(?![\\w$])|(?<![\\w$.])${quoted}\\s*${after}`).test(text);
}

/**
 * Local names bound by an import declaration or a variable declaration whose text holds a match of `mention` (a
 * global pattern: a module's name in quotes, say): `import x from 'm'`, `const { a: y } = require('m')`. Read off
 * the declarations around each match (a walk that enters only the nodes holding one), not the scope manager, which
 * oxlint builds only when a rule asks for it. A superset of the names bound to the module.
 */
export function namesBoundToMention(ctx: FileContext, mention: RegExp): ReadonlySet<string> {
  const names = new Set<string>();
  const text = ctx.sourceCode.text;
  const mentions: number[] = [];
  for (const match of text.matchAll(mention)) mentions.push(match.index);
  if (mentions.length === 0) return names;
  const holdsMention = (node: Node) => mentions.some((at) => at >= node.range[0] && at < node.range[1]);
  const stack: Node[] = [ctx.sourceCode.ast as Node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!holdsMention(node)) continue;
    if (node.type === T.ImportDeclaration) {
      for (const specifier of node.specifiers) names.add(specifier.local.name);
      continue;
    }
    if (node.type === T.VariableDeclarator && node.init && holdsMention(node.init)) {
      walkSameFunction(node.id, ctx.sourceCode.visitorKeys, (n) => {
        if (n.type === T.Identifier) names.add(n.name);
      });
    }
    pushChildren(node, ctx.sourceCode.visitorKeys, stack);
  }
  return names;
}

/** True when `name` at this scope is the environment's global, not shadowed by a declaration. */
export function isGlobalName(scope: Scope, name: string): boolean {
  const variable = findVariable(scope, name);
  return !variable || variable.defs.length === 0;
}
