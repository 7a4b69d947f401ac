import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { contains, functionName, isLoop, unwrap, walkSameFunction, type FunctionNode, type LoopNode, type Node } from './ast.js';
import { describeBlockingPrimitive, type BlockingKind } from './blocking.js';
import { describeBusyWait } from './busy.js';
import { isReadOnlyCall } from './dependence/atoms.js';
import { isLoggingCall } from './shapes/common.js';
import { perFile, type FileContext } from './context.js';
import { exportedFunction, isLocalModule, moduleContext, moduleText } from './dependence/modules.js';
import { describeDelay, EMPTY_ENV, type Delay } from './evaluate.js';
import { importsSleepyLocal, isSyncSleepName, mayBusyWait } from './gate.js';
import { resolveId } from './scope.js';

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

/** What a module defining a blocking helper must say: a primitive, a sleep package, or a loop over the clock. */
const BLOCKING_TEXT = /Atomics\.wait\b|(?:execSync|spawnSync|execFileSync)\s*\(\s*['"`]sleep|['"`](?:system-)?sleep['"`]/;
/**
 * Per file, before any scope lookup: the names a blocking helper can be called by. A helper of this file spins on
 * the clock or uses a primitive (so the file mentions one); a helper of a relative module is imported under a name
 * that says it passes time.
 */
function candidateNames(ctx: FileContext): ReadonlyMap<string, FunctionNode | null> {
  return perFile(ctx, 'blocking-helper-names', findCandidateNames);
}

/** Candidate names, each with the top-level function it names (null for an import, judged once resolved). */
function findCandidateNames(ctx: FileContext): ReadonlyMap<string, FunctionNode | null> {
  const names = new Map<string, FunctionNode | null>();
  const text = ctx.sourceCode.text;
  // A helper of this file spins on the clock (a loop testing it) or uses a primitive; one of a project module is
  // imported under a name that says it passes time. Text first: most files have none of these.
  const clock = mayBusyWait(text);
  const primitive = text.includes('Atomics.wait') || text.includes('child_process');
  const relative = importsSleepyLocal(text);
  if (!clock && !primitive && !relative) return names;
  // Top-level declarations only (helpers are written there): no scope analysis, which oxlint builds on demand.
  for (const raw of ctx.sourceCode.ast.body as Node[]) {
    const statement = (raw.type === T.ExportNamedDeclaration || raw.type === T.ExportDefaultDeclaration) && raw.declaration ? (raw.declaration as Node) : raw;
    if (statement.type === T.FunctionDeclaration && statement.id && (clock || primitive)) names.set(statement.id.name, statement);
    else if (statement.type === T.VariableDeclaration) {
      for (const d of statement.declarations) {
        if (d.id.type !== T.Identifier || !d.init) continue;
        const init = unwrap(d.init);
        if ((clock || primitive) && (init.type === T.ArrowFunctionExpression || init.type === T.FunctionExpression)) names.set(d.id.name, init);
        else if (relative && isSyncSleepName(d.id.name) && /require/.test(ctx.text(init))) names.set(d.id.name, null);
      }
    } else if (statement.type === T.ImportDeclaration && relative && isLocalModule(statement.source.value)) {
      for (const specifier of statement.specifiers) if (isSyncSleepName(specifier.local.name)) names.set(specifier.local.name, null);
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
  if (callee.type !== T.Identifier || call.arguments.length > 2) return null;
  const candidate = candidateNames(ctx).get(callee.name);
  // A top-level function that does not block is ruled out before the name is resolved (scopes cost more than this).
  if (candidate === undefined || (candidate !== null && !blockingBody(candidate, ctx))) return null;
  const binding = resolveId(callee, ctx);
  let fn: FunctionNode | null = null;
  let fnCtx = ctx;
  let from: string | null = null;
  if (binding.kind === 'function') fn = binding.node;
  else if ((binding.kind === 'export' || binding.kind === 'module') && isLocalModule(binding.module)) {
    // Only a module that names a blocking primitive or reads the clock can define such a helper: look before parsing.
    const text = moduleText(ctx, binding.module);
    if (text === null || !(BLOCKING_TEXT.test(text) || mayBusyWait(text))) return null;
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
