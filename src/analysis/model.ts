import type { TSESTree } from '@typescript-eslint/utils';
import type { Node } from './ast.js';
import type { Delay } from './evaluate.js';
import type { SleepCall } from './sleep.js';

/**
 * The one description every shape of waiting is reduced to (a loop, a guarded wait inside a larger loop, a
 * `setInterval` callback, a re-armed timer, a polling helper's call, a polling helper's own definition). The
 * shapes in `shapes/` build it; `judge.ts` decides from it alone whether it is a sleep-poll of in-process state.
 */
export interface Wait {
  shape: WaitShape;
  /** The node a report is about: the loop, the guarding `if`, the timer or helper call. */
  node: Node;
  /**
   * The code the waiting runs in: variables declared inside it (or in the waiting function, for a loop) are the
   * waiter's own, followed to what they were assigned from.
   */
  owner: Node;
  /** Ways out of the wait, each with its condition and kind. */
  exits: Exit[];
  iteration: Iteration;
  delay: WaitDelay;
  /** How it waits, for messages: `setInterval`, `setTimeout`, `waitFor()`. */
  via: string;
}

export type WaitShape = 'loop' | 'guard' | 'interval' | 'rearm' | 'helper-call';

/**
 * One way out of the wait. `success`: the awaited state holds (break, return, resolve, clear-and-continue, the
 * guard falls through to the work). `failure`: the waiter gives up or refuses to go on (throw, reject,
 * `resolve(false)`, a bare stop after N attempts or at a deadline). Only success exits say what is waited for.
 */
export interface Exit {
  /** The tests on the path to the exit (a loop's test, the `if` tests around a `clearInterval`, a predicate). */
  conditions: Node[];
  kind: 'success' | 'failure';
  /** Taken when a call in a `try` block does not throw (`try { assertion(); return } catch { sleep }`). */
  viaTry?: boolean;
  /** The loop's own test (`while (running)`): the loop goes on while it holds. */
  loopTest?: boolean;
}

/** The code that runs between two sleeps, and what it does besides checking. */
export interface Iteration {
  /** Access paths the iteration writes (`this.count`, `queue`, a local): what it changes itself. */
  written: Set<string>;
  /** Objects the iteration changes through a method (`buf.push(x)`) or hands to a call that may. */
  mutated: Set<string>;
  /** Calls (and `new`) that are neither sleeps, logging, nor reads feeding an exit: work of its own. */
  workCalls: number;
  /** Writes to state outside the waiter (`this.ticks++`, `stats.last = …`): a periodic task, not a wait. */
  sharedWrites: number;
  /** Logging calls (`console.log`, `logger.debug`). */
  logs: number;
  /** Awaits that are not sleeps (I/O, the work itself): the iteration asks something else. */
  otherAwaits: number;
}

export interface WaitDelay {
  /** The sleep between checks (for a loop: the first one), when it is an expression of its own. */
  sleep: SleepCall | null;
  delay: Delay;
  zero: boolean;
  blocking: boolean;
  /** Computed per attempt (back-off, jitter) or from what the iteration changes: a retry, not a poll. */
  computed: boolean;
  /** The helper's interval is not known at all (a declared helper with no interval argument). */
  unknown: boolean;
}

/** What the judgement found: the atoms of success exits that read in-process state nothing in the waiter changes. */
export interface Judgement {
  polled: import('./dependence/atoms.js').Atom[];
  /** Source text naming what is polled (the smallest part of each condition holding its polled atoms). */
  conditionText: string;
  /** Every polled atom is a synchronous predicate the waiting function was given (a polling helper's own loop). */
  predicate: string | null;
  /** The polled state is the page's own DOM: a `MutationObserver` (or `ResizeObserver`) is what to await. */
  dom: boolean;
}

export type TimerCall = TSESTree.CallExpression;
