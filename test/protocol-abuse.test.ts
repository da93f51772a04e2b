// The real server under protocol abuse: malformed JSON-RPC, unknown methods, documents never
// opened, positions out of range, 1,000 edits with cancellations, and didClose during analysis.
// The server must stay up, respond to every request and end with diagnostics of the final text.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CancellationTokenSource,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ConfigurationRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');
const CLI = join(ROOT, 'dist', 'cli.js');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'resnet50.arch.json'), 'utf8');

let child: ChildProcessWithoutNullStreams;
let connection: ProtocolConnection;
let stderr = '';
const published: PublishDiagnosticsParams[] = [];
const logs: LogMessageParams[] = [];

/** Writes one framed message with an arbitrary body, as a broken client would. */
function writeRaw(body: string): void {
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
}

/** Resolves once a publishDiagnostics for `uri` satisfies `matches`, checking those already received. */
function waitForPublish(uri: string, matches: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(published.at(-1))}`)), 20_000);
    const poll = setInterval(() => {
      const found = [...published].reverse().find((params) => params.uri === uri && matches(params));
      if (!found) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(found);
    }, 10);
  });
}

function cliFindings(text: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'reslint-abuse-')), 'final.arch.json');
  writeFileSync(file, text);
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', file], { encoding: 'utf8' });
  return (JSON.parse(result.stdout) as { files: { findings: { code: string; line: number; column: number }[] }[] }).files[0].findings.map(
    (f) => `${f.code}@${f.line}:${f.column}`,
  );
}

describe('protocol abuse', () => {
  before(async () => {
    child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => published.push(params));
    connection.onNotification(LogMessageNotification.type, (params) => logs.push(params));
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(() => {
    connection.dispose();
    child.kill();
  });

  test('malformed messages leave the server answering', async () => {
    writeRaw('{this is not json');
    writeRaw('{"jsonrpc": "2.0", "id": "x", "method": 42}');
    writeRaw('[1, 2, 3]');
    writeRaw('{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": null}}');
    writeRaw('{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": 5}, "contentChanges": "x"}}');
    const answer = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///never.arch.json' }, position: { line: 0, character: 0 } });
    assert.equal(answer, null);
    assert.equal(child.exitCode, null, `server exited; stderr: ${stderr}`);
  });

  test('a document opened without text is logged once and left alone', async () => {
    const uri = 'file:///abuse/textless.arch.json';
    const from = logs.length;
    writeRaw(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'jsonc', version: 1, text: null } } }));
    // Requests and settings changes read the document again, and each would have failed.
    assert.equal(await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
    const about = logs.slice(from).filter((params) => params.message.includes(uri));
    assert.deepEqual(
      about.map((params) => [params.type, params.message]),
      [[MessageType.Warning, `${uri}: the client opened this document without a text (null), so it is not analysed.`]],
    );
    assert.equal(child.exitCode, null);
  });

  test('an unknown method gets MethodNotFound', async () => {
    await assert.rejects(connection.sendRequest('reslint/noSuchMethod', {}), (error: { code: number }) => error.code === -32601);
    await connection.sendNotification('reslint/noSuchNotification', {});
    assert.equal(child.exitCode, null);
  });

  test('requests for unopened documents return empty results', async () => {
    const textDocument = { uri: 'file:///nowhere/model.arch.json' };
    const range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
    assert.equal(await connection.sendRequest('textDocument/hover', { textDocument, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await connection.sendRequest('textDocument/inlayHint', { textDocument, range }), []);
    assert.deepEqual(await connection.sendRequest('textDocument/codeLens', { textDocument }), []);
    assert.deepEqual(await connection.sendRequest('textDocument/codeAction', { textDocument, range, context: { diagnostics: [] } }), []);
  });

  test('positions out of range are answered', async () => {
    const uri = 'file:///abuse/range.arch.json';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonc', version: 1, text: EXAMPLE } });
    for (const position of [{ line: 1_000_000, character: 0 }, { line: 3, character: 100_000 }, { line: -1, character: -5 }]) {
      const answer = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      assert.ok(answer === null || typeof answer === 'object');
    }
    const far = { start: { line: 999_999, character: 0 }, end: { line: 1_000_000, character: 9 } };
    assert.deepEqual(await connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: far }), []);
    assert.equal(child.exitCode, null);
  });

  test('1,000 edits with cancellations end on the last text', async () => {
    const uri = 'file:///abuse/edits.arch.json';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonc', version: 1, text: EXAMPLE } });
    const answers: Promise<unknown>[] = [];
    let text = EXAMPLE;
    for (let version = 2; version <= 1001; version++) {
      text = EXAMPLE.replace('"repeat": 5', `"repeat": ${1 + (version % 40)}`);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      const source = new CancellationTokenSource();
      answers.push(
        connection
          .sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 52, character: 8 } }, source.token)
          .then(() => 'answered', (error: { code: number }) => (error.code === -32800 ? 'cancelled' : Promise.reject(error))),
      );
      if (version % 2 === 0) source.cancel();
    }
    const outcomes = await Promise.all(answers);
    assert.equal(outcomes.length, 1000);
    assert.ok(outcomes.every((outcome) => outcome === 'answered' || outcome === 'cancelled'));
    const last = await waitForPublish(uri, (params) => params.version === 1001);
    const shown = last.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
    assert.deepEqual(shown, cliFindings(text));
    const analysedVersions = published.filter((params) => params.uri === uri).length;
    assert.ok(analysedVersions < 100, `${analysedVersions} of 1,000 versions were published; edits in a burst should be analysed once`);
  });

  test('didClose during an analysis clears the diagnostics', async () => {
    const uri = 'file:///abuse/close.arch.json';
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonc', version: 1, text: EXAMPLE } });
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${EXAMPLE} ` }] });
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    await waitForPublish(uri, (params) => params.diagnostics.length === 0);
    // A hover after the close must not resurrect the document.
    assert.equal(await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 52, character: 8 } }), null);
    const afterClose = published.filter((params) => params.uri === uri).at(-1);
    assert.deepEqual(afterClose?.diagnostics, []);
    assert.equal(child.exitCode, null);
    assert.doesNotMatch(stderr, /Unhandled|TypeError|RangeError/);
  });
});
