import type { TSESTree } from '@typescript-eslint/utils';
import type { FileContext } from './context.js';
import type { SleepCall } from './sleep.js';

/** Describes a call that stops the whole thread for a while, or null. (Filled in by the blocking-sleep work.) */
export function describeBlockingSleep(_call: TSESTree.CallExpression, _ctx: FileContext): SleepCall | null {
  return null;
}
