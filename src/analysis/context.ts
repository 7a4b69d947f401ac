import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type { FunctionNode, Node } from './ast.js';

/** A user-declared sleep: a name (`pause`), a member path (`utils.pause`), or an export of a module. */
export type SleepFunctionOption = string | { from: string; name?: string };

export interface AnalysisOptions {
  sleepFunctions?: readonly SleepFunctionOption[];
  /** Report flag loops whose body does other work too (`while (!this.stopped) { tick(); await sleep() }`). */
  reportWorkLoops?: boolean;
}

/**
 * Everything the analysis knows about one file for one set of options. Built once per file and rule
 * options (see `getFileContext`), so nothing is recomputed per node and nothing lives at module level
 * except the WeakMap keyed by the file's AST (safe under ESLint's worker threads).
 */
export interface FileContext {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly options: Required<AnalysisOptions>;
  readonly names: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
  readonly modules: ReadonlyMap<string, ReadonlySet<string>>;
  /** Functions already classified as sleep helpers (the body expression) or not (null). */
  readonly helperBodies: WeakMap<FunctionNode, Node | null>;
  readonly memo: WeakMap<Node, unknown>;
  getScope(node: Node): TSESLint.Scope.Scope;
  text(node: Node): string;
}

const contexts = new WeakMap<TSESTree.Program, Map<string, FileContext>>();

export function getFileContext(
  sourceCode: Readonly<TSESLint.SourceCode>,
  options: AnalysisOptions = {},
): FileContext {
  const key = JSON.stringify(options);
  let perFile = contexts.get(sourceCode.ast);
  if (!perFile) {
    perFile = new Map();
    contexts.set(sourceCode.ast, perFile);
  }
  const cached = perFile.get(key);
  if (cached) return cached;

  const names = new Set<string>();
  const paths = new Set<string>();
  const modules = new Map<string, Set<string>>();
  for (const entry of options.sleepFunctions ?? []) {
    if (typeof entry === 'string') {
      (entry.includes('.') ? paths : names).add(entry);
    } else {
      const set = modules.get(entry.from) ?? new Set<string>();
      set.add(entry.name ?? 'default');
      modules.set(entry.from, set);
    }
  }
  const context: FileContext = {
    sourceCode,
    options: { sleepFunctions: options.sleepFunctions ?? [], reportWorkLoops: options.reportWorkLoops ?? false },
    names,
    paths,
    modules,
    helperBodies: new WeakMap(),
    memo: new WeakMap(),
    getScope: (node) => sourceCode.getScope(node),
    text: (node) => sourceCode.getText(node),
  };
  perFile.set(key, context);
  return context;
}
