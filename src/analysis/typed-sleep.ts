import type * as ts from 'typescript';
import type { Node } from './ast.js';
import type { FileContext } from './context.js';
import { declarationOf, typeInfo, type TypeInfo } from './types.js';

/** Where a helper takes its delay from: one of its parameters, or a value of its own (null when not static). */
export type HelperDelay = { param: number } | { constant: number | null };

const TIMERS_PROMISES_DTS = /[\\/]timers[\\/]promises\.d\.ts$|[\\/]node[\\/]timers\.d\.ts$/;
const SLEEP_PACKAGE_DTS = /[\\/]node_modules[\\/](delay|sleep-promise|p-sleep|await-sleep)[\\/]/;
const MAX_DEPTH = 4;

/**
 * With type information, follows a called name to its declaration in any module and reads its body:
 * a `HelperDelay` when the body proves the helper sleeps, `undefined` otherwise (no program, a declaration file
 * without a body, a body this reading does not follow). Type information only ever adds: a body that is not
 * recognised never unmakes a sleep the untyped analysis found by name (issue 12: `delay` followed into its
 * library's own implementation was rejected, and 26 findings became 0).
 */
export function typedHelperDelay(callee: Node, ctx: FileContext): HelperDelay | undefined {
  const info = typeInfo(ctx);
  if (!info) return undefined;
  const declaration = declarationOf(callee, info);
  if (!declaration) return undefined;
  return helperDelay(declaration, info, 0);
}

function helperDelay(declaration: ts.Declaration, info: TypeInfo, depth: number): HelperDelay | undefined {
  const { ts: t } = info;
  const file = declaration.getSourceFile().fileName;
  const name = (declaration as { name?: ts.Node }).name;
  const declaredName = name && t.isIdentifier(name) ? name.text : null;
  if (SLEEP_PACKAGE_DTS.test(file)) return { param: 0 };
  if (TIMERS_PROMISES_DTS.test(file)) {
    if (declaredName === 'setTimeout') return { param: 0 };
    if (declaredName === 'setImmediate') return { constant: 0 };
    return undefined;
  }
  let fn: ts.SignatureDeclaration | undefined;
  if (t.isFunctionDeclaration(declaration) || t.isMethodDeclaration(declaration)) fn = declaration;
  else if (t.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = skipOuter(declaration.initializer, t);
    if (t.isArrowFunction(init) || t.isFunctionExpression(init)) fn = init;
  } else if (t.isPropertyDeclaration(declaration) && declaration.initializer) {
    const init = skipOuter(declaration.initializer, t);
    if (t.isArrowFunction(init) || t.isFunctionExpression(init)) fn = init;
  }
  if (!fn) return undefined;
  const body = (fn as ts.FunctionLikeDeclarationBase).body;
  if (!body) return undefined; // an overload or ambient declaration: nothing to read
  const expr = singleExpression(body, t);
  if (!expr) return undefined;
  const params = fn.parameters.map((p) => (t.isIdentifier(p.name) ? p.name.text : null));
  return sleepExpression(expr, params, info, depth);
}

function skipOuter(node: ts.Expression, t: typeof ts): ts.Expression {
  let n = node;
  while (t.isParenthesizedExpression(n) || t.isAsExpression(n) || t.isNonNullExpression(n) || t.isSatisfiesExpression(n) || t.isAwaitExpression(n)) {
    n = n.expression;
  }
  return n;
}

/** The one expression a body evaluates (`=> e`, `{ return e; }`, `{ await e; }`). */
function singleExpression(body: ts.ConciseBody, t: typeof ts): ts.Expression | null {
  if (!t.isBlock(body)) return skipOuter(body, t);
  const statements = body.statements.filter((s) => !t.isEmptyStatement(s) && !(t.isReturnStatement(s) && !s.expression));
  const only = statements[0];
  if (statements.length !== 1 || !only) return null;
  if (t.isReturnStatement(only) && only.expression) return skipOuter(only.expression, t);
  if (t.isExpressionStatement(only)) return skipOuter(only.expression, t);
  return null;
}

function delayFrom(arg: ts.Expression | undefined, params: (string | null)[], t: typeof ts): HelperDelay {
  if (!arg) return { constant: 0 };
  const a = skipOuter(arg, t);
  if (t.isNumericLiteral(a)) return { constant: Number(a.text) };
  if (t.isIdentifier(a)) {
    const index = params.indexOf(a.text);
    if (index >= 0) return { param: index };
  }
  return { constant: null };
}

function sleepExpression(expr: ts.Expression, params: (string | null)[], info: TypeInfo, depth: number): HelperDelay | undefined {
  const { ts: t } = info;
  if (t.isNewExpression(expr) && t.isIdentifier(expr.expression) && expr.expression.text === 'Promise') {
    const executor = expr.arguments?.[0] && skipOuter(expr.arguments[0], t);
    if (!executor || !(t.isArrowFunction(executor) || t.isFunctionExpression(executor))) return undefined;
    const resolve = executor.parameters[0]?.name;
    if (!resolve || !t.isIdentifier(resolve)) return undefined;
    const inner = singleExpression(executor.body, t);
    if (!inner || !t.isCallExpression(inner)) return undefined;
    const timer = inner.expression.getText().replace(/^(globalThis|global|window|self)\./, '');
    const callback = inner.arguments[0] && skipOuter(inner.arguments[0], t);
    const callsResolve = !!callback && (t.isIdentifier(callback)
      ? callback.text === resolve.text
      : (t.isArrowFunction(callback) || t.isFunctionExpression(callback)) && callback.body.getText().replace(/[\s;{}]/g, '').startsWith(`${resolve.text}(`));
    if (!callsResolve) return undefined;
    if (timer === 'setTimeout') return delayFrom(inner.arguments[1], params, t);
    if (timer === 'setImmediate' || timer === 'process.nextTick' || timer === 'queueMicrotask') return { constant: 0 };
    return undefined;
  }
  if (t.isCallExpression(expr) && depth < MAX_DEPTH) {
    const target = declarationOfTs(expr.expression, info);
    if (!target) return undefined;
    const inner = helperDelay(target, info, depth + 1);
    // A body that calls something whose own body is out of sight (`fetch`) is not known to sleep.
    if (!inner) return undefined;
    if ('param' in inner) return delayFrom(expr.arguments[inner.param], params, t);
    return inner;
  }
  return undefined;
}

function declarationOfTs(node: ts.Expression, info: TypeInfo): ts.Declaration | null {
  let symbol = info.checker.getSymbolAtLocation(node);
  if (!symbol) return null;
  if (symbol.flags & info.ts.SymbolFlags.Alias) symbol = info.checker.getAliasedSymbol(symbol);
  return symbol.valueDeclaration ?? symbol.declarations?.[0] ?? null;
}
