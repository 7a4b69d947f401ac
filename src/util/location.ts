import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type { LoopNode } from '../analysis/index.js';

/** The head of a loop (`while (cond)`, `for (…)`, or the `do` keyword): where a report on the loop points. */
export function loopHeadLocation(sourceCode: Readonly<TSESLint.SourceCode>, loop: LoopNode): TSESTree.SourceLocation {
  if (loop.type === 'DoWhileStatement') return sourceCode.getFirstToken(loop)?.loc ?? loop.loc;
  const beforeBody = sourceCode.getTokenBefore(loop.body);
  return beforeBody ? { start: loop.loc.start, end: beforeBody.loc.end } : loop.loc;
}
