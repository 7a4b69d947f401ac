import { existsSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIgnored, readIgnoreFile, type IgnoreFile } from './gitignore.js';

/** What the command lints: JavaScript and TypeScript in every module flavour, with or without JSX. */
export const LINTED_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'] as const;

/** Never walked into, whatever .gitignore says: dependencies and version-control internals. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn', '.jj']);

export function isLintedFile(file: string): boolean {
  const name = path.basename(file);
  // Declaration files describe types only; there is no loop in them to find.
  if (/\.d\.[cm]?ts$/.test(name)) return false;
  return (LINTED_EXTENSIONS as readonly string[]).includes(path.extname(name));
}

export class MissingPathError extends Error {
  constructor(readonly missingPath: string) {
    super(`no such file or directory: ${missingPath}`);
  }
}

/** The directory that holds `.git`, at or above `dir`, if any. */
function findRepositoryRoot(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The ignore files that apply to `dir` before the walk reaches it: `.git/info/exclude` and each `.gitignore`
 * from the repository root down to `dir`'s parent. Outside a repository only `dir`'s own file applies,
 * which the walk reads itself.
 */
function ancestorIgnoreFiles(dir: string): IgnoreFile[] {
  const root = findRepositoryRoot(dir);
  if (root === undefined) return [];
  const files: IgnoreFile[] = [];
  const exclude = readIgnoreFile(path.join(root, '.git', 'info', 'exclude'), root);
  if (exclude) files.push(exclude);
  const chain: string[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (path.relative(root, current).startsWith('..')) break;
    chain.unshift(current);
    if (current === root || path.dirname(current) === current) break;
  }
  if (dir !== root) {
    for (const ancestor of chain) {
      const file = readIgnoreFile(path.join(ancestor, '.gitignore'), ancestor);
      if (file) files.push(file);
    }
  }
  return files;
}

async function walk(dir: string, ignoreFiles: IgnoreFile[], found: Set<string>): Promise<void> {
  const own = readIgnoreFile(path.join(dir, '.gitignore'), dir);
  const applicable = own ? [...ignoreFiles, own] : ignoreFiles;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: nothing we can lint there
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Follow links to files; never links to directories, which can loop.
      const target = await stat(full).catch(() => undefined);
      isFile = target?.isFile() ?? false;
      isDirectory = false;
    }
    if (isDirectory) {
      if (SKIPPED_DIRECTORIES.has(entry.name) || isIgnored(applicable, full, true)) continue;
      await walk(full, applicable, found);
    } else if (isFile && isLintedFile(full) && !isIgnored(applicable, full, false)) {
      found.add(full);
    }
  }
}

/**
 * The files to lint for the paths given on the command line (relative to `cwd`), sorted. Directories are
 * walked with .gitignore files respected and `node_modules` skipped; a file named explicitly is linted
 * whatever .gitignore says, as long as it has a JavaScript or TypeScript extension.
 */
export async function findFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new MissingPathError(given);
    if (info.isDirectory()) {
      await walk(absolute, ancestorIgnoreFiles(absolute), found);
    } else if (isLintedFile(absolute) && !absolute.split(path.sep).includes('node_modules')) {
      found.add(absolute);
    }
  }
  return [...found].sort();
}
