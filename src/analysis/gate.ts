import { declaresAny, perFile, type FileContext } from './context.js';

/**
 * Per-file gates: what a file's text must contain for an analysis to find anything in it. Each one is a
 * necessary condition read off the vocabulary the analysis recognises, so a rule whose gate is closed skips the
 * file without registering a listener (most files of a code base have no sleep at all). Plain substring
 * searches, not one regular expression with alternatives: V8 scans for a literal several times faster.
 */

const SLEEP_MODULE = /['"`](?:system-)?sleep['"`]/;

/**
 * Every blocking primitive comes from `Atomics` or a module the file names (`child_process`, `sleep`,
 * `system-sleep`, `deasync`), and a helper around one is in the same file: a file that mentions none of
 * them has no blocking sleep.
 */
export function mayBlock(ctx: FileContext): boolean {
  return perFile(ctx, 'gate:block', mentionsBlocking);
}

function mentionsBlocking(ctx: FileContext): boolean {
  const text = ctx.sourceCode.text;
  return text.includes('Atomics') || text.includes('child_process') || text.includes('deasync') || (text.includes('sleep') && SLEEP_MODULE.test(text));
}

/**
 * A loop can only poll with a sleep the analysis knows: one it awaits (every async sleep, helpers included, is
 * awaited in the loop) or a blocking one (see `mayBlock`).
 */
export function mayPollInLoop(ctx: FileContext): boolean {
  return perFile(ctx, 'gate:loop', mentionsLoopSleep);
}

function mentionsLoopSleep(ctx: FileContext): boolean {
  return ctx.sourceCode.text.includes('await') || mayBlock(ctx);
}

/**
 * A timer poll needs a timer (`setInterval`, a re-armed `setTimeout` / `setImmediate`, under another name only
 * through an import of `timers`) or a polling helper: a package of known name, a function of this file that
 * loops with an awaited or blocking sleep or sets one of those timers, or a helper the options declare.
 */
export function mayPollWithTimer(ctx: FileContext): boolean {
  return declaresAny(ctx.polling) || perFile(ctx, 'gate:timer', mentionsTimer);
}

function mentionsTimer(ctx: FileContext): boolean {
  const text = ctx.sourceCode.text;
  return (
    text.includes('setInterval') || text.includes('setTimeout') || text.includes('setImmediate') || text.includes('timers') ||
    text.includes('p-wait-for') || text.includes('async-wait-until') || mayPollInLoop(ctx)
  );
}

/**
 * Whether a loop can hold a sleep the analysis knows, before any walk of its body: the text between its ends
 * holds an `await` (a binary search in the file's `await` offsets, found once per file), or the file may block.
 */
export function mayPollWithin(ctx: FileContext, range: readonly [number, number]): boolean {
  if (mayBlock(ctx)) return true;
  const awaits = perFile(ctx, 'gate:await-offsets', awaitOffsets);
  let low = 0;
  let high = awaits.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (awaits[mid]! < range[0]) low = mid + 1;
    else high = mid;
  }
  return low < awaits.length && awaits[low]! < range[1];
}

/** Offsets of every `await` in the text, ascending. */
function awaitOffsets(ctx: FileContext): number[] {
  const text = ctx.sourceCode.text;
  const offsets: number[] = [];
  for (let at = text.indexOf('await'); at !== -1; at = text.indexOf('await', at + 5)) offsets.push(at);
  return offsets;
}
