import { createRequire } from 'node:module';
import { Linter } from 'eslint';
import { expect, it } from 'vitest';

// scripts/test-eslint9.sh runs the rule tests with ESLint 9 and sets SLEEPLESS_EXPECT_ESLINT_VERSION; this
// proves the copy really loaded it, from the tests' side and from the rule tester's.
const require = createRequire(import.meta.url);
const fromRuleTester = createRequire(require.resolve('@typescript-eslint/rule-tester'));
const ruleTesterEslint = (fromRuleTester('eslint/package.json') as { version: string }).version;

it('runs on the ESLint the package supports (and the one a test run asked for)', () => {
  console.log(`ESLint ${Linter.version} (rule tester: ${ruleTesterEslint})`);
  expect(ruleTesterEslint).toBe(Linter.version);
  expect(Number(Linter.version.split('.')[0])).toBeOneOf([9, 10]);
  const expected = process.env.SLEEPLESS_EXPECT_ESLINT_VERSION;
  if (expected) expect(Linter.version).toBe(expected);
});
