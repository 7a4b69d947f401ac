/**
 * Words in a file's text, found by substring search with identifier-boundary checks (no match object per
 * occurrence). The analysis asks the text before the AST or the scope manager wherever the text can say no.
 */

/** A character of an identifier (`NaN`, outside the text, counts as none; any non-ASCII character counts as one). */
export function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 || code > 127;
}

/**
 * Above this many characters a text is a bundle or a compiler: where a search per name or per path would add up to more
 * than one pass over the whole text or tree, the analysis makes that one pass.
 */
export const VERY_LONG_TEXT = 200_000;

/** Offsets of `word` as a whole identifier in `text`, ascending, pushed onto `into`. */
export function wordOffsets(text: string, word: string, into: number[] = []): number[] {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) into.push(at);
  }
  return into;
}

/**
 * Offsets of any of `words` as whole identifiers, ascending: a search per word for a few, else one pass over the
 * text's words (a long list in a long text, where a search per word would cost more).
 */
export function offsetsOfWords(text: string, words: ReadonlySet<string>): number[] {
  const into: number[] = [];
  if (words.size <= SEARCH_PER_WORD) {
    for (const word of words) wordOffsets(text, word, into);
    return words.size > 1 ? into.sort((a, b) => a - b) : into;
  }
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < length && isWordChar(text.charCodeAt(end))) end++;
    if (words.has(text.slice(i, end))) into.push(i);
    i = end;
  }
  return into;
}
const SEARCH_PER_WORD = 24;

/** The first offset at or after `at` (binary search), or Infinity. */
export function firstAtOrAfter(offsets: readonly number[], at: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (offsets[mid]! < at) low = mid + 1;
    else high = mid;
  }
  return low < offsets.length ? offsets[low]! : Infinity;
}

/** Whether some offset lies in [start, end). */
export function anyWithin(offsets: readonly number[], start: number, end: number): boolean {
  return firstAtOrAfter(offsets, start) < end;
}

const SPACE = /\s/;
/** Characters that start an operator after an operand (not `=`, `?`, `<`, `>` or `/`: an initialiser or default, an
 * optional parameter, type parameters' brackets and a comment may follow a binding; `!` only as `name!:`, a definite
 * assignment). */
const OPERATOR_AFTER = new Set(['!', '&', '|', '+', '-', '*', '%', '^']);

function previousNonSpace(text: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && SPACE.test(text[i]!)) i--;
  return i;
}

/** The first offset at or after `at` that holds no white space (the text's length if none). */
export function nextNonSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && SPACE.test(text[i]!)) i++;
  return i;
}

/** Words a binding can follow: declaration keywords, `import … as`, `async x =>` and parameter-property modifiers. */
const BINDING_KEYWORDS = new Set([
  'var', 'let', 'const', 'using', 'function', 'class', 'import', 'as', 'async', 'enum', 'namespace', 'module', 'type',
  'interface', 'infer', 'private', 'protected', 'public', 'readonly', 'override',
]);
/** Punctuation a binding can follow: list and pattern starts and separators, a pattern's `key:`, a generator's `*`,
 * type parameters' `<`, a decorator's `)`, a comment's `/` and a rest's `...` (its last dot). */
const BINDING_PUNCTUATION = new Set([',', '(', '{', '[', ':', '*', '<', ')', '/', '.']);

/**
 * Whether the occurrence of an identifier at `at` (of `length` characters) can be where a declaration binds it: after
 * a word that can come before a binding (`const`, `function`, `as`, …) or punctuation that can (`(`, `,`, `{`, …,
 * `...`, not `a.name`), not before an operator or a member access (`.`, `?.`, `[`, a template) and not before `(`
 * unless it names the function being declared (`function name(`, `function* name(`); an arrow function's only
 * parameter (`name =>`) after anything. A superset, never a miss:
 * comments and strings may count, and a name at the start of the text does.
 */
export function mayBindAt(text: string, at: number, length: number): boolean {
  const after = nextNonSpace(text, at + length);
  // An arrow function's only parameter (`= name =>`, `return name =>`), after whatever.
  if (text.startsWith('=>', after)) return true;
  const before = previousNonSpace(text, at);
  // The first thing on its line may follow a comment, which can end in anything.
  if (before >= 0 && !text.slice(before, at).includes('\n')) {
    const code = text.charCodeAt(before);
    if (isWordChar(code)) {
      let start = before;
      while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
      if (!BINDING_KEYWORDS.has(text.slice(start, before + 1))) return false;
    } else {
      const char = text[before]!;
      if (!BINDING_PUNCTUATION.has(char)) return false;
      if (char === '.' && !(before >= 2 && text[before - 1] === '.' && text[before - 2] === '.')) return false;
    }
  }
  const next = text[after];
  if (next === '.' || next === '[' || next === '`') return false;
  if (next === '?' && text[after + 1] === '.') return false;
  // Before an operator it is an operand (`name !== x`, `name && y`, `name + 1`, `name == null`).
  if (next !== undefined && OPERATOR_AFTER.has(next) && !(next === '!' && text[nextNonSpace(text, after + 1)] === ':')) return false;
  if (next === '=' && text[after + 1] === '=') return false;
  if (next === '(') return text[before] === '*' || text.slice(Math.max(0, before - 7), before + 1) === 'function';
  return true;
}

/**
 * Whether the occurrence at `at` can be where a function is bound to the name: after `function` or a generator's
 * `*`, or (not after a `.`) before `=` (not `==` or `=>`) or, with `annotations` (TypeScript), `:` — a declarator,
 * maybe typed, or an alias.
 */
export function mayBindFunctionAt(text: string, at: number, length: number, annotations = true): boolean {
  const before = previousNonSpace(text, at);
  if (before >= 0 && (text[before] === '*' || text.slice(Math.max(0, before - 7), before + 1) === 'function')) return true;
  if (at > 0 && (isWordChar(text.charCodeAt(at - 1)) || text[at - 1] === '.')) return false;
  const after = nextNonSpace(text, at + length);
  const next = text[after];
  // `name: Type = …` only where types can be written; in JavaScript a `name:` is a key, a label or a case.
  if (next === ':') return annotations;
  return next === '=' && text[after + 1] !== '=' && text[after + 1] !== '>';
}

/** In `bindingIndex`: some occurrence may bind the name. */
export const MAY_BIND = 1;
/** In `bindingIndex`: some occurrence may bind a function to the name. */
export const MAY_BIND_FUNCTION = 2;

/**
 * Every identifier-like word of the text with `MAY_BIND` / `MAY_BIND_FUNCTION` as `mayBindAt` and
 * `mayBindFunctionAt` say for its occurrences (`annotations`: the language has type annotations): one linear pass,
 * for a file so large (a bundle) that a search per name would cost more.
 */
export function bindingIndex(text: string, annotations = true): Map<string, number> {
  const index = new Map<string, number>();
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (!isWordChar(code)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < length && isWordChar(text.charCodeAt(end))) end++;
    if (code < 48 || code > 57) {
      const name = text.slice(i, end);
      const flags = index.get(name) ?? 0;
      if (flags !== (MAY_BIND | MAY_BIND_FUNCTION)) {
        let next = flags;
        if ((flags & MAY_BIND) === 0 && mayBindAt(text, i, end - i)) next |= MAY_BIND;
        if ((flags & MAY_BIND_FUNCTION) === 0 && mayBindFunctionAt(text, i, end - i, annotations)) next |= MAY_BIND_FUNCTION;
        if (next !== flags || !index.has(name)) index.set(name, next);
      }
    }
    i = end;
  }
  return index;
}
