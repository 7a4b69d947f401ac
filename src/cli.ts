#!/usr/bin/env node
// The `sleepless` command: lints with the plugin's recommended rules and no ESLint set-up. See `sleepless --help`.
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
