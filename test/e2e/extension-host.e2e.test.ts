// Runs the extension host suite of test/electron/suite/ inside code-server's extension host,
// with ResLint loaded from the repository folder in development mode, as @vscode/test-electron
// does in desktop VS Code (test/electron/run.ts). It needs dist/ from `npm run build` and the
// suite compiled next to this file by scripts/e2e/run-e2e.sh.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeModelWorkspace } from '../electron/models';
import { findRepoRoot, runExtensionHostTests } from './harness';

test('extension host suite passes', { timeout: 300_000 }, async (t) => {
  const repoRoot = findRepoRoot();
  const extensionMain = path.join(repoRoot, 'dist', 'extension.js');
  assert.ok(fs.existsSync(extensionMain), `${extensionMain} is missing; run "npm run build" first`);
  // run-e2e.sh compiles test/electron/suite/ with the end-to-end tests, into the same out folder.
  const suite = path.join(__dirname, '..', 'electron', 'suite', 'index.js');
  assert.ok(fs.existsSync(suite), `${suite} is missing; compile the tests with scripts/e2e/run-e2e.sh`);
  const workspace = makeModelWorkspace(repoRoot);
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  const result = await runExtensionHostTests({
    workspace,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suite,
    timeoutMs: 240_000,
  });
  const log = result.output.join('\n');
  const summary = /extension host suite: (\d+) of (\d+) passed/.exec(log);
  assert.ok(summary, `the suite printed no summary line. Output:\n${log}`);
  assert.equal(summary[1], summary[2], `some tests failed. Output:\n${log}`);
  assert.equal(result.exitCode, 0, log);
});
