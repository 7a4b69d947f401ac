import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import { pathOf, unwrap, walkSameFunction, type Node } from './ast.js';
import type { FileContext } from './context.js';
import { classifyAtom, conditionAtoms, readsWrittenPath, type Atom } from './dependence/atoms.js';
import { smallestCover } from './shapes/common.js';
import type { Judgement, Wait } from './model.js';
import { readsPromise } from './types.js';

/**
 * The one decision, the same for every shape: a wait is a sleep-poll of in-process state when
 * - the iteration asks nothing else (no await other than the sleep) and its delay is fixed (not a back-off);
 * - some success exit tests in-process state that the iteration does not change itself (a failure exit, a
 *   deadline, an attempt counter or a cancellation flag beside a remote test says nothing about what is awaited);
 * - it is not a periodic task: a bare flag that only cancels a loop whose iteration works, writes or logs.
 */
export function judgeWait(wait: Wait, ctx: FileContext): Judgement | null {
  const { iteration, delay } = wait;
  if (iteration.otherAwaits > 0 || delay.computed) return null;
  // A quiet window ends after a time without change, not when something happens.
  if (wait.exits.some((e) => e.kind === 'success' && e.conditions.some((c) => testsQuietCounter(c, wait.owner, ctx)))) return null;

  const polledByCondition: { condition: Node; atoms: Atom[]; loopTest: boolean }[] = [];
  for (const exit of wait.exits) {
    if (exit.kind !== 'success') continue;
    for (const condition of exit.conditions) {
      const atoms = conditionAtoms(condition).map((atom) => classifyAtom(atom, wait.owner, ctx));
      const state = atoms.filter((a) => a.kind === 'state' && !readsWrittenPath(a, iteration.written) && !a.followed.some((f) => iteration.mutated.has(f)) && !readsPromise(a.node, ctx));
      if (state.length === 0) continue;
      // `while (!closed && socket.bufferedAmount > 0)`: the flag cancels; the loop waits for the remote part.
      if (atoms.some((a) => a.kind === 'remote') && state.every((a) => a.flag)) continue;
      // A `try` exit only counts when what it calls is known to read memory: a predicate or a member of ours.
      if (exit.viaTry && !state.every((a) => a.predicate !== null || a.reads.some((r) => r.startsWith('this.')))) continue;
      polledByCondition.push({ condition, atoms: state, loopTest: !!exit.loopTest });
    }
  }
  if (polledByCondition.length === 0) return null;
  const polled = polledByCondition.flatMap((c) => c.atoms);

  if (!ctx.options.reportWorkLoops && polled.every((a) => a.flag && a.predicate === null)) {
    if (iteration.workCalls > 0 || iteration.sharedWrites > 0) return null;
    // `!stopped && setTimeout(work, 1000)` beside a log line: a cancellation flag on a periodic task.
    if (iteration.logs > 0 && polled.every((a) => CANCELLATION.test(lastName(a.node)))) return null;
    // `while (running) { log('tick'); await sleep() }`: a heartbeat; `while (!ready) { log('waiting') … }` still waits.
    if (iteration.logs > 0 && polledByCondition.every((c) => c.loopTest && c.atoms.every((a) => !negated(a.node)))) return null;
  }

  const predicates = polled.map((a) => a.predicate);
  // A predicate retried with a blocking sleep: nothing else in the thread runs meanwhile, so it can only be asking
  // the outside world (a file lock, a port); \`no-blocking-sleep\` reports the sleep itself.
  if (delay.blocking && predicates.every((p) => p !== null)) return null;
  return {
    polled,
    conditionText: polledByCondition.map(({ condition, atoms }) => ctx.text(smallestCover(condition, atoms.map((a) => a.node)))).join(' || '),
    predicate: predicates.every((p) => p !== null) ? predicates[0]! : null,
    dom: polled.some((a) => a.dom),
  };
}

function negated(node: Node): boolean {
  const n = unwrap(node);
  return n.type === T.UnaryExpression && n.operator === '!';
}

/** Names of flags that cancel a task rather than signal what it waits for. */
const CANCELLATION = /(stop|clos|destroy|cancel|abort|shut|exit|terminat|dispos|kill|quit|halt|running|active|alive|enabled)/i;

/** The name a flag atom reads: `stopped` in `!this.stopped`. */
function lastName(node: Node): string {
  let n = unwrap(node);
  while (n.type === T.UnaryExpression && n.operator === '!') n = unwrap(n.argument);
  if (n.type === T.Identifier) return n.name;
  if (n.type === T.MemberExpression && !n.computed && n.property.type === T.Identifier) return n.property.name;
  return '';
}

/**
 * Whether `condition` tests a counter that `owner` (the iteration, or the timer callback) both counts up and sets back
 * to zero: a quiet window (`if (seen === last) { if (++quiet >= n) done() } else { quiet = 0; last = seen }`), which
 * waits for a stretch of time in which nothing happened.
 */
function testsQuietCounter(condition: Node, owner: Node, ctx: FileContext): boolean {
  const tested = new Set<string>();
  walkSameFunction(condition, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.Identifier || n.type === T.MemberExpression) {
      const path = pathOf(n);
      if (path !== null) tested.add(path);
      return n.type !== T.MemberExpression;
    }
    return undefined;
  });
  if (tested.size === 0) return false;
  const counted = new Set<string>();
  const reset = new Set<string>();
  walkSameFunction(owner, ctx.sourceCode.visitorKeys, (n) => {
    if (n.type === T.UpdateExpression && n.operator === '++') {
      const path = pathOf(n.argument);
      if (path !== null && tested.has(path)) counted.add(path);
    } else if (n.type === T.AssignmentExpression) {
      const path = pathOf(n.left);
      if (path === null || !tested.has(path)) return undefined;
      const right = unwrap(n.right);
      if (n.operator === '+=') counted.add(path);
      else if (n.operator === '=' && right.type === T.Literal && right.value === 0) reset.add(path);
    }
    return undefined;
  });
  for (const path of counted) if (reset.has(path)) return true;
  return false;
}
