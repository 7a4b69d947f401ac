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

/** As `at`, for code with one report per `@@` marker, in order. */
export function atEach<MessageIds extends string, Options extends readonly unknown[]>(
  marked: string,
  errors: { messageId: MessageIds; data?: Record<string, unknown> }[],
  rest: Omit<InvalidTestCase<MessageIds, Options>, 'code' | 'errors'> = {},
): InvalidTestCase<MessageIds, Options> {
  const parts = marked.split('@@');
  if (parts.length - 1 !== errors.length) throw new Error(`test case has ${parts.length - 1} @@ markers for ${errors.length} errors:\n${marked}`);
  let code = parts[0]!;
  const located = errors.map((error, i) => {
    const before = code.split('\n');
    const position = { line: before.length, column: before[before.length - 1]!.length + 1 };
    code += parts[i + 1]!;
    return { ...error, ...position };
  });
  return { output: null, ...rest, code, errors: located };
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
