import { parseForESLint } from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { SourceCode } from 'eslint';
import { getFileContext, type FileContext } from '../../src/analysis/context.js';

/**
 * A file parsed as ESLint would hand it to a rule (typescript-eslint's parser, parent links set, a SourceCode), and
 * the analysis context of it. `filename` is where the file is (relative imports resolve from it); without one the
 * text is parsed as `file.ts` and the context knows no location.
 */
export function parsedFile(text: string, filename?: string): { result: ReturnType<typeof parseForESLint>; ctx: FileContext } {
  const filePath = filename ?? 'file.ts';
  const result = parseForESLint(text, {
    filePath,
    sourceType: 'module',
    ecmaVersion: 'latest',
    range: true,
    loc: true,
    tokens: true,
    comment: true,
    jsx: /x$/.test(filePath),
  });
  // Parent links, as ESLint sets them before rules run (the analysis follows them).
  const stack: { type: string; parent?: unknown }[] = [result.ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const key of result.visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof (child as { type?: unknown }).type === 'string') {
          (child as { parent?: unknown }).parent = node;
          stack.push(child as { type: string });
        }
      }
    }
  }
  const sourceCode = new SourceCode({
    text,
    ast: result.ast as never,
    scopeManager: result.scopeManager as never,
    visitorKeys: result.visitorKeys as never,
    parserServices: result.services as never,
  });
  return { result, ctx: getFileContext(sourceCode as unknown as TSESLint.SourceCode, {}, filename) };
}
