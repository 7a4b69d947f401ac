#!/usr/bin/env node
// `npm run demo`:
//   1. lints examples/ with the recommended rules and prints the findings as a user sees them;
//   2. shows `eslint --fix` rewriting the KPL-style flush loop (examples/kpl-flush-sync.ts) as a diff;
//   3. runs the example before and after the fix against an embedded Kinesis (kinesalite), printing both flush times.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';
import kinesalite from 'kinesalite';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import plugin from '../dist/index.js';
import { KinesisProducer } from '../dist/producer/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const heading = (text) => console.log(`\n${paint(1, text)}\n${'─'.repeat(text.length)}`);
const parserConfig = { files: ['**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}'], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } };

async function lintExamples() {
  heading('1. sleepless lints examples/ (recommended config)');
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [parserConfig, plugin.configs.recommended] });
  const results = await eslint.lintFiles(['examples/**/*.{js,ts,jsx,tsx}']);
  const text = await (await eslint.loadFormatter('stylish')).format(results);
  console.log(text || 'No findings.');
  const count = results.reduce((n, r) => n + r.messages.length, 0);
  console.log(`${count} finding(s) in ${results.length} file(s).`);
}

/** A unified diff of two texts (line LCS), enough for a small example. */
function unifiedDiff(before, after, name) {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const lines = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ op: ' ', text: a[i++], at: j++ });
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) lines.push({ op: '-', text: a[i++] });
    else lines.push({ op: '+', text: b[j++] });
  }
  const out = [paint(1, `--- ${name}`), paint(1, `+++ ${name} (after eslint --fix)`)];
  const changed = lines.map((l, k) => (l.op !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return 'No changes.';
  const from = Math.max(0, changed[0] - 3);
  const to = Math.min(lines.length, changed[changed.length - 1] + 4);
  for (const l of lines.slice(from, to)) {
    const line = `${l.op}${l.text}`;
    out.push(l.op === '+' ? paint(32, line) : l.op === '-' ? paint(31, line) : line);
  }
  return out.join('\n');
}

function fixExample() {
  heading('2. eslint --fix rewrites the KPL-style loop');
  const file = join(root, 'examples', 'kpl-flush-sync.ts');
  const before = readFileSync(file, 'utf8');
  const linter = new Linter({ configType: 'flat' });
  const { output } = linter.verifyAndFix(before, [parserConfig, plugin.configs.recommended], { filename: file });
  console.log(unifiedDiff(before, output, 'examples/kpl-flush-sync.ts'));
  return { before, after: output };
}

/** Transpiles one version of the example to a module that imports the built producer, and loads it. */
async function loadVersion(source, dir, name) {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    .replace("'eslint-plugin-sleepless/producer'", JSON.stringify(pathToFileURL(join(root, 'dist', 'producer', 'index.js')).href));
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, js);
  return import(pathToFileURL(path).href);
}

async function raceVersions({ before, after }, records = 100) {
  heading(`3. Both versions against an embedded Kinesis (kinesalite): write ${records} events and flush`);
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clientConfig = { region: 'us-east-1', endpoint: `http://127.0.0.1:${server.address().port}`, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } };
  const admin = new KinesisClient({ ...clientConfig, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'sleepless-demo-'));
  const times = {};
  try {
    await admin.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 2 }));
    // The stream's status is remote state: it can only be observed by asking.
    const status = async () => (await admin.send(new DescribeStreamSummaryCommand({ StreamName: 'events' }))).StreamDescriptionSummary?.StreamStatus;
    while ((await status()) !== 'ACTIVE') await sleep(10);
    for (const [name, source] of [['before', before], ['after', after]]) {
      const { EventSink } = await loadVersion(source, dir, name);
      const producer = new KinesisProducer({ streamName: 'events', clientConfig });
      try {
        await producer.put({ partitionKey: 'warm-up', data: 'warm-up' }); // connection and shard map ready
        const sink = new EventSink(producer);
        const events = Array.from({ length: records }, (_, i) => ({ id: `${name}-${i}`, body: JSON.stringify({ i, name }) }));
        const started = performance.now();
        await sink.write(events);
        times[name] = performance.now() - started;
        if (producer.getOutstandingRecordsCount() !== 0) throw new Error(`${name}: records still outstanding after write()`);
      } finally {
        await producer.close();
      }
    }
  } finally {
    admin.destroy();
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
  console.log(`before: while (getOutstandingRecordsCount() > 0) { flush(); await sleep(500) }  ${times.before.toFixed(1)} ms`);
  console.log(`after:  await this.producer.flush()                                      ${times.after.toFixed(1)} ms`);
  console.log(`the polling loop took ${(times.before / times.after).toFixed(0)}× as long for the same ${records} records`);
}

await lintExamples();
const versions = fixExample();
await raceVersions(versions);
