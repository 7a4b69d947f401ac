import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { calleeName, enclosingFunction, isFunction, makesPromise, pathOf, pushChildren, staticPropertyName, unwrap, walkSameFunction, type FunctionNode, type Node } from '../ast.js';
import { declaresAny, perFile, type DeclaredFunctions, type FileContext } from '../context.js';
import { exportedFunction, isLocalModule, LOCAL_IMPORT, moduleContext, moduleText } from '../dependence/modules.js';
import { bindParameters, EMPTY_ENV, type Delay } from '../evaluate.js';
import type { Wait } from '../model.js';
import { findVariable, namesBoundToMention, requiredModule, resolveFunctionId, resolveId, type Binding } from '../scope.js';
import { describeSleep } from '../sleep.js';
import { callbackFunction, collectWrites, declarationsFeeding, hasAwaitOrYield } from './common.js';
import { intervalShape } from './interval.js';
import { loopExits } from './loop.js';
import { rearmExits } from './rearm.js';
import { timerDelay, timerFunction } from './timers.js';
import { POLLING_PACKAGE_MENTION, POLLING_PACKAGES } from '../dependence/packages.js';
import { anyWithin, isWordChar, offsetsOfWords, wordOffsets } from '../words.js';
import { wordsOf } from '../gate.js';

/** Interval options of home-made helpers: only an options object says which argument is the interval. */
const INTERVAL_KEYS = ['interval', 'intervalBetweenAttempts', 'pollInterval', 'pollingInterval', 'intervalMs', 'delay', 'every', 'step'];

/** Words the name of a polling helper of another module holds. */
export const POLLISH_NAME = /wait|until|poll|eventual|retry|check|ensure|expect|await|sleep|settle|ready|idle|drain/i;

/** Names a home-made polling helper commonly has (`waitFor`, `sleepUntil`, `eventually`, `pollUntil`). */
const POLLING_HELPER_NAME = /^(waitFor|waitUntil|sleepUntil|pollUntil|retryUntil|until|eventually|waitForCondition|waitForExpect|waitForAssertion|poll)$/;

/** The text of a module that can define a polling helper: a timer, an awaited loop, or a wrapped helper's import. */
function mayDefinePollingHelper(text: string): boolean {
  return (
    text.includes('setTimeout') || text.includes('setInterval') || text.includes('setImmediate') ||
    (text.includes('await') && (text.includes('while') || text.includes('for'))) ||
    [...POLLING_PACKAGES.keys()].some((m) => text.includes(m))
  );
}

/** The text where `name` is defined in a module's text (a window after its declaration), or all of it. */
function definitionText(text: string, name: string): string {
  if (name === 'default' || !/^[\w$]+$/.test(name)) return text;
  const found = new RegExp(`(?:function\\s*\\*?\\s*${name.replace(/\$/g, '\\$')}\\b|\\b${name.replace(/\$/g, '\\$')}\\s*[=:]\\s*(?:async\\b|function\\b|\\())`).exec(text);
  return found ? text.slice(found.index, found.index + 4000) : text;
}

/** How a helper polls its predicate parameter. */
interface HelperShape {
  predicateIndex: number;
  /** The awaited sleep of a polling loop, read at each call site with the helper's parameters bound. */
  sleep: Node | null;
  /** The interval argument of a `setInterval` / re-armed `setTimeout`. */
  delay: Node | null;
  /** The file the helper is in (this one, or a relative import). */
  ctx: FileContext;
  /** A wrapper around another helper (`sleepUntil(c, ms) { return base(c, ms) }`): that helper's default interval. */
  defaultMs?: number;
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

/** Conditions and the initialisers of the declarations that feed them (`const updated = fn(); if (updated !== initial)`). */
function withFeeding(conditions: Node[], root: Node, ctx: FileContext): Node[] {
  const inits = [...declarationsFeeding(root, conditions, ctx)].map((d) => (d as TSESTree.VariableDeclarator).init!);
  return [...conditions, ...inits];
}

/** The parameter of `fn` called anywhere in `root` (awaited or not), or -1. */
function paramIndexCalledIn(root: Node, fn: FunctionNode, ctx: FileContext): number {
  return paramIndexCalled([root], fn, ctx);
}

/**
 * Recognises a function that sleep-polls a predicate parameter (memoised per function): a loop or timer whose
 * exit calls it, a function that awaits a sleep and calls itself again, or a thin wrapper around such a helper.
 */
function helperShape(fn: FunctionNode, ctx: FileContext, depth = 0): HelperShape | null {
  const cache = ctx.cache<HelperShape | null>('polling-helper');
  if (cache.has(fn)) return cache.get(fn)!;
  cache.set(fn, null); // guards recursion
  if (!mayBeHelper(fn, ctx) && !(depth < 2 && fn.params.length > 0)) return null;
  let shape: HelperShape | null = null;
  const keys = ctx.sourceCode.visitorKeys;
  const firstSleep = (root: Node): Node | null => {
    let sleep: Node | null = null;
    walkSameFunction(root, keys, (n) => {
      if (!sleep && n.type === T.AwaitExpression && describeSleep(n.argument, ctx)) sleep = n.argument;
      return !sleep;
    });
    return sleep;
  };
  const visit = (node: Node): void => {
    if (shape) return;
    if (node.type === T.WhileStatement || node.type === T.DoWhileStatement || node.type === T.ForStatement) {
      // The parameter the exits call, else one whose result a declaration feeding them holds (`const updated = fn()`).
      const conditions = loopExits(node, ctx).flatMap((e) => e.conditions);
      let index = paramIndexCalled(conditions, fn, ctx);
      if (index < 0) index = paramIndexCalled(withFeeding(conditions, node, ctx), fn, ctx);
      const sleep = index >= 0 ? firstSleep(node.body) : null;
      if (sleep && !awaitsOther(node, sleep, fn.params[index]!, ctx)) shape = { predicateIndex: index, sleep, delay: null, ctx };
    }
    if (node.type === T.CallExpression) {
      const timer = timerFunction(node.callee, ctx);
      const conditions =
        timer === 'setInterval' ? intervalShape(node, ctx)?.exits.flatMap((e) => e.conditions) :
        timer === 'setTimeout' ? rearmExits(node, ctx)?.exits.flatMap((e) => e.conditions) : undefined;
      const index = conditions ? paramIndexCalled(withFeeding(conditions, fn.body, ctx), fn, ctx) : -1;
      if (index >= 0) shape = { predicateIndex: index, sleep: null, delay: (node.arguments[1] as Node | undefined) ?? null, ctx };
      else if (!timer && depth < 2) {
        // An async function that sleeps and calls itself again: `const check = async () => { await sleep(d); … check() }`.
        const self = enclosingFunction(node);
        const callee = unwrap(node.callee);
        if (self && self.async && callee.type === T.Identifier && resolveFunctionId(callee, ctx) === self) {
          const index = paramIndexCalledIn(self.body, fn, ctx);
          const sleep = index >= 0 ? firstSleep(self.body) : null;
          if (sleep && !awaitsOther(self.body, sleep, fn.params[index]!, ctx)) shape = { predicateIndex: index, sleep, delay: null, ctx };
        }
      }
    }
    if (shape) return;
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
  if (!shape && depth < 2) shape = wrapperShape(fn, ctx, depth);
  cache.set(fn, shape);
  return shape;
}

/**
 * Whether each round of `root` awaits something besides its sleep and its predicate (`const children = await
 * psTree(pid); if (condition(children))`, `res = await fn(); if (predicate(res))`): the predicate then tests what
 * was fetched from elsewhere, and the helper polls that, not memory.
 */
function awaitsOther(root: Node, sleep: Node, predicate: Node, ctx: FileContext): boolean {
  const name = predicate.type === T.Identifier ? predicate.name : null;
  let other = false;
  walkSameFunction(root, ctx.sourceCode.visitorKeys, (n) => {
    if (other) return false;
    if (n.type !== T.AwaitExpression || n.argument === sleep) return true;
    let callsPredicate = false;
    walkSameFunction(n.argument, ctx.sourceCode.visitorKeys, (c) => {
      if (c.type === T.CallExpression && c.callee.type === T.Identifier && c.callee.name === name) callsPredicate = true;
      return !callsPredicate;
    });
    if (!callsPredicate) other = true;
    return false;
  });
  return other;
}

/** `function sleepUntil(cond, ms) { return base(cond, ms ?? 5000) }` around a known helper: polls as that one does. */
function wrapperShape(fn: FunctionNode, ctx: FileContext, depth: number): HelperShape | null {
  const body = fn.body.type === T.BlockStatement
    ? fn.body.body.length === 1 && fn.body.body[0]!.type === T.ReturnStatement ? fn.body.body[0]!.argument : null
    : fn.body;
  const call = body && unwrap(body);
  if (!call || call.type !== T.CallExpression) return null;
  const target = resolveHelper(call, ctx, depth + 1);
  if (!target) return null;
  const arg = call.arguments[target.predicateIndex];
  const index = arg && arg.type === T.Identifier ? fn.params.findIndex((p) => p.type === T.Identifier && p.name === arg.name) : -1;
  if (index < 0) return null;
  return { predicateIndex: index, sleep: null, delay: null, ctx, defaultMs: target.defaultMs };
}

interface ResolvedHelper {
  predicateIndex: number;
  delay: Delay | null;
  defaultMs?: number;
}

/** The export a callee names in its module: `default` for the module itself, or the member or imported name. */
function exportedName(callee: TSESTree.Identifier | TSESTree.MemberExpression, binding: Binding): string | null {
  if (binding.kind === 'module') return callee.type === T.Identifier ? 'default' : staticPropertyName(callee);
  if (binding.kind === 'export' && callee.type === T.Identifier) return binding.name;
  return null;
}

/** Objects a test runner puts in the global scope whose methods poll: vitest's `vi`, WebdriverIO's `browser`. */
const GLOBAL_MEMBERS: ReadonlyMap<string, { module: string; name: string }> = new Map([
  ['vi', { module: 'vitest', name: 'vi' }],
  ['browser', { module: 'webdriverio', name: 'browser' }],
]);

/** The polling helper `call` calls, with the interval it polls at for this call; null for anything else. */
function resolveHelper(call: TSESTree.CallExpression, ctx: FileContext, depth = 0): ResolvedHelper | null {
  const callee = unwrap(call.callee);
  if (callee.type !== T.Identifier && callee.type !== T.MemberExpression) return null;
  const root = callee.type === T.Identifier ? callee : unwrap(callee.object);
  const binding = root.type === T.Identifier ? resolveId(root, ctx) : null;
  const exported = binding ? exportedName(callee, binding) : null;
  // `vi.waitFor(…)`: a method of an object a package exports (`import { vi } from 'vitest'`, or vitest's global `vi`).
  const memberOf = callee.type === T.MemberExpression && root.type === T.Identifier && binding
    ? binding.kind === 'export' ? binding : binding.kind === 'global' ? GLOBAL_MEMBERS.get(root.name) ?? null : null
    : null;
  const module = binding && (binding.kind === 'module' || binding.kind === 'export') ? binding.module : memberOf?.module ?? null;
  const pkg = module !== null ? POLLING_PACKAGES.get(module) : undefined;
  const method = callee.type === T.MemberExpression ? staticPropertyName(callee) : null;
  const matches = pkg && (pkg.member
    ? memberOf !== null && memberOf.name === pkg.member && method !== null && pkg.exports.has(method)
    : exported !== null && pkg.exports.has(exported));

  if (pkg && matches) {
    const arg = intervalArgument(call, pkg.intervalKeys, pkg.positional);
    return { predicateIndex: pkg.predicateIndex, delay: arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: pkg.defaultMs, text: null, nodes: [] }, defaultMs: pkg.defaultMs };
  }
  if (declares(ctx.polling, call, ctx)) {
    const arg = intervalArgument(call, INTERVAL_KEYS, undefined);
    return { predicateIndex: 0, delay: arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: null, text: null, nodes: [] } };
  }
  let fn: FunctionNode | null = null;
  let fnCtx = ctx;
  if (callee.type === T.Identifier && binding?.kind === 'function') fn = binding.node;
  else if (module !== null && exported !== null && isLocalModule(module)) {
    // Read the module's text before parsing it: one that sets no timer, loops over no await and names no polling
    // package or project module defines no polling helper.
    // A helper of another module is named for what it does (`waitFor`, `until`, `eventually`, `pollUntil`,
    // `retryAssertion`): other calls with a callback (`map`, `on`, `forEach` of a bundle's chunk) are not read.
    if (!POLLISH_NAME.test(exported === 'default' && callee.type === T.Identifier ? callee.name : exported)) return null;
    const text = moduleText(ctx, module);
    if (text !== null && !mayDefinePollingHelper(definitionText(text, exported))) return null;
    const foreign = text === null ? null : moduleContext(ctx, module);
    const found = foreign && exportedFunction(foreign, exported);
    if (found) {
      fn = found.fn;
      fnCtx = found.ctx;
    } else if (!foreign && callee.type === T.Identifier && POLLING_HELPER_NAME.test(callee.name)) {
      // The project's own module cannot be read (not there, or not parseable): a helper named for polling until a
      // predicate holds is taken at its word, as a sleep helper is by its name; its interval is unknown.
      const arg = intervalArgument(call, INTERVAL_KEYS, undefined);
      return { predicateIndex: 0, delay: arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: null, text: null, nodes: [] } };
    }
  }
  if (!fn) {
    // `this.waitUntil(() => …, { interval: 1 })`: a method named for polling until a predicate holds, whose call states
    // the interval, polls at it wherever the method is written.
    if (!statesInterval(call)) return null;
    return { predicateIndex: 0, delay: timerDelay(intervalArgument(call, INTERVAL_KEYS, undefined)!, EMPTY_ENV, ctx) };
  }
  const shape = helperShape(fn, fnCtx, depth);
  if (!shape) return null;
  let delay: Delay | null;
  if (shape.defaultMs !== undefined) delay = { value: shape.defaultMs, text: null, nodes: [] };
  else if (fnCtx !== ctx) {
    // The helper's own file: its parameters are bound to arguments of another file, so only a constant is read.
    const arg = intervalArgument(call, INTERVAL_KEYS, undefined);
    delay = arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: null, text: null, nodes: [] };
  } else {
    const env = bindParameters(fn, call.arguments as Node[]);
    delay = shape.sleep ? describeSleep(shape.sleep, ctx, env)?.delay ?? null : timerDelay(shape.delay ?? undefined, env, ctx);
    if (delay && delay.value === null && delay.nodes.length === 0) delay = { value: null, text: null, nodes: [] };
    if (!delay) {
      const arg = intervalArgument(call, INTERVAL_KEYS, undefined);
      delay = arg ? timerDelay(arg, EMPTY_ENV, ctx) : { value: null, text: null, nodes: [] };
    }
  }
  return { predicateIndex: shape.predicateIndex, delay };
}

function declares(declared: DeclaredFunctions, call: TSESTree.CallExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.callee);
  const path = pathOf(callee);
  if (callee.type === T.Identifier && declared.names.has(callee.name)) return true;
  if (path !== null && declared.paths.has(path)) return true;
  if (declared.modules.size === 0) return false;
  const root = callee.type === T.Identifier ? callee : callee.type === T.MemberExpression ? unwrap(callee.object) : null;
  if (!root || root.type !== T.Identifier) return false;
  const binding = resolveId(root, ctx);
  if (callee.type === T.Identifier) {
    if (binding.kind === 'module') return !!declared.modules.get(binding.module)?.has('default');
    if (binding.kind === 'export') return !!declared.modules.get(binding.module)?.has(binding.name);
    return false;
  }
  const prop = staticPropertyName(callee as TSESTree.MemberExpression);
  return binding.kind === 'module' && prop !== null && !!declared.modules.get(binding.module)?.has(prop);
}

/** A method named for polling until a predicate holds (`waitUntil`, `waitFor`), called with an interval option. */
function statesInterval(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== T.MemberExpression) return false;
  const method = staticPropertyName(callee);
  return method !== null && POLLING_HELPER_NAME.test(method) && intervalArgument(call, INTERVAL_KEYS, undefined) !== null;
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
  const [start, end] = fn.body.range;
  const within = (kind: 'await' | 'loop' | 'timer') => anyWithin(wordsOf(ctx, kind), start, end);
  const polls = (within('await') && within('loop')) || within('timer');
  if (!polls) return false;
  const body = ctx.sourceCode.text.slice(start, end);
  return fn.params.some((p) => p.type === T.Identifier && body.includes(`${p.name}(`));
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
 * Per file, before any scope lookup: the names a polling helper may be called by: bound to a polling package or a
 * relative module, or naming a function of the file that could be one (it loops or sets a timer and calls one of
 * its parameters), or a wrapper of one of those.
 */
interface HelperCandidates {
  /** Names a polling helper may be called by. */
  readonly names: ReadonlySet<string>;
  /** Those bound to a whole relative module (default, namespace, `require`): polling only under a polling name. */
  readonly modules: ReadonlySet<string>;
}

function helperCandidates(ctx: FileContext): HelperCandidates {
  return perFile(ctx, 'helper-candidates', findHelperCandidates);
}

function findHelperCandidates(ctx: FileContext): HelperCandidates {
  const text = ctx.sourceCode.text;
  // Names bound to a polling package (`import pWaitFor from 'p-wait-for'`, `const { waitFor } = require(…)`), and
  // a test runner's global (`vi`, `browser`; see GLOBAL_MEMBERS).
  const names = new Set<string>(namesBoundToMention(ctx, POLLING_PACKAGE_MENTION));
  for (const [name, { module }] of GLOBAL_MEMBERS) if (text.includes(module) || text.includes(`${name}.wait`)) names.add(name);
  // A helper of this file sets a timer or loops over an await. Found by a walk of the AST that enters only the parts
  // holding those words, not by the scope manager: oxlint builds scopes only when a rule asks for them, and most
  // files that get here need none.
  const timer = wordsOf(ctx, 'timer');
  const awaits = wordsOf(ctx, 'await');
  const loop = awaits.length > 0 ? wordsOf(ctx, 'loop') : [];
  const holdsPolling = (start: number, end: number) => anyWithin(timer, start, end) || (anyWithin(awaits, start, end) && anyWithin(loop, start, end));
  if (timer.length > 0 || (awaits.length > 0 && loop.length > 0)) {
    collectFunctions(ctx, holdsPolling, (fn) => mayBeHelper(fn, ctx), names);
  }
  // Names bound to a relative module (`import { waitFor } from './utils'`, `const waitFor = require('../waitFor')`).
  // A helper of another module is judged only under a name that says it polls (see resolveHelper): a named import
  // counts only then; a module's default or namespace (`utils.waitFor(…)`) is checked at each call.
  const modules = new Set<string>();
  if (LOCAL_IMPORT.test(text)) {
    // Top-level imports and requires only: read off the AST, no scope analysis.
    const named = (local: string, imported: string) => {
      if (POLLISH_NAME.test(imported)) names.add(local);
    };
    for (const statement of ctx.sourceCode.ast.body as Node[]) {
      if (statement.type === T.ImportDeclaration && isLocalModule(statement.source.value)) {
        for (const specifier of statement.specifiers) {
          if (specifier.type !== T.ImportSpecifier) modules.add(specifier.local.name);
          else if (specifier.imported.type === T.Identifier && specifier.imported.name === 'default') modules.add(specifier.local.name);
          else named(specifier.local.name, specifier.imported.type === T.Identifier ? specifier.imported.name : String(specifier.imported.value));
        }
      } else if (statement.type === T.VariableDeclaration) {
        for (const d of statement.declarations) {
          const source = d.init ? requiredSource(d.init) : null;
          if (source === null || !isLocalModule(source)) continue;
          const init = unwrap(d.init!);
          const member = init.type === T.MemberExpression ? staticPropertyName(init) : null;
          if (d.id.type === T.Identifier) {
            if (init.type !== T.MemberExpression) modules.add(d.id.name);
            else if (member !== null) named(d.id.name, member);
          } else if (d.id.type === T.ObjectPattern && init.type !== T.MemberExpression) {
            for (const p of d.id.properties) {
              if (p.type !== T.Property || p.value.type !== T.Identifier) continue;
              const key = p.computed ? null : p.key.type === T.Identifier ? p.key.name : p.key.type === T.Literal ? String(p.key.value) : null;
              if (key !== null) named(p.value.name, key);
            }
          }
        }
      }
    }
  }
  // A whole module's function polls only under a polling name (see helperCallShape): `waitFor(…)` for a default
  // import named so, or `utils.waitFor(…)`. Other module names (`baseFlatten(…)` in a file of many requires) are no
  // candidates, and seed no search for wrappers.
  for (const name of modules) if (POLLISH_NAME.test(name) || callsPollishMember(text, name)) names.add(name);
  // Wrappers (`(fn) => waitUntil(fn, 50)`) of a name found so far, and wrappers of those: only the parts of the tree
  // that mention one are entered, so a bundle costs a walk of the few functions around those names, not of its tree.
  for (let round = 0, found: ReadonlySet<string> = names; round < 3 && found.size > 0; round++) {
    const offsets = offsetsOfWords(text, found);
    const added = new Set<string>();
    collectFunctions(ctx, (start, end) => anyWithin(offsets, start, end), wrapsCall, added, names);
    for (const name of added) names.add(name);
    found = added;
  }
  return { names, modules };
}

const QUOTES = '\'"`';

/** Whether `name` is written before `.`, `?.` or `['` and a name that says it polls (`utils.waitFor`) anywhere in the text. */
function callsPollishMember(text: string, name: string): boolean {
  for (const at of wordOffsets(text, name)) {
    let i = at + name.length;
    if (text[i] === '?') i++;
    // `utils.waitFor`, `utils?.waitFor`, `utils['waitFor']`
    if (text[i] === '[' && QUOTES.includes(text[i + 1]!)) i++;
    else if (text[i] !== '.') continue;
    let end = ++i;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    if (end > i && POLLISH_NAME.test(text.slice(i, end))) return true;
  }
  return false;
}

/**
 * Adds to `into` the names of this file's named functions (declarations, named function expressions, `const f = …`)
 * that `accept` takes and `skip` does not hold, walking only the parts of the tree for which `enter(start, end)`
 * holds.
 */
function collectFunctions(
  ctx: FileContext,
  enter: (start: number, end: number) => boolean,
  accept: (fn: FunctionNode, name: string) => boolean,
  into: Set<string>,
  skip: ReadonlySet<string> = into,
): void {
  const keys = ctx.sourceCode.visitorKeys;
  const stack: Node[] = [ctx.sourceCode.ast as Node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!enter(node.range[0], node.range[1])) continue;
    let name: string | null = null;
    let fn: Node | null = null;
    if ((node.type === T.FunctionDeclaration || node.type === T.FunctionExpression) && node.id) {
      name = node.id.name;
      fn = node;
    } else if (node.type === T.VariableDeclarator && node.id.type === T.Identifier && node.init) {
      name = node.id.name;
      fn = unwrap(node.init);
    }
    if (name !== null && isFunction(fn) && !skip.has(name) && !into.has(name) && accept(fn, name)) into.add(name);
    pushChildren(node, keys, stack);
  }
}

/** `require('./x')`, `require('./x').name`: the required specifier. */
function requiredSource(init: Node): string | null {
  const n = unwrap(init);
  return requiredModule(n.type === T.MemberExpression ? n.object : n);
}

function wrapsCall(fn: FunctionNode): boolean {
  if (fn.params.length === 0) return false;
  const body = fn.body.type === T.BlockStatement
    ? fn.body.body.length === 1 && fn.body.body[0]!.type === T.ReturnStatement ? fn.body.body[0]!.argument : null
    : fn.body;
  return !!body && unwrap(body).type === T.CallExpression;
}

/** Cheap, before any scope lookup or memo: whether `call` can be a call of a polling helper at all. */
export function mayCallPollingHelper(call: TSESTree.CallExpression, ctx: FileContext): boolean {
  if (!mayCallHelper(call)) return false;
  if (declaresAny(ctx.polling) || statesInterval(call)) return true;
  const callee = unwrap(call.callee);
  // A method polls only as a package's or a project module's helper, whose names all say so (see resolveHelper):
  // `vi.waitFor`, `utils.waitUntil`; `list.map(…)` and `emitter.on(…)` are answered before the file's candidates.
  if (callee.type === T.MemberExpression) {
    const method = staticPropertyName(callee);
    if (method === null || (method !== 'default' && !POLLISH_NAME.test(method))) return false;
  }
  const root = callee.type === T.Identifier ? callee : callee.type === T.MemberExpression ? unwrap(callee.object) : null;
  return !!root && root.type === T.Identifier && helperCandidates(ctx).names.has(root.name);
}

/** Reduces a call of a polling helper given a synchronous predicate to a wait; null for any other call. */
export function helperCallShape(call: TSESTree.CallExpression, ctx: FileContext): Wait | null {
  if (!mayCallPollingHelper(call, ctx)) return null;
  const callee = unwrap(call.callee) as TSESTree.Identifier | TSESTree.MemberExpression;
  if (!declaresAny(ctx.polling) && !statesInterval(call)) {
    // The root is a candidate (see mayCallPollingHelper). A whole module's function is a helper only under a polling
    // name (see resolveHelper), asked before the arguments.
    const root = (callee.type === T.Identifier ? callee : unwrap(callee.object)) as TSESTree.Identifier;
    if (helperCandidates(ctx).modules.has(root.name)) {
      const name = callee.type === T.Identifier ? callee.name : staticPropertyName(callee);
      if (name === null || !POLLISH_NAME.test(name)) return null;
    }
  }
  // Before any resolution (which may read and parse another module): some argument must be a synchronous predicate
  // that tests something at all.
  if (!call.arguments.some((arg) => predicateConditions(arg, ctx) !== null)) return null;
  const helper = resolveHelper(call, ctx);
  if (!helper || !helper.delay) return null;
  const predicate = predicateConditions(call.arguments[helper.predicateIndex], ctx);
  if (!predicate) return null;
  const delay = helper.delay;
  return {
    shape: 'helper-call', node: call, owner: predicate.fn.body,
    exits: [{ conditions: predicate.conditions, kind: 'success' }],
    iteration: { written: collectWrites(predicate.fn.body, ctx), workCalls: 0, sharedWrites: 0, mutated: new Set<string>(), logs: 0, otherAwaits: 0 },
    delay: { sleep: null, delay, zero: delay.value === 0, blocking: false, computed: false, unknown: delay.value === null && delay.text === null },
    via: `${calleeName(callee) ?? 'helper'}()`,
  };
}

/**
 * What a synchronous predicate tests: its expression body or its `return` arguments; for an assertion callback
 * with no `return` (`() => { expect(spy).toHaveBeenCalled() }`, `assert.ok(n > 0)`), its statements. Null if it awaits.
 */
function predicateConditions(arg: Node | undefined, ctx: FileContext): { fn: FunctionNode; conditions: Node[] } | null {
  const fn = callbackFunction(arg, ctx);
  // An `async` predicate that awaits nothing still answers from memory, at once.
  if (!fn || hasAwaitOrYield(fn, ctx)) return null;
  if (fn.body.type !== T.BlockStatement) return isPromiseValue(fn.body) ? null : { fn, conditions: [fn.body] };
  const conditions: Node[] = [];
  walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.ReturnStatement && n.argument) conditions.push(n.argument);
    return undefined;
  });
  if (conditions.length === 0) {
    walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
      if (n.type === T.ExpressionStatement && unwrap(n.expression).type === T.CallExpression && isAssertion(unwrap(n.expression) as TSESTree.CallExpression)) {
        conditions.push(...(unwrap(n.expression) as TSESTree.CallExpression).arguments.filter((a) => a.type !== T.SpreadElement) as Node[]);
        const subject = assertionSubject(unwrap(n.expression) as TSESTree.CallExpression);
        if (subject) conditions.push(subject);
        return false;
      }
      return undefined;
    });
  }
  // A predicate that returns a promise (`() => new Promise(…)`, `Promise.resolve(…)`, `x.then(…)`) answers later, from
  // whatever settles it: not a read of memory.
  if (conditions.length === 0 || conditions.some(isPromiseValue)) return null;
  return { fn, conditions };
}

/** A promise made on the spot (see `makesPromise`) or by `Promise.resolve(…)`, `Promise.all(…)` and the like. */
function isPromiseValue(node: Node): boolean {
  if (makesPromise(node)) return true;
  const n = unwrap(node);
  if (n.type !== T.CallExpression) return false;
  const callee = unwrap(n.callee);
  return callee.type === T.MemberExpression && unwrap(callee.object).type === T.Identifier && (unwrap(callee.object) as TSESTree.Identifier).name === 'Promise';
}

/** `assert(…)`, `assert.ok(…)`, `expect(x).toBe(…)`, `expect(x).not.toHaveBeenCalled()`, `t.true(…)`. */
function isAssertion(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === T.Identifier) return /^(assert|expect|ok|equal|strictEqual|deepEqual)$/.test(callee.name);
  const root = pathOf(callee)?.split('.')[0] ?? (assertionSubject(call) ? 'expect' : null);
  return root !== null && /^(assert|expect|t|chai|should)$/.test(root);
}

/** The value an `expect(value)…` chain asserts on. */
function assertionSubject(call: TSESTree.CallExpression): Node | null {
  let n: Node = unwrap(call.callee);
  while (n.type === T.MemberExpression || n.type === T.CallExpression) {
    if (n.type === T.CallExpression) {
      const callee = unwrap(n.callee);
      if (callee.type === T.Identifier && callee.name === 'expect') return (n.arguments[0] as Node | undefined) ?? null;
      n = callee;
    } else n = unwrap(n.object);
  }
  return null;
}
