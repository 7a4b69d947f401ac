import type { FileContext } from './context.js';

/**
 * Per-file gates: what a file's text must contain for an analysis to find anything in it. Each one is a
 * necessary condition read off the vocabulary the analysis recognises, so a rule whose gate is closed skips the
 * file without registering a listener (most files of a code base have no sleep at all). Plain substring
 * searches, not one regular expression with alternatives: V8 scans for a literal several times faster.
 */

interface Gates {
  block?: boolean;
  /** Offsets of every `await` in the text, ascending. */
  awaits?: number[];
  loopSleep?: boolean;
  timer?: boolean;
}

/** Keyed by the file's AST, so the rules (each with its own `FileContext`) share one answer per file. */
const gates = new WeakMap<object, Gates>();

function gatesOf(ctx: FileContext): Gates {
  const ast = ctx.sourceCode.ast;
  let entry = gates.get(ast);
  if (!entry) {
    entry = {};
    gates.set(ast, entry);
  }
  return entry;
}

const SLEEP_MODULE = /['"`](?:system-)?sleep['"`]/;

/**
 * Every blocking primitive comes from `Atomics` or a module the file names (`child_process`, `sleep`,
 * `system-sleep`, `deasync`), and a helper around one is in the same file: a file that mentions none of
 * them has no blocking sleep.
 */
export function mayBlock(ctx: FileContext): boolean {
  const entry = gatesOf(ctx);
  if (entry.block === undefined) {
    const text = ctx.sourceCode.text;
    entry.block =
      text.includes('Atomics') || text.includes('child_process') || text.includes('deasync') || (text.includes('sleep') && SLEEP_MODULE.test(text));
  }
  return entry.block;
}

/**
 * A loop can only poll with a sleep the analysis knows: one it awaits (every async sleep, helpers included, is
 * awaited in the loop) or a blocking one (see `mayBlock`).
 */
export function mayPollInLoop(ctx: FileContext): boolean {
  const entry = gatesOf(ctx);
  entry.loopSleep ??= ctx.sourceCode.text.includes('await') || mayBlock(ctx);
  return entry.loopSleep;
}

/**
 * A timer poll needs a timer (`setInterval`, a re-armed `setTimeout` / `setImmediate`, under another name only
 * through an import of `timers`) or a polling helper: a package of known name, a function of this file that
 * loops with an awaited or blocking sleep or sets one of those timers, or a helper the options declare.
 */
export function mayPollWithTimer(ctx: FileContext): boolean {
  const polling = ctx.polling;
  if (polling.names.size + polling.paths.size + polling.modules.size > 0) return true;
  const entry = gatesOf(ctx);
  if (entry.timer === undefined) {
    const text = ctx.sourceCode.text;
    entry.timer =
      text.includes('setInterval') || text.includes('setTimeout') || text.includes('setImmediate') || text.includes('timers') ||
      text.includes('p-wait-for') || text.includes('async-wait-until') || mayPollInLoop(ctx);
  }
  return entry.timer;
}

/**
 * Whether a loop can hold a sleep the analysis knows, before any walk of its body: the text between its ends
 * holds an `await` (a binary search in the file's `await` offsets, found once per file), or the file may block.
 */
export function mayPollWithin(ctx: FileContext, range: readonly [number, number]): boolean {
  if (mayBlock(ctx)) return true;
  const entry = gatesOf(ctx);
  const awaits = (entry.awaits ??= offsetsOf(ctx.sourceCode.text, 'await'));
  let low = 0;
  let high = awaits.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (awaits[mid]! < range[0]) low = mid + 1;
    else high = mid;
  }
  return low < awaits.length && awaits[low]! < range[1];
}

function offsetsOf(text: string, word: string): number[] {
  const offsets: number[] = [];
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) offsets.push(at);
  return offsets;
}
