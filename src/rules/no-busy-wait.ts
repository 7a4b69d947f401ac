import { describeBusyWait, getFileContext, releaseFileContext, shorten, textGates, type LoopNode } from '../analysis/index.js';
import { createRule } from '../util/create-rule.js';
import { loopHeadLocation } from '../util/location.js';

export type MessageIds = 'busyClock' | 'busyClockMicrotask' | 'busyState' | 'busyStateUntil';
export type Options = [];

export default createRule<Options, MessageIds>({
  name: 'no-busy-wait',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow loops that re-check a condition without ever yielding',
      recommended: true,
    },
    messages: {
      busyClock:
        '`{{condition}}` is re-checked in a loop that never yields: it blocks the event loop, so no callback, timer or I/O runs until the time has passed, and it burns a CPU core meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      busyClockMicrotask:
        '`{{condition}}` is re-checked in a loop that yields only to microtasks (`process.nextTick`, resolved promises): timers and I/O never run in between, so it blocks the event loop until the time has passed and burns a CPU core meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      busyState:
        '`{{condition}}` is re-checked in a loop that never yields: it blocks the event loop, so the callbacks that could change it never run and the loop can never end. Await a promise or event that settles when it changes.',
      busyStateUntil:
        '`{{condition}}` is re-checked in a loop that never yields: it blocks the event loop until its deadline, so the callbacks that could change it never run and it cannot change before then. Await a promise or event that settles when it changes.',
    },
    schema: [],
  },
  create(context) {
    // Only files with a loop (see src/analysis/gate.ts): the others get no listener, and nothing asks for their AST.
    if (!textGates.loop(context.sourceCode)) return {};
    const ctx = getFileContext(context.sourceCode, undefined, context.physicalFilename);

    function check(loop: LoopNode): void {
      const wait = describeBusyWait(loop, ctx);
      if (!wait) return;
      const messageId = wait.kind === 'clock' ? 'busyClock' : wait.kind === 'clock-microtask' ? 'busyClockMicrotask' : wait.kind === 'state' ? 'busyState' : 'busyStateUntil';
      context.report({
        loc: loopHeadLocation(context.sourceCode, loop),
        messageId,
        data: { condition: shorten(wait.conditionText) },
      });
    }

    return {
      // The file's analysis state goes once the file is done (see releaseFileContext).
      'Program:exit': () => releaseFileContext(context.sourceCode),
      WhileStatement: check,
      DoWhileStatement: check,
      ForStatement: check,
    };
  },
});
