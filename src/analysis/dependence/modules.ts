import { readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { isFunction, unwrap, type FunctionNode, type Node } from '../ast.js';
import { getFileContext, type FileContext } from '../context.js';
import { resolveId, type Binding } from '../scope.js';

/*
 * Imported functions of relative modules, without type information: the imported file is resolved on disk,
 * read and parsed once per process and version, as eslint-plugin-import does with its export map. A file that
 * cannot be found, read or parsed is unknown (null), never an error of the rule that asked.
 */

/** Extensions tried, in order, for a specifier without one (`./util`, `./dir` → `./dir/index.*`). */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
/** What a written extension may stand for: TypeScript's `./x.js` names `./x.ts` before it is compiled. */
const WRITTEN_EXTENSIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['.js', ['.ts', '.tsx', '.js', '.jsx']],
  ['.jsx', ['.tsx', '.jsx']],
  ['.mjs', ['.mts', '.mjs']],
  ['.cjs', ['.cts', '.cjs']],
  ['.ts', ['.ts']],
  ['.tsx', ['.tsx']],
  ['.mts', ['.mts']],
  ['.cts', ['.cts']],
]);
const JSX_EXTENSIONS = new Set(['.tsx', '.jsx', '.js', '.mjs', '.cjs']);
/** Files larger than this are generated or bundled code, not a helper worth reading. */
const MAX_FILE_BYTES = 200_000;
/** Parsed files kept per process (least recently used first out). */
const MAX_CACHED_FILES = 500;
const MAX_REEXPORT_DEPTH = 3;

interface CachedModule {
  readonly mtimeMs: number;
  readonly size: number;
  /** The file's text (without a BOM); null when it cannot be read or is too large to be a helper. */
  readonly text: string | null;
  readonly hasBOM: boolean;
  /**
   * Parsed on first need (`undefined` until then); null when it does not parse: remembered, so a broken file
   * is not parsed again either.
   */
  sourceCode?: Readonly<TSESLint.SourceCode> | null;
}

/** Absolute path → the parsed file, in least-recently-used order (a Map keeps insertion order). */
const parsed = new Map<string, CachedModule>();
/** ASTs parsed here: their contexts are shared across lints, so what they resolve is never memoised in them. */
const foreignAsts = new WeakSet<object>();
let parses = 0;

/** How many files this process has parsed through `moduleContext` (for tests: each version is parsed once). */
export function moduleParseCount(): number {
  return parses;
}

/** Forgets every parsed file (for tests). */
export function clearModuleCache(): void {
  parsed.clear();
  resolutions.clear();
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** The project's own source aliases (`@/utils/sleep`, `~/lib/x`, `#/x`, `src/utils/helpers`): a file of the project. */
const SOURCE_ALIAS = /^(?:[@~#]\/|src\/)/;

/**
 * A module of the project itself: a relative specifier, or one of the source aliases bundlers and TypeScript
 * `paths` conventionally map into the project (`@/` and `~/` to `src/`, `src/` from the root). Packages are not.
 */
export function isLocalModule(specifier: string): boolean {
  return isRelative(specifier) || SOURCE_ALIAS.test(specifier);
}

/** Where a file's text imports or requires a module of the project (a relative specifier or a source alias). */
export const LOCAL_IMPORT = /(?:from\s*|require\s*\(\s*)['"`](?:\.\.?\/|[@~#]\/|src\/)/;

/** Resolves a source alias from the linted file's folder upwards, to the project root (the folder with package.json). */
function resolveAlias(dir: string, specifier: string): { path: string; stats: Stats } | null {
  const rest = specifier.replace(/^[@~#]\//, 'src/');
  for (let current = dir, depth = 0; depth < 12; depth++) {
    const file = resolveFile(current, rest);
    if (file) return file;
    if (fileStats(resolve(current, 'package.json'))) return null;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
  return null;
}

function fileStats(path: string): Stats | null {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats?.isFile() ? stats : null;
  } catch {
    return null;
  }
}

/** The file a relative specifier names from `dir`, with its stats; null when there is none. */
function resolveFile(dir: string, specifier: string): { path: string; stats: Stats } | null {
  const base = resolve(dir, specifier);
  const candidates: string[] = [];
  const written = extname(base);
  const mapped = WRITTEN_EXTENSIONS.get(written);
  if (mapped) {
    const stem = base.slice(0, -written.length);
    for (const ext of mapped) candidates.push(stem + ext);
  }
  for (const ext of EXTENSIONS) candidates.push(base + ext);
  for (const ext of EXTENSIONS) candidates.push(resolve(base, `index${ext}`));
  for (const path of candidates) {
    if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) continue;
    const stats = fileStats(path);
    if (stats) return { path, stats };
  }
  return null;
}

/** ESLint sets `parent` while it traverses; a file parsed here needs it for scopes and for the analysis. */
function setParents(root: Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const key of visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (child && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') {
          (child as { parent?: Node }).parent = node;
          stack.push(child as Node);
        }
      }
    }
  }
}

function readText(path: string, stats: Stats): { text: string | null; hasBOM: boolean } {
  if (stats.size > MAX_FILE_BYTES) return { text: null, hasBOM: false };
  try {
    const text = readFileSync(path, 'utf8');
    const hasBOM = text.charCodeAt(0) === 0xfeff;
    return { text: hasBOM ? text.slice(1) : text, hasBOM };
  } catch {
    return { text: null, hasBOM: false };
  }
}

/**
 * The parser and ESLint's `SourceCode`, loaded on the first foreign file only: most files import nothing the
 * analysis follows, and loading both (with TypeScript behind the parser) costs more than linting a small project.
 */
let loaded: { parseForESLint: typeof import('@typescript-eslint/parser').parseForESLint; SourceCode: typeof import('eslint').SourceCode } | undefined;
let sourceCodeClass: typeof import('eslint').SourceCode | undefined;
function parserAndSourceCode(): NonNullable<typeof loaded> {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = {
      parseForESLint: (require('@typescript-eslint/parser') as typeof import('@typescript-eslint/parser')).parseForESLint,
      SourceCode: parserAndSourceCode.sourceCodeOnly().SourceCode,
    };
  }
  return loaded;
}
/** ESLint's `SourceCode` alone (ESLint is loaded already wherever the rules run). */
parserAndSourceCode.sourceCodeOnly = (): { SourceCode: typeof import('eslint').SourceCode } => {
  sourceCodeClass ??= (createRequire(import.meta.url)('eslint') as typeof import('eslint')).SourceCode;
  return { SourceCode: sourceCodeClass };
};

/**
 * ESLint's own JavaScript parser and scope analyser (espree, eslint-scope), resolved from ESLint's installation:
 * a JavaScript module is read with them, which load in milliseconds; TypeScript is only loaded for TypeScript files
 * (or JavaScript that espree cannot read).
 */
interface Espree {
  parse(text: string, options: object): unknown;
  VisitorKeys: Record<string, readonly string[]>;
  latestEcmaVersion: number;
}
let espreeLoaded: { espree: Espree; analyze(ast: unknown, options: object): unknown } | null | undefined;
function espreeAndScope(): typeof espreeLoaded {
  if (espreeLoaded === undefined) {
    try {
      const require = createRequire(createRequire(import.meta.url).resolve('eslint/package.json'));
      espreeLoaded = { espree: require('espree') as Espree, analyze: (require('eslint-scope') as { analyze(ast: unknown, options: object): unknown }).analyze };
    } catch {
      espreeLoaded = null;
    }
  }
  return espreeLoaded;
}

function parseJavaScript(path: string, text: string, hasBOM: boolean): Readonly<TSESLint.SourceCode> | null {
  const tools = espreeAndScope();
  if (!tools) return null;
  const { SourceCode } = parserAndSourceCode.sourceCodeOnly();
  for (const sourceType of ['module', 'script'] as const) {
    try {
      const ast = tools.espree.parse(text, {
        ecmaVersion: 'latest', sourceType, range: true, loc: true, tokens: true, comment: true, ecmaFeatures: { jsx: true },
      }) as Node;
      const scopeManager = tools.analyze(ast, { ecmaVersion: tools.espree.latestEcmaVersion, sourceType, nodejsScope: sourceType === 'script' });
      setParents(ast, tools.espree.VisitorKeys);
      const sourceCode = new SourceCode({ text, ast: ast as never, hasBOM, scopeManager: scopeManager as never, visitorKeys: tools.espree.VisitorKeys as never });
      foreignAsts.add(ast);
      return sourceCode as unknown as Readonly<TSESLint.SourceCode>;
    } catch {
      // try the next source type
    }
  }
  return null;
}

function parseFile(path: string, text: string, hasBOM: boolean): Readonly<TSESLint.SourceCode> | null {
  parses += 1;
  if (/\.(?:m|c)?jsx?$/.test(path)) {
    const javascript = parseJavaScript(path, text, hasBOM);
    if (javascript) return javascript;
  }
  const { parseForESLint, SourceCode } = parserAndSourceCode();
  const jsx = JSX_EXTENSIONS.has(extname(path));
  // A module first; sloppy CommonJS (`with`, octal literals, `delete x`) parses only as a script.
  for (const sourceType of ['module', 'script'] as const) {
    try {
      const result = parseForESLint(text, {
        filePath: path,
        sourceType,
        ecmaVersion: 'latest',
        ecmaFeatures: { jsx },
        range: true,
        loc: true,
        tokens: true,
        comment: true,
      });
      const visitorKeys = result.visitorKeys as unknown as Record<string, readonly string[] | undefined>;
      setParents(result.ast as Node, visitorKeys);
      const sourceCode = new SourceCode({
        text,
        ast: result.ast as never,
        hasBOM,
        parserServices: result.services as never,
        scopeManager: result.scopeManager as never,
        visitorKeys: result.visitorKeys as never,
      });
      foreignAsts.add(result.ast);
      return sourceCode as unknown as Readonly<TSESLint.SourceCode>;
    } catch {
      // try the next source type
    }
  }
  return null;
}

/** The file at `path` in the version `stats` describes: read at most once per process per version. */
function cachedModule(path: string, stats: Stats): CachedModule {
  const cached = parsed.get(path);
  parsed.delete(path);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) {
    parsed.set(path, cached);
    return cached;
  }
  const entry: CachedModule = { mtimeMs: stats.mtimeMs, size: stats.size, ...readText(path, stats) };
  parsed.set(path, entry);
  while (parsed.size > MAX_CACHED_FILES) parsed.delete(parsed.keys().next().value!);
  return entry;
}

/** The parsed file: parsed at most once per process per version. */
function parsedModule(path: string, entry: CachedModule): Readonly<TSESLint.SourceCode> | null {
  if (entry.sourceCode === undefined) entry.sourceCode = entry.text === null ? null : parseFile(path, entry.text, entry.hasBOM);
  return entry.sourceCode;
}

/** The file a relative specifier names from the linted file, other than that file itself. */
function resolveModule(ctx: FileContext, specifier: string): { path: string; stats: Stats } | null {
  const filename = absoluteFilename(ctx);
  if (!filename || !isLocalModule(specifier)) return null;
  const dir = dirname(filename);
  const key = `${dir}\0${specifier}`;
  const now = Date.now();
  const known = resolutions.get(key);
  // A file found before is checked with one stat (it may have changed or gone); a miss is trusted for a few seconds,
  // so an editor's long-lived server sees a helper file created meanwhile.
  if (known && (known.path === null ? now - known.at < MISS_TTL_MS : true)) {
    if (known.path === null) return null;
    const stats = fileStats(known.path);
    if (stats) return known.path === resolve(filename) ? null : { path: known.path, stats };
  }
  const file = isRelative(specifier) ? resolveFile(dir, specifier) : resolveAlias(dir, specifier);
  if (resolutions.size >= MAX_RESOLUTIONS) resolutions.clear();
  resolutions.set(key, { path: file ? file.path : null, at: now });
  return file && resolve(file.path) !== resolve(filename) ? file : null;
}

/** Where a specifier from a folder resolved to (or that it did not), per process. */
const resolutions = new Map<string, { path: string | null; at: number }>();
const MISS_TTL_MS = 5_000;
const MAX_RESOLUTIONS = 20_000;

/**
 * The linted file's absolute path. ESLint gives one; a relative name (RuleTester's `file.ts`) is taken from the
 * TypeScript program when the file is linted with types (the program knows where it is), and is unknown otherwise.
 */
function absoluteFilename(ctx: FileContext): string | null {
  const filename = ctx.filename;
  if (!filename || filename === '<input>' || filename === '<text>') return null;
  if (isAbsolute(filename)) return filename;
  const services = ctx.sourceCode.parserServices as { esTreeNodeToTSNodeMap?: { get(node: object): { fileName?: unknown } | undefined } } | undefined;
  const fromProgram = services?.esTreeNodeToTSNodeMap?.get(ctx.sourceCode.ast)?.fileName;
  return typeof fromProgram === 'string' && isAbsolute(fromProgram) ? fromProgram : null;
}

/**
 * What a linted file's specifiers resolved to, for the one lint of that file (its context lives no longer).
 * Contexts of files parsed here are shared across lints and never memoise: an edit of what they import is seen.
 */
const resolved = new WeakMap<FileContext, Map<string, FileContext | null>>();

/**
 * The analysis context of the module a relative specifier ('./x', '../utils/waitFor', with or without
 * extension; .ts/.tsx/.mts/.cts/.js/.mjs/.cjs/.jsx, index files, TS's '.js'→'.ts' mapping) names, seen from
 * the file `ctx` lints; null when not relative, not found, unreadable or unparseable (never throws).
 */
export function moduleContext(ctx: FileContext, specifier: string): FileContext | null {
  if (!isLocalModule(specifier)) return null;
  const memo = foreignAsts.has(ctx.sourceCode.ast) ? null : resolved.get(ctx) ?? new Map<string, FileContext | null>();
  if (memo) {
    if (memo.has(specifier)) return memo.get(specifier)!;
    resolved.set(ctx, memo);
  }
  let result: FileContext | null;
  try {
    const file = resolveModule(ctx, specifier);
    const sourceCode = file && parsedModule(file.path, cachedModule(file.path, file.stats));
    result = sourceCode && file ? getFileContext(sourceCode, ctx.options, file.path) : null;
  } catch {
    result = null;
  }
  memo?.set(specifier, result);
  return result;
}

/**
 * The text of the module a relative specifier names (resolved as `moduleContext` does), read once per process
 * per version and not parsed: a cheap look before a parse (a file that names no timer holds no sleep helper).
 * Null when not relative, not found or unreadable.
 */
export function moduleText(ctx: FileContext, specifier: string): string | null {
  const memo = foreignAsts.has(ctx.sourceCode.ast) ? null : texts.get(ctx) ?? new Map<string, string | null>();
  if (memo) {
    if (memo.has(specifier)) return memo.get(specifier)!;
    texts.set(ctx, memo);
  }
  let text: string | null;
  try {
    const file = resolveModule(ctx, specifier);
    text = file ? cachedModule(file.path, file.stats).text : null;
  } catch {
    text = null;
  }
  memo?.set(specifier, text);
  return text;
}

/** As `resolved`, for `moduleText`. */
const texts = new WeakMap<FileContext, Map<string, string | null>>();

const views = new WeakMap<FileContext, WeakMap<FileContext, FileContext>>();

/**
 * The helper's file seen from a call in another file: a context that is `helperCtx` (its options, memos,
 * filename) except that scopes and text of a node come from whichever file holds the node. Reading a helper's
 * body with its parameters bound to the caller's arguments (`pause(POLL_MS)`) evaluates each name in its own file.
 */
export function callerView(helperCtx: FileContext, callerCtx: FileContext): FileContext {
  if (helperCtx === callerCtx) return helperCtx;
  let perCaller = views.get(callerCtx);
  if (!perCaller) {
    perCaller = new WeakMap();
    views.set(callerCtx, perCaller);
  }
  const known = perCaller.get(helperCtx);
  if (known) return known;
  const helperAst = helperCtx.sourceCode.ast;
  const owner = (node: Node): FileContext => (programOf(node) === helperAst ? helperCtx : callerCtx);
  const view: FileContext = {
    ...helperCtx,
    getScope: (node) => owner(node).getScope(node),
    text: (node) => owner(node).text(node),
  };
  perCaller.set(helperCtx, view);
  return view;
}

function programOf(node: Node): Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/** What an export is bound to, in the file that binds it (scope.ts's `Binding`, relative re-exports followed). */
export interface ExportedBinding {
  binding: Binding;
  ctx: FileContext;
}
type Exported = ExportedBinding | null;

/** Exports found in the module's own file (no re-export followed), per module context and name. */
const ownExports = new WeakMap<FileContext, Map<string, Exported | 'reexport'>>();

/**
 * The function an export of that module is bound to: `export function f`, `export const f = (…) => …`,
 * `export default function`, `export { g as f }`, `module.exports = function`, `module.exports = { f }`,
 * `exports.f = …`, `module.exports.f = …`, and one level of re-export from another relative module
 * (`export { f } from './y'`, `export * from './y'`).
 */
export function exportedFunction(moduleCtx: FileContext, exportName: string): { fn: FunctionNode; ctx: FileContext } | null {
  const found = exportedBinding(moduleCtx, exportName);
  return found?.binding.kind === 'function' ? { fn: found.binding.node, ctx: found.ctx } : null;
}

/**
 * What an export of that module is bound to, where `exportedFunction` finds only functions: also a package's
 * export it re-exports (`export { default as sleep } from 'delay'` → module `delay`; `export { setTimeout as
 * later } from 'node:timers/promises'`), `promisify(setTimeout)`, `require('delay')`. Relative re-exports are
 * followed as `exportedFunction` follows them. Null when the module does not export `exportName`.
 */
export function exportedBinding(moduleCtx: FileContext, exportName: string): ExportedBinding | null {
  try {
    return exportedFrom(moduleCtx, exportName, 0, new Set());
  } catch {
    return null;
  }
}

function exportedFrom(moduleCtx: FileContext, name: string, depth: number, seen: Set<string>): Exported {
  const key = `${moduleCtx.filename ?? ''}\0${name}`;
  if (seen.has(key) || depth > MAX_REEXPORT_DEPTH) return null;
  seen.add(key);
  let own = ownExports.get(moduleCtx);
  if (!own) {
    own = new Map();
    ownExports.set(moduleCtx, own);
  }
  const known = own.get(name);
  if (known !== undefined && known !== 'reexport') return known;

  const found = findExport(moduleCtx, name, depth, seen);
  // What the file itself binds is fixed for this version of it; a re-export depends on another file's version.
  own.set(name, found.reexport ? 'reexport' : found.result);
  return found.result;
}

interface Found {
  result: Exported;
  /** The answer depends on another module. */
  reexport: boolean;
}

const NOT_FOUND: Found = { result: null, reexport: false };

function findExport(ctx: FileContext, name: string, depth: number, seen: Set<string>): Found {
  const program = ctx.sourceCode.ast;
  const starSources: string[] = [];
  for (const statement of program.body) {
    switch (statement.type) {
      case T.ExportNamedDeclaration: {
        const declaration = statement.declaration;
        if (declaration) {
          const found = declaredBinding(declaration, name, ctx, depth, seen);
          if (found) return found;
          continue;
        }
        for (const specifier of statement.specifiers) {
          if (moduleExportName(specifier.exported) !== name) continue;
          const inner = moduleExportName(specifier.local);
          if (statement.source) return fromModule(ctx, statement.source.value, inner, depth, seen);
          if (specifier.local.type !== T.Identifier) return NOT_FOUND;
          return bindingOfName(specifier.local, ctx, depth, seen);
        }
        continue;
      }
      case T.ExportDefaultDeclaration: {
        if (name !== 'default') continue;
        return valueBinding(statement.declaration as Node, ctx, depth, seen);
      }
      case T.ExportAllDeclaration:
        // `export * as ns from './y'` exports an object, not a function; `export *` never re-exports `default`.
        if (statement.exported === null && name !== 'default' && isLocalModule(statement.source.value)) starSources.push(statement.source.value);
        continue;
      case T.TSExportAssignment: {
        if (name !== 'default') continue;
        return valueBinding(statement.expression, ctx, depth, seen);
      }
      case T.ExpressionStatement: {
        const found = commonJsExport(statement.expression, name, ctx, depth, seen);
        if (found) return found;
        continue;
      }
      default:
        continue;
    }
  }
  for (const source of starSources) {
    const result = foreign(ctx, source, name, depth, seen);
    if (result) return { result, reexport: true };
  }
  return { result: null, reexport: starSources.length > 0 };
}

function local(binding: Binding | null, ctx: FileContext): Found {
  return { result: binding ? { binding, ctx } : null, reexport: false };
}

function moduleExportName(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === T.Identifier ? node.name : node.value;
}

/** What a `function`/`const` declaration binds to `name`; null when it does not declare `name`. */
function declaredBinding(declaration: Node, name: string, ctx: FileContext, depth: number, seen: Set<string>): Found | null {
  if (declaration.type === T.FunctionDeclaration) return declaration.id?.name === name ? local({ kind: 'function', node: declaration }, ctx) : null;
  if (declaration.type !== T.VariableDeclaration) return null;
  for (const declarator of declaration.declarations) {
    if (declarator.id.type !== T.Identifier || declarator.id.name !== name) continue;
    // The declared name resolves through its initial value (a function, `promisify(setTimeout)`, an alias, a
    // `require`), and stands for nothing when it is reassigned.
    return bindingOfName(declarator.id, ctx, depth, seen);
  }
  return null;
}

/** What a name of the module's own scope stands for: declared here, or imported (relative imports followed). */
function bindingOfName(identifier: TSESTree.Identifier, ctx: FileContext, depth: number, seen: Set<string>): Found {
  const binding = resolveId(identifier, ctx);
  if (binding.kind === 'export') return fromModule(ctx, binding.module, binding.name, depth, seen);
  if (binding.kind === 'module') return fromModule(ctx, binding.module, 'default', depth, seen);
  if (binding.kind === 'local' || binding.kind === 'global') return NOT_FOUND;
  return local(binding, ctx);
}

/** An export of another module: followed when relative, the package's export itself otherwise. */
function fromModule(ctx: FileContext, module: string, name: string, depth: number, seen: Set<string>): Found {
  if (isLocalModule(module)) return { result: foreign(ctx, module, name, depth, seen), reexport: true };
  return local(name === 'default' ? { kind: 'module', module } : { kind: 'export', module, name }, ctx);
}

/** A value expression that is (or names) a function, a package's export (`require('delay')`), or a sleep. */
function valueBinding(expression: Node, ctx: FileContext, depth: number, seen: Set<string>): Found {
  const value = unwrap(expression);
  if (isFunction(value)) return local({ kind: 'function', node: value }, ctx);
  if (value.type === T.Identifier) return bindingOfName(value, ctx, depth, seen);
  const required = requiredModule(value);
  if (required !== null) return fromModule(ctx, required, 'default', depth, seen);
  if (value.type === T.MemberExpression) {
    const module = requiredModule(value.object);
    const name = memberName(value);
    if (module !== null && name !== null) return fromModule(ctx, module, name, depth, seen);
  }
  return NOT_FOUND;
}

/** `require('m')` with a literal specifier. */
function requiredModule(node: Node): string | null {
  const n = unwrap(node);
  if (n.type !== T.CallExpression || n.callee.type !== T.Identifier || n.callee.name !== 'require' || n.arguments.length !== 1) return null;
  const arg = n.arguments[0]!;
  return arg.type === T.Literal && typeof arg.value === 'string' ? arg.value : null;
}

function foreign(ctx: FileContext, specifier: string, name: string, depth: number, seen: Set<string>): Exported {
  const next = moduleContext(ctx, specifier);
  return next ? exportedFrom(next, name, depth + 1, seen) : null;
}

/** `module.exports`, or `exports` when not declared in the file. */
function isModuleExports(node: Node, ctx: FileContext): boolean {
  const n = unwrap(node);
  if (n.type === T.Identifier) return n.name === 'exports' && resolveId(n, ctx).kind === 'global';
  return (
    n.type === T.MemberExpression &&
    !n.computed &&
    n.object.type === T.Identifier &&
    n.object.name === 'module' &&
    n.property.type === T.Identifier &&
    n.property.name === 'exports' &&
    resolveId(n.object as TSESTree.Identifier, ctx).kind === 'global'
  );
}

function memberName(member: TSESTree.MemberExpression): string | null {
  if (!member.computed) return member.property.type === T.Identifier ? member.property.name : null;
  return member.property.type === T.Literal && typeof member.property.value === 'string' ? member.property.value : null;
}

/**
 * `module.exports = fn`, `module.exports = { f, g: fn }`, `exports.f = fn`, `module.exports.f = fn`
 * (`exports.default = fn` is a compiled default export). Null when the statement does not export `name`.
 */
function commonJsExport(expression: Node, name: string, ctx: FileContext, depth: number, seen: Set<string>): Found | null {
  if (expression.type !== T.AssignmentExpression || expression.operator !== '=') return null;
  const target = unwrap(expression.left);
  if (target.type !== T.MemberExpression) return null;
  if (isModuleExports(target, ctx)) {
    const value = unwrap(expression.right);
    if (name === 'default') return valueBinding(value, ctx, depth, seen);
    if (value.type !== T.ObjectExpression) return null;
    for (const property of value.properties) {
      if (property.type !== T.Property || property.kind !== 'init') continue;
      const key = property.computed
        ? property.key.type === T.Literal && typeof property.key.value === 'string' ? property.key.value : null
        : property.key.type === T.Identifier ? property.key.name : property.key.type === T.Literal ? String(property.key.value) : null;
      if (key !== name) continue;
      return valueBinding(property.value as Node, ctx, depth, seen);
    }
    return null;
  }
  if (memberName(target) === name && isModuleExports(target.object, ctx)) {
    return valueBinding(expression.right, ctx, depth, seen);
  }
  return null;
}
