import type { TSESLint } from '@typescript-eslint/utils';
import { declaresAny, perFile, type FileContext } from './context.js';
import { LOCAL_IMPORT } from './dependence/modules.js';
import { anyWithin, nextNonSpace, wordOffsets } from './words.js';

/**
 * Per-file gates: what a file's text must contain for an analysis to find anything in it. Each one is a
 * necessary condition read off the vocabulary the analysis recognises, so a rule whose gate is closed skips the
 * file without registering a listener (most files of a code base have no sleep at all). A single word is a plain
 * substring search; a group of rare words is one regular expression (one pass over the text, not one per word).
 */

const SLEEP_MODULE = /['"`](?:system-)?sleep['"`]/;
/** One pass each where a miss would scan the text several times (measured: a third less than one `includes` per word). */
const TIMER_WORDS = /set(?:Interval|Timeout|Immediate)|timers|p-wait-for|async-wait-until/;
/** Rarer parts of those words, tried first: `set` starts many words, so `TIMER_WORDS` alone tries many positions
 * (measured: about 40 % less time over a corpus in which few files set a timer). */
const TIMER_HINT = /Timeout|Interval|Immediate|timers|wait-for|wait-until/;
const BLOCKING_WORDS = /Atomics|child_process|deasync/;
/** `while (`, `for (` (a `do … while` ends in `while (`), or the keyword before a comment. */
const LOOP = /\b(?:while|for)\s*[(/]/;

/** What a file's text says before anything is parsed: the facts every gate is made of. */
interface TextFacts {
  /** A `while`, `do … while` or `for (;;)` loop. */
  readonly loops: boolean;
  readonly awaits: boolean;
  /** A timer, an import of `timers`, or a polling package. */
  readonly timers: boolean;
  /** A blocking primitive or a module with one (see `mayBlock`). */
  readonly blocking: boolean;
}

// One entry: the rules of one file ask in turn, and the text is the same string for all of them. A pure function
// of the text, so it is safe under worker threads and in long-lived editor servers alike.
let lastText: string | undefined;
let lastFacts: TextFacts | undefined;

function textFacts(text: string): TextFacts {
  if (text === lastText && lastFacts) return lastFacts;
  lastText = text;
  lastFacts = {
    // Substrings first (a regular expression with a leading alternative tries every position).
    loops: text.includes('while') || ((text.includes('for(') || text.includes('for (')) && LOOP.test(text)),
    awaits: text.includes('await'),
    timers: TIMER_HINT.test(text) && TIMER_WORDS.test(text),
    blocking: BLOCKING_WORDS.test(text) || (text.includes('sleep') && SLEEP_MODULE.test(text)),
  };
  return lastFacts;
}

/** A loop and a reading of the clock: a helper that may spin on it (`while (now - start < ms) now = Date.now()`). */
export function mayBusyWait(text: string): boolean {
  return LOOP_PAREN.test(text) && CLOCK.test(text);
}
const LOOP_PAREN = /\b(?:while|for)\s*\(/;
const CLOCK = /Date\.now|performance\.now|new Date|getTime\(/;

/** Words that say a helper passes time synchronously, each a whole part of a name (`sleepSync`, `busy_wait`, `msleep`). */
const SYNC_SLEEP_PART = /^(?:[mun]?sleep(?:s|ing)?|delay(?:s|ed)?|wait(?:s|ing)?|pause|block(?:s|ing)?|hold|spin(?:s|ning)?|busy)$/;
/** Where a name splits into parts: `_`, `$` and digits, and a lower-case letter before an upper-case one. */
const NAME_PARTS = /[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/;
/** Any of those words anywhere (a quick test before the parts are split). */
const SLEEP_WORD = /sleep|delay|wait|pause|block|hold|spin|busy/i;

/** Whether a name says it passes time: `sleep`, `sleepSync`, `blockFor`, `SLEEP_MS`, but not `isAwaitExpression` or `threshold`. */
export function isSyncSleepName(name: string): boolean {
  if (!SLEEP_WORD.test(name)) return false;
  for (const part of name.split(NAME_PARTS)) if (SYNC_SLEEP_PART.test(part.toLowerCase())) return true;
  return false;
}
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** Every specifier of a project module, where an import or require names it. */
const LOCAL_SPECIFIER = new RegExp(LOCAL_IMPORT.source, 'g');

/** An import or require of a project module that binds a name saying it passes time (the statement before it). */
export function importsSleepyLocal(text: string): boolean {
  LOCAL_SPECIFIER.lastIndex = 0;
  for (let match = LOCAL_SPECIFIER.exec(text); match; match = LOCAL_SPECIFIER.exec(text)) {
    // The statement before the specifier, within 2,000 characters (a search bounded per import, however long the file).
    const window = text.slice(Math.max(0, match.index - 2000), match.index);
    const statement = window.slice(Math.max(window.lastIndexOf(';'), window.lastIndexOf('import'), 0));
    if (SLEEP_WORD.test(statement) && (statement.match(IDENTIFIER) ?? []).some(isSyncSleepName)) return true;
  }
  return false;
}

/**
 * Gates a rule asks before anything else in `create()`, on the text alone: a file they close gets no listener, and
 * its AST is never asked for. (ESLint has parsed the file anyway; oxlint builds the JavaScript AST only when a JS
 * plugin asks for it, and most files of a code base hold no loop, no timer and no `await`.)
 */
export const textGates = {
  /** `no-sleep-polling`'s loop listeners: a loop, and a sleep it can await or a blocking one. */
  loopMayPoll(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
    const facts = textFacts(sourceCode.text);
    return facts.loops && (facts.awaits || facts.blocking);
  },
  /** `no-sleep-polling`'s call listener: as `mayPollWithTimer`, with the polling helpers the options declare. */
  callMayPoll(sourceCode: Readonly<TSESLint.SourceCode>, declaredPolling: boolean): boolean {
    const facts = textFacts(sourceCode.text);
    return declaredPolling || facts.timers || facts.awaits || facts.blocking;
  },
  /** `no-busy-wait`: a loop. */
  loop(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
    return textFacts(sourceCode.text).loops;
  },
  /** `no-blocking-sleep`'s primitives: as `mayBlock`. */
  block(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
    return textFacts(sourceCode.text).blocking;
  },
  /**
   * `no-blocking-sleep`'s helper calls: a helper of this file uses a primitive or spins on the clock, or one of a
   * project module is imported under a name that says it passes time.
   */
  blockingHelper(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
    const text = sourceCode.text;
    const facts = textFacts(text);
    return facts.blocking || (facts.loops && mayBusyWait(text)) || (LOCAL_IMPORT.test(text) && importsSleepyLocal(text));
  },
};

/**
 * Every blocking primitive comes from `Atomics` or a module the file names (`child_process`, `sleep`,
 * `system-sleep`, `deasync`), and a helper around one is in the same file: a file that mentions none of
 * them has no blocking sleep.
 */
export function mayBlock(ctx: FileContext): boolean {
  return textFacts(ctx.sourceCode.text).blocking;
}

/**
 * A loop can only poll with a sleep the analysis knows: one it awaits (every async sleep, helpers included, is
 * awaited in the loop) or a blocking one (see `mayBlock`).
 */
export function mayPollInLoop(ctx: FileContext): boolean {
  const facts = textFacts(ctx.sourceCode.text);
  return facts.awaits || facts.blocking;
}

/**
 * A timer poll needs a timer (`setInterval`, a re-armed `setTimeout` / `setImmediate`, under another name only
 * through an import of `timers`) or a polling helper: a package of known name, a function of this file that
 * loops with an awaited or blocking sleep or sets one of those timers, or a helper the options declare.
 */
export function mayPollWithTimer(ctx: FileContext): boolean {
  return textGates.callMayPoll(ctx.sourceCode, declaresAny(ctx.polling));
}

/**
 * Whether a loop can hold a sleep the analysis knows, before any walk of its body: the text between its ends
 * holds an `await` (a binary search in the file's `await` offsets), or the file may block.
 */
export function mayPollWithin(ctx: FileContext, range: readonly [number, number]): boolean {
  return mayBlock(ctx) || anyWithin(wordsOf(ctx, 'await'), range[0], range[1]);
}

const WORDS = { await: ['await'], loop: ['while', 'for'], timer: ['setInterval', 'setTimeout', 'setImmediate'] } as const;
const WORD_KEYS = { await: 'words:await', loop: 'words:loop', timer: 'words:timer' } as const;

/**
 * Offsets of the words of one kind in the file, ascending (found once per file and kind, and only when asked):
 * `await`, the loop keywords, the timer functions. A wait's parts must lie between them.
 */
export function wordsOf(ctx: FileContext, kind: keyof typeof WORDS): readonly number[] {
  return perFile(ctx, WORD_KEYS[kind], FIND_WORDS[kind]);
}

function findWords(ctx: FileContext, words: readonly string[]): number[] {
  const text = ctx.sourceCode.text;
  const offsets: number[] = [];
  for (const word of words) wordOffsets(text, word, offsets);
  if (words.length > 1) offsets.sort((a, b) => a - b);
  return offsets;
}

/** A loop keyword as a loop begins: `for (`, `for await (`, `while (`, or before a comment (not `for` in prose). */
function startsLoop(text: string, at: number): boolean {
  const i = nextNonSpace(text, at + (text.startsWith('for', at) ? 3 : 5));
  return text[i] === '(' || text[i] === '/' || text.startsWith('await', i);
}

/** One compute function per kind, made once (see `perFile`). */
const FIND_WORDS = {
  await: (ctx: FileContext) => findWords(ctx, WORDS.await),
  loop: (ctx: FileContext) => findWords(ctx, WORDS.loop).filter((at) => startsLoop(ctx.sourceCode.text, at)),
  timer: (ctx: FileContext) => findWords(ctx, WORDS.timer),
};
