// Protocol tests: the built language server (dist/server.js --stdio) driven over JSON-RPC as VS
// Code drives it. They need `npm run build` first, which `npm test` runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Location, MarkupContent, Position, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../server/src/core/lines';
import { contributedProperties, parseServerSettings } from '../server/src/server/settings';
import { EXPLAIN_METHOD } from '../server/src/server/explain';
import { STATUS_METHOD } from '../server/src/server/status';
import { UNSAVED_SOURCE_METHOD } from '../server/src/server/unsavedSources';
import { applyWorkspaceEdit, didChangeMessage, LspClient, positionOf, readFixture, renderInlayHints, ROOT, wholeRange } from './lsp-client';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'lsp');
const EXAMPLES = join(ROOT, 'examples');
const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'];

/** Returns a new document uri, so one test's diagnostics never satisfy another test's wait. */
let documentCount = 0;
function freshUri(name: string): string {
  documentCount += 1;
  return pathToFileURL(join(FIXTURES, `${documentCount}-${name}`)).href;
}

function markdownOf(hover: { contents: unknown } | null): string {
  assert.ok(hover, 'expected a hover');
  return (hover.contents as MarkupContent).value;
}

function codesOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

/** `line:column severity code`, 1-based like the CLI's JSON report. */
function diagnosticKey(diagnostic: Diagnostic): string {
  const start = diagnostic.range.start;
  return `${start.line + 1}:${start.character + 1} ${SEVERITY_NAMES[diagnostic.severity ?? 0]} ${String(diagnostic.code)}`;
}

function cliFindings(file: string): string[] {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
  assert.ok(result.status === 0 || result.status === 1, `reslint check ${file} exited with ${result.status}: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: { findings: { line: number; column: number; severity: string; code: string }[] }[] };
  return report.files[0].findings.map((finding) => `${finding.line}:${finding.column} ${finding.severity} ${finding.code}`);
}

/** Returns a model of `count` residual blocks, each applied once, as indented JSON. */
function wideModel(count: number): string {
  const names = Array.from({ length: count }, (_, index) => `block_${index}`);
  const block = { paths: { shortcut: [], residual: ['linear', 'relu', { gain: 0.5 }] } };
  const blocks = Object.fromEntries(names.map((name) => [name, block]));
  return JSON.stringify({ reslint: 1, blocks, layers: names.map((name) => ({ block: name })) }, null, 2);
}

/** Returns the completion items that the server gives at a position of an open document. */
async function completionAt(client: LspClient, uri: string, position: Position): Promise<CompletionItem[]> {
  return (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[];
}

function readModel(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

describe('test client', () => {
  test('inserts at one position keep their order', () => {
    const uri = 'file:///model.arch.ts';
    const at = { line: 0, character: 2 };
    const edit = { documentChanges: [{ textDocument: { uri, version: 1 }, edits: [{ range: { start: at, end: at }, newText: ',' }, { range: { start: at, end: at }, newText: ' b' }] }] };
    assert.equal(applyWorkspaceEdit('[a]', edit, uri), '[a, b]');
  });
});

describe('language server', () => {
  let client: LspClient;
  const residual = readFixture('residual.arch.json');

  before(async () => {
    client = await LspClient.start();
  });

  after(async () => {
    await client.stop();
  });

  test('initialize reports features and version', () => {
    const result = client.initializeResult;
    assert.ok(result);
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(result.serverInfo?.version, packageJson.version);
    assert.equal(result.capabilities.hoverProvider, true);
    assert.equal(result.capabilities.inlayHintProvider, true);
    assert.deepEqual(result.capabilities.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'], resolveProvider: true });
    assert.equal(result.capabilities.definitionProvider, true);
    assert.deepEqual(result.capabilities.documentSymbolProvider, { label: 'ResLint' });
    assert.equal(result.capabilities.referencesProvider, true);
    assert.deepEqual(result.capabilities.renameProvider, { prepareProvider: true });
  });

  test('server logs its start', async () => {
    const log = await client.waitForLog(/ResLint language server \S+ started/);
    assert.equal(log.type, 3);
  });

  test('diagnostics carry code, link and data', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(codesOf(diagnostics), ['block-vanishing', 'block-exploding', 'block-vanishing', 'network-vanishing']);
    diagnostics.forEach((diagnostic, index) => {
      assert.equal(diagnostic.source, 'reslint');
      // The link opens docs/codes.md at the line of the code's heading.
      const codesDoc = join(ROOT, 'docs', 'codes.md');
      const headingLine = readFileSync(codesDoc, 'utf8').split('\n').indexOf(`## ${String(diagnostic.code)}`) + 1;
      assert.ok(headingLine > 0, `no heading for ${String(diagnostic.code)}`);
      assert.equal(diagnostic.codeDescription?.href, `${pathToFileURL(codesDoc).href}#L${headingLine}`);
      const data = diagnostic.data as { uri: string; version: number; index: number };
      assert.equal(data.uri, uri);
      assert.equal(data.version, 1);
      assert.equal(data.index, index);
    });
    assert.deepEqual(diagnostics[0].range, { start: { line: 6, character: 4 }, end: { line: 6, character: 9 } });
    assert.match(diagnostics[0].message, /Block "res" has W_l = 0\.750 under the seed model/);
    await client.close(uri);
  });

  test('diagnostics match the CLI on every example', async (t) => {
    const files = readdirSync(EXAMPLES).filter((name) => /\.arch\.(json|ts)$/.test(name));
    assert.ok(files.length > 0, 'no example files in examples/');
    for (const name of files) {
      await t.test(name, async () => {
        const path = join(EXAMPLES, name);
        const uri = pathToFileURL(path).href;
        await client.open(uri, readModel(path), name.endsWith('.ts') ? 'typescript' : 'jsonc');
        const diagnostics = await client.diagnostics(uri, 1);
        assert.deepEqual(diagnostics.map(diagnosticKey), cliFindings(path));
        await client.close(uri);
      });
    }
  });

  test('arch.ts document matches the CLI', async () => {
    const path = join(FIXTURES, 'model.arch.ts');
    const uri = pathToFileURL(path).href;
    const text = readModel(path);
    await client.open(uri, text, 'typescript');
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(diagnostics.map(diagnosticKey), cliFindings(path));
    const rendered = renderInlayHints(text, await client.inlayHints(uri, wholeRange(text)));
    assert.ok(rendered.includes("{ block: 'res' /* W_l = 1.50 */, repeat: 8 /* W = 1.50^8 = 25.6 */ }"), rendered);
    await client.close(uri);
  });

  /**
   * Opens a *.arch.ts model whose first line is `first` and whose "layers" line is `layers`, with
   * the block res of W_l = 1.25, and returns its uri, text and rendered inlay hints.
   */
  async function openResModel(name: string, first: string, layers: string): Promise<{ uri: string; text: string; rendered: string }> {
    const uri = freshUri(name);
    const text = [first, 'export default {', '  reslint: 1,', "  blocks: { res: { paths: { shortcut: [], residual: [{ gain: 0.25 }] } } },", `  layers: ${layers},`, '};', ''].join('\n');
    await client.open(uri, text, 'typescript');
    await client.diagnostics(uri, 1);
    return { uri, text, rendered: renderInlayHints(text, await client.inlayHints(uri, wholeRange(text))) };
  }

  test('layers of one arch.ts expression share one hint and lens', async () => {
    const { uri, text, rendered } = await openResModel('stages.arch.ts', 'const stages = [2, 3, 30];', "[['tanh'], ...stages.flatMap((n) => [{ block: 'res', repeat: n }, ['relu']])]");
    assert.ok(
      rendered.includes("layers: [['tanh'] /* W_l = 0.606 */, ...stages.flatMap((n) => [{ block: 'res', repeat: n }, ['relu']]) /* 6 layers: W = 308 */]"),
      rendered,
    );
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.slice(1).map((lens) => [lens.range.start.line, lens.command?.title]),
      [[4, '6 layers from here: W = 308, above the band [0.01, 100]; 1 of its 3 repeated layers leaves the band when stacked alone']],
    );
    const markdown = markdownOf(await client.hover(uri, positionOf(text, 'repeat: n', 2)));
    assert.ok(markdown.startsWith('**6 layers from here**: W = 308 under the seed model'), markdown);
    assert.ok(markdown.includes('| layers[5] | res | 30 | 1.25 | 808 | 373 |'), markdown);
    await client.close(uri);
  });

  test('hover on a spread shows the layers it places', async () => {
    const { uri, text } = await openResModel(
      'spread.arch.ts',
      "const stem = [{ block: 'res', repeat: 4 }, { block: 'res', repeat: 2 }];\nconst one = { block: 'res', repeat: 3 };",
      '[...stem, one, ...stem]',
    );
    // W_l = 1.25; the running W after the five layers is 1.25^4, ^6, ^9, ^13 and ^15.
    const first = await client.hover(uri, positionOf(text, '...stem', 3, 1));
    const firstMarkdown = markdownOf(first);
    assert.ok(firstMarkdown.startsWith('**2 layers from here**'), firstMarkdown);
    assert.ok(firstMarkdown.includes('| layers[0] | res | 4 | 1.25 | 2.44 | 2.44 |'), firstMarkdown);
    assert.ok(firstMarkdown.includes('| layers[1] | res | 2 | 1.25 | 1.56 | 3.81 |'), firstMarkdown);
    assert.ok(!firstMarkdown.includes('layers[3]'), firstMarkdown);
    assert.deepEqual(first?.range, { start: positionOf(text, '...stem', 0, 1), end: positionOf(text, '...stem', 7, 1) });

    const second = markdownOf(await client.hover(uri, positionOf(text, '...stem', 3, 2)));
    assert.ok(second.includes('| layers[3] | res | 4 | 1.25 | 2.44 | 18.2 |'), second);
    assert.ok(second.includes('| layers[4] | res | 2 | 1.25 | 1.56 | 28.4 |'), second);
    assert.ok(!second.includes('layers[0]'), second);

    // One layer placed by a constant's name gets the full layer hover.
    const single = markdownOf(await client.hover(uri, positionOf(text, 'one, ', 1)));
    assert.ok(single.startsWith('**layers[2]: block `res` x 3**: W = 1.25^3 = 1.95 under the seed model'), single);
    await client.close(uri);
  });

  test('hover on a skipped layer group', async () => {
    const uri = freshUri('skipped-group.arch.ts');
    const text = [
      "const bad = { block: 'broken', repeat: 2 };",
      'export default {',
      '  reslint: 1,',
      "  blocks: { broken: { paths: { r: ['nosuch'] } } },",
      "  layers: [...[1, 2, 3].map(() => ({ block: 'broken', repeat: 3 })), bad, bad],",
      '};',
      '',
    ].join('\n');
    await client.open(uri, text, 'typescript');
    await client.diagnostics(uri, 1);
    const group = markdownOf(await client.hover(uri, positionOf(text, "block: 'broken', repeat: 3", 2)));
    assert.ok(group.startsWith('**0 of 3 layers from here**'), group);
    assert.ok(group.includes('layers[0], layers[1], layers[2]'), group);
    // One layer placed by a constant's name gets the single-layer hover.
    const placed = markdownOf(await client.hover(uri, positionOf(text, 'bad, bad', 1)));
    assert.ok(placed.startsWith('**layers[3]: block `broken` x 2**'), placed);
    assert.ok(placed.includes('This layer cannot be analysed'), placed);
    await client.close(uri);
  });

  test('layers at one range share hints even when reused or invalid', async () => {
    const { uri, text, rendered } = await openResModel(
      'groups.arch.ts',
      "const r = { block: 'res', repeat: 4 };",
      "[r, ['relu'], r, ...[1, 2, 3].map((n) => ['tanh', { block: 'res', repeat: n }]), ...[1, 2].map((n) => ({ block: n === 1 ? 'res' : 'nope' }))]",
    );
    // r is used twice: 1.25^8 = 5.96. The map makes three plain layers: 0.6057^3 x 1.25^6 = 0.848.
    assert.ok(rendered.startsWith("const r = { block: 'res', repeat: 4 } /* 2 layers: W = 1.25^8 = 5.96 */;"), rendered);
    assert.ok(rendered.includes("['tanh', { block: 'res', repeat: n }]) /* 3 layers: W = 0.848 */"), rendered);
    assert.ok(rendered.includes("({ block: n === 1 ? 'res' : 'nope' })) /* 1 of 2 layers: W = 1.25 */]"), rendered);
    assert.equal((rendered.match(/\/\*/g) ?? []).length, 4, rendered);
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.slice(1).map((lens) => [lens.range.start.line, lens.command?.title]),
      [
        [0, '2 layers from here: W = 1.25^8 = 5.96, inside the band [0.01, 100]; each repeated layer stays inside the band when stacked alone'],
        [4, '3 layers from here: W = 0.848, inside the band [0.01, 100]'],
        [4, '1 of 2 layers from here: W = 1.25, inside the band [0.01, 100]'],
      ],
    );
    const markdown = markdownOf(await client.hover(uri, positionOf(text, "'nope'", 2)));
    assert.ok(markdown.startsWith('**1 of 2 layers from here**: W = 1.25 under the seed model'), markdown);
    assert.ok(markdown.includes('Left out because they cannot be analysed (see their diagnostics): layers[7].'), markdown);
    await client.close(uri);
  });

  /**
   * Writes a model that repeats its block `depth` times, imported from parts.ts (6 on disk), opens
   * it and checks its findings at that depth.
   */
  async function openImportingModel(): Promise<{ uri: string; parts: string; partsUri: string }> {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-imports-'));
    const parts = join(folder, 'parts.ts');
    const model = join(folder, 'model.arch.ts');
    writeFileSync(parts, 'export const depth = 6;\n');
    writeFileSync(
      model,
      "import { defineModel } from 'reslint';\nimport { depth } from './parts';\n" +
        "export default defineModel({ reslint: 1, blocks: { leaf: { paths: { s: [], r: [{ gain: 0.5 }] } } }, layers: [{ block: 'leaf', repeat: depth }] });\n",
    );
    const uri = pathToFileURL(model).href;
    await client.open(uri, readFileSync(model, 'utf8'), 'typescript');
    // W_l = 1.5: 1.5^6 = 11.4 stays inside the band, 1.5^20 = 3325 leaves it.
    assert.deepEqual(codesOf(await client.diagnostics(uri, 1)), ['block-exploding']);
    return { uri, parts, partsUri: pathToFileURL(parts).href };
  }

  test('imported file change publishes the importing model again', async () => {
    const { uri, parts } = await openImportingModel();

    const since = client.published.length;
    writeFileSync(parts, 'export const depth = 20;\n');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(parts).href, type: FileChangeType.Changed }],
    });
    const again = await client.waitForPublish(uri, 'diagnostics after the import changed', (params) => params.version === 1, since);
    assert.deepEqual(codesOf(again.diagnostics), ['block-exploding', 'network-exploding', 'stage-out-of-band']);
    await client.close(uri);
  });

  test('closing an open import reads the disk again', async () => {
    const { uri, partsUri } = await openImportingModel();

    // The open document's text, never saved, replaces the file on disk.
    let since = client.published.length;
    await client.open(partsUri, 'export const depth = 20;\n', 'typescript');
    const opened = await client.waitForPublish(uri, 'diagnostics after the import was opened', () => true, since);
    assert.deepEqual(codesOf(opened.diagnostics), ['block-exploding', 'network-exploding', 'stage-out-of-band']);

    // Closed without saving: the file on disk counts again.
    since = client.published.length;
    await client.close(partsUri);
    const closed = await client.waitForPublish(uri, 'diagnostics after the import was closed', () => true, since);
    assert.deepEqual(codesOf(closed.diagnostics), ['block-exploding']);
    await client.close(uri);
  });

  test('non-model documents get no results', async () => {
    // parts.ts is a helper module that the model imports.
    const { uri: modelUri, parts, partsUri } = await openImportingModel();
    const folder = dirname(parts);
    // Texts that give ResLint errors when they are analysed as models.
    const others: [name: string, text: string, languageId: string][] = [
      ['x.json', '{}', 'json'],
      ['package.json', '{ "name": "demo", "version": "1.0.0" }', 'json'],
      ['tsconfig.json', '{ "compilerOptions": { "strict": true } }', 'jsonc'],
      ['foo.ts', 'export const x = 1;\n', 'typescript'],
      ['foo.arch.json.bak', '{}', 'plaintext'],
      ['parts.ts', 'export const depth = 6;\n', 'typescript'],
    ];
    const position = { line: 0, character: 2 };
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    for (const [name, text, languageId] of others) {
      const uri = pathToFileURL(join(folder, name)).href;
      await client.open(uri, text, languageId);
      assert.equal(await client.hover(uri, position), null, `hover on ${name}`);
      assert.deepEqual(await client.inlayHints(uri, range), [], `inlay hints of ${name}`);
      assert.deepEqual(await client.codeLenses(uri), [], `code lenses of ${name}`);
      assert.deepEqual(await client.codeActions(uri, range, []), [], `code actions of ${name}`);
      assert.deepEqual(await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), [], `symbols of ${name}`);
      assert.deepEqual(await completionAt(client, uri, position), [], `completion in ${name}`);
      assert.equal(await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }), null, `definition in ${name}`);
      assert.equal(await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position }), null, `prepareRename in ${name}`);
      assert.equal(await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'b' }), null, `rename in ${name}`);
      assert.equal(await client.connection.sendRequest(STATUS_METHOD, { uri }), null, `status of ${name}`);
      assert.equal(await client.connection.sendRequest(EXPLAIN_METHOD, { uri }), null, `report of ${name}`);
    }

    // The model reads the open parts.ts as its import: an edit there changes the model's findings.
    // Opening parts.ts above publishes the model again too, maybe after this point, so the wait
    // is for the publish that the edit's depth of 20 makes.
    const since = client.published.length;
    await client.change(partsUri, 2, 'export const depth = 20;\n');
    const changed = await client.waitForPublish(
      modelUri,
      'diagnostics after the open import changed',
      (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'stage-out-of-band'),
      since,
    );
    assert.deepEqual(codesOf(changed.diagnostics), ['block-exploding', 'network-exploding', 'stage-out-of-band']);

    for (const [name] of others) await client.close(pathToFileURL(join(folder, name)).href);
    // The model's publish after the closes comes after any publish of the documents closed before it.
    const closedSince = client.published.length;
    await client.change(modelUri, 2, readFileSync(fileURLToPath(modelUri), 'utf8'));
    const closed = await client.waitForPublish(modelUri, 'diagnostics after the closes', (params) => params.version === 2, closedSince);
    assert.deepEqual(codesOf(closed.diagnostics), ['block-exploding']);
    for (const [name] of others) {
      const uri = pathToFileURL(join(folder, name)).href;
      assert.deepEqual(client.published.filter((params) => params.uri === uri), [], `diagnostics published for ${name}`);
    }
    await client.close(modelUri);
  });

  test('reslint.files makes other files models', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-files-setting-'));
    const uri = pathToFileURL(join(folder, 'models', 'net.json')).href;
    const other = pathToFileURL(join(folder, 'net.json')).href;
    await client.changeSettings({ files: ['**/models/*.json'] });
    await client.open(uri, residual);
    await client.open(other, residual);
    assert.deepEqual(codesOf(await client.diagnostics(uri, 1)), ['block-vanishing', 'block-exploding', 'block-vanishing', 'network-vanishing']);
    assert.ok(await client.hover(uri, positionOf(residual, '"res": {', 2)), 'a file that matches reslint.files gets hovers');
    assert.equal(await client.hover(other, positionOf(residual, '"res": {', 2)), null);

    // Without the pattern, the file is not a model, and its diagnostics are withdrawn.
    const since = client.published.length;
    await client.changeSettings({});
    const withdrawn = await client.waitForPublish(uri, 'diagnostics after reslint.files changed', () => true, since);
    assert.deepEqual(withdrawn.diagnostics, []);
    assert.equal(await client.hover(uri, positionOf(residual, '"res": {', 2)), null);
    await client.close(uri);
    await client.close(other);
    assert.deepEqual(client.published.filter((params) => params.uri === other), []);
  });

  test('unsaved text of an imported file is analysed until it is dropped', async () => {
    const { uri, partsUri } = await openImportingModel();

    // The editor's unsaved text replaces the file on disk: 1.5^20 = 3325 leaves the band.
    let since = client.published.length;
    const refreshes = { ...client.refreshes };
    await client.connection.sendNotification(UNSAVED_SOURCE_METHOD, { uri: partsUri, text: 'export const depth = 20;\n' });
    const edited = await client.waitForPublish(uri, 'diagnostics after the unsaved edit', () => true, since);
    assert.deepEqual(codesOf(edited.diagnostics), ['block-exploding', 'network-exploding', 'stage-out-of-band']);
    // The model's hints and lenses are asked for again, since its own text did not change.
    assert.equal(client.refreshes.inlayHint, refreshes.inlayHint + 1);
    assert.equal(client.refreshes.codeLens, refreshes.codeLens + 1);
    assert.match(renderInlayHints(readFileSync(fileURLToPath(uri), 'utf8'), await client.inlayHints(uri, wholeRange(readFileSync(fileURLToPath(uri), 'utf8')))), /W = 1\.50\^20 = 3325/);

    // Malformed params change nothing and are logged; the server keeps running.
    const warned = client.waitForLog(/Ignored a reslint\/unsavedSource notification/);
    await client.connection.sendNotification(UNSAVED_SOURCE_METHOD, { uri: partsUri, text: 42 });
    await warned;

    // Reverting drops the unsaved text, and the file on disk is read again.
    since = client.published.length;
    await client.connection.sendNotification(UNSAVED_SOURCE_METHOD, { uri: partsUri, text: null });
    const reverted = await client.waitForPublish(uri, 'diagnostics after the revert', () => true, since);
    assert.deepEqual(codesOf(reverted.diagnostics), ['block-exploding']);
    await client.close(uri);
  });

  test('completion offers blocks and ops where they are named', async () => {
    const uri = freshUri('completion.arch.json');
    const text = '{\n  "reslint": 1,\n  "ops": { "swiglu": { "gain": 0.62 } },\n  "blocks": { "res": { "paths": { "s": [], "r": ["re"] } } },\n  "layers": [{ "block": "" }]\n}';
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const complete = (position: Position): Promise<CompletionItem[]> => completionAt(client, uri, position);

    const blocks = await complete(positionOf(text, '"block": ""', '"block": "'.length));
    assert.deepEqual(blocks.map((item) => item.label), ['res']);
    // The name goes between the quotes.
    const inside = positionOf(text, '"block": ""', '"block": "'.length);
    assert.deepEqual(blocks[0].textEdit, { range: { start: inside, end: inside }, newText: 'res' });

    const ops = await complete(positionOf(text, '["re"]', 4));
    const labels = ops.map((item) => item.label);
    assert.equal(labels[0], 'swiglu', 'user ops come first');
    assert.ok(labels.includes('relu'), JSON.stringify(labels));
    assert.ok(labels.includes('layernorm'), JSON.stringify(labels));
    assert.deepEqual(ops.find((item) => item.label === 'relu')?.textEdit, {
      range: { start: positionOf(text, '["re"]', 2), end: positionOf(text, '["re"]', 4) },
      newText: 'relu',
    });
    // A key, or a value that names neither, gets nothing.
    assert.deepEqual(await complete(positionOf(text, '"reslint"', 3)), []);
    assert.deepEqual(await complete(positionOf(text, '"gain": 0.62', 9)), []);
    await client.close(uri);
  });

  test('completion escapes names and keeps to places that take one', async () => {
    const uri = freshUri('completion-edges.arch.json');
    const lines = [
      '{',
      '  "reslint": 1,',
      '  "settings": { "severity": { "block": "" } },',
      '  "blocks": { "q\\"x": { "paths": { "s": [], "r": ["relu"] } } },',
      '  "layers": [{ "block": "" }, { "block": 12 }, { "block": /* c */ "q" }, { "block": ',
    ];
    const text = lines.join('\n');
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const complete = (position: Position): Promise<CompletionItem[]> => completionAt(client, uri, position);
    const layerBlock = positionOf(text, '[{ "block": "" }', '[{ "block": "'.length);
    // Inside quotes the name is the string's escaped content.
    assert.deepEqual((await complete(layerBlock)).map((item) => item.textEdit), [{ range: { start: layerBlock, end: layerBlock }, newText: 'q\\"x' }]);
    // An unfinished value at the end of the file gets the quoted name at the cursor.
    const end = positionOf(text, '{ "block": ', '{ "block": '.length, 4);
    assert.deepEqual((await complete(end)).map((item) => item.textEdit), [{ range: { start: end, end }, newText: '"q\\"x"' }]);
    // Nothing inside a number, a comment, before a string, or where no block name belongs.
    assert.deepEqual(await complete(positionOf(text, '"block": 12', 10)), []);
    assert.deepEqual(await complete(positionOf(text, '/* c */', 3)), []);
    assert.deepEqual(await complete(positionOf(text, '/* c */ "q"', 8)), []);
    assert.deepEqual(await complete(positionOf(text, '"severity": { "block": ""', '"severity": { "block": "'.length)), []);
    await client.close(uri);
  });

  test('completion in a TypeScript model', async () => {
    const uri = freshUri('completion.arch.ts');
    const text = [
      "import { defineModel } from 'reslint';",
      "const extra = [{ block: '' }];",
      'export default (defineModel({',
      '  reslint: 1,',
      '  ops: { swiglu: { gain: 0.62 } },',
      `  blocks: { "it's": { paths: { s: [], r: ['re'] } }, inner: { paths: { r: [{ block: \`\` }] } } },`,
      "  layers: [{ block: '' }, ...extra, { block: \"\" }],",
      "  description: 'x',",
      '}) satisfies object);',
    ].join('\n');
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const complete = (position: Position): Promise<CompletionItem[]> => completionAt(client, uri, position);

    // The name is escaped for the quote the string uses.
    const layerBlock = positionOf(text, "layers: [{ block: '' }", "layers: [{ block: '".length);
    assert.deepEqual(
      (await complete(layerBlock)).map((item) => item.textEdit),
      [
        { range: { start: layerBlock, end: layerBlock }, newText: "it\\'s" },
        { range: { start: layerBlock, end: layerBlock }, newText: 'inner' },
      ],
    );
    // A block is not offered inside itself. A position after a spread still takes a block.
    assert.deepEqual((await complete(positionOf(text, '{ block: ``', '{ block: `'.length))).map((item) => item.textEdit?.newText), ["it's"]);
    assert.deepEqual((await complete(positionOf(text, '{ block: "" }', '{ block: "'.length))).map((item) => item.textEdit?.newText), ["it's", 'inner']);

    const ops = await complete(positionOf(text, "['re']", 4));
    assert.equal(ops[0]?.label, 'swiglu', 'user ops come first');
    assert.deepEqual(ops.find((item) => item.label === 'relu')?.textEdit, {
      range: { start: positionOf(text, "['re']", 2), end: positionOf(text, "['re']", 4) },
      newText: 'relu',
    });
    // Outside the model, or where no name belongs, nothing.
    assert.deepEqual(await complete(positionOf(text, "extra = [{ block: '' }]", "extra = [{ block: '".length)), []);
    assert.deepEqual(await complete(positionOf(text, "description: 'x'", "description: '".length)), []);
    await client.close(uri);
  });

  test('completion in an unclosed TypeScript string', async () => {
    const complete = async (text: string, position: Position): Promise<CompletionItem[]> => {
      const uri = freshUri('completion-unclosed.arch.ts');
      await client.open(uri, text);
      await client.diagnostics(uri, 1);
      const items = await completionAt(client, uri, position);
      await client.close(uri);
      return items;
    };
    const head = `export default { reslint: 1, blocks: { basic: { paths: { r: [] } }, "it's": { paths: { r: [] } } }, layers: [{ block: '`;
    // The string runs on to the next quote, so the chosen name replaces only the word typed.
    const runOn = `${head}ba }, ['relu']] };`;
    const typed = positionOf(runOn, "'ba }", 3);
    const edits = (await complete(runOn, typed)).map((item) => item.textEdit);
    assert.deepEqual(edits[0], { range: { start: positionOf(runOn, "'ba }", 1), end: typed }, newText: 'basic' });
    // An escaped quote does not close the string.
    const escaped = `${head}it\\'`;
    const end = positionOf(escaped, "it\\'", 4);
    assert.deepEqual((await complete(escaped, end)).map((item) => item.textEdit?.newText), ['basic', "it\\'s"]);
  });

  test('the report request gives the explain text', async () => {
    const file = join(ROOT, 'examples', 'resnet50.arch.json');
    const uri = pathToFileURL(file).href;
    await client.open(uri, readFileSync(file, 'utf8'));
    await client.diagnostics(uri, 1);
    const result = (await client.connection.sendRequest(EXPLAIN_METHOD, { uri })) as { text: string } | null;
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'explain', file], { encoding: 'utf8' });
    // The CLI adds a blank line and the problem count after each file's report.
    assert.equal(`${result?.text}\n`, cli.stdout.slice(0, cli.stdout.lastIndexOf('\n\n') + 1));
    assert.equal(await client.connection.sendRequest(EXPLAIN_METHOD, { uri: 'file:///not/open.arch.json' }), null);
    await client.close(uri);
  });

  test('the status request gives the settings and findings of a model', async () => {
    const uri = freshUri('status.arch.json');
    const text = '{ "reslint": 1, "settings": { "model": "variance", "band": [0.001, 1000] }, "layers": [[{ "gain": 0.5 }], { "ops": [{ "gain": 10 }], "repeat": 4 }] }';
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    assert.deepEqual(await client.connection.sendRequest(STATUS_METHOD, { uri }), {
      text: 'variance model, band [0.001, 1000]',
      findings: '2 warnings, 2 infos',
      syntaxErrors: false,
    });
    await client.change(uri, 2, text.slice(0, -1));
    await client.diagnostics(uri, 2);
    assert.deepEqual(await client.connection.sendRequest(STATUS_METHOD, { uri }), {
      text: 'variance model, band [0.001, 1000]',
      findings: '1 error',
      syntaxErrors: true,
    });
    // The band is written in full, as set, not rounded to four digits.
    await client.change(uri, 3, text.replace('[0.001, 1000]', '[0.012345678, 98.7654321]'));
    await client.diagnostics(uri, 3);
    assert.equal(((await client.connection.sendRequest(STATUS_METHOD, { uri })) as { text: string }).text, 'variance model, band [0.012345678, 98.7654321]');
    // One finding of a severity is counted in the singular.
    await client.change(uri, 4, '{ "reslint": 1, "layers": [[{ "gain": 0.5 }]] }');
    await client.diagnostics(uri, 4);
    assert.equal(((await client.connection.sendRequest(STATUS_METHOD, { uri })) as { findings: string }).findings, '1 info');
    assert.equal(await client.connection.sendRequest(STATUS_METHOD, { uri: 'file:///not/open.arch.json' }), null);
    await client.close(uri);
  });

  describe('navigation', () => {
    const symbolLine = (symbol: DocumentSymbol): string => `${symbol.name} [${symbol.detail}] line ${symbol.selectionRange.start.line}`;

    test('definition leads to the block or user op', async () => {
      const uri = freshUri('definition.arch.json');
      const text = [
        '{',
        '  "reslint": 1,',
        '  "ops": { "swiglu": { "gain": 0.62 } },',
        '  "blocks": {',
        '    "inner": { "paths": { "s": [], "r": ["swiglu"] } },',
        '    "outer": { "paths": { "s": [], "r": [{ "block": "inner", "repeat": 2 }] } }',
        '  },',
        '  "layers": [{ "block": "outer", "repeat": 3 }, ["relu"]]',
        '}',
      ].join('\n');
      await client.open(uri, text);
      await client.diagnostics(uri, 1);
      const definitionAt = async (needle: string, shift: number): Promise<unknown> =>
        client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(text, needle, shift) });
      const keyAt = (needle: string): Location[] => [
        { uri, range: { start: positionOf(text, needle), end: positionOf(text, needle, needle.length) } },
      ];
      assert.deepEqual(await definitionAt('"block": "outer"', 12), keyAt('"outer"'));
      assert.deepEqual(await definitionAt('"block": "inner"', 12), keyAt('"inner"'));
      assert.deepEqual(await definitionAt('"r": ["swiglu"]', 8), keyAt('"swiglu"'));
      // A catalog op and a plain layer are defined by ResLint, not in the file.
      assert.equal(await definitionAt('["relu"]', 2), null);
      await client.close(uri);
    });

    test('references and rename follow a block through its uses', async () => {
      const uri = freshUri('rename.arch.json');
      await client.open(uri, residual);
      const before = codesOf(await client.diagnostics(uri, 1));
      const layer = positionOf(residual, '{ "block": "res", "repeat": 16 }', 13);
      const locations = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: layer, context: { includeDeclaration: true } })) as Location[];
      // The key, the nested op in "outer" and the layer.
      assert.deepEqual(
        locations.map((location) => location.range.start.line),
        [positionOf(residual, '"res": {').line, positionOf(residual, '"inner": [{ "block": "res"').line, layer.line],
      );

      const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: layer });
      assert.deepEqual(prepared, { range: { start: positionOf(residual, '{ "block": "res", "repeat": 16 }', 12), end: positionOf(residual, '{ "block": "res", "repeat": 16 }', 15) }, placeholder: 'res' });
      const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: layer, newName: 'res"2' })) as WorkspaceEdit;
      const renamed = applyWorkspaceEdit(residual, edit, uri);
      assert.equal(renamed, residual.replaceAll('"res"', '"res\\"2"'));
      await client.change(uri, 2, renamed);
      assert.deepEqual(codesOf(await client.diagnostics(uri, 2)), before);

      // A name another block has is refused with a message.
      await assert.rejects(
        client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(renamed, '"outer": {', 2), newName: 'res"2' }),
        /A block named "res\\"2" already exists; choose another name\./,
      );
      // A catalog op has no rename.
      assert.equal(await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: positionOf(renamed, '"tanh"', 2) }), null);
      await client.close(uri);
    });

    test('arch.ts block literals in one callback lead to their own blocks', async () => {
      const uri = freshUri('callback.arch.ts');
      const text = `export default {
  reslint: 1,
  blocks: {
    alpha: { paths: { s: [], r: ['relu'] } },
    beta: { paths: { s: [], r: ['tanh'] } },
    gamma: { paths: { s: [], r: ['gelu'] } },
    delta: { paths: { s: [], r: ['silu'] } },
  },
  layers: [
    ...[0, 1].map((i) => ({ block: i === 0 ? 'gamma' : 'beta' })),
    ...[1, 2].flatMap((n) => [{ block: 'alpha' }, { block: 'gamma', repeat: n }]),
    ...['alpha', 'delta'].map((x) => ({ block: x })),
    { block: 1 > 0 ? 'alpha' : 'delta' },
  ],
};
`;
      await client.open(uri, text, 'typescript');
      await client.diagnostics(uri, 1);
      // The layers of each spread share its range, so the first layer there must not decide.
      const definitionLine = async (position: Position): Promise<number | undefined> =>
        ((await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position })) as Location[] | null)?.[0]?.range.start.line;
      const keyLine = (name: string): number => positionOf(text, `${name}: { paths`).line;
      assert.equal(await definitionLine(positionOf(text, "'beta' }))", 2)), keyLine('beta'));
      assert.equal(await definitionLine(positionOf(text, "'gamma', repeat", 2)), keyLine('gamma'));
      // On the key of the property, the literal after it is meant.
      assert.equal(await definitionLine(positionOf(text, "block: 'gamma', repeat", 2)), keyLine('gamma'));
      const references = (await client.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri },
        position: positionOf(text, "'gamma', repeat", 2),
        context: { includeDeclaration: true },
      })) as Location[];
      assert.ok(references.some((location) => location.range.start.line === keyLine('gamma')), JSON.stringify(references));
      assert.ok(!references.some((location) => location.range.start.line === keyLine('alpha')), JSON.stringify(references));
      const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: positionOf(text, "'gamma', repeat", 2) });
      assert.equal((prepared as { placeholder: string } | null)?.placeholder, 'gamma');

      // A list of names that a callback turns into layers: each literal is its block's name.
      assert.equal(await definitionLine(positionOf(text, "'delta']", 2)), keyLine('delta'));
      const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, "'delta']", 2), newName: 'd2' })) as WorkspaceEdit;
      // The branch that the evaluation did not take names the block too, and is renamed with it.
      assert.equal(applyWorkspaceEdit(text, edit, uri), text.replace('delta: {', 'd2: {').replace("'delta']", "'d2']").replace(": 'delta' }", ": 'd2' }"));
      // On the spread or the "block" key, the layers there apply two blocks, so none is meant.
      for (const needle of ['...[0, 1]', 'block: x', 'block: i']) {
        assert.equal(await definitionLine(positionOf(text, needle, 2)), undefined, needle);
      }
      const renameAt = (needle: string, newName: string): Promise<unknown> =>
        client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(text, needle, 2), newName });
      assert.equal(await renameAt('...[0, 1]', 'z'), null);
      // On a "block" key, VS Code would request a rename from TypeScript next, which renames the key
      // in every object, so the key gets a result: the block its literal names, or a rejection.
      const onKey = positionOf(text, "block: 'gamma', repeat", 2);
      const preparedOnKey = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: onKey })) as { range: { start: Position }; placeholder: string };
      assert.deepEqual([preparedOnKey.placeholder, preparedOnKey.range.start], ['gamma', positionOf(text, "'gamma', repeat", 1)]);
      const renamedOnKey = applyWorkspaceEdit(text, (await renameAt("block: 'gamma', repeat", 'g2')) as WorkspaceEdit, uri);
      assert.ok(renamedOnKey.includes('g2: { paths'), renamedOnKey);
      assert.ok(renamedOnKey.includes("{ block: 'g2', repeat: n }"), renamedOnKey);
      const preparedOnX = (await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: positionOf(text, 'block: x', 2) })) as { placeholder: string };
      assert.equal(preparedOnX.placeholder, 'block');
      await assert.rejects(renameAt('block: x', 'blk') as Promise<unknown>, /"block" is a key of the model format and keeps its name/);
      await client.close(uri);
    });

    test('arch.ts references and rename', async () => {
      const uri = freshUri('rename.arch.ts');
      const text = `import { defineModel } from 'reslint';

const sub = (ops: string[]) => ({ paths: { shortcut: [], residual: ops } });

export default defineModel({
  reslint: 1,
  blocks: {
    attn: sub(['attention']),
    outer: { paths: { shortcut: [], inner: [{ block: 'attn' }] } },
  },
  layers: [...Array.from({ length: 3 }, () => ({ block: 'attn' })), { block: "attn", repeat: 2 }, { block: 'outer' }],
});
`;
      await client.open(uri, text, 'typescript');
      const before = codesOf(await client.diagnostics(uri, 1));
      const key = positionOf(text, 'attn: sub', 1);
      const locations = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: key, context: { includeDeclaration: false } })) as Location[];
      // The nested op, the literal in the callback that places three layers (once, not also the call
      // around it), and the written-out layer.
      assert.deepEqual(
        locations.map((location) => location.range.start),
        [positionOf(text, "'attn' }] }"), positionOf(text, "'attn' }))"), positionOf(text, '"attn", repeat')],
      );

      const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: key });
      assert.deepEqual(prepared, { range: { start: positionOf(text, 'attn: sub'), end: positionOf(text, 'attn: sub', 4) }, placeholder: 'attn' });
      const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: key, newName: 'self-attn' })) as WorkspaceEdit;
      const renamed = applyWorkspaceEdit(text, edit, uri);
      assert.equal(
        renamed,
        text.replace('attn: sub', "'self-attn': sub").replaceAll("'attn'", "'self-attn'").replace('"attn"', '"self-attn"'),
      );
      await client.change(uri, 2, renamed);
      assert.deepEqual(codesOf(await client.diagnostics(uri, 2)), before);

      // The cursor may sit just after a key written as an identifier.
      const afterKey = positionOf(renamed, 'outer: {', 5);
      const preparedOuter = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: afterKey });
      assert.deepEqual(preparedOuter, { range: { start: positionOf(renamed, 'outer: {'), end: afterKey }, placeholder: 'outer' });

      // A template literal and a computed key are edited inside their quotes, with the template's escapes.
      const written = renamed.replace("{ block: 'outer' }", '{ block: `outer` }').replace('outer: {', "['outer']: {");
      await client.change(uri, 3, written);
      await client.diagnostics(uri, 3);
      const inKey = positionOf(written, "['outer']", 3);
      const outerEdit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: inKey, newName: 'a`b${c}' })) as WorkspaceEdit;
      assert.equal(applyWorkspaceEdit(written, outerEdit, uri), written.replace("['outer']", "['a`b${c}']").replace('`outer`', '`a\\`b\\${c}`'));

      // A name that is also the model's name would change the name too, so the rename is refused.
      const shared = text.replace('reslint: 1,', 'reslint: 1,\n  name: OUTER,').replace("{ block: 'outer' }", '{ block: OUTER }').replace('const sub', "const OUTER = 'outer';\nconst sub");
      await client.change(uri, 4, shared);
      assert.deepEqual(codesOf(await client.diagnostics(uri, 4)), before);
      await assert.rejects(
        client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(shared, 'outer: {', 2), newName: 'wrapper' }),
        /Block "outer" is named by an expression that ResLint cannot rewrite .*, or one of its names also sets something else; rename it by hand\./,
      );
      await client.close(uri);
    });

    test('outline lists blocks and layers with W', async () => {
      const uri = freshUri('outline.arch.json');
      await client.open(uri, residual);
      await client.diagnostics(uri, 1);
      const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
      assert.deepEqual(symbols.map(symbolLine), ['blocks [2 blocks] line 5', 'layers [W = 0.00211] line 20']);
      assert.deepEqual(symbols[0].children?.map(symbolLine), ['res [W_l = 0.750] line 6', 'outer [W_l = 1.56] line 13']);
      assert.deepEqual(symbols[1].children?.map(symbolLine), [
        'layers[0]: res [W = 0.750^16 = 0.0100] line 21',
        'layers[1]: outer [W = 1.56] line 22',
        'layers[2]: plain layer [W = 0.606^4 = 0.135] line 23',
      ]);
      // The block symbol runs from its key to the end of its value.
      assert.deepEqual(symbols[0].children?.[0].range, { start: positionOf(residual, '"res": {'), end: positionOf(residual, '"afterSum": ["relu"]\n    }', '"afterSum": ["relu"]\n    }'.length) });
      await client.close(uri);
    });

    test('arch.ts spreads are outlined where they stand', async () => {
      const { uri, text } = await openResModel(
        'outline.arch.ts',
        "const stem = [{ block: 'res', repeat: 4 }, { block: 'res', repeat: 2 }];\nconst one = { block: 'res', repeat: 3 };",
        '[...stem, one, ...stem]',
      );
      const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
      const layersLine = positionOf(text, 'layers:').line;
      assert.deepEqual(symbols[1].children?.map(symbolLine), [
        `layers[0] to [1]: 2 layers [W = 1.25^6 = 3.81] line ${layersLine}`,
        `layers[2]: res [W = 1.25^3 = 1.95] line ${layersLine}`,
        `layers[3] to [4]: 2 layers [W = 1.25^6 = 3.81] line ${layersLine}`,
      ]);
      assert.deepEqual(symbols[1].children?.[0].selectionRange.start, positionOf(text, '...stem'));
      // A spread of layers that apply one block leads to that block.
      const definition = await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(text, '...stem', 3, 2) });
      assert.deepEqual(definition, [{ uri, range: { start: positionOf(text, 'res: {'), end: positionOf(text, 'res: {', 3) } }]);
      await client.close(uri);
    });
  });

  describe('hover', () => {
    const uri = freshUri('residual.arch.json');

    before(async () => {
      await client.open(uri, residual);
      await client.diagnostics(uri, 1);
    });

    after(async () => {
      await client.close(uri);
    });

    test('block key shows the W_l formula', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '"res": {', 2)));
      assert.match(markdown, /\*\*Block `res`\*\*: W_l = 0\.750 under the seed model/);
      assert.ok(markdown.includes("`W_l = relu' x (w_shortcut + w_residual) = 0.500 x (1.00 + 0.500) = 0.750`"), markdown);
      assert.ok(markdown.includes('| shortcut | none (identity) | 1.00 |'), markdown);
      assert.ok(markdown.includes('| residual | linear (init he), relu, linear (init he), gain 0.5 | 0.500 |'), markdown);
      assert.ok(markdown.includes('| **seed** (selected) | 0.750 | summed |'), markdown);
      assert.ok(markdown.includes('| variance | 0.866 | in quadrature |'), markdown);
      assert.ok(markdown.includes('| bound | 2.00 | summed |'), markdown);
    });

    test('repeated layer shows max stable depth', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '{ "block": "res", "repeat": 16 }', 4)));
      assert.match(markdown, /\*\*layers\[0\]: block `res` x 16\*\*: W = 0\.750\^16 = 0\.0100 under the seed model/);
      assert.ok(markdown.includes('Max stable depth: 16 repeats keep W_l^n inside the band [0.01, 100] on their own.'), markdown);
      assert.ok(markdown.includes("`W_l = relu' x (w_shortcut + w_residual) = 0.500 x (1.00 + 0.500) = 0.750`"), markdown);
    });

    test('plain layer shows the product of its ops', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '"ops": ["linear", "tanh"]', 2)));
      assert.ok(markdown.includes('`W_l = linear x tanh = 1.00 x 0.606 = 0.606`'), markdown);
      assert.ok(markdown.includes('Max stable depth: 9 repeats'), markdown);
    });

    /** Opens a model of its own, returns the hover at `needle` (shifted by 2 characters), and closes it. */
    async function hoverInNewModel(name: string, text: string, needle: string): Promise<string> {
      const modelUri = freshUri(name);
      await client.open(modelUri, text);
      await client.diagnostics(modelUri, 1);
      const markdown = markdownOf(await client.hover(modelUri, positionOf(text, needle, 2)));
      await client.close(modelUri);
      return markdown;
    }

    test('layers key of a blocked network says W = 0', async () => {
      const markdown = await hoverInNewModel('blocked.arch.json', '{ "reslint": 1, "layers": [["relu"], { "ops": [{ "gain": 0 }], "repeat": 3 }] }', '"layers"');
      assert.ok(markdown.includes('W = 0: a layer has W_l = 0 and blocks the gradient'), markdown);
      assert.ok(!markdown.includes('Infinity'), markdown);
    });

    test('max stable depth of 1 reads in the singular', async () => {
      const markdown = await hoverInNewModel('shallow.arch.json', '{ "reslint": 1, "layers": [{ "ops": [{ "gain": 0.05 }], "repeat": 2 }] }', '{ "ops"');
      assert.ok(markdown.includes('Max stable depth: 1 repeat keeps W_l^n inside the band [0.01, 100] on its own.'), markdown);
    });

    test('one-op block states its value once', async () => {
      const text = '{ "reslint": 1, "blocks": { "small": { "paths": { "p": [{ "gain": 0.0099999 }] } } }, "layers": [{ "block": "small" }] }';
      const markdown = await hoverInNewModel('one-op.arch.json', text, '"small": {');
      assert.ok(markdown.includes('`W_l = gain 0.0099999 = 0.0100`'), markdown);
    });

    test('op shows its gain per model', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '"relu", { "op"', 2)));
      assert.match(markdown, /\*\*Op `relu`\*\* on path `residual` of block `res`/);
      assert.ok(markdown.includes("| **seed** (selected) | 0.500 | mean E\\|s'\\| under N(0, 1) |"), markdown);
      assert.ok(markdown.includes("| variance | 0.707 | rms sqrt(E s'^2) under N(0, 1) |"), markdown);
      assert.ok(markdown.includes("| bound | 1.00 | peak sup\\|s'\\| under N(0, 1) |"), markdown);
    });

    test('op with init shows the init factor', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '"init": "he"', 2)));
      assert.match(markdown, /\*\*Op `linear \(init he\)`\*\*/);
      assert.match(markdown, /\| \*\*seed\*\* \(selected\) \| 1\.41 \| .*init he/);
    });

    test('nested block op shows its W_l power', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '{ "block": "res", "repeat": 2 }', 2)));
      assert.match(markdown, /\*\*Op `block res x2`\*\* on path `inner` of block `outer`/);
      assert.ok(markdown.includes('| **seed** (selected) | 0.563 | W_l of block "res" to the power 2 |'), markdown);
    });

    test('user op hover under ops', async () => {
      const opsUri = freshUri('user-ops.arch.json');
      const text = `{
  "reslint": 1,
  "ops": {
    "glu": { "mean": 0.6, "rms": 0.7, "peak": 1.1, "description": "Gated unit." },
    "spare": { "gain": 2 },
    "broken": { "gain": "x" },
    "loose": { "gain": 0.5, "foo": 1 },
    "": { "gain": 0.8 }
  },
  "blocks": { "b": { "paths": { "skip": [], "res": ["glu", "glu"] } } },
  "layers": [{ "block": "b" }, ["glu"]]
}`;
      await client.open(opsUri, text);
      await client.diagnostics(opsUri, 1);
      const hover = await client.hover(opsUri, positionOf(text, '"glu": {', 2));
      const markdown = markdownOf(hover);
      assert.ok(markdown.startsWith('**User op `glu`**: Gated unit.'), markdown);
      assert.ok(markdown.includes('| **seed** (selected) | 0.600 | user-defined mean |'), markdown);
      assert.ok(markdown.includes('| variance | 0.700 | user-defined rms |'), markdown);
      assert.ok(markdown.includes('| bound | 1.10 | user-defined peak |'), markdown);
      assert.ok(markdown.endsWith('3 ops in the model use it.'), markdown);
      assert.deepEqual(hover?.range, { start: positionOf(text, '"glu": {', 0), end: positionOf(text, '"glu": {', 5) });
      const spare = markdownOf(await client.hover(opsUri, positionOf(text, '"gain": 2', 3)));
      assert.ok(spare.includes('| bound | 2.00 | user-defined gain |'), spare);
      assert.ok(spare.endsWith('No block or plain layer uses it.'), spare);
      assert.equal(await client.hover(opsUri, positionOf(text, '"broken"', 2)), null);
      // An unknown key only warns, so the op is used and hovers. An empty name is an error.
      const loose = markdownOf(await client.hover(opsUri, positionOf(text, '"loose"', 2)));
      assert.ok(loose.includes('| **seed** (selected) | 0.500 | user-defined gain |'), loose);
      assert.equal(await client.hover(opsUri, positionOf(text, '"": {', 1)), null);
      await client.close(opsUri);
    });

    test('user ops placed by a spread hover together', async () => {
      const opsUri = freshUri('spread-ops.arch.ts');
      const text = `import { defineModel } from 'reslint';
const OPS = { a1: { gain: 0.5 }, a2: { gain: 0.7 } };
const MADE = Object.fromEntries(['m1', 'm2'].map((name) => [name, { gain: 2 }]));
export default defineModel({
  reslint: 1,
  ops: { ...OPS, ...MADE, solo: { gain: 1 } },
  blocks: { b: { paths: { skip: [], r: ['a1', 'a2', 'm1'] } } },
  layers: [{ block: 'b' }],
});
`;
      await client.open(opsUri, text, 'typescript');
      await client.diagnostics(opsUri, 1);
      const written = markdownOf(await client.hover(opsUri, positionOf(text, '...OPS', 4)));
      assert.equal(written, ['**2 user ops from here**', '', '| op | gain (seed) | from | uses |', '|---|---|---|---|', '| `a1` | 0.500 | user-defined gain | 1 |', '| `a2` | 0.700 | user-defined gain | 1 |'].join('\n'));
      const generated = markdownOf(await client.hover(opsUri, positionOf(text, '...MADE', 4)));
      assert.ok(generated.startsWith('**2 user ops from here**'), generated);
      assert.ok(generated.includes('| `m1` | 2.00 | user-defined gain | 1 |'), generated);
      assert.ok(generated.includes('| `m2` | 2.00 | user-defined gain | 0 |'), generated);
      // A key written out for one op still hovers that op alone.
      assert.ok(markdownOf(await client.hover(opsUri, positionOf(text, 'a2: {', 1))).startsWith('**User op `a2`**'));
      assert.ok(markdownOf(await client.hover(opsUri, positionOf(text, 'solo', 1))).startsWith('**User op `solo`**'));
      await client.close(opsUri);
    });

    test('layers key shows network W', async () => {
      const markdown = markdownOf(await client.hover(uri, positionOf(residual, '"layers"', 2)));
      assert.ok(markdown.includes('Network W = 0.00211 under the seed model: gradients vanish'), markdown);
      assert.ok(markdown.includes('the running W first falls below the band at layers[2], repeat 1 of 4'), markdown);
      assert.ok(markdown.includes('log10 W = -2.6762\n'), markdown);
      assert.ok(markdown.includes('| layers[0] | res | 16 | 0.750 | 0.0100 | 0.0100 |'), markdown);
    });

    test('block of a long ladder gets a short hover', async () => {
      // 3,000 rungs of two parallel edges: every listed path runs through 3,001 nodes.
      const graph = Array.from({ length: 3000 }, (_, rung) => {
        const from = rung === 0 ? 'in' : `n${rung}`;
        const to = rung === 2999 ? 'out' : `n${rung + 1}`;
        return [{ from, to, ops: ['relu'] }, { from, to, scale: 0.5 }];
      }).flat();
      const text = JSON.stringify({ reslint: 1, blocks: { ladder: { graph } }, layers: [{ block: 'ladder' }] });
      const ladderUri = freshUri('ladder.arch.json');
      await client.open(ladderUri, text);
      await client.diagnostics(ladderUri, 1);
      const markdown = markdownOf(await client.hover(ladderUri, positionOf(text, '"ladder"', 2)));
      await client.close(ladderUri);
      assert.match(markdown, /\*\*Block `ladder`\*\*: W_l = 1\.00 under the seed model/);
      assert.match(markdown, /\| 1: in -> n1 -> .* -> \.\.\. 2,978 more nodes \.\.\. -> .* -> n2999 -> out \(edges 0, 2, .*\.\.\. 2,977 more edges \.\.\..*\) \| relu, .*\.\.\. 2,977 more ops \.\.\., .*relu \| /);
      assert.ok(markdown.length < 20_000, `hover of ${markdown.length} characters`);
    });

    test('block with many ops after the sum gets a short hover', async () => {
      const text = JSON.stringify({ reslint: 1, blocks: { deep: { paths: { s: [], r: ['relu'] }, afterSum: Array(5000).fill('layernorm') } }, layers: [{ block: 'deep' }] });
      const deepUri = freshUri('after-sum.arch.json');
      await client.open(deepUri, text);
      await client.diagnostics(deepUri, 1);
      const markdown = markdownOf(await client.hover(deepUri, positionOf(text, '"deep"', 2)));
      await client.close(deepUri);
      assert.ok(markdown.includes('is the gain of the ops after the sum (layernorm, '), markdown.slice(0, 2000));
      assert.ok(markdown.includes(', ... 4,977 more ops ..., layernorm, '), markdown.slice(0, 2000));
      assert.ok(markdown.includes('| r | relu | 0.500 |'), markdown.slice(0, 3000));
      assert.ok(markdown.includes('| s | none (identity) | 1.00 |'), markdown.slice(0, 3000));
      assert.ok(markdown.length < 20_000, `hover of ${markdown.length} characters`);
    });

    test('comment returns no hover', async () => {
      assert.equal(await client.hover(uri, { line: 0, character: 5 }), null);
    });
  });

  test('malformed requests get InvalidParams', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    await client.diagnostics(uri, 1);
    const logsFrom = client.logs.length;
    // Responses to raw requests bypass the connection's queue of incoming messages. A request through
    // the connection returns after every message that came before its response has been dispatched,
    // logs included.
    const logsArrived = (): Promise<unknown> => client.codeLenses(uri);
    const textDocument = { uri };
    const range = wholeRange(residual);
    const cases: [what: string, method: string, params: unknown, message: RegExp][] = [
      ['hover without position', 'textDocument/hover', { textDocument }, /^Invalid params of textDocument\/hover: "position" is missing; it must be \{"line": number, "character": number\}\.$/],
      ['hover with null params', 'textDocument/hover', null, /^Invalid params of textDocument\/hover: they are null; they must be an object\.$/],
      ['hover without a document', 'textDocument/hover', { position: { line: 0, character: 0 } }, /"textDocument\.uri" is missing/],
      ['codeAction without context', 'textDocument/codeAction', { textDocument, range }, /"context\.diagnostics" is missing; it must be a list of diagnostics/],
      ['inlayHint without range', 'textDocument/inlayHint', { textDocument }, /"range" is missing/],
      ['references without context', 'textDocument/references', { textDocument, position: { line: 0, character: 0 } }, /"context\.includeDeclaration" is missing/],
      ['rename with a number as the name', 'textDocument/rename', { textDocument, position: { line: 0, character: 0 }, newName: 5 }, /"newName" is 5; it must be a string/],
      ['status without uri', STATUS_METHOD, {}, /^Invalid params of reslint\/status: "uri" is missing/],
      ['resolve of an action without title', 'codeAction/resolve', { kind: 'quickfix' }, /"title" is missing/],
    ];
    for (const [what, method, params, message] of cases) {
      const response = await client.requestRaw(method, params);
      await logsArrived();
      assert.equal(response.error?.code, -32602, `${what}: ${JSON.stringify(response)}`);
      assert.match(response.error?.message ?? '', message, what);
      // The client's fault is logged as a warning with the same message.
      const logged = client.logs.slice(logsFrom).find((log) => log.message === response.error?.message);
      assert.equal(logged?.type, 2, `${what}: warning ${JSON.stringify(logged)}`);
    }
    // A field that was already rejected in a request of the same method is counted, not logged again.
    const again: [what: string, method: string, params: unknown, message: RegExp][] = [
      ['hover with a null position', 'textDocument/hover', { textDocument, position: null }, /"position" is null; it must be/],
      ['codeAction with a diagnostic without range', 'textDocument/codeAction', { textDocument, range, context: { diagnostics: [{ message: 'x' }] } }, /"context\.diagnostics" is a list of 1; it must be a list of diagnostics, each with a "range"/],
    ];
    for (const [what, method, params, message] of again) {
      const logCount = client.logs.length;
      const response = await client.requestRaw(method, params);
      await logsArrived();
      assert.equal(response.error?.code, -32602, `${what}: ${JSON.stringify(response)}`);
      assert.match(response.error?.message ?? '', message, what);
      assert.equal(client.logs.length, logCount, `${what} is logged again`);
    }

    // Without params, vscode-jsonrpc rejects the request before the guard runs.
    for (const method of ['textDocument/hover', STATUS_METHOD]) {
      const response = await client.requestRaw(method);
      assert.equal(response.error?.code, -32602, `${method} without params: ${JSON.stringify(response)}`);
    }

    // A mistake that a client repeats is logged the first time and at the 10th time.
    const repeatFrom = client.logs.length;
    for (let i = 0; i < 11; i++) await client.requestRaw('textDocument/codeLens', {});
    await logsArrived();
    const repeats = client.logs.slice(repeatFrom).map((log) => log.message);
    assert.deepEqual(repeats, [
      'Invalid params of textDocument/codeLens: "textDocument.uri" is missing; it must be a string, the document\'s URI.',
      'Invalid params of textDocument/codeLens: "textDocument.uri" is missing; it must be a string, the document\'s URI. (10 requests with this problem so far)',
    ]);

    const errors = client.logs.slice(logsFrom).filter((log) => log.type === 1);
    assert.deepEqual(errors, [], 'no malformed request is logged as an error');
    assert.ok(client.logs.slice(logsFrom).every((log) => !/\n\s+at /.test(log.message)), 'no stack trace in the log');
    assert.ok(await client.hover(uri, positionOf(residual, '"res": {', 2)), 'the server should still return hovers');
    await client.close(uri);
  });

  test('handler exception logs its stack', async () => {
    const faulty = await LspClient.start({}, { nodeArgs: ['--require', join(FIXTURES, 'fault-injection.js')] });
    try {
      const uri = freshUri('residual.arch.json');
      await faulty.open(uri, residual);
      await faulty.diagnostics(uri, 1);
      // The fixture makes the hover handler throw at this character, as an internal error would.
      assert.equal(await faulty.hover(uri, { line: 0, character: 987654321 }), null);
      const log = await faulty.waitForLog(/textDocument\/hover failed for /);
      assert.equal(log.type, 1);
      assert.ok(log.message.includes(uri), log.message);
      assert.match(log.message, /fault injected by/);
      assert.match(log.message, /\n\s+at /, 'the log has the stack');
      assert.ok(await faulty.hover(uri, positionOf(residual, '"res": {', 2)), 'the server should still return hovers');
      await faulty.close(uri);
      await faulty.stop();
    } catch (error) {
      faulty.kill();
      throw error;
    }
  });

  test('hover on unopened document returns null', async () => {
    assert.equal(await client.hover(freshUri('never-opened.arch.json'), { line: 0, character: 0 }), null);
  });

  test('inlay hints render W_l and W', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const rendered = renderInlayHints(residual, await client.inlayHints(uri, wholeRange(residual)));
    const expected = [
      ['{ "block": "res", "repeat": 2 }', '{ "block": "res" /* W_l = 0.750 */, "repeat": 2 /* W = 0.750^2 = 0.563 */ }'],
      ['{ "block": "res", "repeat": 16 }', '{ "block": "res" /* W_l = 0.750 */, "repeat": 16 /* W = 0.750^16 = 0.0100 */ }'],
      ['{ "block": "outer" }', '{ "block": "outer" /* W_l = 1.56 */ }'],
      ['{ "ops": ["linear", "tanh"], "repeat": 4 }', '{ "ops": ["linear", "tanh"] /* W_l = 0.606 */, "repeat": 4 /* W = 0.606^4 = 0.135 */ }'],
    ].reduce((text, [plain, hinted]) => text.replace(plain, hinted), residual);
    assert.equal(rendered, expected);
    await client.close(uri);
  });

  test('a long repeat hint shows W and keeps the power for its tooltip', async () => {
    const uri = freshUri('huge.arch.json');
    const text = '{ "reslint": 1, "layers": [{ "ops": ["tanh"], "repeat": 1000000000000 }, { "ops": ["tanh"], "repeat": 1000 }] }';
    await client.open(uri, text);
    const hints = await client.inlayHints(uri, wholeRange(text));
    assert.deepEqual(
      hints.map((hint) => [hint.label, hint.tooltip]),
      [
        ['W_l = 0.606', undefined],
        ['W = 2.00e-217742426337', 'W = 0.606^1,000,000,000,000 = 2.00e-217742426337'],
        ['W_l = 0.606', undefined],
        ['W = 0.606^1,000 = 1.81e-218', undefined],
      ],
    );
    await client.close(uri);
  });

  test('inlay hints keep to the requested range', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const line = positionOf(residual, '{ "block": "outer" }').line;
    const hints = await client.inlayHints(uri, { start: { line, character: 0 }, end: { line, character: 100 } });
    assert.deepEqual(
      hints.map((hint) => hint.label),
      ['W_l = 1.56'],
    );
    await client.close(uri);
  });

  test('syntax errors withhold hints and lenses', async () => {
    const uri = freshUri('broken.arch.json');
    // A missing comma after the first layer: the rest is read as well as the parser can.
    const text = residual.replace('{ "block": "res", "repeat": 16 },', '{ "block": "res", "repeat": 16 }');
    await client.open(uri, text);
    assert.deepEqual([...new Set(codesOf(await client.diagnostics(uri, 1)))], ['syntax-error']);
    assert.deepEqual(await client.inlayHints(uri, wholeRange(text)), []);
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title]),
      [[positionOf(text, '"layers"').line, 'W is shown again once the syntax errors are fixed']],
    );
    const markdown = markdownOf(await client.hover(uri, positionOf(text, '"res": {', 2)));
    assert.ok(markdown.startsWith('*The file has syntax errors: these numbers come from the text as far as it could be read'), markdown);
    // The outline keeps its entries but drops their numbers.
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((symbol) => symbol.name), ['blocks', 'layers']);
    assert.deepEqual([...symbols, ...symbols.flatMap((symbol) => symbol.children ?? [])].map((symbol) => symbol.detail).filter((detail) => detail !== ''), []);
    await client.close(uri);
  });

  test('network lens says when every layer is left out', async () => {
    const uri = freshUri('skipped.arch.json');
    const text = '{ "reslint": 1, "blocks": { "b": { "paths": { "r": ["relux"] } } }, "layers": [{ "block": "b" }, { "block": "b" }] }';
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.map((lens) => lens.command?.title),
      ['No layer could be analysed, so the network has no W (2 layers with problems left out)'],
    );
    await client.close(uri);
  });

  test('code lenses show network and depth verdicts', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command?.title]),
      [
        [
          positionOf(residual, '"layers"').line,
          'Network W = 0.00211 (seed model), vanishing: below 0.01 from layers[2], repeat 1 of 4',
        ],
        [positionOf(residual, '"repeat": 16').line, 'Vanishes past 16 repeats; 16 repeats give W = 0.750^16 = 0.0100, inside the band'],
        [positionOf(residual, '"repeat": 4').line, 'Vanishes past 9 repeats; 4 repeats give W = 0.606^4 = 0.135, inside the band'],
      ],
    );
    await client.close(uri);
  });

  test('network lens stays short on every side of the band', async () => {
    const cases: [unknown[], string][] = [
      [[{ ops: [{ gain: 2 }], repeat: 10 }], 'Network W = 1024 (seed model), exploding: above 100 from layers[0], repeat 7 of 10'],
      [[{ ops: [{ gain: 0.5 }], repeat: 10 }, { ops: [{ gain: 2 }], repeat: 10 }], 'Network W = 1.00 (seed model): inside the band [0.01, 100] at the output, but below it at layers[0], repeat 7 of 10'],
      [[{ ops: [{ gain: 2 }], repeat: 10 }, { ops: [{ gain: 0.125 }], repeat: 4 }], 'Network W = 0.250 (seed model): inside the band [0.01, 100] at the output, but above it at layers[0], repeat 7 of 10'],
      [[['relu']], 'Network W = 0.500 (seed model): inside the band [0.01, 100]'],
    ];
    for (const [layers, title] of cases) {
      const uri = freshUri('short-lens.arch.json');
      await client.open(uri, JSON.stringify({ reslint: 1, layers }));
      assert.equal((await client.codeLenses(uri))[0]?.command?.title, title);
      await client.close(uri);
    }
  });

  test('network lens names both sides the running W reaches', async () => {
    const uri = freshUri('up-down.arch.json');
    const text = JSON.stringify({
      reslint: 1,
      blocks: { up: { paths: { s: [], r: [{ gain: 0.5 }] } }, down: { paths: { r: [{ gain: 0.5 }] } } },
      layers: [{ block: 'up', repeat: 20 }, { block: 'down', repeat: 20 }],
    });
    await client.open(uri, text);
    const lenses = await client.codeLenses(uri);
    assert.equal(
      lenses[0]?.command?.title,
      'Network W = 0.00317 (seed model), vanishing: below 0.01, after rising above 100 at layers[0], repeat 12 of 20',
    );
    await client.close(uri);
  });

  test('code lens reports a stage past its depth', async () => {
    const uri = freshUri('deep.arch.json');
    const text = JSON.stringify({ reslint: 1, blocks: { b: { paths: { shortcut: [], residual: [{ gain: 0.25 }] } } }, layers: [{ block: 'b', repeat: 30 }] }, null, 2);
    await client.open(uri, text);
    const lenses = await client.codeLenses(uri);
    assert.equal(lenses[1]?.command?.title, 'Explodes past 20 repeats: W = 1.25^30 = 808 is above 100');
    await client.close(uri);
  });

  test('quick fix removes its finding', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const diagnostics = await client.diagnostics(uri, 1);
    const vanishing = diagnostics.find((diagnostic) => diagnostic.message.startsWith('Block "res"'));
    assert.ok(vanishing);
    const actions = await client.codeActions(uri, vanishing.range, [vanishing]);
    assert.equal(actions[0]?.title, 'Set the scale of branch "residual" of "res" to 2 (W_l = 1.00)');
    assert.equal(actions[0].isPreferred, true);
    assert.equal(actions[0].kind, 'quickfix');
    const change = actions[0].edit?.documentChanges?.[0];
    assert.ok(change);
    assert.ok(TextDocumentEdit.is(change));
    assert.equal(change.textDocument.version, 1);

    const fixed = applyWorkspaceEdit(residual, actions[0].edit ?? {}, uri);
    assert.ok(fixed.includes('"residual": { "ops": [{ "op": "linear", "init": "he" }, "relu", { "op": "linear", "init": "he" }, { "gain": 0.5 }], "scale": 2 }'), fixed);
    await client.change(uri, 2, fixed);
    const after = await client.diagnostics(uri, 2);
    assert.ok(!after.some((diagnostic) => diagnostic.message.startsWith('Block "res"')), JSON.stringify(after.map((d) => d.message)));
    assert.ok(!after.some((diagnostic) => (diagnostic.data as { subject?: { block?: string } }).subject?.block === 'res'));
    await client.close(uri);
  });

  test('two findings with one edit give one action', async () => {
    // The network and the stage of this model are both fixed by the same branch scale.
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'workspace', 'residual-mlp.arch.ts'), 'utf8');
    const uri = freshUri('residual-mlp.arch.ts');
    await client.open(uri, text, 'typescript');
    const diagnostics = (await client.diagnostics(uri, 1)).filter((diagnostic) => diagnostic.code === 'network-vanishing' || diagnostic.code === 'stage-out-of-band');
    assert.equal(diagnostics.length, 2);
    const actions = await client.codeActions(uri, diagnostics[0].range, diagnostics);
    assert.deepEqual(
      actions.map((action) => action.title),
      [
        'Set the scale of branch "residual" of "res" to 1.17732 to bring the network into the band (W_l = 0.794, W = 0.0100)',
        'Disable network-vanishing in this file',
        'Disable stage-out-of-band in this file',
      ],
    );
    await client.close(uri);
  });

  test('stale code action returns nothing', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const first = await client.diagnostics(uri, 1);
    await client.change(uri, 2, residual);
    const second = await client.diagnostics(uri, 2);
    const range = first[0].range;
    assert.deepEqual(await client.codeActions(uri, range, [first[0]]), []);
    const current = await client.codeActions(uri, range, [second[0]]);
    assert.ok(current.length > 0, 'the current version should have fixes');
    await client.close(uri);
  });

  test('disable action turns a code off', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const diagnostics = await client.diagnostics(uri, 1);
    const exploding = diagnostics.find((diagnostic) => diagnostic.code === 'block-exploding');
    assert.ok(exploding);
    const actions = await client.codeActions(uri, exploding.range, [exploding]);
    const disable = actions.find((action) => action.title === 'Disable block-exploding in this file');
    assert.ok(disable, JSON.stringify(actions.map((action) => action.title)));
    const edited = applyWorkspaceEdit(residual, disable.edit ?? {}, uri);
    assert.match(edited, /"settings": \{\s+"severity": \{\s+"block-exploding": "off"\s+\}\s+\}/);
    await client.change(uri, 2, edited);
    const after = await client.diagnostics(uri, 2);
    assert.deepEqual(codesOf(after), ['block-vanishing', 'block-vanishing', 'network-vanishing']);
    await client.close(uri);
  });

  test('didOpen again, other text, same version: the new text is analysed', async () => {
    const uri = freshUri('reopened.arch.json');
    await client.open(uri, residual);
    assert.ok((await client.diagnostics(uri, 1)).length > 0);
    // The protocol requires a didClose first; a client that skips it must still not see stale results.
    const again = await client.reopen(uri, '{ "reslint": 1, "layers": [{ "block": "missing" }] }');
    assert.deepEqual(codesOf(again.diagnostics), ['unknown-block']);
    await client.close(uri);
  });

  test('reopened text: an old diagnostic gets no fix', async () => {
    const uri = freshUri('reopened-fix.arch.json');
    const block = (name: string) => `"${name}": { "paths": { "s": [], "r": { "ops": ["linear"], "scale": 0.5 } } }`;
    const first = `{ "reslint": 1, "blocks": { ${block('x')}, ${block('y')} }, "layers": [{ "block": "x" }, { "block": "y" }] }`;
    await client.open(uri, first);
    const before = await client.diagnostics(uri, 1);
    const aboutY = before.find((diagnostic) => diagnostic.message.includes('"y"'));
    assert.ok(aboutY, JSON.stringify(before.map((diagnostic) => diagnostic.message)));
    // The same version with a block inserted before "y": the finding at y's index is now another block's.
    const second = first.replace(`${block('y')} }`, `${block('x0')}, ${block('y')} }`).replace('"layers": [', '"layers": [{ "block": "x0" }, ');
    await client.reopen(uri, second);
    assert.deepEqual(await client.codeActions(uri, aboutY.range, [aboutY]), []);
    await client.close(uri);
  });

  test('bad files report their codes', async (t) => {
    const cases: [string, string, string][] = [
      ['syntax-error', '{ "reslint": 1, "layers": [ }', 'syntax-error'],
      ['unknown-op', '{ "reslint": 1, "blocks": { "b": { "paths": { "r": ["relu", "relux"] } } }, "layers": [{ "block": "b" }] }', 'unknown-op'],
      ['unknown-block', '{ "reslint": 1, "layers": [{ "block": "missing" }] }', 'unknown-block'],
      [
        'graph cycle',
        '{ "reslint": 1, "blocks": { "b": { "graph": [{ "from": "in", "to": "x" }, { "from": "x", "to": "y" }, { "from": "y", "to": "x" }, { "from": "y", "to": "out" }] } }, "layers": [{ "block": "b" }] }',
        'cycle',
      ],
      ['nested cycle', '{ "reslint": 1, "blocks": { "b": { "paths": { "r": [{ "block": "b" }] } } }, "layers": [{ "block": "b" }] }', 'cycle'],
    ];
    for (const [name, text, code] of cases) {
      await t.test(name, async () => {
        const uri = freshUri('bad.arch.json');
        await client.open(uri, text);
        const diagnostics = await client.diagnostics(uri, 1);
        assert.ok(codesOf(diagnostics).includes(code), `expected ${code} in ${JSON.stringify(codesOf(diagnostics))}`);
        // Requests on a broken model still return a result.
        await client.hover(uri, { line: 0, character: 3 });
        await client.inlayHints(uri, wholeRange(text));
        await client.codeLenses(uri);
        await client.codeActions(uri, diagnostics[0].range, diagnostics);
        await client.close(uri);
      });
    }
  });

  test('burst of 100 edits is analysed once', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    await client.diagnostics(uri, 1);
    const since = client.published.length;
    for (let version = 2; version <= 101; version++) {
      void client.change(uri, version, residual.replace('"reslint": 1', `"name": "edit ${version}", "reslint": 1`));
    }
    const last = await client.diagnostics(uri, 101);
    assert.deepEqual(codesOf(last), ['block-vanishing', 'block-exploding', 'block-vanishing', 'network-vanishing']);
    const intermediate = client.published.slice(since).filter((params) => params.uri === uri && params.version !== 101);
    // Without the debounce every version would be published; a stalled machine may let a few through.
    assert.ok(intermediate.length < 10, `${intermediate.length} intermediate versions were published`);
    await client.close(uri);
  });

  test('queued burst publishes last version once', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    await client.diagnostics(uri, 1);
    const since = client.published.length;

    // Each edit sets the repeat count of the plain layer, so each version's text differs.
    const digit = residual.indexOf('"repeat": 4') + '"repeat": '.length;
    const lines = new LineIndex(residual);
    const range = { start: lines.positionAt(digit), end: lines.positionAt(digit + 1) };
    let text = residual;
    const changes: object[] = [];
    for (let version = 2; version <= 101; version++) {
      const repeat = String(1 + (version % 9));
      text = text.slice(0, digit) + repeat + text.slice(digit + 1);
      changes.push(didChangeMessage(uri, version, range, repeat));
    }
    client.writeAtOnce(changes);
    const last = await client.diagnostics(uri, 101);
    // The server sends every publish of the burst before it responds to a later request.
    await client.hover(uri, positionOf(residual, '"res": {', 2));

    const versions = client.published.slice(since).filter((params) => params.uri === uri).map((params) => params.version);
    assert.deepEqual(versions, [101]);
    const fresh = freshUri('residual.arch.json');
    await client.open(fresh, text);
    const expected = await client.diagnostics(fresh, 1);
    assert.deepEqual(last.map(diagnosticKey), expected.map(diagnosticKey));
    assert.deepEqual(
      last.map((diagnostic) => diagnostic.message),
      expected.map((diagnostic) => diagnostic.message),
    );
    await client.close(fresh);
    await client.close(uri);
  });

  test('queued edit behind slow request', async () => {
    // A hover on a new version of a large model analyses it while the loop is blocked, longer than
    // the debounce after an isolated edit. The edit of version 3 is then still queued when the
    // timer of version 2 fires, and version 2 must not be published.
    const large = wideModel(1000);
    const largeUri = freshUri('wide.arch.json');
    await client.open(largeUri, large);
    await client.diagnostics(largeUri, 1);
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    await client.diagnostics(uri, 1);
    const since = client.published.length;

    const digit = residual.indexOf('"repeat": 4') + '"repeat": '.length;
    const lines = new LineIndex(residual);
    const range = { start: lines.positionAt(digit), end: lines.positionAt(digit + 1) };
    const largeGain = large.indexOf('0.5');
    const largeLines = new LineIndex(large);
    const largeRange = { start: largeLines.positionAt(largeGain), end: largeLines.positionAt(largeGain + 3) };
    client.writeAtOnce([
      didChangeMessage(uri, 2, range, '5'),
      didChangeMessage(largeUri, 2, largeRange, '0.6'),
      { id: 'slow-hover', method: HoverRequest.method, params: { textDocument: { uri: largeUri }, position: largeRange.start } },
      didChangeMessage(uri, 3, range, '6'),
    ]);
    await client.diagnostics(uri, 3);
    await client.hover(uri, positionOf(residual, '"res": {', 2));

    const versions = client.published.slice(since).filter((params) => params.uri === uri).map((params) => params.version);
    assert.deepEqual(versions, [3]);
    await client.close(largeUri);
    await client.close(uri);
  });

  test('didClose clears diagnostics', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    assert.ok((await client.diagnostics(uri, 1)).length > 0);
    const since = client.published.length;
    await client.close(uri);
    const cleared = await client.waitForPublish(uri, 'an empty diagnostics list', (params) => params.diagnostics.length === 0, since);
    assert.deepEqual(cleared.diagnostics, []);
  });
});

describe('code action resolve', () => {
  let client: LspClient;
  const residual = readFixture('residual.arch.json');

  before(async () => {
    client = await LspClient.start({}, { codeActionResolve: true });
  });

  after(async () => {
    await client.stop();
  });

  async function explodingOf(uri: string, version: number): Promise<Diagnostic> {
    const diagnostics = await client.diagnostics(uri, version);
    const exploding = diagnostics.find((diagnostic) => diagnostic.code === 'block-exploding');
    assert.ok(exploding, JSON.stringify(codesOf(diagnostics)));
    return exploding;
  }

  /** Opens the residual model under a fresh uri and returns its code actions on the block-exploding diagnostic, with the disable action. */
  async function disableActionOf(): Promise<{ uri: string; actions: CodeAction[]; disable: CodeAction }> {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const exploding = await explodingOf(uri, 1);
    const actions = await client.codeActions(uri, exploding.range, [exploding]);
    const disable = actions.find((action) => action.title === 'Disable block-exploding in this file');
    assert.ok(disable, JSON.stringify(actions.map((action) => action.title)));
    return { uri, actions, disable };
  }

  test('invalid file settings: no disable action', async () => {
    // The action would resolve to no edit, because the analysis ignores severities it cannot read.
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual.replace('{', '{\n  "settings": { "severity": 5 },'));
    const exploding = await explodingOf(uri, 1);
    const titles = (await client.codeActions(uri, exploding.range, [exploding])).map((action) => action.title);
    assert.ok(titles.length > 0, 'the scale fixes are still offered');
    assert.ok(!titles.some((title) => title.startsWith('Disable ')), JSON.stringify(titles));
    await client.close(uri);
  });

  test('resolve refuses a code that cannot be turned off', async () => {
    const { uri, disable } = await disableActionOf();
    const forged = { ...disable, title: 'Disable syntax-error in this file', data: { ...(disable.data as object), code: 'syntax-error' } };
    assert.equal((await client.resolveCodeAction(forged)).edit, undefined);
    const unknown = { ...disable, data: { ...(disable.data as object), code: 'no-such-code' } };
    assert.equal((await client.resolveCodeAction(unknown)).edit, undefined);
    await client.close(uri);
  });

  test('actions come without edits until resolved', async () => {
    const { uri, actions, disable } = await disableActionOf();
    assert.equal(disable.edit, undefined);
    assert.deepEqual(Object.keys(disable.data as object), ['action', 'uri', 'version', 'analysis', 'code']);
    const fixes = actions.filter((action) => action !== disable);
    assert.ok(fixes.length > 0);
    for (const fix of fixes) {
      assert.equal(fix.edit, undefined, `${fix.title} has an edit before resolve`);
      assert.deepEqual(Object.keys(fix.data as object), ['action', 'uri', 'version', 'analysis', 'finding']);
    }
    await client.close(uri);
  });

  test('resolved scale fix sets its W_l', async () => {
    const { uri, actions, disable } = await disableActionOf();
    const fix = actions.find((action) => action !== disable && action.isPreferred);
    assert.ok(fix, JSON.stringify(actions.map((action) => action.title)));
    const resolved = await client.resolveCodeAction(fix);
    const change = resolved.edit?.documentChanges?.[0];
    assert.ok(change);
    assert.ok(TextDocumentEdit.is(change));
    assert.equal(change.textDocument.version, 1);
    await client.change(uri, 2, applyWorkspaceEdit(residual, resolved.edit ?? {}, uri));
    // The block that exploded is inside the tolerance now.
    assert.ok(!codesOf(await client.diagnostics(uri, 2)).includes('block-exploding'));
    await client.close(uri);
  });

  test('stale scale fix is refused and reported', async () => {
    const { uri, actions, disable } = await disableActionOf();
    const fix = actions.find((action) => action !== disable);
    assert.ok(fix);
    // A line added above moves every range the fix was computed for.
    await client.change(uri, 2, `// a header comment\n${residual}`);
    await client.diagnostics(uri, 2);
    const messagesBefore = client.shownMessages.length;
    assert.equal((await client.resolveCodeAction(fix)).edit, undefined);
    assert.equal(client.shownMessages.length, messagesBefore + 1);
    assert.equal(
      client.shownMessages[messagesBefore].message,
      `ResLint did not apply a quick fix, because the model, a file it imports, or the settings changed after it was offered; open the quick fixes again. The fix: ${fix.title}`,
    );
    await client.close(uri);
  });

  test('resolved disable edit removes code', async () => {
    const { uri, disable } = await disableActionOf();

    const resolved = await client.resolveCodeAction(disable);
    assert.equal(resolved.title, disable.title);
    const change = resolved.edit?.documentChanges?.[0];
    assert.ok(change);
    assert.ok(TextDocumentEdit.is(change));
    assert.equal(change.textDocument.version, 1);
    const edited = applyWorkspaceEdit(residual, resolved.edit ?? {}, uri);
    assert.match(edited, /"settings": \{\s+"severity": \{\s+"block-exploding": "off"\s+\}\s+\}/);

    await client.change(uri, 2, edited);
    const after = await client.diagnostics(uri, 2);
    assert.deepEqual(codesOf(after), ['block-vanishing', 'block-vanishing', 'network-vanishing']);
    await client.close(uri);
  });

  test('disable edit in a TypeScript model', async () => {
    const uri = freshUri('hot.arch.ts');
    const text = `import { defineModel } from 'reslint';

export default defineModel({
  reslint: 1,
  blocks: { hot: { paths: { main: ['linear', 'relu', 'linear'], skip: [] } } },
  layers: [{ block: 'hot' }, { block: 'hot' }],
});
`;
    await client.open(uri, text);
    const exploding = await explodingOf(uri, 1);
    const actions = await client.codeActions(uri, exploding.range, [exploding]);
    const disable = actions.find((action) => action.title === 'Disable block-exploding in this file');
    assert.ok(disable, JSON.stringify(actions.map((action) => action.title)));

    const resolved = await client.resolveCodeAction(disable);
    const edited = applyWorkspaceEdit(text, resolved.edit ?? {}, uri);
    assert.equal(edited, text.replace("{ block: 'hot' }],", "{ block: 'hot' }],\n  settings: { severity: { 'block-exploding': 'off' } },"));
    await client.change(uri, 2, edited);
    assert.deepEqual(codesOf(await client.diagnostics(uri, 2)), []);
    await client.close(uri);
  });

  test('imported TypeScript settings: no disable action', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-disable-'));
    writeFileSync(join(dir, 'shared.ts'), "export const settings = { severity: { 'block-vanishing': 'hint' } };\n");
    const uri = pathToFileURL(join(dir, 'hot.arch.ts')).href;
    const text = `import { defineModel } from 'reslint';
import { settings } from './shared';

export default defineModel({
  reslint: 1,
  blocks: { hot: { paths: { main: ['linear', 'relu', 'linear'], skip: [] } } },
  layers: [{ block: 'hot' }],
  settings,
});
`;
    await client.open(uri, text);
    const exploding = await explodingOf(uri, 1);
    const titles = (await client.codeActions(uri, exploding.range, [exploding])).map((action) => action.title);
    assert.ok(titles.length > 0, 'the scale fixes are still offered');
    assert.ok(!titles.some((title) => title.startsWith('Disable ')), JSON.stringify(titles));
    await client.close(uri);
    rmSync(dir, { recursive: true, force: true });
  });

  test('stale disable action resolves without edit', async () => {
    const { uri, disable } = await disableActionOf();
    await client.change(uri, 2, residual);
    await client.diagnostics(uri, 2);

    const resolved = await client.resolveCodeAction(disable);
    assert.equal(resolved.edit, undefined);
    await client.close(uri);
  });

  test('code that cannot be turned off gets no disable action', async () => {
    const uri = freshUri('cycle.arch.json');
    const text = '{"reslint": 1, "blocks": {"a": {"paths": {"s": [], "r": [{"block": "a"}]}}, "b": {"paths": {"r": ["zzz"]}}}, "layers": [{"block": "a"}, {"block": "b"}]}';
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(codesOf(diagnostics), ['cycle', 'unknown-op', 'layer-skipped', 'layer-skipped']);
    for (const diagnostic of diagnostics) {
      const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
      // The layers that W leaves out have a code that can be turned off.
      const expected = diagnostic.code === 'layer-skipped' ? ['Disable layer-skipped in this file'] : [];
      assert.deepEqual(
        actions.map((action) => action.title),
        expected,
      );
    }
    await client.close(uri);
  });

  test('a misspelt name is changed to the close one', async () => {
    const uri = freshUri('misspelt.arch.json');
    const text = '{\n  "reslint": 1,\n  "blocks": { "basic": { "paths": { "s": [], "r": ["rleu"] } } },\n  "layers": [{ "block": "basix" }]\n}';
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(codesOf(diagnostics), ['unknown-op', 'unknown-block']);
    let version = 1;
    let current = text;
    for (const [code, title] of [['unknown-op', 'Change to "relu"'], ['unknown-block', 'Change to "basic"']]) {
      const diagnostic = (await client.diagnostics(uri, version)).find((entry) => entry.code === code);
      assert.ok(diagnostic, code);
      const [action] = await client.codeActions(uri, diagnostic.range, [diagnostic]);
      assert.equal(action?.title, title);
      assert.equal(action.isPreferred, true);
      const resolved = await client.resolveCodeAction(action);
      current = applyWorkspaceEdit(current, resolved.edit ?? {}, uri);
      version += 1;
      await client.change(uri, version, current);
    }
    assert.equal(current, text.replace('"rleu"', '"relu"').replace('"basix"', '"basic"'));
    assert.ok(!codesOf(await client.diagnostics(uri, version)).some((code) => code.startsWith('unknown-')));
    await client.close(uri);
  });

  test('a rename resolved after a reopen at the same version is refused', async () => {
    const uri = freshUri('reopened.arch.json');
    const text = '{"reslint": 1, "blocks": {"basic": {"paths": {"s": [], "r": ["relu"]}}, "res": {"paths": {"s": [], "r": ["relu"]}}}, "layers": [{"block": "basix"}]}';
    await client.open(uri, text);
    const diagnostic = (await client.diagnostics(uri, 1)).find((entry) => entry.code === 'unknown-block');
    assert.ok(diagnostic);
    const [rename] = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    assert.equal(rename.title, 'Change to "basic"');
    // VS Code starts a reopened document at version 1 again; here its misspelt name is "ress".
    await client.reopen(uri, text.replace('"basix"', '"ress"'));
    const messagesBefore = client.shownMessages.length;
    assert.equal((await client.resolveCodeAction(rename)).edit, undefined);
    assert.match(client.shownMessages[messagesBefore]?.message ?? '', /^ResLint did not apply a quick fix, because the model, a file it imports, or the settings changed after it was offered/);
    await client.close(uri);
  });

  test('foreign action resolves unchanged', async () => {
    const action = { title: 'Not from this server', kind: 'quickfix', data: { action: 'other' } };
    assert.deepEqual(await client.resolveCodeAction(action), action);
  });
});

describe('settings', () => {
  let client: LspClient;
  const residual = readFixture('residual.arch.json');

  before(async () => {
    client = await LspClient.start();
  });

  after(async () => {
    await client.stop();
  });

  test('configuration change re-publishes', async () => {
    const uri = freshUri('residual.arch.json');
    await client.open(uri, residual);
    const seed = await client.diagnostics(uri, 1);
    assert.match(seed[0].message, /W_l = 0\.750 under the seed model/);

    const since = client.published.length;
    await client.changeSettings({ model: 'variance' });
    const variance = await client.waitForPublish(uri, 'diagnostics under the variance model', (params) => params.diagnostics.some((d) => d.message.includes('variance')), since);
    assert.ok(variance.diagnostics.every((diagnostic) => !diagnostic.message.includes('W_l = 0.750')));
    assert.ok(client.refreshes.inlayHint >= 1, 'no inlay hint refresh was requested');
    assert.ok(client.refreshes.codeLens >= 1, 'no code lens refresh was requested');
    const hover = markdownOf(await client.hover(uri, positionOf(residual, '"res": {', 2)));
    assert.ok(hover.includes("`W_l = relu' x sqrt(w_shortcut^2 + w_residual^2) = 0.707 x sqrt(1.00^2 + 0.707^2) = 0.866`"), hover);
    // A diagnostic of the seed analysis of this version gets no fix computed under variance.
    const seedFinding = seed.find((diagnostic) => diagnostic.code === 'block-vanishing' || diagnostic.code === 'block-exploding') ?? seed[0];
    assert.deepEqual(await client.codeActions(uri, seedFinding.range, [seedFinding]), []);

    await client.changeSettings({});
    await client.close(uri);
  });

  test('severity setting hides a code', async () => {
    const uri = freshUri('residual.arch.json');
    await client.changeSettings({ severity: { 'block-vanishing': 'off', 'network-vanishing': 'error' } });
    await client.open(uri, residual);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.deepEqual(codesOf(diagnostics), ['block-exploding', 'network-vanishing']);
    assert.equal(diagnostics[1].severity, 1);
    await client.changeSettings({});
    await client.close(uri);
  });

  test('disabled hints and lenses return nothing', async () => {
    const uri = freshUri('residual.arch.json');
    await client.changeSettings({ inlayHints: { enabled: false }, codeLens: { enabled: false } });
    await client.open(uri, residual);
    assert.deepEqual(await client.inlayHints(uri, wholeRange(residual)), []);
    assert.deepEqual(await client.codeLenses(uri), []);
    await client.changeSettings({});
    assert.ok((await client.inlayHints(uri, wholeRange(residual))).length > 0);
    await client.close(uri);
  });

  test('invalid setting falls back and is logged', async () => {
    const uri = freshUri('residual.arch.json');
    await client.changeSettings({ model: 'nope', tolerance: 0.5, severity: { 'block-exploding': 'loud' } });
    await client.open(uri, residual);
    const diagnostics = await client.diagnostics(uri, 1);
    // The valid tolerance 0.5 still applies: no W_l is below 0.5, so no block-vanishing.
    assert.ok(diagnostics.every((diagnostic) => !diagnostic.message.includes('under the nope model')));
    assert.ok(!codesOf(diagnostics).includes('block-vanishing'), JSON.stringify(codesOf(diagnostics)));
    await client.waitForLog(/"reslint\.model" must be "seed" or "variance" or "bound"; found the string "nope"/);
    // The log names the entry that is wrong, not the whole object.
    await client.waitForLog(/"reslint\.severity\['block-exploding'\]" must be .*; found the string "loud"/);
    // The user sees each problem once, although every document reads the settings.
    const modelWarnings = client.shownMessages.map((params) => params.message).filter((message) => message.includes('reslint.model'));
    assert.equal(modelWarnings.length, 1, JSON.stringify(modelWarnings));
    assert.equal(modelWarnings[0], 'ResLint: "reslint.model" must be "seed" or "variance" or "bound"; found the string "nope". Using the default, "seed".');
    // Entered again after a valid value, the problem is shown again.
    await client.changeSettings({});
    await client.change(uri, 2, residual);
    await client.diagnostics(uri, 2);
    await client.changeSettings({ model: 'nope' });
    await client.change(uri, 3, residual);
    await client.diagnostics(uri, 3);
    assert.equal(client.shownMessages.filter((params) => params.message.includes('found the string "nope"')).length, 2);
    await client.changeSettings({});
    await client.close(uri);
  });

  test('invalid settings are shown in the core\'s words', async () => {
    const uri = freshUri('residual.arch.json');
    const other = freshUri('other.arch.json');
    const shownFrom = client.shownMessages.length;
    const logsFrom = client.logs.length;
    await client.changeSettings({ model: 'bogus', band: [2, 1], tolerance: 5 });
    await client.open(uri, residual);
    await client.diagnostics(uri, 1);
    // A second model reads the same settings: nothing is shown or logged again.
    await client.open(other, residual);
    await client.diagnostics(other, 1);
    const modelLogs = client.logs.slice(logsFrom).filter((params) => params.message.includes('"reslint.model" must be'));
    assert.equal(modelLogs.length, 1, JSON.stringify(modelLogs));
    await client.close(other);
    await client.changeSettings({ band: 'abc' });
    await client.change(uri, 2, residual);
    await client.diagnostics(uri, 2);
    const shownMessages = client.shownMessages.slice(shownFrom).map((params) => params.message);
    // Each message names the setting and its value, states what the value must be and what applies
    // instead, in the words the CLI uses for a model file's "settings".
    assert.deepEqual(shownMessages, [
      'ResLint: "reslint.model" must be "seed" or "variance" or "bound"; found the string "bogus". Using the default, "seed".',
      'ResLint: "reslint.band": the band must be [min, max] with 0 < min <= 1 <= max < Infinity and min < max, since the running W starts at 1; found [2, 1]. Using the default, [0.01, 100].',
      'ResLint: "reslint.tolerance" is 5; it must be less than 1. Using the default, 0.1.',
      'ResLint: "reslint.band" must be a list; found the string "abc". Using the default, [0.01, 100].',
    ]);
    for (const message of shownMessages) assert.doesNotMatch(message, /Invalid option|Too big|Invalid input|expected tuple/);
    await client.changeSettings({});
    await client.close(uri);
  });

  test('settings are requested per document', () => {
    assert.ok(client.configurationRequests > 0);
  });
});

test('editor severity off only where allowed', () => {
  const blocking = parseServerSettings({ severity: { 'unknown-op': 'off' } });
  assert.deepEqual(blocking.settings.severity, {});
  assert.equal(blocking.problems.length, 1);
  assert.match(blocking.problems[0], /^"reslint\.severity\['unknown-op'\]" cannot be "off", because unknown-op leaves part of the model unanalysed/);
  const allowed = parseServerSettings({ severity: { 'unknown-op': 'hint', 'block-vanishing': 'off' } });
  assert.deepEqual(allowed.problems, []);
  assert.deepEqual(allowed.settings.severity, { 'unknown-op': 'hint', 'block-vanishing': 'off' });
});

test('editor severities are checked one by one', () => {
  const parsed = parseServerSettings({
    severity: { 'block-vanishing': 'error', 'block-exploding': 'loud', 'syntax-error': 'off', 'block-vanishng': 'hint', cycle: 'warning' },
  });
  // The valid entries still apply; each wrong one is named on its own.
  assert.deepEqual(parsed.settings.severity, { 'block-vanishing': 'error', cycle: 'warning' });
  assert.equal(parsed.problems.length, 3);
  assert.equal(
    parsed.problems[0],
    '"reslint.severity[\'block-exploding\']" must be "error" or "warning" or "information" or "hint" or "off"; found the string "loud". block-exploding keeps its default severity.',
  );
  assert.equal(
    parsed.problems[1],
    '"reslint.severity[\'syntax-error\']" cannot be "off", because syntax-error leaves part of the model unanalysed; it keeps its default severity. Use "hint" to make it quiet.',
  );
  assert.equal(parsed.problems[2], 'Unknown setting "reslint.severity[\'block-vanishng\']"; it is ignored. Did you mean "block-vanishing"?');
  // Other settings are unaffected.
  assert.equal(parsed.settings.model, 'seed');
});

test('package.json settings equal the schema', () => {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { configuration?: { properties?: Record<string, Record<string, unknown>> } };
  };
  const declared = packageJson.contributes?.configuration?.properties ?? {};
  const expected = contributedProperties();
  const fix =
    'copy the output of `node -e "console.log(JSON.stringify(require(\'./out/server/src/server/settings.js\').contributedProperties(), null, 2))"` ' +
    'into contributes.configuration.properties';
  assert.deepEqual(Object.keys(declared).sort(), Object.keys(expected).sort(), `package.json declares other settings than server/src/server/settings.ts; ${fix}`);
  for (const [key, schema] of Object.entries(expected)) {
    assert.deepEqual(declared[key], schema, `package.json's ${key} differs from server/src/server/settings.ts; ${fix}`);
    assert.equal(typeof declared[key].description, 'string', `${key} has no description`);
    assert.notEqual(declared[key].description, '', `${key} has an empty description`);
  }
});
