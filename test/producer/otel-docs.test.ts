import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadBuiltPlugin } from '../helpers/built-plugin.js';
import { readStream } from '../helpers/kinesis-read.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';
import { fences, type Fence } from '../helpers/markdown.js';

/**
 * The blocks of docs/producer.md's "Trying it locally (kinesalite)" and "OpenTelemetry metrics" sections, run for
 * real: the documented kinesalite command (through npx, bound to loopback on a free port) and the program that
 * creates a stream on it and produces; the Prometheus example, scraped; the OTLP example, received by a loopback
 * OTLP endpoint standing in for the ADOT collector. test/producer/docs-examples.test.ts runs the other examples and
 * leaves these to this file (they need servers of their own rather than its single kinesalite).
 */

const root = join(import.meta.dirname, '..', '..');
const builtProducer = join(root, 'dist', 'producer', 'index.js');
const SPECIFIER = "'eslint-plugin-sleepless/producer'";
const docs = fences(readFileSync(join(root, 'docs', 'producer.md'), 'utf8'));
const section = (heading: string, lang: string): Fence[] => docs.filter((f) => f.heading === heading && f.lang === lang);

const LOCAL = 'Trying it locally (kinesalite)';
const PROMETHEUS = 'Prometheus';
const CLOUDWATCH = 'CloudWatch (ADOT collector, EMF)';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('docs/producer.md: running locally and OpenTelemetry metrics', () => {
  let dir: string;
  let server: KinesisTestServer;

  beforeAll(async () => {
    if (!existsSync(builtProducer)) throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'sleepless-otel-docs-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
    server = await startKinesisServer();
    // The stream the Prometheus and OTLP examples produce to.
    await server.createStream('orders', 2);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the block as an ES module importing the built package, and runs it with no AWS settings from outside. */
  async function run(name: string, code: string): Promise<{ code: number; stdout: string; stderr: string }> {
    expect(code).toContain(SPECIFIER);
    const file = join(dir, `${name}.mjs`);
    const source = code.replaceAll(SPECIFIER, JSON.stringify(pathToFileURL(builtProducer).href));
    writeFileSync(file, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    return new Promise((resolve) => {
      execFile(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', timeout: 50_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  /** A block that talks to AWS in eu-west-1, pointed at the test's kinesalite with dummy credentials instead. */
  function toKinesalite(code: string): string {
    expect(code.match(/region: 'eu-west-1'/g)).toHaveLength(1);
    return code.replace(
      "region: 'eu-west-1'",
      `region: 'us-east-1', endpoint: ${JSON.stringify(server.endpoint)}, credentials: { accessKeyId: 'docs', secretAccessKey: 'docs' }`,
    );
  }

  it('has the blocks this test runs', () => {
    expect(section(LOCAL, 'sh')).toHaveLength(2);
    expect(section(LOCAL, 'ts')).toHaveLength(1);
    expect(section(PROMETHEUS, 'ts')).toHaveLength(1);
    expect(section(CLOUDWATCH, 'ts')).toHaveLength(1);
    expect(section(CLOUDWATCH, 'yaml')).toHaveLength(1);
  });

  /**
   * Runs a documented shell command as typed, with loopback-listen.mjs preloaded through NODE_OPTIONS into every
   * node process it starts: the listeners on the documented ports go to free ports on 127.0.0.1 instead.
   */
  async function startDocumented(command: string, listeners: Record<string, number>): Promise<{ ports: Record<string, number>; stop(): Promise<void> }> {
    const child = spawn('sh', ['-c', command], {
      cwd: root,
      env: {
        ...process.env,
        LOOPBACK_LISTEN: Object.entries(listeners).map(([label, port]) => `${port}=${label}`).join(','),
        NODE_OPTIONS: `--import ${pathToFileURL(join(root, 'test', 'helpers', 'loopback-listen.mjs')).href}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stop = async (): Promise<void> => {
      // sh, npx and the server it started share a process group.
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    };
    let output = '';
    try {
      const ports = await new Promise<Record<string, number>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${command} did not start: ${output}`)), 45_000);
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const found = Object.fromEntries([...output.matchAll(/LOOPBACK_LISTENING (\w+) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
          if (Object.keys(listeners).every((label) => found[label] !== undefined)) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
      });
      return { ports, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  /** Runs the section's program against `endpoint` and checks what the stream holds. */
  async function produceLocally(name: string, endpoint: string): Promise<void> {
    const program = section(LOCAL, 'ts')[0]!.code;
    expect(program).toContain("endpoint: 'http://localhost:4567'");
    const result = await run(name, program.replace("'http://localhost:4567'", JSON.stringify(endpoint)));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^shardId-00000000000[01] \d+\n$/);
    const client = new KinesisClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
    try {
      const contents = await readStream(client, 'orders');
      expect(contents.shards).toHaveLength(2);
      expect(contents.kept.map((r) => `${r.shardId} ${r.partitionKey} ${r.data.toString()}`)).toEqual([`${result.stdout.split(' ')[0]} customer-42 hello`]);
    } finally {
      client.destroy();
    }
  }

  const devDependencies = (): Record<string, string> => (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;

  it('the kinesalite commands start a server the example creates a stream on and produces to, with dummy credentials', async () => {
    const [install, start] = section(LOCAL, 'sh')[0]!.code.trim().split('\n');
    // The install line names a devDependency this repository pins (npm ci installed it; no network here).
    expect(install).toBe('npm install --save-dev kinesalite');
    expect(devDependencies().kinesalite).toBeDefined();
    expect(start).toBe('npx kinesalite --port 4567 --createStreamMs 0');
    const server = await startDocumented(start!, { kinesalite: 4567 });
    try {
      await produceLocally('kinesalite', `http://127.0.0.1:${server.ports.kinesalite}`);
    } finally {
      await server.stop();
    }
  });

  it('the kinesis-mock command starts a server the same example produces to on its plain HTTP port', async () => {
    const [install, start] = section(LOCAL, 'sh')[1]!.code.trim().split('\n');
    expect(install).toBe('npm install --save-dev kinesis-local');
    expect(devDependencies()['kinesis-local']).toBeDefined();
    expect(start).toBe('KINESIS_MOCK_CERT_PATH=node_modules/kinesis-local/server.json npx kinesis-local');
    const server = await startDocumented(start!, { plain: 4568, tls: 4567 });
    try {
      await produceLocally('kinesis-mock', `http://127.0.0.1:${server.ports.plain}`);
    } finally {
      await server.stop();
    }
  });

  it('the Prometheus example serves the KPL metrics to a scrape', async () => {
    const before = (await server.readAll('orders')).length;
    const port = await freePort();
    const code = toKinesalite(section(PROMETHEUS, 'ts')[0]!.code);
    expect(code).toContain('new PrometheusExporter({ port: 9464 })');
    expect(code).toContain("fetch('http://localhost:9464/metrics')");
    const local = code
      .replace('new PrometheusExporter({ port: 9464 })', `new PrometheusExporter({ port: ${port}, host: '127.0.0.1' })`)
      .replace("fetch('http://localhost:9464/metrics')", `fetch('http://127.0.0.1:${port}/metrics')`);
    const result = await run('prometheus', local);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^UserRecordsPut_total\{StreamName="orders",ShardId="shardId-00000000000[01]",otel_scope_name="eslint-plugin-sleepless\/producer"[^}]*\} 1\n$/);
    expect((await server.readAll('orders')).slice(before).map((r) => r.partitionKey)).toEqual(['customer-42']);
  });

  it('the OTLP example exports the KPL metrics to a collector endpoint; the collector config wires OTLP to awsemf', async () => {
    const stream = 'orders';
    const before = (await server.readAll(stream)).length;
    const requests: unknown[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body) as unknown });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const code = toKinesalite(section(CLOUDWATCH, 'ts')[0]!.code);
      expect(code).toContain("url: 'http://localhost:4318/v1/metrics'");
      const result = await run('otlp', code.replace("'http://localhost:4318/v1/metrics'", `'http://127.0.0.1:${port}/v1/metrics'`));
      expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 0, stderr: '', stdout: '' });
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect((await server.readAll(stream)).slice(before).map((r) => r.partitionKey)).toEqual(['customer-42']);

      interface OtlpPoint { attributes: { key: string; value: { stringValue?: string } }[]; asInt?: string | number; asDouble?: number }
      interface OtlpMetric { name: string; unit?: string; sum?: { dataPoints: OtlpPoint[] }; histogram?: { dataPoints: OtlpPoint[] } }
      const metrics: OtlpMetric[] = [];
      for (const request of requests as { url: string; contentType: string; body: { resourceMetrics: { scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[] } }[]) {
        expect(request.url).toBe('/v1/metrics');
        expect(request.contentType).toBe('application/json');
        for (const resource of request.body.resourceMetrics) {
          for (const scope of resource.scopeMetrics) {
            expect(scope.scope.name).toBe('eslint-plugin-sleepless/producer');
            metrics.push(...scope.metrics);
          }
        }
      }
      const put = metrics.find((m) => m.name === 'UserRecordsPut')!;
      expect(put.sum!.dataPoints).toHaveLength(1);
      const point = put.sum!.dataPoints[0]!;
      expect(Number(point.asInt ?? point.asDouble)).toBe(1);
      const attributes = Object.fromEntries(point.attributes.map((a) => [a.key, a.value.stringValue]));
      expect(attributes.StreamName).toBe(stream);
      expect(attributes.ShardId).toMatch(/^shardId-00000000000[01]$/);
      expect(metrics.find((m) => m.name === 'RequestTime')?.unit).toBe('ms');

      // The collector itself is not run here; its config is checked for the wiring the text describes.
      const config = parseYaml(section(CLOUDWATCH, 'yaml')[0]!.code) as {
        receivers: { otlp: { protocols: { http: { endpoint: string } } } };
        exporters: { awsemf: { namespace: string } };
        service: { pipelines: { metrics: { receivers: string[]; exporters: string[] } } };
      };
      expect(config.receivers.otlp.protocols.http.endpoint.endsWith(':4318')).toBe(true);
      expect(config.exporters.awsemf.namespace).toBe('KinesisProducerLibrary');
      expect(config.service.pipelines.metrics).toEqual({ receivers: ['otlp'], exporters: ['awsemf'] });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('lint clean with the recommended config', async () => {
    const plugin = await loadBuiltPlugin();
    const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as Linter.Parser } }, plugin.configs.recommended];
    const linter = new Linter({ configType: 'flat' });
    for (const fence of [section(LOCAL, 'ts')[0]!, section(PROMETHEUS, 'ts')[0]!, section(CLOUDWATCH, 'ts')[0]!]) {
      expect(linter.verify(fence.code, config, { filename: 'example.ts' }).map((m) => `line ${fence.line + m.line}: ${m.message}`)).toEqual([]);
    }
  });

  it('type-check against the published types', () => {
    const typeDir = mkdtempSync(join(tmpdir(), 'sleepless-otel-docs-types-'));
    try {
      symlinkSync(join(root, 'node_modules'), join(typeDir, 'node_modules'), 'junction');
      const files = [section(LOCAL, 'ts')[0]!, section(PROMETHEUS, 'ts')[0]!, section(CLOUDWATCH, 'ts')[0]!].map((fence) => {
        const file = join(typeDir, `block-${fence.line}.mts`);
        writeFileSync(file, fence.code);
        return file;
      });
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        paths: { 'eslint-plugin-sleepless/producer': [join(root, 'dist', 'producer', 'index.d.ts')] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(typeDir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
        return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(typeDir, { recursive: true, force: true });
    }
  }, 60_000);
});
