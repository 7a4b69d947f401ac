import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/utils';
import { contains, functionName, isLoop, unwrap, walkSameFunction, type FunctionNode, type LoopNode, type Node } from './ast.js';
import { describeBlockingPrimitive, type BlockingKind } from './blocking.js';
import { describeBusyWait } from './busy.js';
import { isReadOnlyCall } from './dependence/atoms.js';
import { isLoggingCall } from './shapes/common.js';
import { perFile, type FileContext } from './context.js';
import { exportedFunction, isLocalModule, moduleContext } from './dependence/modules.js';
import { describeDelay, EMPTY_ENV, type Delay } from './evaluate.js';
import { resolveName } from './scope.js';

/**
 * A call of a helper that blocks the thread: its body waits on `Atomics.wait`, runs a child process to pass the
 * time, or spins on the clock (`while (Date.now() < end) {}`). The helper may be in this file or in a relative
 * module. Each call blocks its caller (a request handler, an `open` listener), so each call is reported where it is
 * made, besides the primitive or loop inside the helper.
 */
export interface BlockingHelperCall {
  call: TSESTree.CallExpression;
  helper: string;
  kind: BlockingKind | 'busy-wait';
  /** The duration the call passes, when its first argument is one. */
  delay: Delay;
  /** Where the helper is written: `./utils/sleep.js`, or null for this file. */
  from: string | null;
}

const SYNC_SLEEP_NAME = /sleep|delay|wait|pause|block|hold|spin|busy/i;

/**
 * Per file, before any scope lookup: the names a blocking helper can be called by. A helper of this file spins on
 * the clock or uses a primitive (so the file mentions one); a helper of a relative module is imported under a name
 * that says it passes time.
 */
function candidateNames(ctx: FileContext): ReadonlySet<string> {
  return perFile(ctx, 'blocking-helper-names', findCandidateNames);
}

function findCandidateNames(ctx: FileContext): ReadonlySet<string> {
  const names = new Set<string>();
  const text = ctx.sourceCode.text;
  const clock = text.includes('Date.now') || text.includes('new Date') || text.includes('performance.now');
  const primitive = text.includes('Atomics') || text.includes('child_process');
  const relative = /(from\s*|require\s*\(\s*)['"`](\.\.?\/|[@~#]\/|src\/)/.test(text);
  if (!clock && !primitive && !relative) return names;
  const manager = ctx.sourceCode.scopeManager;
  if (!manager) return names;
  for (const scope of manager.scopes) {
    for (const variable of scope.variables) {
      const def = variable.defs[0];
      if (!def) continue;
      if ((clock || primitive) && (def.type === 'FunctionName' || (def.type === 'Variable' && def.node.type === T.VariableDeclarator && def.node.init && /Function/.test(unwrap(def.node.init).type)))) {
        names.add(variable.name);
      } else if (relative && def.type === 'ImportBinding' && SYNC_SLEEP_NAME.test(variable.name)) {
        names.add(variable.name);
      } else if (relative && def.type === 'Variable' && SYNC_SLEEP_NAME.test(variable.name) && def.node.type === T.VariableDeclarator && def.node.init && /require/.test(ctx.text(def.node.init))) {
        names.add(variable.name);
      }
    }
  }
  return names;
}

/** Whether this file can hold a call of a blocking helper at all. */
export function mayCallBlockingHelper(ctx: FileContext): boolean {
  return candidateNames(ctx).size > 0;
}

/** Describes `call` as a call of a blocking helper, or null. */
export function describeBlockingHelperCall(call: TSESTree.CallExpression, ctx: FileContext): BlockingHelperCall | null {
  const callee = unwrap(call.callee);
  if (callee.type !== T.Identifier || call.arguments.length > 2 || !candidateNames(ctx).has(callee.name)) return null;
  const binding = resolveName(callee, ctx.getScope(callee));
  let fn: FunctionNode | null = null;
  let fnCtx = ctx;
  let from: string | null = null;
  if (binding.kind === 'function') fn = binding.node;
  else if ((binding.kind === 'export' || binding.kind === 'module') && isLocalModule(binding.module)) {
    const foreign = moduleContext(ctx, binding.module);
    const found = foreign && exportedFunction(foreign, binding.kind === 'export' ? binding.name : 'default');
    if (found) {
      fn = found.fn;
      fnCtx = found.ctx;
      from = binding.module;
    }
  }
  if (!fn || contains(fn, call)) return null;
  const kind = blockingBody(fn, fnCtx);
  if (!kind) return null;
  const first = call.arguments[0];
  const delay = first && first.type !== T.SpreadElement ? describeDelay(first, EMPTY_ENV, ctx.getScope, ctx.text) : { value: null, text: null, nodes: [] };
  return { call, helper: `${functionName(fn) ?? callee.name}()`, kind, delay, from };
}

/** What blocks in a helper's body (memoised per function): a primitive, or a loop spinning on the clock. */
function blockingBody(fn: FunctionNode, ctx: FileContext): BlockingKind | 'busy-wait' | null {
  const cache = ctx.cache<BlockingKind | 'busy-wait' | null>('blocking-body');
  if (cache.has(fn)) return cache.get(fn)!;
  let kind: BlockingKind | 'busy-wait' | null = null;
  // Only a helper whose purpose is to pass the time: one that also works (restarts a service, then sleeps) is
  // reported where its blocking sleep is written, not at every call.
  let works = false;
  if (!fn.async && !fn.generator) {
    walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
      if (works) return false;
      if (n.type === T.CallExpression) {
        const primitive = describeBlockingPrimitive(n, ctx);
        if (primitive && primitive.kind !== 'deasync') {
          kind ??= primitive.kind;
          return false;
        }
        if (!isReadOnlyCall(n, ctx) && !isLoggingCall(n)) works = true;
      } else if (n.type === T.NewExpression && !(n.callee.type === T.Identifier && /Array$|^SharedArrayBuffer$|^Date$|Error$/.test(n.callee.name))) {
        works = true;
      } else if (isLoop(n) && n.type !== T.ForInStatement && n.type !== T.ForOfStatement) {
        const busy = describeBusyWait(n as LoopNode, ctx);
        if (busy?.kind === 'clock' || busy?.kind === 'clock-microtask') {
          kind ??= 'busy-wait';
          return false;
        }
      }
      return undefined;
    });
  }
  const result = works ? null : kind;
  cache.set(fn, result);
  return result;
}
