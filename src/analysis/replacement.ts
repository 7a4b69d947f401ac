import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { contains, isFunction, makesPromise, pathOf, staticPropertyName, unwrap, walkSameFunction, type LoopNode, type Node } from './ast.js';
import { perFile, type FileContext } from './context.js';
import { describeLoopWait, type LoopWait } from './waits.js';
import { findVariable, resolveName } from './scope.js';
import { declaredTypeName, promiseMethods, typeInfo } from './types.js';

/** A polled member mapped to an awaitable method on the same object (`getOutstandingRecordsCount` → `flush`). */
export interface DrainMethod {
  poll: string;
  await: string;
}

/** The producer of this package: `KinesisProducer` from `eslint-plugin-sleepless/producer`. */
export const PRODUCER_MODULE = 'eslint-plugin-sleepless/producer';
const PRODUCER_CLASS = 'KinesisProducer';
const PRODUCER_DRAIN: DrainMethod = { poll: 'getOutstandingRecordsCount', await: 'flush' };
/** Members that, on a polled object's type, settle when it is done (named in messages, with type information). */
const SETTLING_METHODS = ['flush', 'drain', 'onIdle', 'onEmpty', 'whenIdle', 'whenReady', 'waitForIdle', 'idle', 'ready', 'settled', 'finished', 'closed'];

/**
 * What to await instead of the loop. `autofix` only where the rewrite keeps what the code does: the loop is
 * exactly a drain of the object (its only statements are the nudge, the sleep and the exit test); anything
 * else is offered as an editor suggestion.
 */
export interface Replacement {
  /** `producer.flush()`, `Promise.allSettled(this.running)`, `once(server, 'listening')`: for the message. */
  awaited: string;
  autofix: boolean;
  /** The statement range the new code replaces (the loop, with its label). */
  range: readonly [number, number];
  text: string;
  /** An import the new code needs, added at the top of an ES module. */
  addImport?: { module: string; name: string; text: string; at: number };
  /**
   * Declarations the replaced code was the last user of (a sleep helper, the import it came from), removed with
   * it so that the fix leaves nothing unused behind: ranges to replace, in addition to `range`.
   */
  deadCode?: { range: readonly [number, number]; text: string }[];
}

type Polarity = 'pending' | 'done';

interface CountRead {
  object: Node;
  member: string;
  call: boolean;
  polarity: Polarity;
}

/** `x.m() > 0`, `x.m() !== 0`, `x.m()`, `!x.m()`, `x.m() === 0`, `x.size`, `0 < x.length`… */
function countRead(atom: Node): CountRead | null {
  let n = unwrap(atom);
  let negated = false;
  while (n.type === T.UnaryExpression && n.operator === '!') {
    negated = !negated;
    n = unwrap(n.argument);
  }
  let polarity: Polarity = negated ? 'done' : 'pending';
  let operand: Node = n;
  if (n.type === T.BinaryExpression && n.left.type !== T.PrivateIdentifier) {
    const left = unwrap(n.left);
    const right = unwrap(n.right);
    const isLit = (x: Node, v: number) => x.type === T.Literal && x.value === v;
    let op = n.operator;
    if (isLit(left, 0) || isLit(left, 1)) {
      operand = right;
      op = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, typeof op>)[op] ?? op;
      const lit = left;
      if (isLit(lit, 0) && ['>', '!==', '!='].includes(op)) polarity = 'pending';
      else if (isLit(lit, 0) && ['===', '==', '>='].includes(op)) polarity = 'done';
      else if (isLit(lit, 1) && op === '<=') polarity = 'pending';
      else return null;
    } else if (isLit(right, 0) || isLit(right, 1)) {
      operand = left;
      if (isLit(right, 0) && ['>', '!==', '!='].includes(op)) polarity = 'pending';
      else if (isLit(right, 0) && ['===', '==', '<='].includes(op)) polarity = 'done';
      else if (isLit(right, 1) && op === '>=') polarity = 'pending';
      else if (isLit(right, 1) && op === '<') polarity = 'done';
      else return null;
    } else return null;
    if (negated) polarity = polarity === 'pending' ? 'done' : 'pending';
  }
  const o = unwrap(operand);
  const callee = o.type === T.CallExpression && o.arguments.length === 0 ? unwrap(o.callee) : o;
  if (callee.type !== T.MemberExpression) return null;
  const member = staticPropertyName(callee);
  if (member === null || pathOf(callee.object) === null) return null;
  return { object: unwrap(callee.object), member, call: callee !== o, polarity };
}

/** The polarity a loop needs: its own test holds while pending; an `if (…) break` exit holds when done. */
function requiredPolarity(atom: Node, loop: LoopNode): Polarity | null {
  if (loop.test && contains(loop.test, atom)) return 'pending';
  if (loop.body.type === T.BlockStatement) {
    for (const statement of loop.body.body) {
      if (statement.type === T.IfStatement && contains(statement.test, atom)) return 'done';
    }
  }
  return null;
}

/** The statement to replace: the loop, or the labelled statement around it. */
function outerStatement(loop: LoopNode): Node {
  return loop.parent?.type === T.LabeledStatement ? loop.parent : loop;
}

function indentOf(node: Node, ctx: FileContext): string {
  const text = ctx.sourceCode.text;
  const lineStart = text.lastIndexOf('\n', node.range[0] - 1) + 1;
  const before = text.slice(lineStart, node.range[0]);
  return /^\s*$/.test(before) ? before : '';
}

/** New code in place of `statement`, with the comments that were inside it kept above. */
function replaceText(statement: Node, code: string, ctx: FileContext): string {
  const indent = indentOf(statement, ctx);
  const comments = ctx.sourceCode.getCommentsInside(statement).map((c) => ctx.sourceCode.getText(c as unknown as Node));
  return [...comments, code].join(`\n${indent}`);
}

function loopStatements(loop: LoopNode): TSESTree.Statement[] {
  return loop.body.type === T.BlockStatement ? loop.body.body : [loop.body];
}

/** True when `object` is known to be this package's `KinesisProducer`: by import and construction, or by type. */
function isKinesisProducer(object: Node, ctx: FileContext): boolean {
  const info = typeInfo(ctx);
  if (info) {
    const declared = declaredTypeName(object, info);
    if (declared?.name === PRODUCER_CLASS && /eslint-plugin-sleepless|src[\\/]producer/.test(declared.file)) return true;
  }
  const producerNames = producerClassNames(ctx);
  if (producerNames.size === 0) return false;
  const isProducerType = (type: TSESTree.TypeNode | undefined) =>
    !!type && type.type === T.TSTypeReference && type.typeName.type === T.Identifier && producerNames.has(type.typeName.name);
  const isProducerValue = (value: Node | null | undefined) => {
    const v = value && unwrap(value);
    return !!v && v.type === T.NewExpression && v.callee.type === T.Identifier && producerNames.has(v.callee.name);
  };
  if (object.type === T.Identifier) {
    const variable = findVariable(ctx.getScope(object), object.name);
    const def = variable?.defs[0];
    if (!variable || !def) return false;
    const writes = variable.references.filter((r) => r.isWrite());
    if (writes.length > 0 && writes.every((r) => r.writeExpr && isProducerValue(r.writeExpr as Node))) return true;
    const id = def.name as TSESTree.Identifier;
    return isProducerType(id.typeAnnotation?.typeAnnotation) && writes.every((r) => !r.writeExpr || isProducerValue(r.writeExpr as Node));
  }
  if (object.type === T.MemberExpression && unwrap(object.object).type === T.ThisExpression) {
    const name = staticPropertyName(object);
    let body: Node | undefined = object.parent;
    while (body && body.type !== T.ClassBody) body = body.parent;
    if (!name || !body || body.type !== T.ClassBody) return false;
    for (const element of body.body) {
      if (element.type === T.PropertyDefinition && !element.computed && element.key.type !== T.Literal && keyName(element.key) === name) {
        if (isProducerValue(element.value) || isProducerType(element.typeAnnotation?.typeAnnotation)) return true;
      }
      if (element.type === T.MethodDefinition && element.kind === 'constructor') {
        for (const param of element.value.params) {
          if (param.type === T.TSParameterProperty && param.parameter.type === T.Identifier && param.parameter.name === name) {
            if (isProducerType(param.parameter.typeAnnotation?.typeAnnotation)) return true;
          }
        }
        let assigned = false;
        walkSameFunction(element.value.body ?? element.value, ctx.sourceCode.visitorKeys, (n) => {
          if (n.type === T.AssignmentExpression && pathOf(n.left) === `this.${name}` && isProducerValue(n.right)) assigned = true;
        });
        if (assigned) return true;
      }
    }
  }
  return false;
}

function keyName(key: TSESTree.Node): string | null {
  if (key.type === T.Identifier) return key.name;
  if (key.type === T.PrivateIdentifier) return `#${key.name}`;
  return null;
}

/** Local names bound to `KinesisProducer` from this package (import or require), memoised per file. */
function producerClassNames(ctx: FileContext): Set<string> {
  return perFile(ctx, 'producer-class-names', findProducerClassNames);
}

function findProducerClassNames(ctx: FileContext): Set<string> {
  const names = new Set<string>();
  for (const statement of ctx.sourceCode.ast.body) {
    if (statement.type === T.ImportDeclaration && statement.source.value === PRODUCER_MODULE) {
      for (const s of statement.specifiers) {
        if (s.type === T.ImportSpecifier && s.imported.type === T.Identifier && s.imported.name === PRODUCER_CLASS) names.add(s.local.name);
      }
    }
    if (statement.type === T.VariableDeclaration) {
      for (const d of statement.declarations) {
        if (d.id.type !== T.ObjectPattern || !d.init) continue;
        const init = unwrap(d.init);
        const required = init.type === T.CallExpression && init.callee.type === T.Identifier && init.callee.name === 'require' &&
          init.arguments[0]?.type === T.Literal && init.arguments[0].value === PRODUCER_MODULE;
        if (!required) continue;
        for (const p of d.id.properties) {
          if (p.type === T.Property && p.key.type === T.Identifier && p.key.name === PRODUCER_CLASS && p.value.type === T.Identifier) names.add(p.value.name);
        }
      }
    }
  }
  return names;
}

function drainFor(read: CountRead, ctx: FileContext, extra: readonly DrainMethod[]): DrainMethod | null {
  for (const d of extra) if (d.poll === read.member) return d;
  if (read.member === PRODUCER_DRAIN.poll && read.call && isKinesisProducer(read.object, ctx)) return PRODUCER_DRAIN;
  return null;
}

/** A statement that nudges the object (`producer.flush();`, `void producer.flush();`). */
function isNudge(statement: TSESTree.Statement, objectPath: string, method: string): boolean {
  if (statement.type !== T.ExpressionStatement) return false;
  let e = unwrap(statement.expression);
  if (e.type === T.UnaryExpression && e.operator === 'void') e = unwrap(e.argument);
  if (e.type !== T.CallExpression) return false;
  const callee = unwrap(e.callee);
  return callee.type === T.MemberExpression && staticPropertyName(callee) === method && pathOf(callee.object) === objectPath;
}

function isSleepStatement(statement: TSESTree.Statement, wait: LoopWait): boolean {
  return statement.type === T.ExpressionStatement && statement.expression.type === T.AwaitExpression &&
    unwrap(statement.expression.argument) === wait.sleep.node;
}

function isBreakOnly(statement: TSESTree.Statement): boolean {
  const s = statement.type === T.BlockStatement && statement.body.length === 1 ? statement.body[0]! : statement;
  return s.type === T.BreakStatement && !s.label;
}

function drainReplacement(wait: LoopWait, ctx: FileContext, extra: readonly DrainMethod[]): Replacement | null {
  if (wait.polled.length !== 1 || wait.sleep.blocking) return null;
  const atom = wait.polled[0]!.node;
  const read = countRead(atom);
  if (!read) return null;
  const drain = drainFor(read, ctx, extra);
  if (!drain) return null;
  const loop = wait.loop;
  if (ctx.text(read.object).includes('?.')) return null;
  const objectPath = pathOf(read.object)!;
  const awaited = `${ctx.text(read.object)}.${drain.await}()`;
  const statement = outerStatement(loop);
  const text = replaceText(statement, `await ${awaited};`, ctx);
  const replacement: Replacement = { awaited, autofix: false, range: statement.range, text };

  const polarity = requiredPolarity(atom, loop);
  const wholeTest = polarity === 'pending' ? unwrap(loop.test!) === atom : true;
  const exitIf = loop.body.type === T.BlockStatement
    ? loop.body.body.find((s): s is TSESTree.IfStatement => s.type === T.IfStatement && contains(s.test, atom))
    : undefined;
  const simpleLoop = loop.type !== T.ForStatement || (!loop.init && !loop.update);
  const bodyIsDrain = loopStatements(loop).every((s) =>
    s.type === T.EmptyStatement || isSleepStatement(s, wait) || isNudge(s, objectPath, drain.await) ||
    (s === exitIf && isBreakOnly(s.consequent) && !s.alternate));
  const exactlyOneExit = exitIf ? !loop.test || isConstantTest(loop.test) : true;
  replacement.autofix = polarity === read.polarity && wholeTest && simpleLoop && bodyIsDrain && exactlyOneExit &&
    (exitIf ? unwrap(exitIf.test) === atom : true);
  return replacement;
}

function isConstantTest(test: Node): boolean {
  const t = unwrap(test);
  return t.type === T.Literal && !!t.value;
}

/** Promises collected in a Set, array or Map (`running.add(task)`), or named as such. */
function holdsPromises(object: Node, ctx: FileContext): { map: boolean } | null {
  const path = pathOf(object);
  if (path === null) return null;
  const adds = collectionAdds(ctx).get(path) ?? [];
  const map = adds.some((a) => a.method === 'set');
  const promiseLike = (value: Node | undefined): boolean => {
    const v = value && unwrap(value);
    if (!v) return false;
    if (makesPromise(v)) return true;
    if (v.type === T.Identifier) {
      const def = findVariable(ctx.getScope(v), v.name)?.defs[0];
      if (def?.node.type === T.VariableDeclarator && def.node.init && def.node.init !== value) return promiseLike(def.node.init);
    }
    return false;
  };
  if (adds.some((a) => promiseLike(a.value))) return { map };
  if (/(promises|pending|inflight|inFlight|in_flight|tasks|running|jobs)$/i.test(path)) return { map };
  return null;
}

/** Per file: for each collection path, what is added to it (`x.add(v)`, `x.push(v)`, `x.set(k, v)`). */
function collectionAdds(ctx: FileContext): Map<string, { method: string; value: Node | undefined }[]> {
  const cache = ctx.cache<Map<string, { method: string; value: Node | undefined }[]>>('collection-adds');
  const program = ctx.sourceCode.ast as Node;
  const cached = cache.get(program);
  if (cached) return cached;
  const out = new Map<string, { method: string; value: Node | undefined }[]>();
  walkAll(program, ctx, (n) => {
    if (n.type !== T.CallExpression) return;
    const callee = unwrap(n.callee);
    if (callee.type !== T.MemberExpression) return;
    const method = staticPropertyName(callee);
    if (method !== 'add' && method !== 'push' && method !== 'set') return;
    const path = pathOf(callee.object);
    if (path === null) return;
    const list = out.get(path) ?? [];
    list.push({ method, value: method === 'set' ? n.arguments[1] : n.arguments[0] });
    out.set(path, list);
  });
  cache.set(program, out);
  return out;
}

function walkAll(root: Node, ctx: FileContext, visit: (n: Node) => void): void {
  const keys = ctx.sourceCode.visitorKeys;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    for (const key of keys[n.type] ?? []) {
      const v = (n as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c === 'object' && 'type' in c) stack.push(c as Node); }
      else if (v && typeof v === 'object' && 'type' in v) stack.push(v as Node);
    }
  }
}

function allSettledReplacement(wait: LoopWait, ctx: FileContext): Replacement | null {
  if (wait.polled.length !== 1 || wait.sleep.blocking) return null;
  const atom = wait.polled[0]!.node;
  const read = countRead(atom);
  if (!read || read.call || (read.member !== 'size' && read.member !== 'length')) return null;
  if (read.polarity !== 'pending' || requiredPolarity(atom, wait.loop) !== 'pending' || unwrap(wait.loop.test!) !== atom) return null;
  if (ctx.text(read.object).includes('?.')) return null;
  const collection = holdsPromises(read.object, ctx);
  if (!collection) return null;
  const target = `${ctx.text(read.object)}${collection.map ? '.values()' : ''}`;
  const awaited = `Promise.allSettled(${target})`;
  const statement = outerStatement(wait.loop);
  const text = replaceText(statement, `while (${ctx.text(atom)}) await ${awaited};`, ctx);
  return { awaited, autofix: false, range: statement.range, text };
}

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

interface Registration { emitter: Node; event: string; handler: Node }

/** Per file: event handlers registered with a literal event name (`emitter.on('ready', () => …)`). */
function registrations(ctx: FileContext): Registration[] {
  const cache = ctx.cache<Registration[]>('event-registrations');
  const program = ctx.sourceCode.ast as Node;
  const cached = cache.get(program);
  if (cached) return cached;
  const out: Registration[] = [];
  walkAll(program, ctx, (n) => {
    if (n.type !== T.CallExpression) return;
    const callee = unwrap(n.callee);
    if (callee.type !== T.MemberExpression) return;
    const method = staticPropertyName(callee);
    const [event, handler] = n.arguments;
    if (!method || !LISTEN.has(method) || !event || !handler) return;
    const h = unwrap(handler);
    if (event.type === T.Literal && typeof event.value === 'string' && isFunction(h) && pathOf(callee.object) !== null) {
      out.push({ emitter: unwrap(callee.object), event: event.value, handler: h });
    }
  });
  cache.set(program, out);
  return out;
}

/** The one registered handler that sets the flag `atom` reads, if exactly one does. */
function settingHandler(atom: Node, loop: LoopNode, ctx: FileContext): Registration | null {
  let flag = unwrap(atom);
  while (flag.type === T.UnaryExpression && flag.operator === '!') flag = unwrap(flag.argument);
  const path = pathOf(flag);
  if (path === null) return null;
  const variable = flag.type === T.Identifier ? findVariable(ctx.getScope(flag), flag.name) : null;
  const found = registrations(ctx).filter((r) => reachable(r, loop, ctx)).filter((r) => {
    let sets = false;
    walkSameFunction(r.handler, ctx.sourceCode.visitorKeys, (n) => {
      if (n.type !== T.AssignmentExpression) return;
      const left = unwrap(n.left);
      if (variable && left.type === T.Identifier) {
        if (findVariable(ctx.getScope(left), left.name) === variable) sets = true;
      } else if (!variable && pathOf(left) === path && (r.handler.type === T.ArrowFunctionExpression || !path.startsWith('this.'))) {
        sets = true;
      }
    });
    return sets;
  });
  return found.length === 1 ? found[0]! : null;
}

/** True when the registration's emitter expression means the same object where the loop is. */
function reachable(registration: Registration, loop: LoopNode, ctx: FileContext): boolean {
  let root = registration.emitter;
  while (root.type === T.MemberExpression) root = unwrap(root.object);
  if (root.type === T.ThisExpression) {
    const classOf = (n: Node) => {
      let p: Node | undefined = n.parent;
      while (p && p.type !== T.ClassBody) p = p.parent;
      return p;
    };
    return registration.handler.type === T.ArrowFunctionExpression && !!classOf(loop) && classOf(registration.emitter) === classOf(loop);
  }
  if (root.type !== T.Identifier) return false;
  const there = findVariable(ctx.getScope(root), root.name);
  const here = findVariable(ctx.getScope(loop), root.name);
  return !!there && there === here;
}

/**
 * How a named export of a Node module is reachable here: an existing import of it, a new import added after
 * the last one (ES modules), or `require('node:…').name` inline (CommonJS and scripts).
 */
function importAccess(ctx: FileContext, modules: readonly string[], name: string): { name: string; addImport?: Replacement['addImport'] } | null {
  const program = ctx.sourceCode.ast;
  for (const statement of program.body) {
    if (statement.type === T.ImportDeclaration && modules.includes(statement.source.value)) {
      for (const s of statement.specifiers) {
        if (s.type === T.ImportSpecifier && s.imported.type === T.Identifier && s.imported.name === name) return { name: s.local.name };
      }
    }
  }
  const module = modules[modules.length - 1]!;
  if (program.sourceType !== 'module') return { name: `require('${module}').${name}` };
  const taken = findVariable(ctx.getScope(program.body[0] ?? (program as Node)), name);
  if (taken && taken.defs.length > 0) return null;
  const imports = program.body.filter((s) => s.type === T.ImportDeclaration);
  const last = imports[imports.length - 1];
  const at = last ? last.range[1] : (program.body[0]?.range[0] ?? 0);
  const line = `import { ${name} } from '${module}';`;
  return { name, addImport: { module, name, text: last ? `\n${line}` : `${line}\n`, at } };
}

/** As the consequent of an `if … else`, a bare `if` would capture that `else` (dangling else): keep it in a block. */
function wrapIfElse(statement: Node, code: string): string {
  const parent = statement.parent;
  const danglingElse = parent?.type === T.IfStatement && parent.consequent === statement && parent.alternate !== null;
  return danglingElse && code.startsWith('if ') ? `{ ${code} }` : code;
}

function negate(text: string, node: Node): string {
  const n = unwrap(node);
  if (n.type === T.UnaryExpression && n.operator === '!') return ctxTextOf(n.argument, text, node);
  if (n.type === T.Identifier || n.type === T.MemberExpression || n.type === T.CallExpression) return `!${text}`;
  return `!(${text})`;
}

function ctxTextOf(inner: Node, text: string, outer: Node): string {
  const start = inner.range[0] - outer.range[0];
  const end = inner.range[1] - outer.range[0];
  const sliced = text.slice(start, end);
  const u = unwrap(inner);
  return u.type === T.Identifier || u.type === T.MemberExpression || u.type === T.CallExpression ? sliced : `(${sliced})`;
}

function onceReplacement(wait: LoopWait, ctx: FileContext): Replacement | null {
  if (wait.polled.length !== 1 || wait.sleep.blocking) return null;
  const atom = wait.polled[0]!.node;
  const polarity = requiredPolarity(atom, wait.loop);
  const loop = wait.loop;
  if (polarity === 'pending' && unwrap(loop.test!) !== atom) return null;
  if (polarity === 'done' && loop.test && !isConstantTest(loop.test)) return null;
  if (polarity === null) return null;

  let emitter: string;
  let event: string;
  const read = countRead(atom);
  const streamMember = read && !read.call ? read.member : null;
  if (streamMember === 'readableLength' && read!.polarity === polarity) {
    // Waiting for a readable stream's buffer to empty: wait for the stream to finish instead.
    const access = importAccess(ctx, ['stream/promises', 'node:stream/promises'], 'finished');
    if (!access) return null;
    const awaited = `${access.name}(${ctx.text(read!.object)})`;
    const statement = outerStatement(loop);
    return { awaited, autofix: false, range: statement.range, text: replaceText(statement, wrapIfElse(statement, `await ${awaited};`), ctx), addImport: access.addImport };
  }
  if (streamMember === 'writableLength' || streamMember === 'writableNeedDrain') {
    emitter = ctx.text(read!.object);
    event = 'drain';
  } else {
    if (!wait.polled[0]!.flag) return null;
    const registration = settingHandler(atom, loop, ctx);
    if (!registration) return null;
    emitter = ctx.text(registration.emitter);
    event = registration.event;
  }
  const access = importAccess(ctx, ['events', 'node:events'], 'once');
  if (!access) return null;
  const awaited = `${access.name}(${emitter}, ${JSON.stringify(event).replace(/^"|"$/g, "'")})`;
  const atomText = ctx.text(atom);
  const stillWaiting = polarity === 'pending' ? atomText : negate(atomText, atom);
  const statement = outerStatement(loop);
  const text = replaceText(statement, wrapIfElse(statement, `if (${stillWaiting}) await ${awaited};`), ctx);
  return { awaited, autofix: false, range: statement.range, text, addImport: access.addImport };
}

/** With type information: a promise-returning member of the polled object that settles when it is done. */
function typedMemberReplacement(wait: LoopWait, ctx: FileContext): Replacement | null {
  const info = typeInfo(ctx);
  if (!info || wait.polled.length !== 1 || wait.sleep.blocking) return null;
  const read = countRead(wait.polled[0]!.node);
  let object: Node | null = read?.object ?? null;
  if (!object) {
    let flag = unwrap(wait.polled[0]!.node);
    while (flag.type === T.UnaryExpression && flag.operator === '!') flag = unwrap(flag.argument);
    if (flag.type === T.CallExpression) flag = unwrap(flag.callee);
    object = flag.type === T.MemberExpression ? unwrap(flag.object) : null;
  }
  if (!object || pathOf(object) === null) return null;
  const [method] = promiseMethods(object, SETTLING_METHODS, info);
  if (!method) return null;
  const awaited = `${ctx.text(object)}.${method}()`;
  const statement = outerStatement(wait.loop);
  return { awaited, autofix: false, range: statement.range, text: replaceText(statement, `await ${awaited};`, ctx) };
}

/** The best replacement for a sleep-polling loop: a drain fix, else the first suggestion that applies. */
export function describeReplacement(wait: LoopWait, ctx: FileContext, drainMethods: readonly DrainMethod[] = []): Replacement | null {
  const replacement =
    drainReplacement(wait, ctx, drainMethods) ??
    allSettledReplacement(wait, ctx) ??
    onceReplacement(wait, ctx) ??
    typedMemberReplacement(wait, ctx);
  return replacement && withDeadCode(replacement, ctx, drainMethods);
}

/**
 * The replacement, plus the removal of what only the replaced code used: imports (a specifier, or the whole
 * declaration when none of its bindings is used any more), and function bindings that cost nothing to drop
 * (`function sleep…`, `const sleep = (ms) => …`, `const sleep = promisify(setTimeout)`), followed to a fixed point,
 * so that a helper's own import goes with it. Exported bindings, bindings the new code names, and declarations
 * with several declarators stay.
 */
function withDeadCode(replacement: Replacement, ctx: FileContext, drainMethods: readonly DrainMethod[]): Replacement {
  const scopes = ctx.sourceCode.scopeManager?.scopes ?? [];
  const removed: (readonly [number, number])[] = [replacement.range];
  const inRemoved = (range: readonly [number, number]) => removed.some(([start, end]) => range[0] >= start && range[1] <= end);
  const kept = new Set<string>();
  const keep = (text: string) => {
    for (const name of text.match(/[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*/gu) ?? []) kept.add(name);
  };
  keep(replacement.text);
  const deadSpecifiers = new Set<Node>();
  const edits: { range: readonly [number, number]; text: string }[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const scope of scopes) {
      for (const variable of scope.variables) {
        const def = variable.defs[0];
        if (!def || variable.defs.length !== 1 || kept.has(variable.name) || inRemoved(def.name.range)) continue;
        const uses = variable.references.filter((r) => r.identifier !== def.name);
        if (uses.length === 0) continue;
        const node = def.node as Node;
        const statement = def.type === 'ImportBinding' ? null : removableDeclaration(def.type, node, def.name as Node);
        if (def.type === 'ImportBinding' ? deadSpecifiers.has(node) : !statement || inRemoved(statement.range)) continue;
        const elsewhere = uses.filter((r) => !inRemoved(r.identifier.range));
        if (elsewhere.length > 0) {
          // Its other uses are in drain loops fixed the same way: this fix rewrites them too, so that the helper can
          // go (one at a time, each fix would leave it to the last, which could not tell it was the last).
          const siblings = replacement.autofix ? elsewhere.map((r) => siblingDrain(r.identifier as Node, ctx, drainMethods)) : [null];
          if (siblings.some((sibling) => !sibling || removed.some((range) => sibling.range[0] < range[1] && range[0] < sibling.range[1]))) continue;
          for (const sibling of siblings as Replacement[]) {
            if (inRemoved(sibling.range)) continue;
            removed.push(sibling.range);
            edits.push({ range: sibling.range, text: sibling.text });
            keep(sibling.text);
          }
        }
        if (statement) {
          removed.push(statement.range);
          edits.push({ range: lineRange(statement, ctx), text: '' });
        } else {
          deadSpecifiers.add(node);
          removed.push(node.range);
        }
        changed = true;
      }
    }
  }
  const declarations = new Set([...deadSpecifiers].map((s) => s.parent as TSESTree.ImportDeclaration));
  for (const declaration of declarations) edits.push(...importEdits(declaration, deadSpecifiers, ctx));
  // An added import goes after the last import: never remove that one in the same fix (the edits would overlap).
  const at = replacement.addImport?.at;
  const deadCode = edits.filter((e) => at === undefined || at <= e.range[0] || at > e.range[1]);
  return deadCode.length > 0 ? { ...replacement, deadCode } : replacement;
}

/** The autofix of the drain loop around `node`, if it has one. */
function siblingDrain(node: Node, ctx: FileContext, drainMethods: readonly DrainMethod[]): Replacement | null {
  let loop: Node | undefined = node.parent;
  while (loop && loop.type !== T.WhileStatement && loop.type !== T.DoWhileStatement && loop.type !== T.ForStatement) {
    if (isFunction(loop)) return null;
    loop = loop.parent;
  }
  const wait = loop && describeLoopWait(loop as LoopNode, ctx);
  const drain = wait && !wait.sleep.blocking ? drainReplacement(wait, ctx, drainMethods) : null;
  return drain?.autofix && contains(outerStatement(wait!.loop), node) ? drain : null;
}

/** The statement that declares nothing but `name`, when dropping it runs no code: else null. */
function removableDeclaration(type: string, node: Node, name: Node): Node | null {
  if (type === 'FunctionName' && node.type === T.FunctionDeclaration) {
    return node.parent?.type === T.ExportNamedDeclaration || node.parent?.type === T.ExportDefaultDeclaration ? null : node;
  }
  if (type !== 'Variable' || node.type !== T.VariableDeclarator || !node.init) return null;
  const declaration = node.parent;
  if (declaration?.type !== T.VariableDeclaration || declaration.declarations.length !== 1) return null;
  if (declaration.parent?.type === T.ExportNamedDeclaration) return null;
  const init = unwrap(node.init);
  if (node.id !== name) {
    // `const { setTimeout: sleep } = require('node:timers/promises')`: a require of a module, one binding.
    const [property] = node.id.type === T.ObjectPattern ? node.id.properties : [];
    const required = init.type === T.CallExpression && init.callee.type === T.Identifier && init.callee.name === 'require' &&
      init.arguments.length === 1 && init.arguments[0]!.type === T.Literal;
    return node.id.type === T.ObjectPattern && node.id.properties.length === 1 && property?.type === T.Property &&
      property.value === name && required ? declaration : null;
  }
  const promisified = init.type === T.CallExpression && /^(util\.)?promisify$/.test(pathOf(init.callee) ?? '') &&
    init.arguments.every((a) => pathOf(a) !== null);
  return isFunction(init) || promisified ? declaration : null;
}

/** A statement's range, with its line when it has the line to itself. */
function lineRange(statement: Node, ctx: FileContext): [number, number] {
  const text = ctx.sourceCode.text;
  const [start, end] = statement.range;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline === -1 ? text.length : newline + 1;
  const alone = /^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*\r?\n?$/.test(text.slice(end, lineEnd));
  return alone ? [lineStart, lineEnd] : [start, end];
}

/** Edits that drop the dead specifiers of one import declaration, or the declaration when all of them are dead. */
function importEdits(declaration: TSESTree.ImportDeclaration, dead: ReadonlySet<Node>, ctx: FileContext): { range: readonly [number, number]; text: string }[] {
  const specifiers = declaration.specifiers;
  if (specifiers.every((s) => dead.has(s))) return [{ range: lineRange(declaration, ctx), text: '' }];
  const source = ctx.sourceCode;
  const named = specifiers.filter((s) => s.type === T.ImportSpecifier);
  const first = specifiers[0]!;
  const edits: { range: readonly [number, number]; text: string }[] = [];
  if (first.type !== T.ImportSpecifier && dead.has(first)) {
    // `sleep, { a }` or `sleep, * as ns`: drop `sleep, `.
    const comma = source.getTokenAfter(first as unknown as TSESTree.Node)!;
    edits.push({ range: [first.range[0], source.getTokenAfter(comma)!.range[0]], text: '' });
  }
  const deadNamed = named.filter((s) => dead.has(s));
  if (deadNamed.length === 0) return edits;
  const keptNamed = named.filter((s) => !dead.has(s));
  if (keptNamed.length === 0) {
    // `d, { sleep }`: drop `, { sleep }`.
    const close = source.text.indexOf('}', named[named.length - 1]!.range[1]);
    edits.push({ range: [first.range[1], close + 1], text: '' });
  } else {
    edits.push({ range: [named[0]!.range[0], named[named.length - 1]!.range[1]], text: keptNamed.map((s) => source.getText(s)).join(', ') });
  }
  return edits;
}

export { resolveName };
