import type { TSESTree } from '@typescript-eslint/utils';
import { describeLoopWait, formatDelay, getFileContext, shorten, type LoopNode } from '../analysis/index.js';
import { createRule } from '../util/create-rule.js';

export type MessageIds = 'polled' | 'polledZero' | 'polledBlocking';
export type Options = [
  {
    sleepFunctions?: (string | { from: string; name?: string })[];
    reportWorkLoops?: boolean;
  },
];

export default createRule<Options, MessageIds>({
  name: 'no-sleep-polling',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow waiting for in-process state by polling it with a fixed sleep',
      recommended: true,
    },
    messages: {
      polled:
        '`{{condition}}` is polled every {{interval}}: each wait lasts up to {{interval}} longer than the work it waits for. Await a promise or event that settles when it changes.',
      polledZero:
        '`{{condition}}` is polled on every turn of the event loop: the loop spins the CPU until it changes. Await a promise or event that settles when it changes.',
      polledBlocking:
        '`{{condition}}` is polled with a blocking sleep of {{interval}}: nothing else in this thread runs while it sleeps, so the state cannot change in between. Await a promise or event that settles when it changes.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          sleepFunctions: {
            type: 'array',
            description:
              'More functions that sleep: a name (`pause`), a member path (`utils.pause`), or `{ "from": "module", "name": "export" }` (name defaults to the default export).',
            items: {
              anyOf: [
                { type: 'string', minLength: 1 },
                {
                  type: 'object',
                  properties: {
                    from: { type: 'string', minLength: 1, description: 'The module specifier, as imported.' },
                    name: { type: 'string', minLength: 1, description: 'The export; `default` when omitted.' },
                  },
                  required: ['from'],
                  additionalProperties: false,
                },
              ],
            },
          },
          reportWorkLoops: {
            type: 'boolean',
            description:
              'Also report loops on a bare flag whose body does other work besides sleeping (periodic workers, heartbeats), which are silent by default.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ sleepFunctions: [], reportWorkLoops: false }],
  },
  create(context, [options]) {
    const ctx = getFileContext(context.sourceCode, options);

    function check(loop: LoopNode): void {
      const wait = describeLoopWait(loop, ctx);
      if (!wait) return;
      const condition = shorten(wait.conditionText);
      const interval = formatDelay(wait.sleep.delay);
      const messageId = wait.sleep.blocking ? 'polledBlocking' : wait.sleep.zero ? 'polledZero' : 'polled';
      context.report({ loc: headLocation(loop), messageId, data: { condition, interval } });
    }

    function headLocation(loop: LoopNode): TSESTree.SourceLocation {
      const source = context.sourceCode;
      if (loop.type === 'DoWhileStatement') return source.getFirstToken(loop)!.loc;
      const beforeBody = source.getTokenBefore(loop.body)!;
      return { start: loop.loc.start, end: beforeBody.loc.end };
    }

    return {
      WhileStatement: check,
      DoWhileStatement: check,
      ForStatement: check,
    };
  },
});
