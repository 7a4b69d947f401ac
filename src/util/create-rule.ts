import { ESLintUtils } from '@typescript-eslint/utils';

export interface SleeplessDocs {
  description: string;
  /** In `configs.recommended`. */
  recommended?: boolean;
  /** Uses type information when present (`configs['recommended-type-checked']`); never requires it. */
  requiresTypeChecking?: boolean;
}

export const REPO_URL = 'https://github.com/sleepless-dev/eslint-plugin-sleepless';

export const createRule = ESLintUtils.RuleCreator<SleeplessDocs>(
  (name) => `${REPO_URL}/blob/main/docs/rules/${name}.md`,
);
