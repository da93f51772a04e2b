// The bundled server and CLI load the TypeScript front end, dist/typescriptFrontEnd.js, only when
// they read a *.arch.ts file, so JSON models never pay for loading the TypeScript compiler in it.
// Each process starts with a preloaded module that reports every module loaded when it exits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { readTypeScriptLazily } from '../server/src/typescriptFrontEndLoader';
import { LspClient, ROOT, wholeRange } from './lsp-client';

const DIST = join(ROOT, 'dist');
const REPORT_MODULES = join(ROOT, 'test', 'fixtures', 'startup', 'report-modules.js');
const JSON_MODEL = join(ROOT, 'examples', 'resnet50.arch.json');
const TS_MODEL = join(ROOT, 'examples', 'resnet50.arch.ts');
/** What esbuild writes for the TypeScript package in a bundle: its module path relative to the project root. */
const TYPESCRIPT_PACKAGE = 'node_modules/typescript/';

/** Returns the module paths from the preload's report in `stderr`. */
function loadedModules(stderr: string): string[] {
  const line = stderr.split('\n').find((text) => text.startsWith('RESLINT-LOADED-MODULES '));
  assert.ok(line, `the preloaded module wrote no report; stderr:\n${stderr}`);
  return JSON.parse(line.slice('RESLINT-LOADED-MODULES '.length)) as string[];
}

/** Returns the loaded modules that are the TypeScript front end or the TypeScript package. */
function typeScriptModules(modules: string[]): string[] {
  return modules.filter((path) => path === join(DIST, 'typescriptFrontEnd.js') || path.replaceAll('\\', '/').includes(`/${TYPESCRIPT_PACKAGE}`));
}

function codesOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

function runCli(file: string): { modules: string[]; report: { files: { findings: { code: string }[] }[] } } {
  const result = spawnSync(process.execPath, ['--require', REPORT_MODULES, join(DIST, 'cli.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
  assert.ok(result.status === 0 || result.status === 1, `reslint check ${file} exited with ${result.status}: ${result.stderr}`);
  return { modules: loadedModules(result.stderr), report: JSON.parse(result.stdout) };
}

/** Opens `file` in a fresh server, waits for its diagnostics and runs each feature on it; returns the diagnostics and the loaded modules. */
async function openInServer(file: string): Promise<{ diagnostics: Diagnostic[]; modules: string[] }> {
  const client = await LspClient.start({}, { nodeArgs: ['--require', REPORT_MODULES] });
  try {
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    await client.open(uri, text, file.endsWith('.ts') ? 'typescript' : 'jsonc');
    const diagnostics = await client.diagnostics(uri, 1);
    await client.inlayHints(uri, wholeRange(text));
    await client.codeLenses(uri);
    await client.codeActions(uri, wholeRange(text), diagnostics);
    await client.stop();
    return { diagnostics, modules: loadedModules(client.stderr) };
  } finally {
    client.kill();
  }
}

describe('lazy TypeScript front end', () => {
  test('bundles exclude the TypeScript compiler', () => {
    // Without this check, a bundled copy of the compiler would not show up as a loaded module.
    for (const name of ['server.js', 'cli.js']) {
      const bundle = readFileSync(join(DIST, name), 'utf8');
      assert.ok(!bundle.includes(TYPESCRIPT_PACKAGE), `dist/${name} contains ${TYPESCRIPT_PACKAGE}`);
    }
    const frontEnd = readFileSync(join(DIST, 'typescriptFrontEnd.js'), 'utf8');
    assert.ok(frontEnd.includes(TYPESCRIPT_PACKAGE), `dist/typescriptFrontEnd.js does not contain ${TYPESCRIPT_PACKAGE}`);
  });

  test('server skips TypeScript for JSON', async () => {
    const { diagnostics, modules } = await openInServer(JSON_MODEL);
    assert.ok(diagnostics.length > 0, 'expected diagnostics for the JSON model');
    assert.ok(modules.includes(join(DIST, 'server.js')), `the report does not list dist/server.js: ${modules.join(', ')}`);
    assert.deepEqual(typeScriptModules(modules), []);
  });

  test('server loads TypeScript for arch.ts', async () => {
    const fromJson = await openInServer(JSON_MODEL);
    const fromTypeScript = await openInServer(TS_MODEL);
    assert.deepEqual(typeScriptModules(fromTypeScript.modules), [join(DIST, 'typescriptFrontEnd.js')]);
    // The two examples define the same network, so they have the same findings in the same order.
    assert.deepEqual(codesOf(fromTypeScript.diagnostics), codesOf(fromJson.diagnostics));
  });

  test('loader works in tsc output', () => {
    // This test runs from out/, where the loader requires out/server/src/typescriptFrontEnd.js.
    const doc = readTypeScriptLazily("export default defineModel({ reslint: 1, layers: [['conv', 'relu']] });", { fileName: '/models/model.arch.ts' });
    assert.deepEqual(doc.value, { reslint: 1, layers: [['conv', 'relu']] });
    assert.deepEqual(doc.problems, []);
  });

  test('CLI skips TypeScript for JSON', () => {
    const { modules, report } = runCli(JSON_MODEL);
    assert.ok(report.files[0].findings.length > 0, 'expected findings for the JSON model');
    assert.ok(modules.includes(join(DIST, 'cli.js')), `the report does not list dist/cli.js: ${modules.join(', ')}`);
    assert.deepEqual(typeScriptModules(modules), []);
  });

  test('CLI loads TypeScript for arch.ts', () => {
    const fromJson = runCli(JSON_MODEL);
    const fromTypeScript = runCli(TS_MODEL);
    assert.deepEqual(typeScriptModules(fromTypeScript.modules), [join(DIST, 'typescriptFrontEnd.js')]);
    const codes = (run: typeof fromJson) => run.report.files[0].findings.map((finding) => finding.code);
    assert.deepEqual(codes(fromTypeScript), codes(fromJson));
  });
});
