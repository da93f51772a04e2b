// Extension host suite: ResLint's diagnostics, hover, inlay hints, code lenses and quick fixes,
// read through the `vscode` API. VS Code loads this module in the extension host and calls run(),
// and a rejected promise fails the run. Two runners load it: test/electron/run.ts in desktop VS Code
// (@vscode/test-electron) and test/e2e/extension-host.e2e.test.ts in code-server. Both open a
// workspace made by makeModelWorkspace() and load the extension from the repository folder, so
// `npm run build` must have written dist/.
//
// The tests run in order and share the open documents. Each logs "ok - NAME" or
// "not ok - NAME: ERROR", and the run ends with "extension host suite: P of N passed".

import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  checkWithCli,
  formatWl,
  locateLines,
  positionOf,
  RESNET50,
  RESNET50_FIX_TITLE,
  RESNET50_HINTS,
  RESNET50_HOVER_LAYER,
  RESNET50_HOVER_MARKDOWN,
  RESNET50_LENSES,
  resnet50AfterFix,
  TS_MODEL,
  TS_MODEL_FIX_TITLE,
  TS_MODEL_HINTS,
  TS_MODEL_HOVER_MARKDOWN,
  TS_MODEL_LAYER,
  TS_MODEL_LENSES,
  tsModelAfterFix,
  wlOf,
  type CliFileReport,
  type LineHints,
  type LineLenses,
} from '../models';

const EXTENSION_ID = 'reslint.reslint';
/** Maximum wait for one condition, such as diagnostics after an edit. */
const WAIT_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 100;
const SEVERITY_NAMES: Record<vscode.DiagnosticSeverity, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

// --- helpers --------------------------------------------------------------------------------

/**
 * Calls `probe` every 100 ms until it returns a value other than undefined, and returns that
 * value. On timeout, throws an error naming `description` and the last value `describeLast` gives.
 */
async function waitFor<T>(description: string, probe: () => Promise<T | undefined> | T | undefined, describeLast: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() >= deadline) {
      const last = describeLast();
      throw new Error(`Timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${description}.${last ? ` Last seen: ${last}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder made by makeModelWorkspace()');
  return folder.uri.fsPath;
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded; pass the repository folder as extensionDevelopmentPath`);
  return found;
}

function cliPath(): string {
  return path.join(extension().extensionPath, 'dist', 'cli.js');
}

async function openModel(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), relativePath));
  await vscode.window.showTextDocument(document);
  return document;
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return String(typeof code === 'object' ? code.value : code);
}

/** "LINE:COLUMN SEVERITY CODE MESSAGE", 1-based like the CLI's JSON report. */
function diagnosticKey(diagnostic: vscode.Diagnostic): string {
  const start = diagnostic.range.start;
  return `${start.line + 1}:${start.character + 1} ${SEVERITY_NAMES[diagnostic.severity]} ${codeOf(diagnostic)} ${diagnostic.message}`;
}

function findingKeys(report: CliFileReport): string[] {
  return report.findings.map((finding) => `${finding.line}:${finding.column} ${finding.severity} ${finding.code} ${finding.message}`).sort();
}

function reslintDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.source === 'reslint');
}

/** Waits until the document's ResLint diagnostics equal the CLI's findings in `report`, and returns them. */
async function waitForDiagnostics(document: vscode.TextDocument, report: CliFileReport, description: string): Promise<vscode.Diagnostic[]> {
  const expected = findingKeys(report);
  let last: string[] = [];
  return waitFor(
    `the diagnostics of ${path.basename(document.fileName)} to equal the CLI's findings (${description})`,
    () => {
      const diagnostics = reslintDiagnostics(document);
      last = diagnostics.map(diagnosticKey).sort();
      return JSON.stringify(last) === JSON.stringify(expected) ? diagnostics : undefined;
    },
    () => JSON.stringify(last),
  );
}

function toVscodePosition(position: { line: number; column: number }): vscode.Position {
  return new vscode.Position(position.line - 1, position.column - 1);
}

async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Waits until the hover at `position` contains `expected`, and returns the hover text. */
async function waitForHover(document: vscode.TextDocument, position: vscode.Position, expected: string): Promise<string> {
  let last = '';
  return waitFor(
    `the hover at ${position.line + 1}:${position.character + 1} to contain ${JSON.stringify(expected)}`,
    async () => {
      last = await hoverText(document, position);
      return last.includes(expected) ? last : undefined;
    },
    () => JSON.stringify(last),
  );
}

function assertIncludesAll(text: string, parts: readonly string[]): void {
  for (const part of parts) {
    assert.ok(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
  }
}

function labelOf(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
}

/** "LINE: LABEL" for each expected hint, 1-based, in text order. */
function expectedHints(text: string, lines: readonly LineHints[]): string[] {
  const numbers = locateLines(text, lines.map((entry) => entry.line));
  return lines.flatMap((entry, index) => entry.hints.map((hint) => `${numbers[index]}: ${hint}`));
}

function expectedLenses(text: string, lines: readonly LineLenses[]): string[] {
  const numbers = locateLines(text, lines.map((entry) => entry.line));
  return lines.flatMap((entry, index) => entry.lenses.map((lens) => `${numbers[index]}: ${lens}`));
}

async function inlayHints(document: vscode.TextDocument): Promise<string[]> {
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
  return [...hints]
    .sort((a, b) => a.position.compareTo(b.position))
    .map((hint) => `${hint.position.line + 1}: ${labelOf(hint).trim()}`);
}

async function codeLenses(document: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
  return [...lenses]
    .sort((a, b) => a.range.start.compareTo(b.range.start))
    .map((lens) => `${lens.range.start.line + 1}: ${lens.command?.title ?? '(unresolved)'}`);
}

/**
 * Applies the preferred quick fix of the diagnostic with `code` that starts at `position`, after
 * checking its title, and saves the document.
 */
async function applyPreferredFix(document: vscode.TextDocument, code: string, position: vscode.Position, title: string): Promise<void> {
  const diagnostic = reslintDiagnostics(document).find((entry) => codeOf(entry) === code && entry.range.start.isEqual(position));
  assert.ok(diagnostic, `no ${code} diagnostic starts at ${position.line + 1}:${position.character + 1}`);
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
    // The server makes each edit in codeAction/resolve; the preferred fix comes first.
    1,
  );
  const preferred = actions.filter((action): action is vscode.CodeAction => 'isPreferred' in action && action.isPreferred === true);
  assert.deepEqual(
    preferred.map((action) => action.title),
    [title],
    `offered: ${JSON.stringify(actions.map((action) => action.title))}`,
  );
  const edit = preferred[0].edit;
  assert.ok(edit, `the fix "${title}" has no edit`);
  assert.equal(await vscode.workspace.applyEdit(edit), true, `VS Code did not apply the edit of "${title}"`);
  assert.equal(await document.save(), true, `saving ${document.fileName} failed`);
}

// --- tests ----------------------------------------------------------------------------------

type Test = [name: string, body: () => Promise<void>];

const tests: Test[] = [
  [
    'extension activates',
    async () => {
      await extension().activate();
      assert.equal(extension().isActive, true);
    },
  ],
  [
    'ResNet-50 diagnostics equal CLI',
    async () => {
      const document = await openModel(RESNET50);
      const report = checkWithCli(cliPath(), document.fileName);
      assert.ok(report.findings.length > 0, 'the CLI reports no findings for ResNet-50');
      await waitForDiagnostics(document, report, 'seed model');
    },
  ],
  [
    'ResNet-50 hover shows W_l and paths',
    async () => {
      const document = await openModel(RESNET50);
      const layer = positionOf(document.getText(), RESNET50_HOVER_LAYER);
      const position = toVscodePosition({ line: layer.line, column: layer.column + '{ "block": "'.length });
      const hover = await waitForHover(document, position, RESNET50_HOVER_MARKDOWN[0]);
      assertIncludesAll(hover, RESNET50_HOVER_MARKDOWN);
    },
  ],
  [
    'ResNet-50 inlay hints',
    async () => {
      const document = await openModel(RESNET50);
      assert.deepEqual(await inlayHints(document), expectedHints(document.getText(), RESNET50_HINTS));
    },
  ],
  [
    'ResNet-50 code lenses',
    async () => {
      const document = await openModel(RESNET50);
      assert.deepEqual(await codeLenses(document), expectedLenses(document.getText(), RESNET50_LENSES));
    },
  ],
  [
    'variance model changes W_l',
    async () => {
      const document = await openModel(RESNET50);
      const seed = checkWithCli(cliPath(), document.fileName);
      const variance = checkWithCli(cliPath(), document.fileName, ['--model', 'variance']);
      const seedWl = formatWl(wlOf(seed, 'bottleneck'));
      const varianceWl = formatWl(wlOf(variance, 'bottleneck'));
      assert.equal(seedWl, '0.625');
      assert.notEqual(varianceWl, seedWl);

      const configuration = vscode.workspace.getConfiguration('reslint', document.uri);
      await configuration.update('model', 'variance', vscode.ConfigurationTarget.Workspace);
      try {
        await waitForDiagnostics(document, variance, 'variance model');
        const layer = positionOf(document.getText(), RESNET50_HOVER_LAYER);
        const position = toVscodePosition({ line: layer.line, column: layer.column + '{ "block": "'.length });
        await waitForHover(document, position, `W_l = ${varianceWl} under the variance model`);
      } finally {
        await configuration.update('model', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await waitForDiagnostics(document, seed, 'seed model again');
    },
  ],
  [
    'ResNet-50 preferred fix',
    async () => {
      const document = await openModel(RESNET50);
      const original = document.getText();
      const blockKey = toVscodePosition(positionOf(original, '"bottleneck": {'));
      await applyPreferredFix(document, 'block-vanishing', blockKey, RESNET50_FIX_TITLE);
      assert.equal(document.getText(), resnet50AfterFix(original));
      const diagnostics = await waitForDiagnostics(document, checkWithCli(cliPath(), document.fileName), 'after the fix');
      assert.ok(
        !diagnostics.some((diagnostic) => diagnostic.range.start.isEqual(blockKey)),
        'the block-vanishing finding on "bottleneck" should be gone',
      );
    },
  ],
  [
    'TypeScript model diagnostics equal CLI',
    async () => {
      const document = await openModel(TS_MODEL);
      const report = checkWithCli(cliPath(), document.fileName);
      assert.ok(report.findings.length > 0, 'the CLI reports no findings for the TypeScript model');
      await waitForDiagnostics(document, report, 'seed model');
    },
  ],
  [
    'TypeScript model hover',
    async () => {
      const document = await openModel(TS_MODEL);
      const layer = positionOf(document.getText(), TS_MODEL_LAYER);
      const position = toVscodePosition({ line: layer.line, column: layer.column + "{ block: '".length });
      const hover = await waitForHover(document, position, TS_MODEL_HOVER_MARKDOWN[0]);
      assertIncludesAll(hover, TS_MODEL_HOVER_MARKDOWN);
    },
  ],
  [
    'TypeScript model hints and lenses',
    async () => {
      const document = await openModel(TS_MODEL);
      assert.deepEqual(await inlayHints(document), expectedHints(document.getText(), TS_MODEL_HINTS));
      assert.deepEqual(await codeLenses(document), expectedLenses(document.getText(), TS_MODEL_LENSES));
    },
  ],
  [
    'TypeScript model preferred fix',
    async () => {
      const document = await openModel(TS_MODEL);
      const original = document.getText();
      const blockKey = toVscodePosition(positionOf(original, 'res: {'));
      await applyPreferredFix(document, 'block-vanishing', blockKey, TS_MODEL_FIX_TITLE);
      assert.equal(document.getText(), tsModelAfterFix(original));
      const report = checkWithCli(cliPath(), document.fileName);
      assert.deepEqual(report.findings, [], 'the CLI still reports findings after the fix');
      await waitForDiagnostics(document, report, 'after the fix');
    },
  ],
];

/** Runs every test in order and rejects when any failed. */
export async function run(): Promise<void> {
  let failures = 0;
  for (const [name, body] of tests) {
    try {
      await body();
      console.log(`ok - ${name}`);
    } catch (error) {
      failures += 1;
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.log(`not ok - ${name}: ${detail}`);
    }
  }
  console.log(`extension host suite: ${tests.length - failures} of ${tests.length} passed`);
  if (failures > 0) {
    throw new Error(`${failures} of ${tests.length} extension host tests failed.`);
  }
}
