import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Linter } from 'eslint';
import type sourcePlugin from '../../src/index.js';

const builtPlugin = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

/** The plugin as built into dist/ (what the package ships), loaded by URL so type-checking never needs dist/. */
export async function loadBuiltPlugin(): Promise<typeof sourcePlugin & { configs: Record<'recommended' | 'recommended-type-checked', Linter.Config> }> {
  if (!existsSync(builtPlugin)) throw new Error('dist/ is missing: run `npm run build` first');
  return ((await import(pathToFileURL(builtPlugin).href)) as { default: Awaited<ReturnType<typeof loadBuiltPlugin>> }).default;
}
