#!/usr/bin/env node
// `npm run demo`: lints examples/ with the recommended rules and prints the findings as a user sees them,
// then (when the producer is built) races the KPL-style flush loop against a real flush on an embedded Kinesis.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin from '../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const heading = (text) => console.log(`\n\x1b[1m${text}\x1b[0m\n${'─'.repeat(text.length)}`);

async function lintExamples() {
  heading('1. sleepless lints examples/ (recommended config)');
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}'], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } },
      plugin.configs.recommended,
    ],
  });
  const results = await eslint.lintFiles(['examples/**/*.{js,ts,jsx,tsx}']);
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  console.log(text || 'No findings.');
  const count = results.reduce((n, r) => n + r.messages.length, 0);
  console.log(`${count} finding(s) in ${results.length} file(s).`);
}

async function producerRace() {
  const demo = join(root, 'scripts', 'producer-demo.js');
  if (!existsSync(demo) || !existsSync(join(root, 'dist', 'producer', 'index.js'))) return;
  heading('2. The KPL-style loop against a real flush, on an embedded Kinesis (kinesalite)');
  const { runProducerDemo } = await import(pathToFileURL(demo).href);
  await runProducerDemo({ log: console.log });
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await lintExamples();
await producerRace();
