// Security properties of the shipped CLI and server: no network access, no file written unless
// asked for, and no user code run. Each process is started with a preloaded module that reports
// and refuses every connection, host lookup and file write.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ConfigurationRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const ROOT = join(__dirname, '..', '..');
const WATCH = join(ROOT, 'test', 'fixtures', 'security', 'watch-io.js');
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.arch.json'));

/** A model whose top-level code would create `marker` if it were ever run. */
function sideEffectingModel(marker: string): string {
  return [
    "import { writeFileSync } from 'fs';",
    `writeFileSync(${JSON.stringify(marker)}, 'ran');`,
    `(() => require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'))();`,
    "export default defineModel({ reslint: 1, layers: [['conv', 'relu']] });",
    '',
  ].join('\n');
}

describe('security', () => {
  test('the CLI reads files and writes only to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-security-'));
    const marker = join(dir, 'pwned');
    writeFileSync(join(dir, 'model.arch.ts'), sideEffectingModel(marker));
    const before = readdirSync(dir).sort();
    const files = [...EXAMPLES.map((name) => join(ROOT, 'examples', name)), join(dir, 'model.arch.ts')];
    for (const format of ['text', 'json', 'sarif']) {
      const result = spawnSync(process.execPath, ['--require', WATCH, join(ROOT, 'dist', 'cli.js'), 'explain', '--format', format, ...files], { cwd: dir, encoding: 'utf8' });
      assert.doesNotMatch(result.stderr, /RESLINT-IO-VIOLATION/, result.stderr);
      assert.ok(result.status === 0 || result.status === 1, `exit ${result.status}: ${result.stderr}`);
    }
    assert.equal(existsSync(marker), false, 'the model file was run');
    assert.deepEqual(readdirSync(dir).sort(), before);
  });

  test('the CLI finds the model in a side-effecting file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-security-'));
    const marker = join(dir, 'pwned');
    writeFileSync(join(dir, 'model.arch.ts'), sideEffectingModel(marker));
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', 'model.arch.ts'], { cwd: dir, encoding: 'utf8' });
    const file = JSON.parse(result.stdout).files[0];
    assert.equal(file.blocks.length, 1);
    assert.equal(file.W, 0.5);
    assert.equal(existsSync(marker), false);
  });

  test('the server connects nowhere and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-security-'));
    const marker = join(dir, 'pwned');
    const modelPath = join(dir, 'model.arch.ts');
    writeFileSync(modelPath, sideEffectingModel(marker));
    const child = spawn(process.execPath, ['--require', WATCH, join(ROOT, 'dist', 'server.js'), '--stdio'], { cwd: dir, stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    const published = new Map<string, number>();
    const allPublished = new Promise<void>((resolve) => {
      connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        published.set(params.uri, params.diagnostics.length);
        if (published.size === EXAMPLES.length + 1) resolve();
      });
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
    await connection.sendNotification(InitializedNotification.type, {});
    for (const name of EXAMPLES) {
      const uri = pathToFileURL(join(ROOT, 'examples', name)).href;
      const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonc', version: 1, text } });
      await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 30, character: 10 } });
    }
    const modelUri = pathToFileURL(modelPath).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: modelUri, languageId: 'typescript', version: 1, text: readFileSync(modelPath, 'utf8') } });
    await allPublished;
    await connection.sendRequest(ShutdownRequest.type);
    connection.dispose();
    child.kill();

    assert.doesNotMatch(stderr, /RESLINT-IO-VIOLATION/, stderr);
    assert.equal(existsSync(marker), false, 'the model file was run');
    assert.deepEqual(readdirSync(dir).sort(), ['model.arch.ts']);
  });
});
