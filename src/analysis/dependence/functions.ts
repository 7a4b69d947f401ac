import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { isFunction, pathOf, pushChildren, rootOf, staticPropertyName, unwrap, walkSameFunction, type FunctionNode, type Node } from '../ast.js';
import { perFile, type FileContext } from '../context.js';
import { findVariable, isGlobalAt, mayDeclare, resolveFunctionId, resolveId } from '../scope.js';
import { VERY_LONG_TEXT, wordOffsets } from '../words.js';
import { isBuiltin } from 'node:module';
import { isLocalModule } from './modules.js';

/**
 * What a function of this file reads when a condition calls it, judged by its body:
 * - `remote`: it asks something outside the process (synchronous I/O, the OS process table, a child process,
 *   shared memory) or returns a promise: its answer is not in-process state;
 * - `memory`: it only reads and computes (fields, closures, its arguments).
 */
export type FunctionReads = 'remote' | 'memory';

/** Roots whose members are owned by the OS or another process. */
export const REMOTE_ROOTS: ReadonlySet<string> = new Set([
  'fs', 'fsp', 'Atomics', 'os', 'localStorage', 'sessionStorage', 'indexedDB', 'caches', 'navigator', 'location', 'history',
  'child_process', 'cp', 'net', 'http', 'https', 'dns',
  // A browser driven from outside (WebdriverIO's and Appium's globals): each call asks it over the wire.
  'browser', 'driver',
]);
/** Calls that probe something outside the process. */
export const REMOTE_CALL_NAME = /Sync$|^(fetch|exists|stat|ping|readFile|readdir|isPortOpen|isPortFree|isPortInUse|kill|spawn|execFile|request)$/;
/** Members that change without a callback of ours to await: I/O back-pressure, the OS's view of the process. */
export const REMOTE_PROPERTIES: ReadonlySet<string> = new Set([
  'bufferedAmount', 'bufferSize', 'existsSync', 'statSync', 'readFileSync', 'readdirSync', 'accessSync', 'memoryUsage',
  'cpuUsage', 'freemem', 'loadavg',
]);

const MAX_DEPTH = 3;

/**
 * The function a call in a condition runs, when this file defines it: a declaration or a `const` bound to a
 * function, a method of the enclosing class (`this.isIdle()`), or a member assigned a function in this file
 * (`God.checkProcess = function …`, an object literal's method).
 */
export function calledFunction(call: TSESTree.CallExpression, ctx: FileContext): FunctionNode | null {
  const callee = unwrap(call.callee);
  if (callee.type === T.Identifier) return resolveFunctionId(callee, ctx);
  if (callee.type !== T.MemberExpression) return null;
  const name = staticPropertyName(callee);
  if (name === null) return null;
  const object = unwrap(callee.object);
  if (object.type === T.ThisExpression) return classMethod(callee, name);
  const path = pathOf(callee);
  if (path === null) return null;
  const root = rootOf(callee);
  if (root?.type === T.Identifier && !isGlobalAt(root, root.name, ctx)) {
    const variable = findVariable(ctx.getScope(root), root.name);
    // A member of an import or a global is not defined here.
    if (variable && variable.defs[0]?.type === 'ImportBinding') return null;
  }
  return mayDefineMember(ctx, path) ? memberFunctions(ctx).get(path) ?? null : null;
}

function classMethod(member: TSESTree.MemberExpression, name: string): FunctionNode | null {
  for (let p: Node | undefined = member.parent; p; p = p.parent) {
    if (p.type !== T.ClassBody) continue;
    for (const element of p.body) {
      if ((element.type === T.MethodDefinition || element.type === T.PropertyDefinition) && !element.computed) {
        const key = element.key.type === T.Identifier ? element.key.name : element.key.type === T.PrivateIdentifier ? `#${element.key.name}` : null;
        const value = element.value && unwrap(element.value);
        if (key === name && isFunction(value)) return value;
      }
    }
    return null;
  }
  return null;
}

/**
 * Cheap, on the text, before the walk of `memberFunctions`: whether this file may define `path` as a member function.
 * Its last name must be assigned somewhere (`….b = `, `…['b'] = `), or the path must be `a.b` with `b` written as an
 * object's key or method (`b:`, `b(`, not after a `.`) and `a` declared. A superset; memoised per file and path.
 */
export function mayDefineMember(ctx: FileContext, path: string): boolean {
  const memo = perFile(ctx, 'member-paths', () => new Map<string, boolean>());
  let known = memo.get(path);
  if (known === undefined) {
    const dot = path.lastIndexOf('.');
    const key = path.slice(dot + 1);
    const root = path.slice(0, dot);
    // In a very long text asked about many paths, one walk (see `memberFunctions`) costs less than a search per path.
    if (dot <= 0 || !WORD.test(key) || (memo.size >= SEARCHES_BEFORE_WALK && ctx.sourceCode.text.length > VERY_LONG_TEXT)) known = true;
    else {
      const uses = keyUses(ctx.sourceCode.text, key);
      known = (uses & ASSIGNED) !== 0 || ((uses & KEYED) !== 0 && !/[.[]/.test(root) && mayDeclare(ctx, root));
    }
    memo.set(path, known);
  }
  return known;
}

const WORD = /^[\w$]+$/;
const SEARCHES_BEFORE_WALK = 32;
const ASSIGNED = 1;
const KEYED = 2;

/**
 * How `word` is written: followed by `=` (not `==` or `=>`), past closing quotes, brackets or `!` (`ASSIGNED`); or,
 * not after a `.`, followed by `:` or `(` (`KEYED`: an object's key or method, or a plain call).
 */
function keyUses(text: string, word: string): number {
  let uses = 0;
  for (const at of wordOffsets(text, word)) {
    let i = at + word.length;
    while (i < text.length && (AFTER_KEY.includes(text[i]!) || SPACE.test(text[i]!))) i++;
    const next = text[i];
    if (next === '=' && text[i + 1] !== '=' && text[i + 1] !== '>') uses |= ASSIGNED;
    else if (next === ':' || next === '(') {
      let before = at - 1;
      while (before >= 0 && (SPACE.test(text[before]!) || text[before] === '\'' || text[before] === '"')) before--;
      if (text[before] !== '.') uses |= KEYED;
    }
    if (uses === (ASSIGNED | KEYED)) break;
  }
  return uses;
}
const AFTER_KEY = '\'"`])!';
const SPACE = /\s/;

/** `a.b = function …` and `const a = { b() {…} }` of this file, by member path (one walk per file, on first use). */
export function memberFunctions(ctx: FileContext): ReadonlyMap<string, FunctionNode> {
  return perFile(ctx, 'member-functions', collectMemberFunctions);
}

function collectMemberFunctions(ctx: FileContext): ReadonlyMap<string, FunctionNode> {
  const members = new Map<string, FunctionNode>();
  const keys = ctx.sourceCode.visitorKeys;
  const stack: Node[] = [ctx.sourceCode.ast as Node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === T.VariableDeclarator && node.id.type === T.Identifier && node.init) {
      const init = unwrap(node.init);
      if (init.type === T.ObjectExpression) {
        for (const property of init.properties) {
          if (property.type !== T.Property || property.computed) continue;
          const key = property.key.type === T.Identifier ? property.key.name : property.key.type === T.Literal ? String(property.key.value) : null;
          const value = unwrap(property.value as Node);
          if (key !== null && isFunction(value)) members.set(`${node.id.name}.${key}`, value);
        }
      }
    } else if (node.type === T.AssignmentExpression && node.operator === '=' && node.left.type === T.MemberExpression) {
      const path = pathOf(node.left);
      const value = unwrap(node.right);
      if (path !== null && isFunction(value) && !members.has(path)) members.set(path, value);
    }
    // Source order (see pushChildren): the first assignment of a path wins.
    pushChildren(node, keys, stack);
  }
  return members;
}

/** What `fn` reads when called (memoised per function; a few levels into the functions it calls). */
export function functionReads(fn: FunctionNode, ctx: FileContext, depth = 0): FunctionReads {
  const cache = ctx.cache<FunctionReads>('function-reads');
  const known = cache.get(fn);
  if (known !== undefined) return known;
  cache.set(fn, 'memory'); // guards recursion
  const result = judgeBody(fn, ctx, depth);
  cache.set(fn, result);
  return result;
}

function judgeBody(fn: FunctionNode, ctx: FileContext, depth: number): FunctionReads {
  if (fn.async || fn.generator) return 'remote';
  let remote = false;
  walkSameFunction(fn.body, ctx.sourceCode.visitorKeys, (n) => {
    if (remote) return false;
    if (n.type === T.AwaitExpression || n.type === T.YieldExpression) remote = true;
    else if (n.type === T.MemberExpression) {
      const root = rootOf(n);
      const prop = staticPropertyName(n);
      if ((root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isGlobal(root, ctx)) || (prop !== null && REMOTE_PROPERTIES.has(prop))) remote = true;
    } else if (n.type === T.CallExpression) {
      remote = callIsRemote(n, ctx, depth);
    }
    return !remote;
  });
  return remote ? 'remote' : 'memory';
}

/** A call that asks the OS or another process (`process.kill(pid, 0)`, `execSync`, `fs.existsSync`), or a function of this file that does. */
export function callIsRemote(call: TSESTree.CallExpression, ctx: FileContext, depth = 0): boolean {
  const callee = unwrap(call.callee);
  const name = callee.type === T.MemberExpression ? staticPropertyName(callee) : callee.type === T.Identifier ? callee.name : null;
  const path = pathOf(callee);
  if (path === 'process.kill' || (name !== null && REMOTE_CALL_NAME.test(name))) return true;
  if (name !== null && REMOTE_PROPERTIES.has(name)) return true;
  const root = rootOf(callee);
  if (root?.type === T.Identifier && REMOTE_ROOTS.has(root.name) && isGlobal(root, ctx)) return true;
  if (name === 'then' || (call.callee.type === T.Identifier && call.callee.name === 'require')) return false;
  if (callee.type === T.Identifier && callsPackageFunction(callee, ctx)) return true;
  if (depth >= MAX_DEPTH) return false;
  const fn = calledFunction(call, ctx);
  return fn !== null && functionReads(fn, ctx, depth + 1) === 'remote';
}

/**
 * A function imported from a third-party package that probes something outside the process, as its package or its
 * name says (`isRunning(pid)` from `is-running`, `check(port)` from `tcp-port-used`): its body is not in the
 * project, and its answer changes with the OS or the network. Other package functions (`getClient()` of an SDK,
 * `slash(path)`) are read like any call; Node's own modules are judged by name (`existsSync`, `process.kill`).
 */
function callsPackageFunction(callee: TSESTree.Identifier, ctx: FileContext): boolean {
  const binding = resolveId(callee, ctx);
  if (binding.kind !== 'module' && binding.kind !== 'export') return false;
  const specifier = binding.module;
  if (isLocalModule(specifier) || isBuiltin(specifier)) return false;
  return PROBE_WORDS.test(`${specifier} ${callee.name} ${binding.kind === 'export' ? binding.name : ''}`);
}

/** What a package or function that asks the OS or the network is named for: processes, ports, hosts, files. */
const PROBE_WORDS = /process|\bpid|\bps-|port|running|alive|reachable|online|ping|\bhost|tcp|udp|dns|socket|exists|\bfile/i;

function isGlobal(id: TSESTree.Identifier, ctx: FileContext): boolean {
  const variable = findVariable(ctx.getScope(id), id.name);
  if (!variable || variable.defs.length === 0) return true;
  // `const fs = require('fs')`, `import fs from 'node:fs'`: the module itself.
  const binding = resolveId(id, ctx);
  return binding.kind === 'module' || binding.kind === 'export';
}
