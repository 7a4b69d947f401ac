import * as vitest from 'vitest';
import { RuleTester } from '@typescript-eslint/rule-tester';

// @typescript-eslint/rule-tester needs the framework's hooks before the first `new RuleTester()`.
RuleTester.afterAll = vitest.afterAll;
RuleTester.describe = vitest.describe;
RuleTester.it = vitest.it;
RuleTester.itOnly = vitest.it.only;
