// Smoke tests of the end-to-end harness against code-server. They need no
// ResLint code: a throwaway extension (fixtures/probe-extension) provides the
// diagnostic, hover, quick fix, inlay hint and code lens that the helpers read.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  applyQuickFix,
  findRepoRoot,
  goToPosition,
  hoverAtPosition,
  hoverOverText,
  openFile,
  openProblemsPanel,
  openWorkbench,
  packageExtension,
  pollUntil,
  readProblems,
  readVisibleLines,
  replaceEditorText,
  runExtensionHostTests,
  saveAndReadFile,
  saveScreenshot,
  startCodeServer,
  typeInEditor,
  updateUserSettings,
  waitForCodeLenses,
  waitForInlayHints,
  waitForProblems,
} from './harness';

const SAMPLE_JSON = '{\n  "name": "probe",\n  "layers": [1, 2, 3]\n}\n';
const FIXTURES = path.join(findRepoRoot(), 'test', 'e2e', 'fixtures');

/** Creates a temporary workspace folder with the given files and returns its path. */
function makeWorkspace(files: Record<string, string>): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reslint-e2e-workspace-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(workspace, name), content);
  }
  return workspace;
}

test('workbench opens JSON file', { timeout: 600_000 }, async (t) => {
  const workspace = makeWorkspace({ 'sample.json': SAMPLE_JSON });
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const server = await startCodeServer({ workspace });
  t.after(() => server.stop());
  const { page, close } = await openWorkbench(server);
  t.after(close);

  const file = path.join(workspace, 'sample.json');
  await openFile(page, file);
  const lines = await readVisibleLines(page);
  assert.deepEqual(
    lines.map((line) => line.text),
    [...SAMPLE_JSON.split('\n')],
    'the editor should render every line of sample.json, including the empty last line',
  );
  assert.deepEqual(lines.map((line) => line.line), [1, 2, 3, 4, 5]);

  await openProblemsPanel(page);
  assert.deepEqual(await readProblems(page), [], 'valid JSON without extensions has no problems');
  await saveScreenshot(page, 'smoke-json-file');

  await t.test('failed wait names its condition', async () => {
    const error = await pollUntil(page, 'a condition that never holds', async () => false, { timeoutMs: 300 }).then(
      () => assert.fail('pollUntil() should have timed out'),
      (caught: Error) => caught,
    );
    assert.match(error.message, /^Timed out after 300 ms waiting for a condition that never holds\./);
    const screenshot = /Screenshot: (\S+\.png)$/.exec(error.message)?.[1];
    assert.ok(screenshot !== undefined, `the message should name a screenshot: ${error.message}`);
    assert.ok(fs.existsSync(screenshot), `${screenshot} should exist`);
    fs.rmSync(screenshot);
  });
});

test('harness reads probe extension', { timeout: 600_000 }, async (t) => {
  const vsix = packageExtension(path.join(FIXTURES, 'probe-extension'));
  t.after(() => fs.rmSync(path.dirname(vsix), { recursive: true, force: true }));
  const workspace = makeWorkspace({ 'sample.json': SAMPLE_JSON });
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const server = await startCodeServer({ workspace, vsix });
  t.after(() => server.stop());
  const { page, close } = await openWorkbench(server);
  t.after(close);
  const file = path.join(workspace, 'sample.json');
  await openFile(page, file);

  await t.test('diagnostic in the Problems panel', async () => {
    const problems = await waitForProblems(page, (entries) => entries.length > 0, 'the probe diagnostic');
    assert.deepEqual(problems, [
      {
        file,
        message: "Probe diagnostic: found the word 'probe'",
        source: 'reslint-probe',
        code: 'probe-001',
        severity: 'warning',
        line: 2,
        column: 12,
      },
    ]);
  });

  await t.test('hover over visible text', async () => {
    const hover = await hoverOverText(page, 'layers', { contains: 'Probe hover' });
    assert.equal(hover, 'Probe hover: layers has 3 entries');
  });

  await t.test('hover at a line and column', async () => {
    const hover = await hoverAtPosition(page, 3, 5, { contains: 'Probe hover' });
    assert.match(hover, /Probe hover: layers has 3 entries/);
  });

  await t.test('inlay hint and code lens', async () => {
    const hints = await waitForInlayHints(page, (found) => found.length > 0, 'the layer count hint');
    assert.deepEqual(hints, [{ line: 3, text: '3 layers' }]);
    const lenses = await waitForCodeLenses(page, (found) => found.length > 0, 'the key count lens');
    assert.deepEqual(lenses, ['Probe lens: 2 top-level keys']);
  });

  await t.test('quick fix removes the diagnostic', async () => {
    await applyQuickFix(page, 2, 12, "Replace 'probe' with 'fixed'");
    await waitForProblems(page, (entries) => entries.length === 0, 'no problems after the quick fix');
    const text = await saveAndReadFile(page, file);
    assert.equal(text, SAMPLE_JSON.replace('probe', 'fixed'));
  });

  await t.test('replaced text is saved exactly', async () => {
    const replacement = '{\n  "name": "probe",\n  "layers": [1, 2, 3, 4],\n  "notes": "[{\\"quoted\\"}]"\n}\n';
    await replaceEditorText(page, replacement);
    assert.equal(await saveAndReadFile(page, file), replacement);
    await waitForInlayHints(page, (found) => found.some((hint) => hint.text === '4 layers'), 'the hint to count 4 layers');
    await waitForProblems(page, (entries) => entries.length === 1, 'the diagnostic to return');
  });

  await t.test('typed text is saved', async () => {
    await goToPosition(page, 2, 17);
    await typeInEditor(page, 'd');
    await waitForProblems(page, (entries) => entries.length === 0, 'no problems once "probe" became "probed"');
    const text = await saveAndReadFile(page, file);
    assert.match(text, /"name": "probed",/);
  });

  await t.test('user setting change reaches the editor', async () => {
    await updateUserSettings(page, server, { 'editor.inlayHints.enabled': 'off' });
    await waitForInlayHints(page, (found) => found.length === 0, 'inlay hints to disappear');
    await updateUserSettings(page, server, { 'editor.inlayHints.enabled': 'on' });
    await waitForInlayHints(page, (found) => found.length === 1, 'inlay hints to return');
  });

  await saveScreenshot(page, 'smoke-probe-extension');
});

test('extension host suite exit codes', { timeout: 600_000 }, async (t) => {
  const suite = path.join(FIXTURES, 'exthost-suite');
  const data = '{\n  "a": 1\n}';

  await t.test('passing suite exits with 0', async () => {
    const workspace = makeWorkspace({ 'data.json': data });
    t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
    const result = await runExtensionHostTests({
      workspace,
      extensionDevelopmentPath: path.join(suite, 'extension'),
      extensionTestsPath: path.join(suite, 'tests', 'index.js'),
    });
    const log = result.output.join('\n');
    assert.equal(result.exitCode, 0, log);
    assert.match(log, /ok - development extension runs its command/);
    assert.match(log, /extension host tests: 3 of 3 passed/);
  });

  await t.test('failing suite exits with 1', async () => {
    const workspace = makeWorkspace({ 'data.json': data, 'include-failing-test': '' });
    t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
    const result = await runExtensionHostTests({
      workspace,
      extensionDevelopmentPath: path.join(suite, 'extension'),
      extensionTestsPath: path.join(suite, 'tests', 'index.js'),
    });
    const log = result.output.join('\n');
    assert.equal(result.exitCode, 1, log);
    assert.match(log, /not ok - deliberately failing test/);
  });
});
