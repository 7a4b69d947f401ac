import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/utils';
import {
  calleeName, contains, enclosingFunction, isFunction, pathOf, rootOf, staticPropertyName, unwrap, walkSameFunction,
  type FunctionNode, type Node,
} from './ast.js';
import { declaresAny, perFile, type DeclaredFunctions, type FileContext } from './context.js';
import { bindParameters, describeDelay, EMPTY_ENV, isComputedDelay, type Delay, type Environment } from './evaluate.js';
import { exitConditions, isLoggingCall, MUTATORS, smallestCover } from './loop.js';
import { findVariable, resolveName } from './scope.js';
import { describeSleep } from './sleep.js';
import { classifyAtom, conditionAtoms, readsWrittenPath, type Atom } from './state.js';

/**
 * A poll of in-process state driven by a timer instead of a loop:
 * - `interval`: a `setInterval` callback that clears its interval once a condition holds;
 * - `rearm`: a function that schedules itself again with `setTimeout` while a condition does not hold;
 * - `helper`: a polling helper (`p-wait-for`, `async-wait-until`, a home-made `waitFor`) given a
 *   synchronous predicate.
 */
export interface TimerWait {
  /** The `setInterval` / `setTimeout` / helper call. */
  node: TSESTree.CallExpression;
  kind: 'interval' | 'rearm' | 'helper';
  /** The atoms of the condition that read in-process state the timer's own code does not change. */
  polled: Atom[];
  /** Source text naming what is polled. */
  conditionText: string;
  /** Time between checks; for a helper whose interval is its own default, `delay.value` is that default. */
  delay: Delay;
  /** The interval is not known at all (a declared helper with no interval argument). */
  delayUnknown: boolean;
  zero: boolean;
  /** How it polls, for messages: `setInterval`, `setTimeout`, `pWaitFor()`. */
  via: string;
}

const TIMER_MODULES = new Set(['timers', 'node:timers']);
const TIMER_FUNCTIONS = new Set(['setInterval', 'setTimeout', 'setImmediate', 'clearInterval', 'clearTimeout']);
const GLOBAL_OBJECT = /^(globalThis|global|window|self)$/;

/** Known polling packages: which export, which argument is the predicate, and the default interval. */
const POLLING_PACKAGES: ReadonlyMap<string, { exports: ReadonlySet<string>; intervalKeys: readonly string[]; defaultMs: number; positional?: number }> = new Map([
  ['p-wait-for', { exports: new Set(['default']), intervalKeys: ['interval'], defaultMs: 20 }],
  ['async-wait-until', { exports: new Set(['default', 'waitUntil']), intervalKeys: ['intervalBetweenAttempts'], defaultMs: 50, positional: 2 }],
]);
const INTERVAL_KEYS = ['interval', 'intervalBetweenAttempts', 'pollInterval', 'pollingInterval', 'intervalMs'];

/** Describes `call` as a timer or helper that sleep-polls in-process state, or null. */
export function describeTimerWait(call: TSESTree.CallExpression, ctx: FileContext): TimerWait | null {
  const timer = timerFunction(call.callee, ctx);
  // Most calls are neither timers nor candidates for a polling helper: answer those without the cache,
  // so the per-file memo only holds the few calls that needed real work.
  if (timer === null && (!mayHaveHelpers(ctx) || !mayCallHelper(call))) return null;
  const cache = ctx.cache<TimerWait | null>('timer-wait');
  if (cache.has(call)) return cache.get(call)!;
  let result: TimerWait | null = null;
  if (timer === 'setInterval') result = intervalWait(call, ctx);
  else if (timer === 'setTimeout' || timer === 'setImmediate') result = rearmWait(call, timer, ctx);
  else if (timer === null) result = helperWait(call, ctx);
  cache.set(call, result);
  return result;
}

// --- recognising timer functions -------------------------------------------------------------------

/** `setInterval`, `window.setTimeout`, `timers.clearInterval`, `import { setTimeout as later } from 'timers'`… */
export function timerFunction(calleeNode: Node, ctx: FileContext): string | null {
  const callee = unwrap(calleeNode);
  if (callee.type === T.Identifier) {
    // Under another name, a timer can only come from an import of `timers`: skip the lookup otherwise.
    if (!TIMER_FUNCTIONS.has(callee.name) && !importsTimers(ctx)) return null;
    const binding = resolveName(callee, ctx.getScope(callee));
    if (binding.kind === 'global') return TIMER_FUNCTIONS.has(binding.name) ? binding.name : null;
    if (binding.kind === 'export' && TIMER_MODULES.has(binding.module) && TIMER_FUNCTIONS.has(binding.name)) return binding.name;
    return null;
  }
  if (callee.type !== T.MemberExpression) return null;
  const prop = staticPropertyName(callee);
  const object = unwrap(callee.object);
  if (prop === null || !TIMER_FUNCTIONS.has(prop) || object.type !== T.Identifier) return null;
  const binding = resolveName(object, ctx.getScope(object));
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

/** A callback argument as a function of this file: inline, or a name bound to one. */
function callbackFunction(arg: Node | undefined, ctx: FileContext): FunctionNode | null {
  if (!arg || arg.type === T.SpreadElement) return null;
  const n = unwrap(arg);
  if (isFunction(n)) return n;
  if (n.type === T.Identifier) {
    const binding = resolveName(n, ctx.getScope(n));
    return binding.kind === 'function' ? binding.node : null;
  }
  return null;
}

function hasAwaitOrYield(fn: FunctionNode, ctx: FileContext): boolean {
  if (fn.generator) return true;
  let found = false;
  walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.AwaitExpression || n.type === T.YieldExpression || (n.type === T.ForOfStatement && n.await)) found = true;
    return !found;
  });
  return found;
}

// --- what a piece of code writes -------------------------------------------------------------------

/** Access paths `root` (its own function only) assigns, updates, deletes, or changes through a mutator method. */
function collectWrites(root: Node, ctx: FileContext): Set<string> {
  const written = new Set<string>();
  const keys = ctx.sourceCode.visitorKeys;
  const write = (target: Node) => {
    const path = pathOf(target);
    if (path !== null) written.add(path);
    else {
      const r = rootOf(target);
      if (r) written.add(r.type === T.ThisExpression ? 'this' : r.name);
    }
  };
  const writePattern = (pattern: Node) =>
    walkSameFunction(pattern, keys, (n) => {
      if (n.type === T.Identifier || n.type === T.MemberExpression) {
        write(n);
        return false;
      }
      return undefined;
    });
  walkSameFunction(root, keys, (n) => {
    if (n.type === T.AssignmentExpression) writePattern(n.left);
    else if (n.type === T.UpdateExpression) write(n.argument);
    else if (n.type === T.UnaryExpression && n.operator === 'delete') write(n.argument);
    else if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      const method = callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
      if (callee.type === T.MemberExpression && method !== null && MUTATORS.has(method)) write(callee.object);
    }
    return undefined;
  });
  return written;
}

/** The atom calls a parameter of a function (`pred()`): a generic helper, judged where it is called. */
function callsParameter(atom: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(atom, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      if (callee.type === T.Identifier && findVariable(ctx.getScope(callee), callee.name)?.defs[0]?.type === 'Parameter') found = true;
    }
    return !found;
  });
  return found;
}

/** The state atoms of `conditions` that `written` does not cover, classified as seen from `anchor`'s function. */
function polledAtoms(conditions: Node[], written: ReadonlySet<string>, ctx: FileContext): { condition: Node; atoms: Atom[] }[] {
  const out: { condition: Node; atoms: Atom[] }[] = [];
  for (const condition of conditions) {
    const atoms = conditionAtoms(condition)
      .filter((atom) => !callsParameter(atom, ctx))
      .map((atom) => classifyAtom(atom, condition, ctx))
      .filter((atom) => atom.kind === 'state' && !readsWrittenPath(atom, written) && !callsAsyncFunction(atom.node, ctx));
    if (atoms.length > 0) out.push({ condition, atoms });
  }
  return out;
}

/** An atom that calls a function of this file declared `async` reads a promise, not state. */
function callsAsyncFunction(atom: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(atom, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      if (callee.type === T.Identifier) {
        const binding = resolveName(callee, ctx.getScope(callee));
        if (binding.kind === 'function' && binding.node.async) found = true;
      }
      if (callee.type === T.MemberExpression && staticPropertyName(callee) === 'then') found = true;
    }
    if (n.type === T.NewExpression && n.callee.type === T.Identifier && n.callee.name === 'Promise') found = true;
    return !found;
  });
  return found;
}

function coverText(polled: { condition: Node; atoms: Atom[] }[], ctx: FileContext): string {
  return polled.map(({ condition, atoms }) => ctx.text(smallestCover(condition, atoms.map((a) => a.node)))).join(' || ');
}

function timerDelay(arg: Node | undefined, env: Environment, ctx: FileContext): Delay {
  return describeDelay(arg && arg.type !== T.SpreadElement ? arg : null, env, ctx.getScope, ctx.text);
}

// --- setInterval ----------------------------------------------------------------------------------

interface IntervalShape {
  callback: FunctionNode;
  /** Conditions under which the callback clears its interval (or, for a guard `if (c) return`, keeps it). */
  conditions: Node[];
}

/** The handle a `setInterval(...)` result is stored in: `const id = …`, `this.timer = …`. */
function handlePath(call: TSESTree.CallExpression): string | null {
  let node: Node = call;
  while (node.parent && (node.parent.type === T.TSAsExpression || node.parent.type === T.TSNonNullExpression || node.parent.type === T.TSSatisfiesExpression)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (parent?.type === T.VariableDeclarator && parent.init === node && parent.id.type === T.Identifier) return parent.id.name;
  if (parent?.type === T.AssignmentExpression && parent.right === node && parent.operator === '=') return pathOf(parent.left);
  return null;
}

function statementsOf(node: TSESTree.Statement): TSESTree.Statement[] {
  return node.type === T.BlockStatement ? node.body : [node];
}

function isClearCall(statement: TSESTree.Statement, handle: string | null, allowThis: boolean, ctx: FileContext): boolean {
  if (statement.type !== T.ExpressionStatement) return false;
  const e = unwrap(statement.expression);
  if (e.type !== T.CallExpression || timerFunction(e.callee, ctx) !== 'clearInterval') return false;
  const arg = e.arguments[0] && unwrap(e.arguments[0]);
  if (!arg) return false;
  if (arg.type === T.ThisExpression) return allowThis;
  return handle !== null && pathOf(arg) === handle;
}

function exits(statement: TSESTree.Statement): boolean {
  const last = statementsOf(statement).at(-1);
  return !!last && (last.type === T.ReturnStatement || last.type === T.ThrowStatement);
}

/** Statements that only check and count: declarations, logging, counters, returns, and nested checks. */
function checksOnly(statements: TSESTree.Statement[], ctx: FileContext): boolean {
  return statements.every((s) => {
    switch (s.type) {
      case T.EmptyStatement:
      case T.ReturnStatement:
        return true;
      case T.VariableDeclaration:
        return s.declarations.every((d) => !d.init || !hasWorkCall(d.init, ctx));
      case T.BlockStatement:
        return checksOnly(s.body, ctx);
      case T.IfStatement:
        return checksOnly(statementsOf(s.consequent), ctx) && (!s.alternate || checksOnly(statementsOf(s.alternate), ctx));
      case T.ExpressionStatement: {
        const e = unwrap(s.expression);
        if (e.type === T.UpdateExpression || e.type === T.AssignmentExpression) return !hasWorkCall(e, ctx);
        return e.type === T.CallExpression && isLoggingCall(e);
      }
      default:
        return false;
    }
  });
}

/** A call or `new` other than logging: the code does work of its own. */
function hasWorkCall(node: Node, ctx: FileContext): boolean {
  let found = false;
  walkSameFunction(node, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.CallExpression && !isLoggingCall(n) && !/^(Date\.now|performance\.now)$/.test(pathOf(n.callee) ?? '')) found = true;
    if (n.type === T.NewExpression && !(n.callee.type === T.Identifier && n.callee.name === 'Date')) found = true;
    return !found;
  });
  return found;
}

function intervalShape(call: TSESTree.CallExpression, ctx: FileContext): IntervalShape | null {
  const callback = callbackFunction(call.arguments[0], ctx);
  if (!callback || callback.body.type !== T.BlockStatement) return null;
  const handle = handlePath(call);
  const allowThis = callback.type !== T.ArrowFunctionExpression;
  if (handle === null && !allowThis) return null;
  const body = callback.body.body;
  const conditions: Node[] = [];
  const rest: TSESTree.Statement[] = [];
  body.forEach((statement, index) => {
    if (statement.type === T.IfStatement) {
      // `if (cond) { …; clearInterval(id); … }` (or in the else branch)
      const branches = [statement.consequent, statement.alternate].filter((b): b is TSESTree.Statement => !!b);
      const clearing = branches.find((b) => statementsOf(b).some((s) => isClearCall(s, handle, allowThis, ctx)));
      // The branch clears and then resolves, calls back or proceeds; a bare clear is a timer that stops.
      if (clearing && !statementsOf(clearing).some((s) => !isClearCall(s, handle, allowThis, ctx) && s.type !== T.EmptyStatement)) {
        rest.push(statement);
        return;
      }
      if (clearing) {
        conditions.push(statement.test);
        const other = branches.find((b) => b !== clearing);
        if (other) rest.push(other);
        return;
      }
      // `if (!cond) return; clearInterval(id); …`
      const after = body.slice(index + 1);
      const clearAt = after.findIndex((s) => isClearCall(s, handle, allowThis, ctx));
      if (!statement.alternate && exits(statement.consequent) && clearAt >= 0 && after.length > clearAt + 1) {
        conditions.push(statement.test);
        rest.push(statement.consequent);
        return;
      }
    }
    if (isClearCall(statement, handle, allowThis, ctx)) return;
    rest.push(statement);
  });
  if (conditions.length === 0) return null;
  // After a top-level clearInterval, the callback proceeds: whatever follows is the continuation, not work.
  const clearIndex = body.findIndex((s) => isClearCall(s, handle, allowThis, ctx));
  const checked = clearIndex >= 0 ? rest.filter((s) => body.indexOf(s) < 0 || body.indexOf(s) < clearIndex) : rest;
  if (!checksOnly(checked, ctx)) return null;
  return { callback, conditions };
}

function intervalWait(call: TSESTree.CallExpression, ctx: FileContext): TimerWait | null {
  const shape = intervalShape(call, ctx);
  if (!shape || hasAwaitOrYield(shape.callback, ctx)) return null;
  const polled = polledAtoms(shape.conditions, collectWrites(shape.callback.body, ctx), ctx);
  if (polled.length === 0) return null;
  const delay = timerDelay(call.arguments[1], EMPTY_ENV, ctx);
  return {
    node: call, kind: 'interval', polled: polled.flatMap((p) => p.atoms), conditionText: coverText(polled, ctx),
    delay, delayUnknown: false, zero: delay.value === 0, via: 'setInterval',
  };
}

// --- re-armed setTimeout --------------------------------------------------------------------------

interface RearmShape {
  self: FunctionNode;
  conditions: Node[];
}

/** The name a method or property function is known by (`check` in `check() {}` or `check = () => {}`). */
function memberName(fn: FunctionNode): string | null {
  const parent = fn.parent;
  if (!parent) return null;
  if ((parent.type === T.MethodDefinition || parent.type === T.PropertyDefinition || parent.type === T.Property) && parent.value === fn && !parent.computed) {
    const key = parent.key;
    return key.type === T.Identifier ? key.name : key.type === T.PrivateIdentifier ? `#${key.name}` : key.type === T.Literal ? String(key.value) : null;
  }
  return null;
}

/** True when `callee` names `self`: its binding, or `this.name` for a method. */
function namesSelf(calleeNode: Node, self: FunctionNode, ctx: FileContext): boolean {
  const callee = unwrap(calleeNode);
  if (callee.type === T.Identifier) {
    const binding = resolveName(callee, ctx.getScope(callee));
    return binding.kind === 'function' && binding.node === self;
  }
  if (callee.type === T.MemberExpression && unwrap(callee.object).type === T.ThisExpression) {
    const name = staticPropertyName(callee);
    return name !== null && name === memberName(self);
  }
  // `this.check.bind(this)`
  if (callee.type === T.CallExpression && calleeName(callee.callee) === 'bind') {
    const bound = unwrap(callee.callee);
    return bound.type === T.MemberExpression && namesSelf(bound.object, self, ctx);
  }
  return false;
}

/** Arguments that re-run `self` with the same inputs: its own parameters in place, or unchanging outer names. */
function sameInputs(args: readonly Node[], self: FunctionNode, ctx: FileContext): boolean {
  return args.every((arg, index) => {
    const a = unwrap(arg);
    if (a.type !== T.Identifier) return false;
    const variable = findVariable(ctx.getScope(a), a.name);
    if (!variable || variable.defs.length === 0) return false;
    if (variable.references.some((r) => r.isWrite() && !r.init)) return false;
    const param = self.params[index];
    const paramName = param?.type === T.Identifier ? param.name : param?.type === T.AssignmentPattern && param.left.type === T.Identifier ? param.left.name : null;
    if (paramName === a.name) return true;
    // Declared outside self (`resolve` of an enclosing executor) and never written again.
    return !contains(self, variable.defs[0]!.name as Node);
  });
}

/** `setTimeout(self, …)`, `setTimeout(() => self(), …)`, `setTimeout(this.check, …)`; null for anything else. */
function rearmTarget(call: TSESTree.CallExpression, self: FunctionNode, ctx: FileContext): boolean {
  const target = call.arguments[0] && unwrap(call.arguments[0]);
  if (!target || target.type === T.SpreadElement) return false;
  const extra = call.arguments.slice(2) as Node[];
  if (!isFunction(target)) return namesSelf(target, self, ctx) && sameInputs(extra, self, ctx);
  if (target.params.length > 0) return false;
  const body = target.body.type === T.BlockStatement
    ? target.body.body.length === 1 && target.body.body[0]!.type === T.ExpressionStatement ? target.body.body[0]!.expression : null
    : target.body;
  const inner = body && unwrap(body);
  if (!inner || inner.type !== T.CallExpression) return false;
  return namesSelf(inner.callee, self, ctx) && sameInputs(inner.arguments as Node[], self, ctx);
}

function rearmShape(call: TSESTree.CallExpression, ctx: FileContext): RearmShape | null {
  const self = enclosingFunction(call);
  if (!self || !rearmTarget(call, self, ctx)) return null;
  const conditions: Node[] = [];
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && p !== self; child = p, p = p.parent) {
    if ((p.type === T.IfStatement || p.type === T.ConditionalExpression) && child !== p.test) conditions.push(p.test);
    if (p.type === T.LogicalExpression && child === p.right) conditions.push(p.left);
    if (p.type === T.BlockStatement) {
      // Earlier `if (done) return …;` guards at the same level.
      for (const statement of p.body) {
        if (statement === child) break;
        if (statement.type === T.IfStatement && !statement.alternate && exits(statement.consequent)) conditions.push(statement.test);
      }
    }
  }
  return conditions.length > 0 ? { self, conditions } : null;
}

/** Calls on the re-arm path (not in a branch that stops polling, not in a condition): the function's own work. */
function rearmWorkCalls(shape: RearmShape, call: TSESTree.CallExpression, ctx: FileContext): number {
  let count = 0;
  walkSameFunction(shape.self.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n === call) return false;
    if (shape.conditions.includes(n)) return false;
    if (n.parent && (n.parent.type === T.IfStatement || n.parent.type === T.ConditionalExpression) && n !== n.parent.test && !contains(n, call)) {
      return false;
    }
    if ((n.type === T.CallExpression && !isLoggingCall(n)) || n.type === T.NewExpression) count++;
    return undefined;
  });
  return count;
}


/** A delay computed per attempt (back-off, jitter) or from what the function changes: a retry, not a poll. */
function isComputedDelayArg(delay: Node | undefined, written: ReadonlySet<string>, ctx: FileContext): boolean {
  return !!delay && delay.type !== T.SpreadElement && isComputedDelay(delay, written, ctx);
}

function rearmWait(call: TSESTree.CallExpression, timer: string, ctx: FileContext): TimerWait | null {
  const shape = rearmShape(call, ctx);
  if (!shape || hasAwaitOrYield(shape.self, ctx)) return null;
  const written = collectWrites(shape.self.body, ctx);
  if (timer === 'setTimeout' && isComputedDelayArg(call.arguments[1], written, ctx)) return null;
  const polled = polledAtoms(shape.conditions, written, ctx);
  if (polled.length === 0) return null;
  const atoms = polled.flatMap((p) => p.atoms);
  if (!ctx.options.reportWorkLoops && atoms.every((a) => a.flag) && rearmWorkCalls(shape, call, ctx) > 0) return null;
  const delay = timer === 'setImmediate' ? timerDelay(undefined, EMPTY_ENV, ctx) : timerDelay(call.arguments[1], EMPTY_ENV, ctx);
  return {
    node: call, kind: 'rearm', polled: atoms, conditionText: coverText(polled, ctx),
    delay, delayUnknown: false, zero: delay.value === 0, via: timer,
  };
}

// --- polling helpers ------------------------------------------------------------------------------

/** How a helper of this file polls its predicate parameter. */
interface HelperShape {
  predicateIndex: number;
  /** The awaited sleep of a polling loop, read at each call site with the helper's parameters bound. */
  sleep: Node | null;
  /** The interval argument of a `setInterval` / re-armed `setTimeout`. */
  delay: Node | null;
}

function paramIndexCalled(conditions: Node[], fn: FunctionNode, ctx: FileContext): number {
  for (let index = 0; index < fn.params.length; index++) {
    const param = fn.params[index]!;
    if (param.type !== T.Identifier) continue;
    const name = param.name;
    for (const condition of conditions) {
      let found = false;
      walkSameFunction(condition, ctx.sourceCode.visitorKeys, (n) => {
        if (n.type === T.CallExpression) {
          const callee = unwrap(n.callee);
          if (callee.type === T.Identifier && callee.name === name && findVariable(ctx.getScope(callee), name)?.defs[0]?.name === param) found = true;
        }
        return !found;
      });
      if (found) return index;
    }
  }
  return -1;
}

/** Recognises a function of this file that sleep-polls a predicate parameter (memoised per function). */
function helperShape(fn: FunctionNode, ctx: FileContext): HelperShape | null {
  const cache = ctx.cache<HelperShape | null>('polling-helper');
  if (cache.has(fn)) return cache.get(fn)!;
  cache.set(fn, null); // guards recursion
  if (!mayBeHelper(fn, ctx)) return null;
  let shape: HelperShape | null = null;
  const keys = ctx.sourceCode.visitorKeys;
  const visit = (node: Node): void => {
    if (shape) return;
    if (node.type === T.WhileStatement || node.type === T.DoWhileStatement || node.type === T.ForStatement) {
      const index = paramIndexCalled(exitConditions(node).conditions, fn, ctx);
      if (index >= 0) {
        let sleep: Node | null = null;
        walkSameFunction(node.body, keys, (n) => {
          if (!sleep && n.type === T.AwaitExpression && describeSleep(n.argument, ctx)) sleep = n.argument;
          return !sleep;
        });
        if (sleep) shape = { predicateIndex: index, sleep, delay: null };
      }
    }
    if (node.type === T.CallExpression) {
      const timer = timerFunction(node.callee, ctx);
      const conditions =
        timer === 'setInterval' ? intervalShape(node, ctx)?.conditions :
        timer === 'setTimeout' ? rearmShape(node, ctx)?.conditions : undefined;
      const index = conditions ? paramIndexCalled(conditions, fn, ctx) : -1;
      if (index >= 0) shape = { predicateIndex: index, sleep: null, delay: (node.arguments[1] as Node | undefined) ?? null };
    }
    for (const key of keys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const item of value) if (item && typeof (item as Node).type === 'string') visit(item as Node);
      } else if (value && typeof (value as Node).type === 'string') {
        visit(value as Node);
      }
    }
  };
  visit(fn.body);
  cache.set(fn, shape);
  return shape;
}

function declares(declared: DeclaredFunctions, call: TSESTree.CallExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.callee);
  const path = pathOf(callee);
  if (callee.type === T.Identifier && declared.names.has(callee.name)) return true;
  if (path !== null && declared.paths.has(path)) return true;
  if (declared.modules.size === 0) return false;
  const root = callee.type === T.Identifier ? callee : callee.type === T.MemberExpression ? unwrap(callee.object) : null;
  if (!root || root.type !== T.Identifier) return false;
  const binding = resolveName(root, ctx.getScope(root));
  if (callee.type === T.Identifier) {
    if (binding.kind === 'module') return !!declared.modules.get(binding.module)?.has('default');
    if (binding.kind === 'export') return !!declared.modules.get(binding.module)?.has(binding.name);
    return false;
  }
  const prop = staticPropertyName(callee as TSESTree.MemberExpression);
  return binding.kind === 'module' && prop !== null && !!declared.modules.get(binding.module)?.has(prop);
}

/** An interval given in an options object (`{ interval: 50 }`) or positionally. */
function intervalArgument(call: TSESTree.CallExpression, keys: readonly string[], positional: number | undefined): Node | null {
  for (const arg of call.arguments.slice(1)) {
    const a = unwrap(arg);
    if (a.type !== T.ObjectExpression) continue;
    for (const property of a.properties) {
      if (property.type !== T.Property || property.computed) continue;
      const key = property.key.type === T.Identifier ? property.key.name : property.key.type === T.Literal ? String(property.key.value) : null;
      if (key !== null && keys.includes(key)) return property.value as Node;
    }
  }
  if (positional !== undefined) {
    const arg = call.arguments[positional];
    if (arg && arg.type !== T.SpreadElement && unwrap(arg).type !== T.ObjectExpression) return arg;
  }
  return null;
}

/**
 * Cheap, on the text before any walk (see helperShape): a polling helper calls one of its parameters, and loops
 * with an await (where its sleep is) or sets a timer by name.
 */
function mayBeHelper(fn: FunctionNode, ctx: FileContext): boolean {
  if (fn.params.length === 0) return false;
  const body = ctx.sourceCode.text.slice(fn.body.range[0], fn.body.range[1]);
  const polls = (body.includes('await') && /\b(while|for)\b/.test(body)) || /\bset(Interval|Timeout|Immediate)\b/.test(body);
  return polls && fn.params.some((p) => p.type === T.Identifier && body.includes(`${p.name}(`));
}

/** A polling helper is called by name with a predicate, inline or by name; a call with neither polls nothing. */
function mayCallHelper(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== T.Identifier && callee.type !== T.MemberExpression) return false;
  return call.arguments.some((a) => {
    const u = unwrap(a);
    return isFunction(u) || u.type === T.Identifier;
  });
}

/**
 * Per file, before any scope lookup: whether a polling package is imported, and the names of the file's
 * functions that could be polling helpers (they loop or set a timer, and call one of their parameters).
 */
function helperCandidates(ctx: FileContext): { packages: boolean; names: ReadonlySet<string> } {
  return perFile(ctx, 'helper-candidates', findHelperCandidates);
}

function findHelperCandidates(ctx: FileContext): { packages: boolean; names: ReadonlySet<string> } {
  const names = new Set<string>();
  for (const scope of ctx.sourceCode.scopeManager?.scopes ?? []) {
    for (const variable of scope.variables) {
      const def = variable.defs[0];
      if (!def) continue;
      const fn = def.type === 'FunctionName' ? (def.node as Node)
        : def.type === 'Variable' && def.node.type === T.VariableDeclarator && def.node.init ? unwrap(def.node.init) : null;
      if (isFunction(fn) && mayBeHelper(fn, ctx)) names.add(variable.name);
    }
  }
  const packages = [...POLLING_PACKAGES.keys()].some((m) => ctx.sourceCode.text.includes(m));
  return { packages, names };
}

/** Whether any call of this file can be a polling helper's: one is declared, imported, or defined here. */
function mayHaveHelpers(ctx: FileContext): boolean {
  if (declaresAny(ctx.polling)) return true;
  const candidates = helperCandidates(ctx);
  return candidates.packages || candidates.names.size > 0;
}

/** Called by describeTimerWait once `mayHaveHelpers` and `mayCallHelper` have said yes. */
function helperWait(call: TSESTree.CallExpression, ctx: FileContext): TimerWait | null {
  const callee = unwrap(call.callee) as TSESTree.Identifier | TSESTree.MemberExpression;
  if (!declaresAny(ctx.polling)) {
    const candidates = helperCandidates(ctx);
    if (!candidates.packages && (callee.type !== T.Identifier || !candidates.names.has(callee.name))) return null;
  }
  const name = calleeName(callee) ?? 'helper';
  let predicateIndex = 0;
  let delay: Delay | null;

  const root = callee.type === T.Identifier ? callee : unwrap(callee.object);
  const binding = root.type === T.Identifier ? resolveName(root, ctx.getScope(root)) : null;
  const exported =
    binding?.kind === 'module' ? (callee.type === T.Identifier ? 'default' : staticPropertyName(callee as TSESTree.MemberExpression)) :
    binding?.kind === 'export' && callee.type === T.Identifier ? binding.name : null;
  const pkg = binding && (binding.kind === 'module' || binding.kind === 'export') ? POLLING_PACKAGES.get(binding.module) : undefined;

  if (pkg && exported !== null && pkg.exports.has(exported)) {
    const arg = intervalArgument(call, pkg.intervalKeys, pkg.positional);
    delay = arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: pkg.defaultMs, text: null, nodes: [] };
  } else if (declares(ctx.polling, call, ctx)) {
    // Only an options object says which argument is the interval (a second number may be a timeout).
    const arg = intervalArgument(call, INTERVAL_KEYS, undefined);
    delay = arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: null, text: null, nodes: [] };
  } else if (callee.type === T.Identifier && binding?.kind === 'function') {
    const shape = helperShape(binding.node, ctx);
    if (!shape) return null;
    predicateIndex = shape.predicateIndex;
    const env = bindParameters(binding.node, call.arguments as Node[]);
    if (shape.sleep) delay = describeSleep(shape.sleep, ctx, env)?.delay ?? null;
    else delay = timerDelay(shape.delay ?? undefined, env, ctx);
    if (delay && delay.value === null && delay.nodes.length === 0) delay = { value: null, text: null, nodes: [] };
  } else {
    return null;
  }
  if (!delay) return null;

  const predicate = predicateConditions(call.arguments[predicateIndex], ctx);
  if (!predicate) return null;
  const polled = polledAtoms(predicate.conditions, collectWrites(predicate.fn.body, ctx), ctx);
  if (polled.length === 0) return null;
  const unknown = delay.value === null && delay.text === null;
  return {
    node: call, kind: 'helper', polled: polled.flatMap((p) => p.atoms), conditionText: coverText(polled, ctx),
    delay, delayUnknown: unknown, zero: delay.value === 0, via: `${name}()`,
  };
}

/** What a synchronous predicate returns: its expression body or its `return` arguments; null if it awaits. */
function predicateConditions(arg: Node | undefined, ctx: FileContext): { fn: FunctionNode; conditions: Node[] } | null {
  const fn = callbackFunction(arg, ctx);
  if (!fn || fn.async || hasAwaitOrYield(fn, ctx)) return null;
  if (fn.body.type !== T.BlockStatement) return { fn, conditions: [fn.body] };
  const conditions: Node[] = [];
  walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.ReturnStatement && n.argument) conditions.push(n.argument);
    return undefined;
  });
  return conditions.length > 0 ? { fn, conditions } : null;
}

