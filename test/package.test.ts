import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const POLLING = `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export async function flushSync(producer) {
  while (producer.getOutstandingRecordsCount() > 0) {
    producer.flush();
    await sleep(500);
  }
}
`;

/**
 * Installs the packed tarball into a fresh project, as a user would (`npm pack`, then `npm install <tarball>`),
 * and lints with `configs.recommended` from an ESM and a CommonJS flat config.
 */
describe('the packed package in a fresh project', () => {
  let project: string;
  let packDir: string;

  beforeAll(() => {
    packDir = mkdtempSync(join(tmpdir(), 'sleepless-pack-'));
    project = mkdtempSync(join(tmpdir(), 'sleepless-user-'));
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    writeFileSync(join(project, 'index.js'), POLLING);
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(packDir, tarball), 'eslint@10.15.0', '@aws-sdk/client-kinesis@3.1143.0', '@smithy/node-http-handler@4.14.2'], {
      cwd: project,
      stdio: 'pipe',
    });
  }, 180_000);

  afterAll(() => {
    rmSync(packDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  function lint(): { ruleId: string; message: string }[] {
    let out: string;
    try {
      out = execFileSync(join(project, 'node_modules', '.bin', 'eslint'), ['--format', 'json', 'index.js'], { cwd: project, encoding: 'utf8' });
    } catch (error) {
      out = (error as { stdout: string }).stdout; // exit code 1 means findings
    }
    return (JSON.parse(out) as { messages: { ruleId: string; message: string }[] }[])[0]!.messages;
  }

  it('lints with eslint.config.js (ESM import)', () => {
    writeFileSync(join(project, 'eslint.config.js'), `import sleepless from 'eslint-plugin-sleepless';\nexport default [sleepless.configs.recommended];\n`);
    const messages = lint();
    rmSync(join(project, 'eslint.config.js'));
    expect(messages.map((m) => m.ruleId)).toEqual(['sleepless/no-sleep-polling']);
    expect(messages[0]!.message).toContain('is polled every 500 ms');
  });

  it('lints with eslint.config.cjs (require of the ESM package)', () => {
    writeFileSync(join(project, 'eslint.config.cjs'), `const sleepless = require('eslint-plugin-sleepless');\nmodule.exports = [sleepless.configs.recommended];\n`);
    const messages = lint();
    rmSync(join(project, 'eslint.config.cjs'));
    expect(messages.map((m) => m.ruleId)).toEqual(['sleepless/no-sleep-polling']);
  });

  it('exposes the producer entry point', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "import('eslint-plugin-sleepless/producer').then((m) => console.log(typeof m.KinesisProducer))"], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(out.trim()).toBe('function');
  });
});
