import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One line of a `.gitignore`, compiled. */
interface IgnoreRule {
  regex: RegExp;
  negated: boolean;
  directoryOnly: boolean;
}

/** The rules of one `.gitignore` (or `.git/info/exclude`) and the directory its patterns are relative to. */
export interface IgnoreFile {
  baseDir: string;
  rules: IgnoreRule[];
}

/**
 * Compiles a glob of gitignore(5) into a regular expression over a `/`-separated path relative to the
 * file's directory: `*` and `?` stay inside one segment, `**` crosses segments, `[...]` is a class.
 */
function globToRegExpSource(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (i + 2 === glob.length) {
            out += '.*'; // trailing `/**`: everything inside
            i += 2;
          } else {
            out += '(?:.*/)?'; // `**/`: zero or more directories
            i += 3;
          }
          continue;
        }
      }
      while (glob[i] === '*') i++;
      out += '[^/]*';
      continue;
    }
    if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (char === '\\' && i + 1 < glob.length) {
      i++;
      out += glob[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      out += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    i++;
  }
  return out;
}

export function parseIgnoreFile(text: string, baseDir: string): IgnoreFile {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let directoryOnly = false;
    if (line.endsWith('/')) {
      directoryOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    // A slash at the start or in the middle anchors the pattern to the file's directory;
    // otherwise it matches a name at any depth.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const source = (anchored ? '' : '(?:.*/)?') + globToRegExpSource(line);
    try {
      rules.push({ regex: new RegExp(`^${source}$`), negated, directoryOnly });
    } catch {
      // git skips a pattern it cannot read; so do we.
    }
  }
  return { baseDir, rules };
}

export function readIgnoreFile(file: string, baseDir: string): IgnoreFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseIgnoreFile(text, baseDir);
}

/**
 * Whether `absolutePath` is ignored by `files`, ordered from the outermost directory to the innermost: as in
 * git, the last matching pattern decides, and a deeper `.gitignore` overrides a shallower one. The caller
 * checks each directory on the way down, so a file inside an ignored directory is never asked about.
 */
export function isIgnored(files: readonly IgnoreFile[], absolutePath: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const file of files) {
    const relative = path.relative(file.baseDir, absolutePath);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const posix = relative.split(path.sep).join('/');
    for (const rule of file.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.negated === ignored && rule.regex.test(posix)) ignored = !rule.negated;
    }
  }
  return ignored;
}
