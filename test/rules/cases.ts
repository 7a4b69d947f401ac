import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';

/**
 * Writes a case whose report position is marked in the code by `@@` (removed before linting), so each
 * case asserts its exact line and column without counting by hand.
 */
export function at<MessageIds extends string, Options extends readonly unknown[]>(
  marked: string,
  error: { messageId: MessageIds; data?: Record<string, unknown> },
  rest: Omit<InvalidTestCase<MessageIds, Options>, 'code' | 'errors'> = {},
): InvalidTestCase<MessageIds, Options> {
  const index = marked.indexOf('@@');
  if (index < 0) throw new Error(`test case has no @@ marker:\n${marked}`);
  const code = marked.slice(0, index) + marked.slice(index + 2);
  const before = code.slice(0, index).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  return { output: null, ...rest, code, errors: [{ ...error, line, column }] };
}

export function valid<Options extends readonly unknown[]>(
  code: string,
  rest: Omit<ValidTestCase<Options>, 'code'> = {},
): ValidTestCase<Options> {
  return { ...rest, code };
}

export const commonjs = { languageOptions: { parserOptions: { sourceType: 'commonjs' as const } } };
export const script = { languageOptions: { parserOptions: { sourceType: 'script' as const } } };
export const jsx = { languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } };
