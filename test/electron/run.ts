// Runs the extension host suite (suite/index.ts) in desktop VS Code with @vscode/test-electron,
// on a temporary workspace from makeModelWorkspace(). `npm run test:electron` builds the
// extension and this folder first.
//
// @vscode/test-electron downloads VS Code into .vscode-test/ on the first run, which needs
// access to the VS Code download servers. On a machine without it, the download fails and this
// script exits with 1. test/e2e/extension-host.e2e.test.ts runs the same suite in code-server.
//
// Environment:
//   RESLINT_VSCODE_EXECUTABLE  VS Code binary to use instead of downloading one
//   RESLINT_VSCODE_VERSION     VS Code version to download (default 1.100.3, the VS Code of the
//                              code-server that the end-to-end tests use)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeModelWorkspace } from './models';

const DEFAULT_VSCODE_VERSION = '1.100.3';

async function main(): Promise<number> {
  // This file compiles to out/test/electron/run.js.
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const extensionMain = path.join(repoRoot, 'dist', 'extension.js');
  if (!fs.existsSync(extensionMain)) {
    console.error(`error: ${extensionMain} is missing. Run "npm run build" first.`);
    return 1;
  }
  const workspace = makeModelWorkspace(repoRoot);
  try {
    await runTests({
      version: process.env.RESLINT_VSCODE_VERSION ?? DEFAULT_VSCODE_VERSION,
      vscodeExecutablePath: process.env.RESLINT_VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      // --disable-extensions turns off installed extensions, but built-in ones such as JSON and TypeScript still run.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (error) {
    console.error(`error: the extension host suite failed in desktop VS Code: ${error instanceof Error ? error.message : String(error)}`);
    if (!process.env.RESLINT_VSCODE_EXECUTABLE) {
      console.error(
        'If VS Code could not be downloaded, set RESLINT_VSCODE_EXECUTABLE to an installed VS Code binary, ' +
          'or run the same suite in code-server with "bash scripts/e2e/run-e2e.sh".',
      );
    }
    return 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main().then((code) => {
  process.exitCode = code;
});
