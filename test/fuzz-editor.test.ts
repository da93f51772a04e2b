// Bounded fuzzing of the editor features: hovers at random positions, inlay hints, code lenses
// and every offered code action, on valid and mutated JSON models and on mutated TypeScript
// models, through the server's handlers with a workspace that contains one analysed document.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CodeAction, Position, Range, TextDocumentEdit } from 'vscode-languageserver';
import { analyzeText, type SourceKind } from '../server/src/core/analysis';
import { LineIndex } from '../server/src/core/lines';
import { readTypeScriptSource } from '../server/src/core/tsSource';
import { codeActions } from '../server/src/server/codeActions';
import { codeLenses } from '../server/src/server/codeLens';
import { toDiagnostic } from '../server/src/server/diagnostics';
import { hover } from '../server/src/server/hover';
import { inlayHints } from '../server/src/server/inlayHints';
import { DEFAULT_SERVER_SETTINGS } from '../server/src/server/settings';
import type { AnalyzedDocument, Workspace } from '../server/src/server/workspace';
import { mutatedTextArbitrary } from './fuzzing';

const ROOT = join(__dirname, '..', '..');
const URIS: Record<SourceKind, string> = { json: 'file:///fuzz/model.arch.json', typescript: 'file:///fuzz/model.arch.ts' };
const SHOWN_NUMBER = /\bNaN\b|\bundefined\b|(?<!overflow \(log10 W above 1\.8e\+308\))\bInfinity\b/;

function analyzedDocument(text: string, kind: SourceKind): AnalyzedDocument {
  const analysis = analyzeText(text, kind, { readTypeScript: (source) => readTypeScriptSource(source, { fileName: '/fuzz/model.arch.ts' }) });
  return { uri: URIS[kind], version: 1, text, lines: new LineIndex(text), analysis, settings: DEFAULT_SERVER_SETTINGS, settingsKey: '{}', analysisId: 1, imports: new Set() };
}

/** Builds a workspace with one analysed document, enough for the request handlers. */
function workspaceOf(document: AnalyzedDocument): Workspace {
  const stub = {
    support: { configuration: false, configurationRegistration: false, inlayHintRefresh: false, codeLensRefresh: false, documentChanges: true },
    analysisOf: async () => document,
    readTypeScript: (_uri: string, source: string) => readTypeScriptSource(source, { fileName: '/fuzz/model.arch.ts' }),
  };
  return stub as unknown as Workspace;
}

function assertInside(lines: LineIndex, text: string, range: Range, what: string): void {
  for (const position of [range.start, range.end]) {
    assert.ok(position.line >= 0, `${what}: line ${position.line} before the document`);
    assert.ok(position.line < lines.lineCount, `${what}: line ${position.line} after the document`);
    const offset = lines.offsetAt(position);
    assert.deepEqual(lines.positionAt(offset), position, `${what}: position ${JSON.stringify(position)} is not in the text`);
    assert.ok(offset <= text.length);
  }
}

function applyLspEdits(lines: LineIndex, text: string, action: CodeAction): string {
  const change = action.edit?.documentChanges?.[0] as TextDocumentEdit | undefined;
  const edits = change?.edits ?? [];
  let result = text;
  const spans = edits.map((edit) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), newText: edit.newText }));
  for (const edit of spans.sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}


export async function checkEditorFeatures(text: string, kind: SourceKind, positions: number[]): Promise<void> {
  const document = analyzedDocument(text, kind);
  const workspace = workspaceOf(document);
  const { lines } = document;
  const textDocument = { uri: URIS[kind] };

  for (const offset of positions) {
    const position: Position = lines.positionAt(Math.min(offset, text.length));
    const result = await hover(workspace, { textDocument, position });
    if (!result) continue;
    const value = (result.contents as { value: string }).value;
    assert.doesNotMatch(value, SHOWN_NUMBER, `hover at ${JSON.stringify(position)}: ${value}`);
    if (result.range) assertInside(lines, text, result.range, 'hover range');
  }

  const whole = { start: { line: 0, character: 0 }, end: lines.positionAt(text.length) };
  for (const hint of await inlayHints(workspace, { textDocument, range: whole })) {
    assertInside(lines, text, { start: hint.position, end: hint.position }, 'inlay hint');
    assert.doesNotMatch(String(hint.label), SHOWN_NUMBER, `inlay hint ${String(hint.label)}`);
  }
  for (const lens of await codeLenses(workspace, { textDocument })) {
    assertInside(lines, text, lens.range, 'code lens');
    assert.doesNotMatch(lens.command?.title ?? '', SHOWN_NUMBER, `code lens ${lens.command?.title}`);
  }

  const diagnostics = document.analysis.findings.map((finding, index) => toDiagnostic(document, finding, index));
  for (const diagnostic of diagnostics) assertInside(lines, text, diagnostic.range, `diagnostic ${String(diagnostic.code)}`);
  const actions = await codeActions(workspace, { textDocument, range: whole, context: { diagnostics } });
  for (const action of actions) {
    const edited = applyLspEdits(lines, text, action);
    const after = analyzeText(edited, kind, { readTypeScript: (source) => readTypeScriptSource(source, { fileName: '/fuzz/model.arch.ts' }) });
    const syntaxBefore = document.analysis.findings.filter((f) => f.code === 'syntax-error').length;
    assert.ok(after.findings.filter((f) => f.code === 'syntax-error').length <= syntaxBefore, `"${action.title}" broke the syntax:\n${edited}`);
    // A disable edit is checked without analysing the edited text; the analysis here must agree.
    const disabled = /^Disable (\S+) in this file$/.exec(action.title)?.[1];
    if (disabled) {
      const codes = (findings: { code: string }[]) => findings.map((finding) => finding.code).sort();
      assert.deepEqual(codes(after.findings), codes(document.analysis.findings.filter((finding) => finding.code !== disabled)), `"${action.title}":\n${edited}`);
    }
  }
}

test('JSON models through every editor feature', async () => {
  await fc.assert(
    fc.asyncProperty(mutatedTextArbitrary, fc.array(fc.nat(4000), { minLength: 8, maxLength: 8 }), (text, positions) =>
      checkEditorFeatures(text, 'json', positions),
    ),
    { seed: 99, numRuns: 1500 },
  );
});

const TS_FIXTURE = readFileSync(join(ROOT, 'test', 'fixtures', 'ts', 'transformer.arch.ts'), 'utf8');
const TS_TOKENS = ['{', '}', '(', ')', '[', ']', ',', '=>', '...', 'undefined', 'Math.random()', '1e308', '0', "'relu'", 'repeat: ', '/*', '`${'];

export const tsTextArbitrary = fc.oneof(
  fc.constant(TS_FIXTURE),
  fc.nat(TS_FIXTURE.length).map((at) => TS_FIXTURE.slice(0, at)),
  fc.tuple(fc.nat(TS_FIXTURE.length), fc.integer({ min: 1, max: 30 })).map(([at, length]) => TS_FIXTURE.slice(0, at) + TS_FIXTURE.slice(at + length)),
  fc.tuple(fc.nat(TS_FIXTURE.length), fc.constantFrom(...TS_TOKENS)).map(([at, token]) => TS_FIXTURE.slice(0, at) + token + TS_FIXTURE.slice(at)),
);

test('TypeScript models through every editor feature', async () => {
  await fc.assert(
    fc.asyncProperty(tsTextArbitrary, fc.array(fc.nat(TS_FIXTURE.length + 40), { minLength: 8, maxLength: 8 }), (text, positions) =>
      checkEditorFeatures(text, 'typescript', positions),
    ),
    { seed: 7, numRuns: 600 },
  );
});
