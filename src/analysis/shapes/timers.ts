import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { pathOf, staticPropertyName, unwrap, type Node } from '../ast.js';
import { perFile, type FileContext } from '../context.js';
import { describeDelay, type Delay, type Environment } from '../evaluate.js';
import { resolveId } from '../scope.js';

export const TIMER_MODULES = new Set(['timers', 'node:timers']);
const TIMER_FUNCTIONS = new Set(['setInterval', 'setTimeout', 'setImmediate', 'clearInterval', 'clearTimeout']);
const GLOBAL_OBJECT = /^(globalThis|global|window|self)$/;

/** `setInterval`, `window.setTimeout`, `timers.clearInterval`, `import { setTimeout as later } from 'timers'`… */
export function timerFunction(calleeNode: Node, ctx: FileContext): string | null {
  const callee = unwrap(calleeNode);
  if (callee.type === T.Identifier) {
    // Under another name, a timer can only come from an import of `timers`: skip the lookup otherwise.
    if (!TIMER_FUNCTIONS.has(callee.name) && !importsTimers(ctx)) return null;
    const binding = resolveId(callee, ctx);
    if (binding.kind === 'global') return TIMER_FUNCTIONS.has(binding.name) ? binding.name : null;
    if (binding.kind === 'export' && TIMER_MODULES.has(binding.module) && TIMER_FUNCTIONS.has(binding.name)) return binding.name;
    return null;
  }
  if (callee.type !== T.MemberExpression) return null;
  const prop = staticPropertyName(callee);
  const object = unwrap(callee.object);
  if (prop === null || !TIMER_FUNCTIONS.has(prop) || object.type !== T.Identifier) return null;
  const binding = resolveId(object, ctx);
  if (binding.kind === 'global' && GLOBAL_OBJECT.test(object.name)) return prop;
  if (binding.kind === 'module' && TIMER_MODULES.has(binding.module)) return prop;
  return null;
}

const TIMERS_IMPORT = /['"`](node:)?timers['"`]/;

function importsTimers(ctx: FileContext): boolean {
  return perFile(ctx, 'imports-timers', mentionsTimersModule);
}

function mentionsTimersModule(ctx: FileContext): boolean {
  return TIMERS_IMPORT.test(ctx.sourceCode.text);
}

export function timerDelay(arg: Node | undefined, env: Environment, ctx: FileContext): Delay {
  return describeDelay(arg && arg.type !== T.SpreadElement ? arg : null, env, ctx.getScope, ctx.text);
}

/** The handle a timer's result is stored in: `const id = …`, `this.timer = …`. */
export function handlePath(call: TSESTree.CallExpression): string | null {
  let node: Node = call;
  while (node.parent && (node.parent.type === T.TSAsExpression || node.parent.type === T.TSNonNullExpression || node.parent.type === T.TSSatisfiesExpression)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent?.type === T.VariableDeclarator && parent.init === node && parent.id.type === T.Identifier) return parent.id.name;
  if (parent?.type === T.AssignmentExpression && parent.right === node && parent.operator === '=') return pathOf(parent.left);
  return null;
}

