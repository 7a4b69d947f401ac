import { createRequire } from 'node:module';
import type { TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import type { Node } from './ast.js';
import type { FileContext } from './context.js';

/**
 * Type information, when the file is linted with `parserOptions.projectService` (or `project`). Every rule
 * works without it; with it, the analysis follows helpers into other modules, tells promises from state, and
 * finds the promise-returning members of a polled object. Never required, never an error when absent.
 */
export interface TypeInfo {
  readonly ts: typeof ts;
  readonly checker: ts.TypeChecker;
  tsNode(node: Node): ts.Node | undefined;
}

const cache = new WeakMap<FileContext, TypeInfo | null>();

export function typeInfo(ctx: FileContext): TypeInfo | null {
  if (cache.has(ctx)) return cache.get(ctx)!;
  let info: TypeInfo | null = null;
  const services = ctx.sourceCode.parserServices as
    | { program?: ts.Program | null; esTreeNodeToTSNodeMap?: { get(node: TSESTree.Node): ts.Node | undefined } }
    | undefined;
  if (services?.program && services.esTreeNodeToTSNodeMap) {
    const map = services.esTreeNodeToTSNodeMap;
    // Loaded only when a program exists: typescript is then installed by definition.
    const typescript = createRequire(import.meta.url)('typescript') as typeof ts;
    info = { ts: typescript, checker: services.program.getTypeChecker(), tsNode: (node) => map.get(node) };
  }
  cache.set(ctx, info);
  return info;
}

/** A type with a callable `then`: a promise, or a union that holds one. */
export function isThenable(type: ts.Type, info: TypeInfo): boolean {
  if (type.isUnion()) return type.types.some((t) => isThenable(t, info));
  const then = type.getProperty('then');
  if (!then) return false;
  const declaration = then.valueDeclaration ?? then.declarations?.[0];
  if (!declaration) return false;
  return info.checker.getTypeOfSymbolAtLocation(then, declaration).getCallSignatures().length > 0;
}

export function typeOf(node: Node, info: TypeInfo): ts.Type | null {
  const tsNode = info.tsNode(node);
  return tsNode ? info.checker.getTypeAtLocation(tsNode) : null;
}

/** True when the expression's value is a promise (with type information; false without). */
export function isPromiseValued(node: Node, ctx: FileContext): boolean {
  const info = typeInfo(ctx);
  if (!info) return false;
  const type = typeOf(node, info);
  return type !== null && isThenable(type, info);
}

/** The declaration a called name resolves to across modules (following imports and re-exports). */
export function declarationOf(node: Node, info: TypeInfo): ts.Declaration | null {
  const tsNode = info.tsNode(node);
  if (!tsNode) return null;
  let symbol = info.checker.getSymbolAtLocation(tsNode);
  if (!symbol) return null;
  if (symbol.flags & info.ts.SymbolFlags.Alias) symbol = info.checker.getAliasedSymbol(symbol);
  return symbol.valueDeclaration ?? symbol.declarations?.[0] ?? null;
}

/** Names of methods on the type of `node` that return a promise, among `candidates`, in their order. */
export function promiseMethods(node: Node, candidates: readonly string[], info: TypeInfo): string[] {
  const type = typeOf(node, info);
  const tsNode = info.tsNode(node);
  if (!type || !tsNode) return [];
  const found: string[] = [];
  for (const name of candidates) {
    const property = type.getProperty(name);
    if (!property) continue;
    const signatures = info.checker.getTypeOfSymbolAtLocation(property, tsNode).getCallSignatures();
    if (signatures.some((s) => isThenable(s.getReturnType(), info))) found.push(name);
  }
  return found;
}

/** The name of the class or interface a value's type is declared as, and the file that declares it. */
export function declaredTypeName(node: Node, info: TypeInfo): { name: string; file: string } | null {
  const type = typeOf(node, info);
  const symbol = type?.getSymbol() ?? type?.aliasSymbol;
  const declaration = symbol?.declarations?.[0];
  if (!symbol || !declaration) return null;
  return { name: symbol.getName(), file: declaration.getSourceFile().fileName };
}

/**
 * With type information: the atom tests a promise (`!client.isReady()` where `isReady(): Promise<boolean>`),
 * not synchronous in-process state. Such a test is always truthy; it is not a poll of state.
 */
export function readsPromise(atom: Node, ctx: FileContext): boolean {
  const info = typeInfo(ctx);
  if (!info) return false;
  let n: Node = atom;
  for (;;) {
    if (n.type === 'UnaryExpression' && n.operator === '!') n = n.argument;
    else if (n.type === 'TSNonNullExpression' || n.type === 'TSAsExpression' || n.type === 'ChainExpression') n = n.expression;
    else break;
  }
  if (n.type === 'BinaryExpression') return false;
  const type = typeOf(n, info);
  return type !== null && isThenable(type, info);
}
