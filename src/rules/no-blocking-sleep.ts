import { findBlockingHelperCall, findBlockingSleep, formatDelay, getFileContext, mayCallBlockingHelper, releaseFileContext, shorten, textGates } from '../analysis/index.js';
import { createRule } from '../util/create-rule.js';

export type MessageIds = 'atomicsWait' | 'childProcess' | 'sleepPackage' | 'deasyncSleep' | 'deasyncLoop' | 'blockingHelper';
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
      blockingHelper:
        '`{{call}}` blocks the whole thread{{interval}}: `{{helper}}`{{where}} {{how}}, and no callback, timer or I/O of this thread runs meanwhile. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      deasyncSleep:
        '`{{call}}` holds its caller for {{interval}} while running the event loop underneath it: callers cannot go on concurrently, and callbacks run in the middle of a function that looks synchronous. Await a timer instead (`await setTimeout(ms)` from `node:timers/promises`).',
      deasyncLoop:
        '`{{call}}` holds its caller in a loop that runs the event loop underneath it until something changes: callers cannot go on concurrently, and callbacks run in the middle of a function that looks synchronous. Await the promise or event that signals the change instead.',
    },
    schema: [],
  },
  create(context) {
    // Text first (see src/analysis/gate.ts): most files get no listener and no context.
    const primitives = textGates.block(context.sourceCode);
    if (!primitives && !textGates.blockingHelper(context.sourceCode)) return {};
    const ctx = getFileContext(context.sourceCode, undefined, context.physicalFilename);
    const helpers = mayCallBlockingHelper(ctx);
    // The file's analysis state goes once the file is done (see releaseFileContext).
    const release = () => releaseFileContext(context.sourceCode);
    if (!primitives && !helpers) return { 'Program:exit': release };
    const HOW = {
      atomics: 'waits on a buffer no other thread can notify',
      'child-process': 'runs a child process only to pass the time',
      'sleep-package': 'calls a blocking sleep package',
      'busy-wait': 'spins on the clock until the time has passed',
      deasync: 'turns the event loop underneath its caller',
    } as const;

    return {
      'Program:exit': release,
      CallExpression(call) {
        const sleep = primitives ? findBlockingSleep(call, ctx) : null;
        if (!sleep) {
          const helper = helpers ? findBlockingHelperCall(call, ctx) : null;
          if (!helper) return;
          const known = helper.delay.value !== null || helper.delay.text !== null;
          context.report({
            node: call.callee,
            messageId: 'blockingHelper',
            data: {
              call: shorten(context.sourceCode.getText(call), 60),
              interval: known ? ` for ${formatDelay(helper.delay)}` : '',
              helper: helper.helper,
              where: helper.from ? ` (from \`${helper.from}\`)` : '',
              how: HOW[helper.kind],
            },
          });
          return;
        }
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
