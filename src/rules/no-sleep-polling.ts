import type { JSONSchema, TSESLint, TSESTree } from '@typescript-eslint/utils';
import { describeGuardWaits, describeLoopWait, describeReplacement, describeTimerWait, enclosingFunction, functionName, type Judgement, formatDelay, getFileContext, releaseFileContext, shorten, textGates, type LoopNode, type Replacement } from '../analysis/index.js';
import { createRule } from '../util/create-rule.js';

export type MessageIds =
  | 'polled' | 'polledZero' | 'polledBlocking' | 'polledAwait' | 'polledZeroAwait' | 'polledDeasync' | 'replaceLoop'
  | 'intervalPolled' | 'rearmPolled' | 'helperPolled' | 'helperPolledDefault' | 'timerPolledZero' | 'predicatePolled' | 'domPolled';
export type Options = [
  {
    sleepFunctions?: (string | { from: string; name?: string })[];
    reportWorkLoops?: boolean;
    pollingFunctions?: (string | { from: string; name?: string })[];
    drainMethods?: { poll: string; await: string }[];
  },
];

/** One entry of `sleepFunctions` / `pollingFunctions`: a name, a member path, or an export of a module. */
const FUNCTION_REFERENCE: JSONSchema.JSONSchema4 = {
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
};

export default createRule<Options, MessageIds>({
  name: 'no-sleep-polling',
  meta: {
    type: 'problem',
    fixable: 'code',
    hasSuggestions: true,
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
      polledDeasync:
        '`{{condition}}` is polled by turning the event loop with `deasync`: the synchronous caller stays blocked and the CPU spins until it changes. Await a promise or event that settles when it changes.',
      polledAwait:
        '`{{condition}}` is polled every {{interval}}: each wait lasts up to {{interval}} longer than the work it waits for. Await `{{awaited}}` instead.',
      polledZeroAwait:
        '`{{condition}}` is polled on every turn of the event loop: the loop spins the CPU until it changes. Await `{{awaited}}` instead.',
      replaceLoop: 'Replace the polling loop with `await {{awaited}}`.',
      intervalPolled:
        '`{{condition}}` is polled every {{interval}} by a `setInterval` callback: each wait lasts up to {{interval}} longer than the work it waits for. Await a promise or event that settles when it changes.',
      rearmPolled:
        '`{{condition}}` is polled every {{interval}} by re-arming `{{timer}}`: each wait lasts up to {{interval}} longer than the work it waits for. Await a promise or event that settles when it changes.',
      helperPolled:
        '`{{condition}}` is polled every {{interval}} by `{{helper}}`: each wait lasts up to {{interval}} longer than the work it waits for. Await a promise or event that settles when it changes.',
      helperPolledDefault:
        '`{{condition}}` is polled by `{{helper}}` at a fixed interval: each wait lasts up to one interval longer than the work it waits for. Await a promise or event that settles when it changes.',
      predicatePolled:
        '`{{helper}}` polls the synchronous predicate `{{condition}}` {{every}}: a synchronous predicate can only read this process\'s memory, so every caller waits up to one interval longer than the change it waits for. Take a promise (or an event) that settles when the state changes, instead of a predicate.',
      domPolled:
        '`{{condition}}` polls the page\'s own DOM {{every}}{{how}}: each wait lasts up to one interval longer than the change it waits for. Await a `MutationObserver` (or `ResizeObserver`, for sizes) callback that settles when it changes.',
      timerPolledZero:
        '`{{condition}}` is polled on every turn of the event loop by {{how}}: it keeps the CPU busy until it changes. Await a promise or event that settles when it changes.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          sleepFunctions: {
            type: 'array',
            description:
              'More functions that sleep: a name (`pause`), a member path (`utils.pause`), or `{ "from": "module", "name": "export" }` (name defaults to the default export).',
            items: FUNCTION_REFERENCE,
          },
          pollingFunctions: {
            type: 'array',
            description:
              'More polling helpers, called with a predicate as first argument (`waitFor(() => cond)`): a name, a member path, or `{ "from": "module", "name": "export" }`, as in `sleepFunctions`.',
            items: FUNCTION_REFERENCE,
          },
          drainMethods: {
            type: 'array',
            description:
              'Polled members of other objects mapped to a method that returns a promise settling when the polled state is drained, e.g. `{ "poll": "getOutstandingRecordsCount", "await": "flush" }`: the loop is then rewritten to `await obj.flush()`.',
            items: {
              type: 'object',
              properties: {
                poll: { type: 'string', minLength: 1, description: 'The member the loop polls (a method called without arguments, or a property).' },
                await: { type: 'string', minLength: 1, description: 'The method on the same object whose promise settles when the polled state is drained.' },
              },
              required: ['poll', 'await'],
              additionalProperties: false,
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
    defaultOptions: [{ sleepFunctions: [], reportWorkLoops: false, pollingFunctions: [], drainMethods: [] }],
  },
  create(context, [options]) {
    // Each half only where the file's text can hold what it looks for (see src/analysis/gate.ts); a file that holds
    // neither gets no listener, and nothing here asks for its AST.
    const pollCalls = textGates.callMayPoll(context.sourceCode, (options.pollingFunctions?.length ?? 0) > 0);
    const pollLoops = textGates.loopMayPoll(context.sourceCode);
    if (!pollCalls && !pollLoops) return {};
    const ctx = getFileContext(context.sourceCode, options, context.physicalFilename);

    /** The helper and DOM messages, shared by every shape; null for the shape's own message. */
    function special(judgement: Judgement, node: TSESTree.Node, every: string, how: string): { messageId: MessageIds; data: Record<string, string> } | null {
      const condition = shorten(judgement.conditionText);
      if (judgement.predicate !== null) {
        let fn = enclosingFunction(node);
        while (fn && !fn.params.some((p) => p.type === 'Identifier' && p.name === judgement.predicate)) fn = enclosingFunction(fn);
        return { messageId: 'predicatePolled', data: { helper: `${(fn && functionName(fn)) ?? 'this helper'}()`, condition, every } };
      }
      if (judgement.dom) return { messageId: 'domPolled', data: { condition, every, how } };
      return null;
    }

    function every(delay: { value: number | null }, text: string): string {
      return delay.value === 0 ? 'on every turn of the event loop' : `every ${text}`;
    }

    function check(loop: LoopNode): void {
      for (const guard of describeGuardWaits(loop, ctx)) {
        const interval = formatDelay(guard.sleep.delay);
        const other = special(guard, guard.node, every(guard.sleep.delay, interval), '');
        const loc = (guard.node as TSESTree.IfStatement).test.loc;
        if (other) context.report({ loc, ...other });
        else context.report({ loc, messageId: guard.sleep.zero ? 'polledZero' : 'polled', data: { condition: shorten(guard.conditionText), interval } });
      }
      const wait = describeLoopWait(loop, ctx);
      if (!wait) return;
      const other = wait.sleep.blocking ? null : special(wait, loop, every(wait.sleep.delay, formatDelay(wait.sleep.delay)), '');
      if (other) {
        context.report({ loc: headLocation(loop), ...other });
        return;
      }
      const condition = shorten(wait.conditionText);
      const interval = formatDelay(wait.sleep.delay);
      const replacement = wait.sleep.blocking ? null : describeReplacement(wait, ctx, options.drainMethods);
      const messageId = wait.sleep.blocking
        ? (wait.sleep as { kind?: string }).kind === 'deasync' ? 'polledDeasync' : 'polledBlocking'
        : wait.sleep.zero
          ? replacement ? 'polledZeroAwait' : 'polledZero'
          : replacement ? 'polledAwait' : 'polled';
      const data = { condition, interval, awaited: replacement?.awaited ?? '' };
      if (!replacement) {
        context.report({ loc: headLocation(loop), messageId, data });
        return;
      }
      const apply = (fixer: TSESLint.RuleFixer) => applyReplacement(fixer, replacement);
      context.report({
        loc: headLocation(loop),
        messageId,
        data,
        fix: replacement.autofix ? apply : null,
        suggest: replacement.autofix ? [] : [{ messageId: 'replaceLoop', data: { awaited: replacement.awaited }, fix: apply }],
      });
    }

    function applyReplacement(fixer: TSESLint.RuleFixer, replacement: Replacement): TSESLint.RuleFix[] {
      const fixes = [fixer.replaceTextRange([...replacement.range], replacement.text)];
      const add = replacement.addImport;
      if (add) fixes.push(fixer.insertTextAfterRange([add.at, add.at], add.text));
      for (const edit of replacement.deadCode ?? []) fixes.push(fixer.replaceTextRange([...edit.range], edit.text));
      return fixes;
    }

    function headLocation(loop: LoopNode): TSESTree.SourceLocation {
      const source = context.sourceCode;
      if (loop.type === 'DoWhileStatement') return source.getFirstToken(loop)!.loc;
      const beforeBody = source.getTokenBefore(loop.body)!;
      return { start: loop.loc.start, end: beforeBody.loc.end };
    }

    function checkCall(call: TSESTree.CallExpression): void {
      const wait = describeTimerWait(call, ctx);
      if (!wait) return;
      const condition = shorten(wait.conditionText);
      const interval = formatDelay(wait.delay);
      const how = wait.kind === 'interval' ? ' from a `setInterval` callback' : wait.kind === 'rearm' ? ` by re-arming \`${wait.via}\`` : ` through \`${wait.via}\``;
      const other = special(wait, call, wait.delayUnknown ? 'at a fixed interval' : every(wait.delay, interval), how);
      if (other && (wait.kind !== 'helper' || other.messageId === 'domPolled')) {
        context.report({ node: call.callee, ...other });
        return;
      }
      if (wait.zero) {
        const how = wait.kind === 'interval' ? 'a `setInterval` callback' : wait.kind === 'rearm' ? `re-arming \`${wait.via}\`` : `\`${wait.via}\``;
        context.report({ node: call.callee, messageId: 'timerPolledZero', data: { condition, how } });
      } else if (wait.kind === 'interval') {
        context.report({ node: call.callee, messageId: 'intervalPolled', data: { condition, interval } });
      } else if (wait.kind === 'rearm') {
        context.report({ node: call.callee, messageId: 'rearmPolled', data: { condition, interval, timer: wait.via } });
      } else {
        const messageId = wait.delayUnknown ? 'helperPolledDefault' : 'helperPolled';
        context.report({ node: call.callee, messageId, data: { condition, interval, helper: wait.via } });
      }
    }

    const listeners: TSESLint.RuleListener = {};
    if (pollCalls) listeners.CallExpression = checkCall;
    if (pollLoops) {
      listeners.WhileStatement = check;
      listeners.DoWhileStatement = check;
      listeners.ForStatement = check;
    }
    // The file's analysis state goes once the file is done (see releaseFileContext).
    listeners['Program:exit'] = () => releaseFileContext(context.sourceCode);
    return listeners;
  },
});
