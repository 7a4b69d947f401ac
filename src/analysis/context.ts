import type { TSESLint } from '@typescript-eslint/utils';
import type { FunctionNode, Node } from './ast.js';

/** A user-declared sleep: a name (`pause`), a member path (`utils.pause`), or an export of a module. */
export type SleepFunctionOption = string | { from: string; name?: string };

export interface AnalysisOptions {
  sleepFunctions?: readonly SleepFunctionOption[];
  /** Report flag loops whose body does other work too (`while (!this.stopped) { tick(); await sleep() }`). */
  reportWorkLoops?: boolean;
  /** User-declared polling helpers (`waitFor(() => cond)`), in the same shape as `sleepFunctions`. */
  pollingFunctions?: readonly SleepFunctionOption[];
}

/** Names, member paths and module exports declared by a `sleepFunctions`-shaped option. */
export interface DeclaredFunctions {
  readonly names: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
  readonly modules: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Everything the analysis knows about one file for one set of options. Built once per file and rule
 * options (see `getFileContext`), so nothing is recomputed per node and nothing lives at module level
 * except the WeakMap keyed by the file's SourceCode (safe under ESLint's worker threads), emptied when the file is
 * done (`releaseFileContext`). Its memos are plain Maps: they die with the context, and weak maps cost the
 * collector more.
 */
export interface FileContext {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** The file's path on disk (ESLint's `physicalFilename`), when known: relative imports are resolved from it. */
  readonly filename?: string;
  readonly options: Required<AnalysisOptions>;
  readonly names: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
  readonly modules: ReadonlyMap<string, ReadonlySet<string>>;
  /** Functions already classified as sleep helpers (the body expression) or not (null). */
  readonly helperBodies: Map<FunctionNode, Node | null>;
  readonly memo: Map<Node, unknown>;
  /** Helpers declared by the `pollingFunctions` option. */
  readonly polling: DeclaredFunctions;
  /**
   * A per-file memo of its own for one analysis (`cache('blocking')`), so that analyses keyed by the
   * same node (a call is both a possible sleep and a possible timer) never read each other's entries.
   */
  cache<V>(name: string): Map<Node, V>;
  /** The file's facts (see `perFile`), one map for every context of the file whatever its options. */
  readonly facts: Map<string, unknown>;
  getScope(node: Node): TSESLint.Scope.Scope;
  text(node: Node): string;
}

/**
 * Per SourceCode object, the file it holds now and that file's contexts by options key. ESLint makes one SourceCode
 * per file (and per fix pass); oxlint hands every file the same one, with the text of the file being linted: a new
 * text (or path) is a new file. Keyed without `sourceCode.ast`, which oxlint builds on first access: a rule whose
 * text gate is closed never makes it build the AST.
 */
const contexts = new WeakMap<object, { text: string; filename: string | undefined; byOptions: Map<string, FileContext>; facts: Map<string, unknown> }>();
/** The key of each options object seen (a rule's merged options are one object for every file it lints). */
const optionsKeys = new WeakMap<AnalysisOptions, string>();
const NO_OPTIONS: AnalysisOptions = Object.freeze({});

function optionsKey(options: AnalysisOptions): string {
  let key = optionsKeys.get(options);
  if (key === undefined) {
    key = JSON.stringify(options);
    optionsKeys.set(options, key);
  }
  return key;
}

/**
 * Lets go of the file's contexts and facts once its traversal is over (each rule that made a context calls this from
 * `Program:exit`). ESLint keeps the last file's SourceCode, and with it whatever is keyed by it, until the next file:
 * the collector would copy all of it once more for nothing. The rules keep their own context until they are done.
 */
export function releaseFileContext(sourceCode: Readonly<TSESLint.SourceCode>): void {
  contexts.delete(sourceCode);
}

export function getFileContext(
  sourceCode: Readonly<TSESLint.SourceCode>,
  options: AnalysisOptions = NO_OPTIONS,
  filename?: string,
): FileContext {
  const key = optionsKey(options);
  const text = sourceCode.text;
  let file = contexts.get(sourceCode);
  if (!file || file.text !== text || file.filename !== filename) {
    file = { text, filename, byOptions: new Map(), facts: new Map() };
    contexts.set(sourceCode, file);
  }
  const perFile = file.byOptions;
  const cached = perFile.get(key);
  if (cached) return cached;

  const shared = sharedParts(key, options);
  let caches: Map<string, Map<Node, unknown>> | undefined;
  const context: FileContext = {
    sourceCode,
    ...(filename === undefined ? {} : { filename }),
    ...shared,
    facts: file.facts,
    helperBodies: new Map(),
    memo: new Map(),
    cache<V>(name: string): Map<Node, V> {
      caches ??= new Map();
      let cache = caches.get(name);
      if (!cache) {
        cache = new Map();
        caches.set(name, cache);
      }
      return cache as Map<Node, V>;
    },
    getScope: (node) => sourceCode.getScope(node),
    text: (node) => sourceCode.getText(node),
  };
  perFile.set(key, context);
  return context;
}

type SharedParts = Pick<FileContext, 'options' | 'names' | 'paths' | 'modules' | 'polling'>;

/** What a context takes from its options alone, made once per options key rather than once per file. */
const sharedByKey = new Map<string, SharedParts>();

function sharedParts(key: string, options: AnalysisOptions): SharedParts {
  let shared = sharedByKey.get(key);
  if (shared === undefined) {
    const { names, paths, modules } = declaredFunctions(options.sleepFunctions ?? []);
    shared = {
      options: {
        sleepFunctions: options.sleepFunctions ?? [],
        reportWorkLoops: options.reportWorkLoops ?? false,
        pollingFunctions: options.pollingFunctions ?? [],
      },
      names,
      paths,
      modules,
      polling: declaredFunctions(options.pollingFunctions ?? []),
    };
    sharedByKey.set(key, shared);
  }
  return shared;
}

function declaredFunctions(entries: readonly SleepFunctionOption[]): {
  names: Set<string>;
  paths: Set<string>;
  modules: Map<string, Set<string>>;
} {
  const names = new Set<string>();
  const paths = new Set<string>();
  const modules = new Map<string, Set<string>>();
  for (const entry of entries) {
    if (typeof entry === 'string') {
      (entry.includes('.') ? paths : names).add(entry);
    } else {
      const set = modules.get(entry.from) ?? new Set<string>();
      set.add(entry.name ?? 'default');
      modules.set(entry.from, set);
    }
  }
  return { names, paths, modules };
}

/** Whether the options declare any function at all. */
export function declaresAny(functions: DeclaredFunctions): boolean {
  return functions.names.size + functions.paths.size + functions.modules.size > 0;
}

/**
 * A fact of the file alone (its text, its scopes; never of the rule options), computed once per file under `key`:
 * the per-file gates and candidate lists that spare every scope lookup in files that cannot hold what an analysis
 * looks for. Kept with the file's contexts, so nothing here holds a file (its AST) once ESLint lets go of it.
 * `compute` should be a module-level function, so that a cached answer costs no allocation.
 */
export function perFile<V>(ctx: FileContext, key: string, compute: (ctx: FileContext) => V): V {
  const facts = ctx.facts;
  const known = facts.get(key);
  if (known !== undefined || facts.has(key)) return known as V;
  const value = compute(ctx);
  facts.set(key, value);
  return value;
}
