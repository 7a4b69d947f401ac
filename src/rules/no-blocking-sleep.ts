import { findBlockingSleep, formatDelay, getFileContext, mayBlock, shorten } from '../analysis/index.js';
import { createRule } from '../util/create-rule.js';

export type MessageIds = 'atomicsWait' | 'childProcess' | 'sleepPackage' | 'deasyncSleep' | 'deasyncLoop';
export type Options = [];

export default createRule<Options, MessageIds>({
  name: 'no-blocking-sleep',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow sleeps that block the whole thread',
      recommended: true,
    },
    messages: {
      atomicsWait:
        '`{{call}}` waits on a buffer no other thread can notify: it is a sleep that blocks the whole thread for {{interval}}, and no callback, timer or I/O of this thread runs meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`), or use `Atomics.waitAsync` on a cell another thread notifies.',
      childProcess:
        '`{{call}}` starts a process only to pass time: it blocks the whole thread for {{interval}}, and no callback, timer or I/O of this thread runs meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      sleepPackage:
        '`{{call}}` blocks the whole thread for {{interval}}: no callback, timer or I/O of this thread runs meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      deasyncSleep:
        '`{{call}}` holds its caller for {{interval}} while running the event loop underneath it: callers cannot go on concurrently, and callbacks run in the middle of a function that looks synchronous. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      deasyncLoop:
        '`{{call}}` holds its caller in a loop that runs the event loop underneath it until something changes: callers cannot go on concurrently, and callbacks run in the middle of a function that looks synchronous. Await the promise or event that signals the change instead.',
    },
    schema: [],
  },
  create(context) {
    const ctx = getFileContext(context.sourceCode, undefined, context.physicalFilename);
    if (!mayBlock(ctx)) return {};
    return {
      CallExpression(call) {
        const sleep = findBlockingSleep(call, ctx);
        if (!sleep) return;
        const messageId =
          sleep.kind === 'atomics'
            ? 'atomicsWait'
            : sleep.kind === 'child-process'
              ? 'childProcess'
              : sleep.kind === 'sleep-package'
                ? 'sleepPackage'
                : sleep.via === 'deasync.sleep()'
                  ? 'deasyncSleep'
                  : 'deasyncLoop';
        context.report({
          node: call.callee,
          messageId,
          data: { call: shorten(context.sourceCode.getText(call), 60), interval: formatDelay(sleep.delay) },
        });
      },
    };
  },
});
