#!/usr/bin/env node
// Scores the plugin on labelled loops and timers from public repositories (issue 12, "Measure on real code").
//
// Two labelled sets, same JSON-lines format (repo, path, commit, lines "a-b", shape, verdict, reason, id):
//   own:    test/real-world/cases.jsonl, kept in this project (see test/real-world/README.md);
//   shared: the shared corpus, ../shared/eval/real-corpus.jsonl beside the project unless told otherwise
//           (--shared=FILE or SHARED_CORPUS=FILE); skipped with a note when it is not there.
// A positive counts as found when some report of the plugin falls inside its line range; a negative counts as a
// false report when any report falls inside its range; ambiguous cases are not scored.
//
// The files are read from git snapshots of the repositories: MIRRORS=<folder> (default /work/.mirror) holding
// <owner>+<name>/repo git directories that contain the commits the cases name. --repos lists the repositories.
// The plugin is loaded from the build through the package name: run `npm run build` first (`npm run eval:real`
// does not build).
//
// Usage: npm run eval:real -- [--verbose] [--set=own|shared] [--recommended] [--shared=FILE] [--own=FILE]
//                              [--check] [--repos]
//   --verbose      every case, not only misses and false reports, and a tally per shape
//   --set=own      score one set only
//   --recommended  the recommended config instead of every rule of the plugin (the default is every rule)
//   --check        exit 1 unless each scored set reaches recall >= 90 % and precision >= 95 % with no parse failure
//   --repos        list the repositories each set needs in MIRRORS, and exit
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const flag = (name) => args.includes(`--${name}`);

const verbose = flag('verbose');
const useAll = !flag('recommended');
const onlySet = option('set');
const mirrors = path.resolve(process.env.MIRRORS ?? '/work/.mirror');
const sets = [
  {
    name: 'own',
    file: path.resolve(option('own') ?? path.join(projectDir, 'test/real-world/cases.jsonl')),
  },
  {
    name: 'shared',
    file: path.resolve(
      option('shared') ?? process.env.SHARED_CORPUS ?? path.join(projectDir, '../shared/eval/real-corpus.jsonl'),
    ),
  },
].filter((s) => !onlySet || s.name === onlySet);

const readCases = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: ${e.message}`, { cause: e });
      }
    });

for (const set of sets) {
  if (!fs.existsSync(set.file)) {
    console.log(`${set.name}: no labelled set at ${set.file}; skipped`);
    set.cases = null;
    continue;
  }
  set.all = readCases(set.file);
  set.cases = set.all.filter((c) => c.repo && c.commit && (c.verdict === 'positive' || c.verdict === 'negative'));
}
const scoredSets = sets.filter((s) => s.cases);
if (!scoredSets.length) process.exit(2);

if (flag('repos')) {
  for (const set of scoredSets) {
    console.log(`# ${set.name}`);
    console.log([...new Set(set.cases.map((c) => c.repo))].join('\n'));
  }
  process.exit(0);
}

const req = createRequire(path.join(projectDir, 'package.json'));
const load = async (id) => {
  const mod = await import(pathToFileURL(req.resolve(id)).href);
  return mod.default ?? mod;
};
let plugin, ESLint, tsParser;
try {
  ({ ESLint } = await import(pathToFileURL(req.resolve('eslint')).href));
  plugin = await load('eslint-plugin-sleepless');
  tsParser = await load('@typescript-eslint/parser');
} catch (e) {
  console.log(`cannot load the plugin (run \`npm run build\` first), eslint or the parser: ${e.message.split('\n')[0]}`);
  process.exit(2);
}

// Write each file once, at its commit, into a scratch tree; the same file may serve both sets.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sleepless-eval-real-'));
const fileOf = (c) => `${c.repo}@${c.commit}:${c.path}`;
const files = new Map(); // case key -> path relative to `work`
const missing = new Map(); // case key -> repo
for (const c of scoredSets.flatMap((s) => s.cases)) {
  const key = fileOf(c);
  if (files.has(key) || missing.has(key)) continue;
  const gitDir = path.join(mirrors, c.repo.replace('/', '+'), 'repo');
  try {
    // ESLint 10 rejects `/* eslint-env */` comments: blank them, keeping every line where it was.
    const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${c.commit}:${c.path}`], {
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString('utf8')
      .replace(/\/\*\s*eslint-env\b[^*]*\*\//g, (m) => m.replace(/[^\n]/g, ' '));
    const rel = path.join(c.repo.replace('/', '+'), c.commit.slice(0, 12), c.path);
    fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    fs.writeFileSync(path.join(work, rel), text);
    files.set(key, rel);
  } catch {
    missing.set(key, c.repo);
  }
}

const relFiles = [...new Set(files.values())];
const esmFiles = relFiles.filter((rel) => /^\s*(import|export)\b/m.test(fs.readFileSync(path.join(work, rel), 'utf8')));
const ruleIds = Object.keys(plugin.rules ?? {}).map((r) => `sleepless/${r}`);
const eslint = new ESLint({
  cwd: work,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}'],
      languageOptions: {
        parser: tsParser,
        ecmaVersion: 'latest',
        sourceType: 'module',
        parserOptions: { ecmaFeatures: { jsx: true } },
      },
    },
    // Scripts in sloppy mode (octal escapes, `with`) only parse as scripts.
    { files: ['**/*.{js,cjs,jsx}'], ignores: esmFiles, languageOptions: { sourceType: 'script' } },
    ...(useAll
      ? [{ plugins: { sleepless: plugin }, rules: Object.fromEntries(ruleIds.map((r) => [r, 'error'])) }]
      : [].concat(plugin.configs?.recommended ?? [])),
  ],
});
const t0 = performance.now();
const results = relFiles.length ? await eslint.lintFiles(relFiles) : [];
const lintMs = performance.now() - t0;
const byFile = new Map(results.map((r) => [path.relative(work, r.filePath), r]));
fs.rmSync(work, { recursive: true, force: true });

let failedBar = false;
console.log(`${useAll ? 'every rule' : 'recommended config'}, snapshots from ${mirrors}, lint ${lintMs.toFixed(0)} ms`);
for (const set of scoredSets) {
  const tally = { tp: 0, pos: 0, fp: 0, neg: 0, parse: new Set(), absent: 0 };
  const byShape = {};
  const lines = [];
  for (const c of set.cases) {
    const rel = files.get(fileOf(c));
    if (!rel) {
      tally.absent++;
      continue;
    }
    const result = byFile.get(rel);
    const fatal = result.messages.find((m) => m.fatal);
    if (fatal) tally.parse.add(`${rel}:${fatal.line} ${fatal.message}`);
    const [a, b] = String(c.lines).split('-').map(Number);
    const inRange = result.messages.filter(
      (m) => m.ruleId?.startsWith('sleepless/') && m.line >= a && m.line <= (b || a),
    );
    const flagged = inRange.length > 0;
    const good = c.verdict === 'positive' ? flagged : !flagged;
    if (c.verdict === 'positive') {
      tally.pos++;
      if (flagged) tally.tp++;
    } else {
      tally.neg++;
      if (flagged) tally.fp++;
    }
    const shape = (byShape[`${c.verdict} ${c.shape}`] ??= [0, 0]);
    shape[1]++;
    if (good) shape[0]++;
    if (!good || verbose) {
      const what = c.verdict === 'positive' ? (flagged ? 'found' : 'MISSED') : flagged ? 'FALSE REPORT' : 'clean';
      lines.push(`  ${what} ${c.shape} ${c.repo} ${c.path}:${c.lines}`);
      if (!good) lines.push(`      why: ${c.reason}`);
      for (const m of inRange) lines.push(`      ${m.line}: ${m.ruleId}: ${m.message}`);
    }
  }
  const recall = tally.pos ? (100 * tally.tp) / tally.pos : 0;
  const precision = tally.tp + tally.fp ? (100 * tally.tp) / (tally.tp + tally.fp) : 0;
  const ambiguous = set.all.filter((c) => c.verdict === 'ambiguous').length;
  console.log(`\n== ${set.name}: ${set.file}`);
  for (const l of lines) console.log(l);
  if (verbose) for (const [k, [g, n]] of Object.entries(byShape).sort()) console.log(`  ${k}: ${g}/${n}`);
  for (const p of tally.parse) console.log(`  PARSE ${p}`);
  if (tally.absent) {
    const repos = [...new Set(set.cases.filter((c) => !files.has(fileOf(c))).map((c) => c.repo))];
    console.log(`  ${tally.absent} case(s) not scored: no snapshot in MIRRORS of ${repos.join(', ')}`);
  }
  console.log(
    `${set.name}: recall ${tally.tp}/${tally.pos} (${recall.toFixed(0)}%), ` +
      `false reports ${tally.fp}/${tally.neg} negatives, precision ${precision.toFixed(0)}%, ` +
      `${ambiguous} ambiguous not scored, parse failures ${tally.parse.size}`,
  );
  if (!(tally.pos && recall >= 90 && precision >= 95 && tally.parse.size === 0 && !tally.absent)) failedBar = true;
}
process.exit(flag('check') && failedBar ? 1 : 0);
