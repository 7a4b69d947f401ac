import { Linter, type ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin, { rules } from '../../src/index.js';

/**
 * Shapes met in real code (the node_modules run) that rules reported wrongly, reduced to a few lines, and the true
 * positives next to them that must stay reported.
 */
const linter = new Linter({ configType: 'flat' });
const lint = (code: string) =>
  linter.verify(code, [{
    plugins: { sleepless: plugin as unknown as ESLint.Plugin },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: Object.fromEntries(Object.keys(rules).map((name) => [`sleepless/${name}`, 'error'])),
  }], { filename: 'real.js' }).map((m) => `${m.ruleId}: ${m.message}`);

describe('false positives found in node_modules', () => {
  it('a counted run of microtask turns is a flush, not a poll (fast-check scheduler)', () => {
    expect(lint(`export function make() {
      let taskResolved = false, awaiterTicks = 0;
      const awaiter = async () => {
        for (awaiterTicks = 50; !taskResolved && awaiterTicks > 0; --awaiterTicks) await Promise.resolve();
      };
      return { awaiter, done: () => { taskResolved = true; } };
    }`)).toEqual([]);
  });

  it('still reports an unbounded microtask poll and a counted poll with a real sleep', () => {
    expect(lint(`class C { ready = false; async go() { while (!this.ready) await Promise.resolve(); } }`)).toHaveLength(1);
    expect(lint(`class C { ready = false; async go() { for (let i = 0; i < 50 && !this.ready; i++) await new Promise((r) => setTimeout(r, 10)); } }`)).toHaveLength(1);
  });

  it('reports a zero-delay setInterval poll of a Set with a timeout (vitest typecheck rerun): a true positive', () => {
    expect(lint(`export async function run(project, rerunTriggered) {
      return new Promise((resolve) => {
        const _i = setInterval(() => {
          if (!project.typechecker || rerunTriggered.has(project)) { resolve(true); clearInterval(_i); }
        });
        setTimeout(() => { resolve(false); clearInterval(_i); }, 500).unref();
      });
    }`)).toHaveLength(1);
  });
});
