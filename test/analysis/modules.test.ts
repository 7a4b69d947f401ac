import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getFileContext, type FileContext } from '../../src/analysis/context.js';
import { clearModuleCache, exportedBinding, exportedFunction, moduleContext, moduleParseCount, moduleText } from '../../src/analysis/dependence/modules.js';
import { parsedFile } from '../helpers/file-context.js';

const root = mkdtempSync(join(tmpdir(), 'sleepless-modules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh directory with these files (paths relative to it). */
function project(files: Record<string, string>): string {
  const dir = join(root, `p${dirCount++}`);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

/** The context of a linted file at `filename` (its text does not matter: only its location does). */
function linted(filename: string | undefined, text = 'export {};'): FileContext {
  return parsedFile(text, filename).ctx;
}

/** The function `name` of `specifier` as seen from `dir/main.ts`, as its source text; null when none is found. */
function exported(dir: string, specifier: string, name: string): string | null {
  const moduleCtx = moduleContext(linted(join(dir, 'main.ts')), specifier);
  if (!moduleCtx) return null;
  const found = exportedFunction(moduleCtx, name);
  return found ? found.ctx.text(found.fn) : null;
}

beforeEach(() => clearModuleCache());

describe('moduleContext: resolution', () => {
  const dir = project({
    'plain.ts': 'export const a = 1;',
    'esm.mjs': 'export const a = 1;',
    'common.cjs': 'module.exports = 1;',
    'mts.mts': 'export const a = 1;',
    'cts.cts': 'export = 1;',
    'view.tsx': 'export const V = () => <div />;',
    'legacy.jsx': 'export const V = () => <div />;',
    'script.js': 'const x = () => <b />; module.exports = x;',
    'compiled.ts': 'export const fromTs = 1;',
    'compiled.js': 'exports.fromJs = 1;',
    'onlyjs.js': 'exports.a = 1;',
    'nodenext.mts': 'export const a = 1;',
    'utils/index.ts': 'export const a = 1;',
    'utils/wait/index.js': 'exports.a = 1;',
    'types.d.ts': 'export declare const a: number;',
    'sub/inner.ts': 'export const a = 1;',
  });
  const ctx = linted(join(dir, 'sub', 'main.ts'));
  const top = linted(join(dir, 'main.ts'));
  const fileOf = (c: FileContext | null) => c?.filename?.slice(dir.length + 1) ?? null;

  it.each([
    ['./plain', 'plain.ts'],
    ['./plain.ts', 'plain.ts'],
    ['./plain.js', 'plain.ts'],
    ['./esm', 'esm.mjs'],
    ['./esm.mjs', 'esm.mjs'],
    ['./common', 'common.cjs'],
    ['./common.cjs', 'common.cjs'],
    ['./mts', 'mts.mts'],
    ['./cts.cjs', 'cts.cts'],
    ['./nodenext.mjs', 'nodenext.mts'],
    ['./view', 'view.tsx'],
    ['./view.js', 'view.tsx'],
    ['./legacy.jsx', 'legacy.jsx'],
    ['./script', 'script.js'],
    ['./compiled.js', 'compiled.ts'],
    ['./onlyjs.js', 'onlyjs.js'],
    ['./utils', 'utils/index.ts'],
    ['./utils/', 'utils/index.ts'],
    ['./utils/wait', 'utils/wait/index.js'],
    ['./sub/inner', 'sub/inner.ts'],
  ])('%s → %s', (specifier, file) => {
    expect(fileOf(moduleContext(top, specifier))).toBe(file);
  });

  it('resolves from the linted file’s own directory', () => {
    expect(fileOf(moduleContext(ctx, './inner'))).toBe('sub/inner.ts');
    expect(fileOf(moduleContext(ctx, '../plain'))).toBe('plain.ts');
    expect(fileOf(moduleContext(ctx, '../utils'))).toBe('utils/index.ts');
    expect(moduleContext(ctx, '..')).toBeNull(); // no index file there
  });

  it.each([
    ['a package', 'delay'],
    ['a scoped package', '@scope/pkg'],
    ['an absolute path', join(dir, 'plain.ts')],
    ['a missing file', './missing'],
    ['a declaration file', './types'],
    ['a directory without an index', './sub'],
  ])('null for %s', (_what, specifier) => {
    expect(moduleContext(top, specifier)).toBeNull();
  });

  it.each([undefined, '<input>', '<text>', 'relative/file.ts'])('null when the linted file is %s', (filename) => {
    expect(moduleContext(linted(filename), './plain')).toBeNull();
  });

  it('a full context: scopes, text and options of the linted file', () => {
    const options = { sleepFunctions: ['snooze'] };
    const base = linted(join(dir, 'main.ts'));
    const withOptions = getFileContext(base.sourceCode, options, base.filename);
    const foreign = moduleContext(withOptions, './plain')!;
    expect(foreign.options.sleepFunctions).toEqual(['snooze']);
    expect(foreign.names.has('snooze')).toBe(true);
    expect(foreign.text(foreign.sourceCode.ast)).toBe('export const a = 1;');
    const declaration = foreign.sourceCode.ast.body[0]!;
    expect(foreign.getScope(declaration).type).toBe('module');
    expect(declaration.parent).toBe(foreign.sourceCode.ast);
  });
});

describe('moduleContext: parsed once per process and version', () => {
  it('parses a file once however often and from however many files it is imported', () => {
    const dir = project({ 'helper.ts': 'export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));', 'a/x.ts': '', 'b/y.ts': '' });
    const before = moduleParseCount();
    for (let i = 0; i < 5; i++) {
      expect(moduleContext(linted(join(dir, 'main.ts')), './helper')).not.toBeNull();
      expect(moduleContext(linted(join(dir, 'a', 'x.ts')), '../helper.js')).not.toBeNull();
      expect(moduleContext(linted(join(dir, 'b', 'y.ts')), '../helper.ts')).not.toBeNull();
    }
    expect(moduleParseCount() - before).toBe(1);
    // The same file, the same context: the analysis' memos are shared by every importer.
    expect(moduleContext(linted(join(dir, 'main.ts')), './helper')).toBe(moduleContext(linted(join(dir, 'a', 'x.ts')), '../helper'));
  });

  it('sees an edit (modification time and size) and parses the new version once', () => {
    const dir = project({ 'helper.ts': 'export function pause() {}' });
    const path = join(dir, 'helper.ts');
    const before = moduleParseCount();
    const first = moduleContext(linted(join(dir, 'main.ts')), './helper')!;
    expect(exportedFunction(first, 'pause')).not.toBeNull();
    expect(exportedFunction(first, 'wait')).toBeNull();

    writeFileSync(path, 'export function wait() {}');
    // Same size on purpose: the modification time alone tells the versions apart.
    const later = new Date(statSync(path).mtimeMs + 5_000);
    utimesSync(path, later, later);
    const second = moduleContext(linted(join(dir, 'main.ts')), './helper')!;
    expect(second).not.toBe(first);
    expect(exportedFunction(second, 'wait')).not.toBeNull();
    expect(exportedFunction(second, 'pause')).toBeNull();
    moduleContext(linted(join(dir, 'main.ts')), './helper');
    expect(moduleParseCount() - before).toBe(2);

    // Same modification time, another size: also a new version.
    writeFileSync(path, 'export function waitLonger() {}');
    utimesSync(path, later, later);
    expect(exportedFunction(moduleContext(linted(join(dir, 'main.ts')), './helper')!, 'waitLonger')).not.toBeNull();
    expect(moduleParseCount() - before).toBe(3);
  });

  it('a re-export follows the current version of the file it re-exports', () => {
    const dir = project({ 'index.ts': "export { pause } from './impl';", 'impl.ts': 'export function pause() { return 1; }' });
    const text = () => exported(dir, './index', 'pause');
    expect(text()).toBe('function pause() { return 1; }');
    writeFileSync(join(dir, 'impl.ts'), 'export function pause() { return 22; }');
    expect(text()).toBe('function pause() { return 22; }');
  });
});

describe('moduleText: the text without a parse', () => {
  it('reads the module once per version and parses nothing; moduleContext then parses it once', () => {
    const dir = project({ 'store.ts': 'export async function save(x: unknown) { return x; }' });
    const main = join(dir, 'main.ts');
    const before = moduleParseCount();
    expect(moduleText(linted(main), './store')).toBe('export async function save(x: unknown) { return x; }');
    expect(moduleText(linted(main), './store.js')).toBe('export async function save(x: unknown) { return x; }');
    expect(moduleParseCount() - before).toBe(0);
    expect(moduleContext(linted(main), './store')).not.toBeNull();
    expect(moduleContext(linted(main), './store')).not.toBeNull();
    expect(moduleParseCount() - before).toBe(1);
    writeFileSync(join(dir, 'store.ts'), 'export const save = 1;');
    expect(moduleText(linted(main), './store')).toBe('export const save = 1;');
  });

  it.each([['a package', 'delay'], ['a missing file', './nowhere']])('null for %s', (_what, specifier) => {
    const dir = project({});
    expect(moduleText(linted(join(dir, 'main.ts')), specifier)).toBeNull();
  });
});

describe('moduleContext: unknown files are null, never an error', () => {
  it('an unparseable file is null, and is not parsed again', () => {
    const dir = project({ 'broken.ts': 'export function (((' });
    const before = moduleParseCount();
    expect(moduleContext(linted(join(dir, 'main.ts')), './broken')).toBeNull();
    expect(moduleContext(linted(join(dir, 'main.ts')), './broken')).toBeNull();
    expect(moduleParseCount() - before).toBe(1);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('an unreadable file is null', () => {
    const dir = project({ 'secret.ts': 'export function pause() {}' });
    chmodSync(join(dir, 'secret.ts'), 0o000);
    expect(moduleContext(linted(join(dir, 'main.ts')), './secret')).toBeNull();
  });

  it('a file that fails to read (EACCES, EIO) is null', async () => {
    // Permissions do not stop root, so the read itself is made to fail.
    const dir = project({ 'secret.ts': 'export function pause() {}' });
    const secret = join(dir, 'secret.ts');
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs')>();
      const readFileSync = ((path: string, ...rest: unknown[]) => {
        if (path === secret) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
      }) as typeof fs.readFileSync;
      return { ...fs, readFileSync, default: { ...fs, readFileSync } };
    });
    try {
      const fresh = await import('../../src/analysis/dependence/modules.js');
      const freshContext = await import('../../src/analysis/context.js');
      const base = linted(join(dir, 'main.ts'));
      const ctx = freshContext.getFileContext(base.sourceCode, {}, base.filename);
      expect(fresh.moduleContext(ctx, './secret')).toBeNull();
      expect(fresh.moduleParseCount()).toBe(0);
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });

  it('a directory named like a module is not a file', () => {
    const dir = project({ 'helper.ts/keep.txt': '' });
    expect(moduleContext(linted(join(dir, 'main.ts')), './helper.ts')).toBeNull();
  });

  it('a file importing itself is not its own module', () => {
    const dir = project({ 'main.ts': 'export function f() {}' });
    expect(moduleContext(linted(join(dir, 'main.ts')), './main')).toBeNull();
  });

  it('sloppy CommonJS parses as a script', () => {
    const dir = project({ 'old.js': 'with (Math) { var x = max(1, 2); }\nmodule.exports = function wait(ms) { return x + ms; };' });
    expect(exported(dir, './old', 'default')).toBe('function wait(ms) { return x + ms; }');
  });
});

describe('exportedFunction: every export form', () => {
  const dir = project({
    'esm.ts': [
      'export function declared(ms: number) { return ms; }',
      'export const arrow = (ms: number) => ms;',
      'export const expression = function named() {};',
      'const hidden = () => 1;',
      'function other() {}',
      'export { hidden as renamed, other };',
      "export { hidden as 'quoted name' };",
      'export const alias = hidden;',
      'export const notAFunction = 5;',
      'export let later: () => void;',
      'export default function main() {}',
    ].join('\n'),
    'default-arrow.ts': 'export default (ms: number) => ms;',
    'default-name.ts': 'const wait = (ms: number) => ms;\nexport default wait;',
    'default-value.ts': 'export default 42;',
    'export-equals.ts': 'function wait() {}\nexport = wait;',
    'cjs-function.js': 'module.exports = function wait(ms) { return ms; };',
    'cjs-name.js': 'function wait(ms) { return ms; }\nmodule.exports = wait;',
    'cjs-object.js': [
      'function a() {}',
      'const b = () => 2;',
      "module.exports = { a, bee: b, c: function () { return 3; }, d() { return 4; }, 'e': () => 5, n: 6 };",
    ].join('\n'),
    'cjs-exports.js': 'exports.f = function () { return 1; };\nexports.g = () => 2;\nexports.default = () => 3;',
    'cjs-module-exports.js': 'module.exports.f = (ms) => ms;\nmodule.exports["g"] = function () {};',
    'cjs-shadowed.js': 'function f(module, exports) { module.exports = () => 1; exports.g = () => 2; }\nmodule.exports.h = () => 3;',
    'reexport-named.ts': "export { declared, renamed as fromRenamed, hidden as fromHidden } from './esm';\nexport { default as main } from './esm';",
    'reexport-star.ts': "export * from './esm';\nexport function own() {}",
    'reexport-import.ts': "import { arrow } from './esm';\nimport wait from './default-arrow';\nexport { arrow as a2, wait };",
    'reexport-ns.ts': "export * as ns from './esm';",
    'reexport-deep.ts': "export * from './reexport-star';",
    'reexport-missing.ts': "export * from './nowhere';\nexport { f } from './nowhere';",
    'pkg-reexport.ts': [
      "import { promisify } from 'node:util';",
      "import { sleep as imported } from 'p-sleep';",
      "export { default as linger, rangeDelay } from 'delay';",
      "export { setTimeout as holdOn } from 'node:timers/promises';",
      'export const later = promisify(setTimeout);',
      'export { imported };',
    ].join('\n'),
    'pkg-require.cjs': "module.exports = require('delay');\nmodule.exports.wait = require('timers/promises').setTimeout;",
    'pkg-through.ts': "export { linger } from './pkg-reexport';",
    'cycle-a.ts': "export * from './cycle-b';",
    'cycle-b.ts': "export * from './cycle-a';",
  });

  it.each([
    ['esm', 'declared', 'function declared(ms: number) { return ms; }'],
    ['esm', 'arrow', '(ms: number) => ms'],
    ['esm', 'expression', 'function named() {}'],
    ['esm', 'renamed', '() => 1'],
    ['esm', 'other', 'function other() {}'],
    ['esm', 'quoted name', '() => 1'],
    ['esm', 'alias', '() => 1'],
    ['esm', 'default', 'function main() {}'],
    ['default-arrow', 'default', '(ms: number) => ms'],
    ['default-name', 'default', '(ms: number) => ms'],
    ['export-equals', 'default', 'function wait() {}'],
    ['cjs-function', 'default', 'function wait(ms) { return ms; }'],
    ['cjs-name', 'default', 'function wait(ms) { return ms; }'],
    ['cjs-object', 'a', 'function a() {}'],
    ['cjs-object', 'bee', '() => 2'],
    ['cjs-object', 'c', 'function () { return 3; }'],
    ['cjs-object', 'd', '() { return 4; }'],
    ['cjs-object', 'e', '() => 5'],
    ['cjs-exports', 'f', 'function () { return 1; }'],
    ['cjs-exports', 'g', '() => 2'],
    ['cjs-exports', 'default', '() => 3'],
    ['cjs-module-exports', 'f', '(ms) => ms'],
    ['cjs-module-exports', 'g', 'function () {}'],
    ['cjs-shadowed', 'h', '() => 3'],
    ['reexport-named', 'declared', 'function declared(ms: number) { return ms; }'],
    ['reexport-named', 'fromRenamed', '() => 1'],
    ['reexport-named', 'main', 'function main() {}'],
    ['reexport-star', 'arrow', '(ms: number) => ms'],
    ['reexport-star', 'own', 'function own() {}'],
    ['reexport-import', 'a2', '(ms: number) => ms'],
    ['reexport-import', 'wait', '(ms: number) => ms'],
    ['reexport-deep', 'declared', 'function declared(ms: number) { return ms; }'],
  ])('%s exports %s', (module, name, text) => {
    expect(exported(dir, `./${module}`, name)).toBe(text);
  });

  it.each([
    ['esm', 'missing'],
    ['esm', 'notAFunction'],
    ['esm', 'later'],
    ['esm', 'hidden'],
    ['default-value', 'default'],
    ['cjs-object', 'n'],
    ['cjs-object', 'default'],
    ['cjs-function', 'wait'],
    ['cjs-shadowed', 'default'],
    ['cjs-shadowed', 'g'],
    ['reexport-star', 'default'],
    ['reexport-ns', 'arrow'],
    ['reexport-named', 'fromHidden'],
    ['reexport-missing', 'f'],
    ['reexport-missing', 'g'],
    ['cycle-a', 'f'],
  ])('%s does not export a function %s', (module, name) => {
    expect(exported(dir, `./${module}`, name)).toBeNull();
  });

  it.each([
    ['pkg-reexport', 'linger', { kind: 'module', module: 'delay' }],
    ['pkg-reexport', 'holdOn', { kind: 'export', module: 'node:timers/promises', name: 'setTimeout' }],
    ['pkg-reexport', 'later', { kind: 'promisified', timer: 'setTimeout' }],
    ['pkg-reexport', 'imported', { kind: 'export', module: 'p-sleep', name: 'sleep' }],
    ['pkg-require.cjs', 'default', { kind: 'module', module: 'delay' }],
    ['pkg-require.cjs', 'wait', { kind: 'export', module: 'timers/promises', name: 'setTimeout' }],
    ['pkg-through', 'linger', { kind: 'module', module: 'delay' }],
  ])('exportedBinding: %s exports %s as a binding of a package', (module, name, binding) => {
    const moduleCtx = moduleContext(linted(join(dir, 'main.ts')), `./${module}`)!;
    expect(exportedBinding(moduleCtx, name)?.binding).toEqual(binding);
    // Not a function of any file: exportedFunction has nothing to give.
    expect(exportedFunction(moduleCtx, name)).toBeNull();
  });

  it('exportedBinding: a function is a function binding, in the file that defines it', () => {
    const moduleCtx = moduleContext(linted(join(dir, 'main.ts')), './reexport-star')!;
    const found = exportedBinding(moduleCtx, 'arrow')!;
    expect(found.binding.kind).toBe('function');
    expect(found.ctx.filename).toBe(join(dir, 'esm.ts'));
    expect(exportedBinding(moduleCtx, 'missing')).toBeNull();
  });

  it('the function comes with the context of the file that defines it', () => {
    const moduleCtx = moduleContext(linted(join(dir, 'main.ts')), './reexport-star')!;
    const found = exportedFunction(moduleCtx, 'declared')!;
    expect(found.ctx.filename).toBe(join(dir, 'esm.ts'));
    expect(found.ctx).not.toBe(moduleCtx);
    expect(found.ctx.getScope(found.fn).type).toBe('function');
  });
});
