import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILT_CLI = path.join(ROOT, 'dist', 'cli.js');

const made: string[] = [];

/** A temporary directory holding `files` (path → content); removed by `removeTrees()`. */
export function makeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sleepless-cli-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

export function removeTrees(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command in this process, as the bin would, with the output captured. */
export async function run(argv: string[], cwd: string, { tty = false } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
  });
  return { code, stdout, stderr };
}

/** Runs a built script in a child process. */
export function spawnNode(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The README's example: a class method that waits for its own flag by sleeping 100 ms between checks. */
export const POLLING_JS = `export class Connection {
  async waitUntilReady() {
    while (!this.ready) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
`;

export const CLEAN_JS = `export async function waitUntilReady(connection) {
  await connection.ready;
}
`;
