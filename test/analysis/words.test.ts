import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mayBindFunction, mayDeclare, resolveName } from '../../src/analysis/scope.js';
import { memberFunctions, mayDefineMember } from '../../src/analysis/dependence/functions.js';
import { bindingIndex, MAY_BIND, MAY_BIND_FUNCTION, mayBindAt, offsetsOfWords, wordOffsets } from '../../src/analysis/words.js';
import { parsedFile } from '../helpers/file-context.js';

// `mayBindAt` lets the analysis skip the scope manager for a name that no occurrence could bind (oxlint analyses
// scopes only on demand, and that analysis cost more than the rules' own work). It must be a superset: every name a
// declaration binds has an occurrence it accepts. Checked against typescript-eslint's scope manager.

/** This repository's JS and TS files under src, test, examples, bench and scripts (test fixtures only if asked). */
function repositoryFiles({ fixtures }: { fixtures: boolean }): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && (fixtures || entry.name !== 'fixtures')) walk(path);
      } else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ['src', 'test', 'examples', 'bench', 'scripts']) walk(dir);
  return files;
}

/** Whether some occurrence of `name` may bind it, by `mayBindAt` alone (for snippets that are not whole programs). */
function anyOccurrenceMayBind(text: string, name: string): boolean {
  return wordOffsets(text, name).some((at) => mayBindAt(text, at, name.length));
}

/** Names the scope manager resolves to a function of `text` that `mayBindFunction` rules out (must be none). */
function missedFunctions(text: string, file = 'file.ts'): string[] {
  const { result, ctx } = parsedFile(text, file);
  // As the analysis builds it: `name: Type` counts only where types can be written.
  const index = bindingIndex(text, !/\.[cm]?jsx?$/.test(file));
  const out = new Set<string>();
  for (const scope of result.scopeManager!.scopes) {
    for (const variable of scope.variables) {
      for (const reference of variable.references) {
        if (reference.identifier.type !== 'Identifier') continue;
        const binding = resolveName(reference.identifier as never, reference.from as never);
        if (binding.kind === 'function' && !mayBindFunction(ctx, variable.name)) out.add(variable.name);
        // The one-pass index of very large files says the same.
        if (binding.kind === 'function' && !((index.get(variable.name) ?? 0) & MAY_BIND_FUNCTION)) out.add(`${variable.name} (index)`);
      }
    }
  }
  return [...out];
}

/** Declared names of `text` that no occurrence is accepted for (must be none). */
function missed(text: string, file?: string): string[] {
  const { result: { scopeManager }, ctx } = parsedFile(text, file);
  const index = bindingIndex(text);
  const out = new Set<string>();
  for (const scope of scopeManager!.scopes) {
    for (const variable of scope.variables) {
      if (variable.defs.length === 0) continue;
      if (!mayDeclare(ctx, variable.name)) out.add(variable.name);
      // The one-pass index of very large files says the same.
      if (!((index.get(variable.name) ?? 0) & MAY_BIND)) out.add(`${variable.name} (index)`);
    }
  }
  return [...out];
}

describe('mayBindAt: every binding form is accepted', () => {
  const forms: [string, string][] = [
    ['var, let, const and several declarators', 'var a = 1, b; let c = a; const d = c, e = d;'],
    ['destructuring, defaults, rest and renames', 'const { f, g: h = 1, ...i } = obj; const [j, , k = 2, ...l] = arr;'],
    ['functions, generators, async', 'function m(n, o = 1, ...p) {} function* q() {} async function r() {} const s = function t() {};'],
    ['arrow parameters, single and listed', 'const u = v => v; const w = async x => x; run(y => y, (z, aa) => z); const ab = cond ? ac => ac : null;'],
    ['classes and catch', 'class ad extends Base {} const ae = class af {}; try {} catch (ag) {} try {} catch ({ ah }) {}'],
    ['imports of every kind', "import ai from 'a'; import * as aj from 'b'; import { ak, al as am } from 'c'; import an, { ao } from 'd';"],
    ['loops', 'for (const ap of list) {} for (let aq in obj) {} for (var ar = 0; ar < 1; ar++) {}'],
    ['comments before a binding', 'function as(/* the first */ at, // and then\n au) {}\nconst /* x */ av = 1;'],
    ['TypeScript: types, enums, namespaces, type parameters, parameter properties', [
      'type aw = string; interface ax {} enum ay { A } namespace az {} declare module ba {}',
      'function bb<bc, bd extends bc>(be: bc, bf?: bd): bc { return be; }',
      'class bg { constructor(private bh: number, readonly bi = 1, public override bj?: string) {} }',
      'let bk!: () => void; type bl<T> = T extends Array<infer bm> ? bm : never; const bn: <bo>(x: bo) => bo = (x) => x;',
      "import type bp from 'e'; import bq = require('f');",
    ].join('\n')],
    ['names that are also globals', 'function f(setTimeout, Date) { const { setInterval } = timers; let undefined; }'],
    ['a name written only once, at the start of the text', 'setTimeout => 1'],
  ];
  for (const [title, text] of forms) {
    it(title, () => {
      expect(missed(text, 'file.ts')).toEqual([]);
    });
  }

  it('mayBindFunction: every name bound to a function, alias or not, is kept', () => {
    const text = [
      'function a() {} const b = function () {}; const c = () => 1; let d = async () => {}; const e = c;',
      'function* f() {} const g: () => void = () => {}; const h = function named() {}; const $i = () => 0;',
      'a(); b(); c(); d(); e(); f(); g(); h(); $i(); named;',
    ].join('\n');
    expect(missedFunctions(text)).toEqual([]);
    expect(missedFunctions('const a\n  = () => 1;\na();')).toEqual([]);
  });

  it('accepts every declared name in this repository’s own sources and tests', () => {
    const files = repositoryFiles({ fixtures: false });
    expect(files.length).toBeGreaterThan(50);
    const misses: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const name of missed(text, file)) misses.push(`${file}: ${name}`);
      for (const name of missedFunctions(text, file)) misses.push(`${file}: function ${name}`);
    }
    expect(misses).toEqual([]);
  });
});

describe('mayBindAt: references it rules out', () => {
  it.each([
    ['a call', 'setTimeout(done, 10);', 'setTimeout'],
    ['a member access and optional chaining', 'Date.now(); Date?.now(); Date[key];', 'Date'],
    ['a property of something else', 'globalThis.setTimeout(f); obj.Date = 1;', 'setTimeout'],
    ['an operand', 'x = Date; y = !Date; z = a && Date; if (Date === 1 || Date !== 2 || Date + 1) {}', 'Date'],
    ['a word that is not a declaration keyword before it', 'return undefined; typeof undefined;', 'undefined'],
    ['a tagged template', 'Date`x`;', 'Date'],
  ])('%s', (_title, text, name) => {
    expect(anyOccurrenceMayBind(text, name)).toBe(false);
  });

  it('keeps an arrow parameter, a generator name and a declared function name though `(` or `=>` follows', () => {
    expect(anyOccurrenceMayBind('const f = Date => 1;', 'Date')).toBe(true);
    expect(anyOccurrenceMayBind('function* Date() {}', 'Date')).toBe(true);
    expect(anyOccurrenceMayBind('function Date() {}', 'Date')).toBe(true);
    expect(anyOccurrenceMayBind('async Date() {}', 'Date')).toBe(false);
  });
});

describe('offsetsOfWords: every occurrence of any of the words', () => {
  it('says what a search per word says, with few words and with many', () => {
    const text = readFileSync('src/analysis/scope.ts', 'utf8');
    const few = new Set(['name', 'ctx', 'text']);
    const many = new Set([...text.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]).filter((_, i) => i % 7 === 0));
    expect(many.size).toBeGreaterThan(30);
    for (const words of [few, many]) {
      const expected = [...words].flatMap((word) => wordOffsets(text, word)).sort((a, b) => a - b);
      expect(offsetsOfWords(text, words)).toEqual(expected);
    }
    expect(offsetsOfWords('a ab ba a$ a', new Set(['a']))).toEqual([0, 11]);
  });
});

describe('mayDefineMember: the text gate before the walk for member functions', () => {
  it('accepts every member function of this repository’s sources, tests and examples', () => {
    const files = repositoryFiles({ fixtures: true });
    let paths = 0;
    const misses: string[] = [];
    for (const file of files) {
      let parsed;
      try {
        parsed = parsedFile(readFileSync(file, 'utf8'), file);
      } catch {
        continue; // a fixture that does not parse
      }
      for (const path of memberFunctions(parsed.ctx).keys()) {
        paths++;
        if (!mayDefineMember(parsed.ctx, path)) misses.push(`${file}: ${path}`);
      }
    }
    expect(paths).toBeGreaterThan(20);
    expect(misses).toEqual([]);
  });

  it.each([
    ['an assignment', 'God.checkProcess = function () { return true; };', 'God.checkProcess', true],
    ['a quoted key assigned', "api['isReady'] = () => ready;", 'api.isReady', true],
    ['an object literal method', 'const state = { isIdle() { return idle; } };', 'state.isIdle', true],
    ['an object literal key', "const state = { 'isIdle': () => idle };", 'state.isIdle', true],
    ['a method only called', 'const seen = new Set(); while (!seen.has(x)) {}', 'seen.has', false],
    ['a comparison, not an assignment', 'if (api.isReady == null || api.isReady === x) {}', 'api.isReady', false],
    ['a key of an object the root is not', 'const other = { has() {} }; set.has(x);', 'set.has', false],
  ])('%s', (_title, text, path, expected) => {
    const { ctx } = parsedFile(text);
    expect(mayDefineMember(ctx, path)).toBe(expected);
  });
});
