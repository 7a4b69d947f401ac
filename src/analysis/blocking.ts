import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { pathOf, staticPropertyName, unwrap, type Node } from './ast.js';
import { perFile, type FileContext } from './context.js';
import { mayBlock } from './gate.js';
import { bindParameters, describeDelay, EMPTY_ENV, evaluateNumber, type Delay, type Environment } from './evaluate.js';
import { findVariable, namesBoundToMention, resolveId } from './scope.js';
import type { SleepCall } from './sleep.js';

/**
 * How a blocking sleep stops the thread:
 * - `atomics`: `Atomics.wait` with a timeout on a buffer no other thread can notify;
 * - `child-process`: `execSync('sleep 1')` and friends, a process started only to pass time;
 * - `sleep-package`: the `sleep` / `system-sleep` packages;
 * - `deasync`: `deasync.sleep`, `loopWhile`, and loops around `runLoopOnce`.
 */
export type BlockingKind = 'atomics' | 'child-process' | 'sleep-package' | 'deasync';

export interface BlockingSleepCall extends SleepCall {
  node: TSESTree.CallExpression;
  blocking: true;
  kind: BlockingKind;
}

const CHILD_PROCESS = new Set(['child_process', 'node:child_process']);
const TYPED_ARRAYS = new Set(['Int32Array', 'BigInt64Array']);
/** `Atomics` operations that only touch the cell from this thread (everything but `notify`). */
const LOCAL_ATOMICS = new Set([
  'wait', 'load', 'store', 'add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange', 'isLockFree',
]);
const LOOPBACK = /^(localhost|127(\.\d+){1,3}|::1|0\.0\.0\.0)$/i;
const NO_ENV: Environment = EMPTY_ENV;

/** What a callee is, as far as the file tells: an export of a module, or a global path (`Atomics.wait`). */
type Target = { module: string; name: string } | { global: string };

function requiredModule(node: Node): string | null {
  const n = unwrap(node);
  if (n.type !== T.CallExpression || n.callee.type !== T.Identifier || n.callee.name !== 'require') return null;
  const arg = n.arguments[0];
  if (n.arguments.length !== 1 || !arg) return null;
  if (arg.type === T.Literal && typeof arg.value === 'string') return arg.value;
  if (arg.type === T.TemplateLiteral && arg.expressions.length === 0) return arg.quasis[0]?.value.cooked ?? null;
  return null;
}

function calleeTarget(calleeNode: Node, ctx: FileContext): Target | null {
  const callee = unwrap(calleeNode);
  const module = requiredModule(callee);
  if (module !== null) return { module, name: 'default' };
  if (callee.type === T.Identifier) {
    const binding = resolveId(callee, ctx);
    if (binding.kind === 'export') return { module: binding.module, name: binding.name };
    if (binding.kind === 'module') return { module: binding.module, name: 'default' };
    if (binding.kind === 'global') return { global: callee.name };
    return null;
  }
  if (callee.type !== T.MemberExpression) return null;
  const prop = staticPropertyName(callee);
  if (prop === null) return null;
  const object = unwrap(callee.object);
  const objectModule = requiredModule(object);
  if (objectModule !== null) return { module: objectModule, name: prop };
  if (object.type === T.Identifier) {
    const binding = resolveId(object, ctx);
    if (binding.kind === 'module') return { module: binding.module, name: prop };
    if (binding.kind === 'export' && binding.name === 'default') return { module: binding.module, name: prop };
    if (binding.kind === 'global') return { global: `${object.name}.${prop}` };
    return null;
  }
  const path = pathOf(callee);
  if (path !== null && /^(globalThis|global|window|self)\.[^.]+\.[^.]+$/.test(path)) {
    const root = path.split('.')[0]!;
    const rootNode = rootIdentifier(callee);
    if (rootNode && findVariable(ctx.getScope(rootNode), root)?.defs.length) return null;
    return { global: path.slice(root.length + 1) };
  }
  return null;
}

function rootIdentifier(node: Node): TSESTree.Identifier | null {
  let n = unwrap(node);
  while (n.type === T.MemberExpression) n = unwrap(n.object);
  return n.type === T.Identifier ? n : null;
}

function scaled(delay: Delay, factor: number): Delay {
  if (factor === 1) return delay;
  const value = delay.value === null ? null : delay.value * factor;
  const op = factor > 1 ? `* ${factor}` : `/ ${1 / factor}`;
  const text = value === null && delay.text !== null ? `${/^[\w.$]+$/.test(delay.text) ? delay.text : `(${delay.text})`} ${op}` : delay.text;
  return { value, text, nodes: delay.nodes };
}

function blockingOf(call: TSESTree.CallExpression, kind: BlockingKind, delay: Delay, via: string): BlockingSleepCall {
  return { node: call, delay, zero: delay.value === 0, blocking: true, via, kind };
}

/**
 * Describes a call of a blocking-sleep primitive itself (`Atomics.wait` on a throw-away buffer,
 * `execSync('sleep 1')`, `sleep.msleep(100)`, `deasync.runLoopOnce()`), not of a helper around one.
 */
export function describeBlockingPrimitive(
  call: TSESTree.CallExpression,
  ctx: FileContext,
  env: Environment = NO_ENV,
): BlockingSleepCall | null {
  if (!mayBlock(ctx) || !mayBePrimitive(call, ctx)) return null;
  if (env !== NO_ENV) return primitiveUncached(call, ctx, env);
  const cache = ctx.cache<BlockingSleepCall | null>('blocking-primitive');
  if (cache.has(call)) return cache.get(call)!;
  const result = primitiveUncached(call, ctx, env);
  cache.set(call, result);
  return result;
}

/** Names a blocking primitive is called by (`Atomics.wait`, `execSync`, `sleep.msleep`, `deasync.runLoopOnce`…). */
const PRIMITIVE_NAMES = new Set(['wait', 'execSync', 'execFileSync', 'spawnSync', 'sleep', 'msleep', 'usleep', 'runLoopOnce', 'loopWhile']);

/**
 * Cheap, before any scope lookup: the callee is named like a primitive, is a `require(…)` call, or the file
 * imports a module whose exports can be renamed (`import snooze from 'system-sleep'`, `import { execSync as run }`).
 */
function mayBePrimitive(call: TSESTree.CallExpression, ctx: FileContext): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === T.CallExpression) return true;
  if (callee.type === T.MemberExpression) {
    const prop = staticPropertyName(callee);
    return prop !== null && PRIMITIVE_NAMES.has(prop);
  }
  if (callee.type !== T.Identifier) return false;
  if (PRIMITIVE_NAMES.has(callee.name)) return true;
  return perFile(ctx, 'renamed-primitives', renamedPrimitives).has(callee.name);
}

const PRIMITIVE_MODULES = /['"`](?:system-sleep|sleep|deasync|(?:node:)?child_process)['"`]/g;

/** Per file (see `perFile`): local names bound by an import or `require` of a module with blocking primitives. */
function renamedPrimitives(ctx: FileContext): ReadonlySet<string> {
  return namesBoundToMention(ctx, PRIMITIVE_MODULES);
}

function primitiveUncached(call: TSESTree.CallExpression, ctx: FileContext, env: Environment): BlockingSleepCall | null {
  const target = calleeTarget(call.callee, ctx);
  if (target === null) return null;
  const delayOf = (node: Node | undefined) => describeDelay(node ?? null, env, ctx.getScope, ctx.text);
  const arg0 = call.arguments[0];
  const hasDelay = !!arg0 && arg0.type !== T.SpreadElement;
  if ('global' in target) {
    if (target.global !== 'Atomics.wait') return null;
    return atomicsWait(call, ctx, env);
  }
  const { module, name } = target;
  if (CHILD_PROCESS.has(module)) return childProcessSleep(call, name, ctx, env);
  if (module === 'sleep') {
    const factor = name === 'sleep' ? 1000 : name === 'msleep' ? 1 : name === 'usleep' ? 1 / 1000 : null;
    if (factor === null || !hasDelay) return null;
    return blockingOf(call, 'sleep-package', scaled(delayOf(call.arguments[0]), factor), `sleep.${name}()`);
  }
  if (module === 'system-sleep' && name === 'default') {
    if (!hasDelay) return null;
    return blockingOf(call, 'sleep-package', delayOf(call.arguments[0]), 'system-sleep');
  }
  if (module === 'deasync') {
    if (name === 'sleep') return hasDelay ? blockingOf(call, 'deasync', delayOf(call.arguments[0]), 'deasync.sleep()') : null;
    if (name === 'runLoopOnce') return blockingOf(call, 'deasync', delayOf(undefined), 'deasync.runLoopOnce()');
    if (name === 'loopWhile') return blockingOf(call, 'deasync', delayOf(undefined), 'deasync.loopWhile()');
  }
  return null;
}

// --- Atomics.wait -----------------------------------------------------------------------------------

function atomicsWait(call: TSESTree.CallExpression, ctx: FileContext, env: Environment): BlockingSleepCall | null {
  const [buffer, , , timeout] = call.arguments;
  if (!buffer || !timeout || timeout.type === T.SpreadElement) return null;
  const t = unwrap(timeout);
  if (t.type === T.Identifier && (t.name === 'Infinity' || t.name === 'undefined')) return null;
  if (pathOf(t) === 'Number.POSITIVE_INFINITY') return null;
  if (t.type === T.UnaryExpression && t.operator === 'void') return null;
  if (!isThrowAwayCell(buffer, ctx)) return null;
  const delay = describeDelay(timeout, env, ctx.getScope, ctx.text);
  if (delay.value !== null && !Number.isFinite(delay.value)) return null;
  return blockingOf(call, 'atomics', delay, 'Atomics.wait()');
}

/** `new SharedArrayBuffer(n)`, inline or through a `const` that is used for nothing else. */
function sharedBufferSource(node: Node, ctx: FileContext): { variable: TSESLint.Scope.Variable | null } | null {
  const n = unwrap(node);
  if (n.type === T.NewExpression && n.callee.type === T.Identifier && n.callee.name === 'SharedArrayBuffer') {
    return { variable: null };
  }
  if (n.type !== T.Identifier) return null;
  const variable = declaredOnce(n, ctx);
  if (!variable) return null;
  const init = (variable.defs[0]!.node as TSESTree.VariableDeclarator).init;
  if (!init) return null;
  const inner = unwrap(init);
  return inner.type === T.NewExpression && inner.callee.type === T.Identifier && inner.callee.name === 'SharedArrayBuffer'
    ? { variable }
    : null;
}

/** The variable of an identifier when it is a plain `const`/`let`/`var x = …` never written again nor exported. */
function declaredOnce(id: TSESTree.Identifier, ctx: FileContext): TSESLint.Scope.Variable | null {
  const variable = findVariable(ctx.getScope(id), id.name);
  const def = variable?.defs[0];
  if (!variable || !def || variable.defs.length !== 1 || def.type !== 'Variable') return null;
  const declarator = def.node as Node;
  if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier || declarator.id !== def.name) return null;
  if (declarator.parent?.parent?.type === T.ExportNamedDeclaration) return null;
  if (variable.references.some((r) => r.isWrite() && !r.init)) return null;
  return variable;
}

function isThrowAwayCell(node: Node, ctx: FileContext): boolean {
  const n = unwrap(node);
  if (n.type === T.NewExpression) {
    return (
      n.callee.type === T.Identifier &&
      TYPED_ARRAYS.has(n.callee.name) &&
      !!n.arguments[0] &&
      sharedBufferSource(n.arguments[0], ctx)?.variable === null
    );
  }
  if (n.type !== T.Identifier) return false;
  const view = declaredOnce(n, ctx);
  if (!view) return false;
  const init = (view.defs[0]!.node as TSESTree.VariableDeclarator).init;
  const created = init && unwrap(init);
  if (!created || created.type !== T.NewExpression || created.callee.type !== T.Identifier || !TYPED_ARRAYS.has(created.callee.name)) {
    return false;
  }
  const source = created.arguments[0] ? sharedBufferSource(created.arguments[0], ctx) : null;
  if (!source) return false;
  // Every use of the view is a local Atomics operation; the buffer is used only to make the view.
  const viewOnlyWaited = view.references.every((r) => r.init || isLocalAtomicsTarget(r.identifier as Node));
  const bufferUnshared =
    source.variable === null ||
    source.variable.references.every((r) => r.init || (r.identifier as Node).parent === created);
  return viewOnlyWaited && bufferUnshared;
}

function isLocalAtomicsTarget(id: Node): boolean {
  const call = id.parent;
  if (!call || call.type !== T.CallExpression || call.arguments[0] !== id) return false;
  const callee = unwrap(call.callee);
  if (callee.type !== T.MemberExpression) return false;
  const path = pathOf(callee)?.replace(/^(globalThis|global|window|self)\./, '');
  const method = staticPropertyName(callee);
  return path === `Atomics.${method}` && method !== null && LOCAL_ATOMICS.has(method);
}

// --- child processes --------------------------------------------------------------------------------

interface Token {
  text: string | null;
  node: Node | null;
}

/** A command written as a string or template: whitespace-separated tokens; a `${x}` alone is a node token. */
function commandTokens(node: Node, ctx: FileContext, depth = 0): Token[] | null {
  const n = unwrap(node);
  if (n.type === T.Literal) return typeof n.value === 'string' ? split(n.value) : null;
  if (n.type === T.TemplateLiteral) {
    const marker = (i: number) => `\u{E000}${i}\u{E001}`;
    let joined = '';
    n.quasis.forEach((quasi, i) => {
      joined += quasi.value.cooked ?? '';
      if (i < n.expressions.length) joined += marker(i);
    });
    return split(joined).map((token) => {
      const whole = /^\u{E000}(\d+)\u{E001}$/u.exec(token.text!);
      if (whole) return { text: null, node: n.expressions[Number(whole[1])]! };
      return token.text!.includes('\u{E000}') ? { text: null, node: null } : token;
    });
  }
  if (n.type === T.Identifier && depth < 3) {
    const variable = declaredOnce(n, ctx);
    const init = variable && (variable.defs[0]!.node as TSESTree.VariableDeclarator).init;
    return init ? commandTokens(init, ctx, depth + 1) : null;
  }
  return null;
}

function split(text: string): Token[] {
  return text.trim().split(/\s+/).filter(Boolean).map((t) => ({ text: t, node: null }));
}

/** `execFileSync(file, [args])` / `spawnSync(cmd, [args])`: the file then each array element. */
function fileAndArgs(call: TSESTree.CallExpression, ctx: FileContext): Token[] | null {
  const [file, args] = call.arguments;
  if (!file || file.type === T.SpreadElement) return null;
  const head = commandTokens(file, ctx);
  if (!head) return null;
  const list = args && unwrap(args);
  if (!list || list.type !== T.ArrayExpression) return head;
  const tail: Token[] = [];
  for (const element of list.elements) {
    if (!element || element.type === T.SpreadElement) return null;
    const e = unwrap(element);
    if (e.type === T.Literal && (typeof e.value === 'string' || typeof e.value === 'number')) tail.push({ text: String(e.value), node: null });
    else if (e.type === T.TemplateLiteral && e.expressions.length === 0) tail.push({ text: e.quasis[0]?.value.cooked ?? '', node: null });
    else tail.push({ text: null, node: e });
  }
  return [...head, ...tail];
}

/** Drops output redirections (`> nul`, `>/dev/null`, `2>&1`), which do not change what the command does. */
function withoutRedirections(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const text = tokens[i]!.text;
    if (text !== null && /^(\d|&)?>>?$/.test(text)) {
      i++;
      continue;
    }
    if (text !== null && /^(\d|&)?>>?\S+$/.test(text)) continue;
    out.push(tokens[i]!);
  }
  return out;
}

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/;
const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration token of a shell command in seconds (`1`, `0.5`, `2s`, `${secs}`), as milliseconds. */
function secondsToken(token: Token, env: Environment, ctx: FileContext): Delay | null {
  if (token.text !== null) {
    const match = DURATION.exec(token.text);
    return match ? { value: Number(match[1]) * UNIT_MS[match[2]!]!, text: null, nodes: [] } : null;
  }
  if (token.node === null) return null;
  const raw = describeDelay(token.node, env, ctx.getScope, ctx.text);
  return scaled(raw, 1000);
}

function childProcessSleep(call: TSESTree.CallExpression, name: string, ctx: FileContext, env: Environment): BlockingSleepCall | null {
  let tokens: Token[] | null;
  if (name === 'execSync') {
    const command = call.arguments[0];
    tokens = command && command.type !== T.SpreadElement ? commandTokens(command, ctx) : null;
  } else if (name === 'execFileSync' || name === 'spawnSync') {
    tokens = fileAndArgs(call, ctx);
  } else {
    return null;
  }
  if (!tokens) return null;
  tokens = withoutRedirections(tokens);
  const program = tokens[0]?.text?.replace(/^.*[/\\]/, '').replace(/\.exe$/i, '').toLowerCase();
  if (!program) return null;
  const rest = tokens.slice(1);
  let delay: Delay | null = null;
  if (program === 'sleep' && rest.length === 1) {
    delay = secondsToken(rest[0]!, env, ctx);
  } else if (program === 'timeout') {
    delay = windowsTimeout(rest, env, ctx);
  } else if (program === 'ping') {
    delay = loopbackPing(rest, env, ctx);
  }
  if (delay === null) return null;
  return blockingOf(call, 'child-process', delay, `${name}(${program})`);
}

/** `timeout /t 5 [/nobreak]` or `timeout 5` (Windows); GNU `timeout 5 cmd` runs a command and is not a sleep. */
function windowsTimeout(rest: Token[], env: Environment, ctx: FileContext): Delay | null {
  const args = rest.filter((t) => !(t.text !== null && /^[/-]nobreak$/i.test(t.text)));
  if (args.length === 2 && args[0]!.text !== null && /^[/-]t$/i.test(args[0]!.text)) return secondsToken(args[1]!, env, ctx);
  if (args.length === 1 && rest.length === 1) return secondsToken(args[0]!, env, ctx);
  return null;
}

/** `ping -n 3 127.0.0.1` / `ping -c 3 localhost`: about one second per echo after the first. */
function loopbackPing(rest: Token[], env: Environment, ctx: FileContext): Delay | null {
  let count: Token | null = null;
  let target: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const text = rest[i]!.text;
    if (text === null) return null;
    if (/^-[nc]$/.test(text)) {
      count = rest[++i] ?? null;
    } else if (/^-[wWil]$/.test(text)) {
      i++;
    } else if (text.startsWith('-')) {
      continue;
    } else if (target === null) {
      target = text;
    } else {
      return null;
    }
  }
  if (count === null || target === null || !LOOPBACK.test(target)) return null;
  if (count.text !== null && !/^\d+$/.test(count.text)) return null;
  if (count.text === null && count.node === null) return null;
  const echoes = count.text !== null ? Number(count.text) : evaluateNumber(count.node!, env, ctx.getScope);
  if (echoes === null) {
    return { value: null, text: count.node ? `(${ctx.text(count.node)} - 1) * 1000` : null, nodes: count.node ? [count.node] : [] };
  }
  return { value: Math.max(0, echoes - 1) * 1000, text: null, nodes: [] };
}

// --- helpers and call sites -------------------------------------------------------------------------

/** The one call a helper's body consists of (`function pause(ms) { Atomics.wait(…, ms); }`), or null. */
function helperCall(fn: TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression): TSESTree.CallExpression | null {
  let expression: Node | null = null;
  if (fn.body.type !== T.BlockStatement) expression = fn.body;
  else {
    const statements = fn.body.body.filter((s) => s.type !== T.EmptyStatement && !(s.type === T.ReturnStatement && !s.argument));
    const only = statements.length === 1 ? statements[0]! : null;
    if (only?.type === T.ExpressionStatement) expression = only.expression;
    else if (only?.type === T.ReturnStatement && only.argument) expression = only.argument;
  }
  const e = expression && unwrap(expression);
  return e && e.type === T.CallExpression ? e : null;
}

/**
 * Describes a call that stops the whole thread for a while, or null: a blocking-sleep primitive, or a
 * helper of this file whose body is one (`pauseSync(500)` with `function pauseSync(ms) { Atomics.wait(…, ms) }`).
 */
export function describeBlockingSleep(
  call: TSESTree.CallExpression,
  ctx: FileContext,
  env: Environment = NO_ENV,
  depth = 0,
): BlockingSleepCall | null {
  if (!mayBlock(ctx)) return null;
  const primitive = describeBlockingPrimitive(call, ctx, env);
  if (primitive || depth > 3) return primitive;
  const callee = unwrap(call.callee);
  if (callee.type !== T.Identifier) return null;
  const binding = resolveId(callee, ctx);
  if (binding.kind !== 'function' || binding.node.async || binding.node.generator) return null;
  const inner = helperCall(binding.node);
  if (!inner || inner === call) return null;
  const sleep = describeBlockingSleep(inner, ctx, bindParameters(binding.node, call.arguments, env), depth + 1);
  return sleep && { ...sleep, node: call, via: `${callee.name}()` };
}
