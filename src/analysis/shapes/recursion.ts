import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { calleeName, enclosingFunction, unwrap, type Node } from '../ast.js';
import type { FileContext } from '../context.js';
import type { Wait } from '../model.js';
import { iterationFacts } from './loop.js';
import { namesSelf, pathExits, sameInputs } from './rearm.js';

/**
 * Reduces an `async` function that sleeps and then calls itself again to a wait: the recursion is its loop
 * (`async function until(job) { if (job.done) return; await sleep(10); return until(job); }`).
 */
export function recursionShape(call: TSESTree.CallExpression, ctx: FileContext): Wait | null {
  const self = enclosingFunction(call);
  if (!self || !self.async || !namesSelf(call.callee, self, ctx) || !sameInputs(call.arguments as Node[], self, ctx)) return null;
  const parent = call.parent;
  if (parent?.type !== T.AwaitExpression && parent?.type !== T.ReturnStatement && parent?.type !== T.ExpressionStatement) return null;
  const exits = pathExits(call, self, ctx);
  if (exits.length === 0) return null;
  // The recursive call is the loop going round: its arguments are the same inputs, not objects handed to work.
  const checks = new Set<Node>([...exits.flatMap((e) => e.conditions), call]);
  const facts = iterationFacts([self.body], self, checks, ctx);
  const sleep = facts.sleeps.find((s) => s.node.range[1] <= call.range[0]);
  if (!sleep) return null;
  // The awaited recursive call is the loop going round, not a call to something else.
  const otherAwaits = facts.otherAwaits - (parent.type === T.AwaitExpression ? 1 : 0);
  return {
    shape: 'rearm', node: call, owner: self.body, exits,
    iteration: { ...facts, otherAwaits },
    delay: { sleep, delay: sleep.delay, zero: sleep.zero, blocking: sleep.blocking, computed: false, unknown: false },
    via: `${calleeName(unwrap(call.callee)) ?? 'itself'}()`,
  };
}
