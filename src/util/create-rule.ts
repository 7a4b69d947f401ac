import type { ESLintUtils, TSESLint } from '@typescript-eslint/utils';

export interface SleeplessDocs {
  description: string;
  /** In `configs.recommended`. */
  recommended?: boolean;
  /** Uses type information when present (`configs['recommended-type-checked']`); never requires it. */
  requiresTypeChecking?: boolean;
}

export const REPO_URL = 'https://github.com/sleepless-dev/eslint-plugin-sleepless';

type RuleDefinition<Options extends readonly unknown[], MessageIds extends string> = Readonly<
  ESLintUtils.RuleWithMetaAndName<Options, MessageIds, SleeplessDocs>
>;

/**
 * Defines a rule with its docs URL and its options merged over `meta.defaultOptions`, like typescript-eslint's
 * `RuleCreator`, but without its per-file deep clone of the defaults: `create` runs once per file and rule, and
 * our options are one flat object (arrays and booleans), so a shallow merge says the same. Options merged here are
 * frozen, so no rule can change what the next file sees; options ESLint has already completed (a new array per file)
 * are used as they are.
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string>({
  name,
  meta,
  create,
}: RuleDefinition<Options, MessageIds>): TSESLint.RuleModule<MessageIds, Options, SleeplessDocs> & { name: string } {
  const defaults = (meta.defaultOptions ?? []) as readonly unknown[];
  const frozenDefaults = Object.freeze(defaults.map((value) => (isPlainObject(value) ? Object.freeze({ ...value }) : value)));
  // ESLint hands every file of a config the same options array: merge it once, not once per file.
  const merged = new WeakMap<readonly unknown[], readonly unknown[]>();
  return {
    name,
    meta: { ...meta, docs: { ...meta.docs, url: `${REPO_URL}/blob/main/docs/rules/${name}.md` } },
    create(context) {
      const given = context.options as readonly unknown[];
      let options = given.length === 0 ? frozenDefaults : merged.get(given);
      if (options === undefined) {
        // ESLint 9.15+ merges `meta.defaultOptions` itself, into a new array per file: nothing left to add then.
        if (covers(given, frozenDefaults)) options = given;
        else {
          options = mergeOptions(frozenDefaults, given);
          merged.set(given, options);
        }
      }
      return create(context, options as unknown as Options);
    },
  };
}

function mergeOptions(defaults: readonly unknown[], given: readonly unknown[]): readonly unknown[] {
  const length = Math.max(defaults.length, given.length);
  const merged: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const fallback = defaults[i];
    const value = given[i];
    if (value === undefined) merged.push(fallback);
    else if (isPlainObject(fallback) && isPlainObject(value)) merged.push(Object.freeze({ ...fallback, ...value }));
    else merged.push(value);
  }
  return Object.freeze(merged);
}

/** Whether `given` already holds every default: each default object's keys are all in the given one. */
function covers(given: readonly unknown[], defaults: readonly unknown[]): boolean {
  if (given.length < defaults.length) return false;
  for (let i = 0; i < defaults.length; i++) {
    const fallback = defaults[i];
    const value = given[i];
    if (value === undefined) return false;
    if (isPlainObject(fallback)) {
      if (!isPlainObject(value)) return false;
      for (const key in fallback) if (!(key in value)) return false;
    }
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
