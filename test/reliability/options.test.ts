import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Linter, type ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../../src/index.js';
import { REPO_URL } from '../../src/util/create-rule.js';

/**
 * Every option is checked by the rule's `meta.schema` before the rule runs. ESLint's message names the rule and
 * quotes the offending value with the reason (it does not print the JSON path); the path itself is checked here
 * with Ajv against the same schema, so each bad value is known to be caught at the right place.
 */
type RuleName = keyof typeof rules;
const linter = new Linter({ configType: 'flat' });

function configError(rule: RuleName, options: unknown[]): Error {
  try {
    linter.verify('while (!ready) {}', [{ plugins: { sleepless: plugin as unknown as ESLint.Plugin }, rules: { [`sleepless/${rule}`]: ['error', ...options] } }], { filename: 'x.js' });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`sleepless/${rule} accepted ${JSON.stringify(options)}`);
}

function schemaErrors(rule: RuleName, options: unknown[]): { instancePath: string; message?: string }[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schema = rules[rule].meta.schema;
  const validate = ajv.compile(
    Array.isArray(schema) ? (schema.length === 0 ? { type: 'array', maxItems: 0 } : { type: 'array', items: schema, minItems: 0, maxItems: schema.length }) : schema,
  );
  validate(options);
  return validate.errors ?? [];
}

describe('rule options are validated by their schema', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown property', { bogus: true }, '/0', /Unexpected property "bogus"\. Expected properties: "sleepFunctions", "pollingFunctions", "drainMethods", "reportWorkLoops"/],
    ['a misspelt property', { sleepFunction: ['pause'] }, '/0', /Unexpected property "sleepFunction"/],
    ['sleepFunctions not an array', { sleepFunctions: 'pause' }, '/0/sleepFunctions', /Value "pause" should be array/],
    ['an empty sleep function name', { sleepFunctions: [''] }, '/0/sleepFunctions/0', /Value "" should NOT be shorter than 1 characters/],
    ['a sleep function of the wrong type', { sleepFunctions: [42] }, '/0/sleepFunctions/0', /Value 42 should be string\.[\s\S]*Value 42 should be object/],
    ['a sleep function without from', { sleepFunctions: [{ name: 'pause' }] }, '/0/sleepFunctions/0', /Value \{"name":"pause"\} should have required property 'from'/],
    ['a sleep function with an empty from', { sleepFunctions: [{ from: '' }] }, '/0/sleepFunctions/0/from', /Value "" should NOT be shorter than 1 characters/],
    ['a sleep function with an unknown key', { sleepFunctions: [{ from: 'x', export: 'y' }] }, '/0/sleepFunctions/0', /Unexpected property "export"\. Expected properties: "from", "name"/],
    ['pollingFunctions not an array', { pollingFunctions: { waitFor: true } }, '/0/pollingFunctions', /should be array/],
    ['an empty polling function name', { pollingFunctions: ['waitFor', ''] }, '/0/pollingFunctions/1', /Value "" should NOT be shorter than 1 characters/],
    ['a polling function with a numeric name', { pollingFunctions: [{ from: 'x', name: 1 }] }, '/0/pollingFunctions/0/name', /Value 1 should be string/],
    ['drainMethods as a string', { drainMethods: 'flush' }, '/0/drainMethods', /Value "flush" should be array/],
    ['a drain method without await', { drainMethods: [{ poll: 'size' }] }, '/0/drainMethods/0', /Value \{"poll":"size"\} should have required property 'await'/],
    ['a drain method with an empty poll', { drainMethods: [{ poll: '', await: 'flush' }] }, '/0/drainMethods/0/poll', /Value "" should NOT be shorter than 1 characters/],
    ['a drain method with an unknown key', { drainMethods: [{ poll: 'size', await: 'flush', timeout: 5 }] }, '/0/drainMethods/0', /Unexpected property "timeout"\. Expected properties: "poll", "await"/],
    ['a drain method given as a string', { drainMethods: ['size:flush'] }, '/0/drainMethods/0', /Value "size:flush" should be object/],
    ['reportWorkLoops as a string', { reportWorkLoops: 'yes' }, '/0/reportWorkLoops', /Value "yes" should be boolean/],
    ['reportWorkLoops as a number', { reportWorkLoops: 1 }, '/0/reportWorkLoops', /Value 1 should be boolean/],
  ])('no-sleep-polling rejects %s', (_name, options, path, message) => {
    const error = configError('no-sleep-polling', [options]);
    expect(error.message).toContain('Key "sleepless/no-sleep-polling"');
    expect(error.message).toMatch(message);
    expect(schemaErrors('no-sleep-polling', [options]).map((e) => e.instancePath)).toContain(path);
  });

  it('no-sleep-polling rejects a second options object and a non-object', () => {
    expect(configError('no-sleep-polling', [{}, {}]).message).toMatch(/Key "sleepless\/no-sleep-polling":[\s\S]*should NOT have more than 1 items/);
    expect(configError('no-sleep-polling', ['strict']).message).toMatch(/Value "strict" should be object/);
  });

  it.each<RuleName>(['no-busy-wait', 'no-blocking-sleep'])('%s takes no options and says so', (rule) => {
    const error = configError(rule, [{ strict: true }]);
    expect(error.message).toContain(`Key "sleepless/${rule}"`);
    expect(error.message).toMatch(/Value \[\{"strict":true\}\] should NOT have more than 0 items/);
  });

  it('accepts every documented option form', () => {
    const valid = { sleepFunctions: ['pause', 'utils.pause', { from: 'my-sleep' }, { from: './x.js', name: 'wait' }], pollingFunctions: ['waitFor', { from: 'p', name: 'until' }], drainMethods: [{ poll: 'size', await: 'onIdle' }], reportWorkLoops: true };
    expect(() => linter.verify('x', [{ plugins: { sleepless: plugin as unknown as ESLint.Plugin }, rules: { 'sleepless/no-sleep-polling': ['error', valid] } }], { filename: 'x.js' })).not.toThrow();
    expect(schemaErrors('no-sleep-polling', [valid])).toEqual([]);
  });
});

describe('rule metadata', () => {
  const docsDir = join(import.meta.dirname, '..', '..', 'docs', 'rules');
  it.each(Object.keys(rules) as RuleName[])('%s has a schema, default options (when it has options) and a docs URL to an existing page', (name) => {
    const rule = rules[name];
    const meta = rule.meta as typeof rule.meta & { defaultOptions?: unknown[] };
    expect(meta.schema).toBeDefined();
    if (Array.isArray(meta.schema) && meta.schema.length === 0) {
      // No options at all; eslint-plugin/require-meta-default-options forbids `defaultOptions` on such a rule.
      expect(meta.defaultOptions).toBeUndefined();
    } else {
      expect(Array.isArray(meta.defaultOptions)).toBe(true);
      // The defaults themselves satisfy the schema.
      expect(schemaErrors(name, meta.defaultOptions!)).toEqual([]);
    }
    expect(meta.docs?.url).toBe(`${REPO_URL}/blob/main/docs/rules/${name}.md`);
    expect(existsSync(join(docsDir, `${name}.md`))).toBe(true);
    expect(meta.docs?.description).toMatch(/\S/);
    expect(Object.keys(meta.messages).length).toBeGreaterThan(0);
  });
});
