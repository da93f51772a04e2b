// The TypeScript server plugin: a real TypeScript language service with the plugin applied, as
// tsserver applies it, resolves `import ... from 'reslint'` to the generated declarations (which
// `npm run build` writes to dist/types/dsl.d.ts) and reports misspelt keys of a model.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { withReslintModule } from '../client/src/tsPlugin';
import { ROOT } from './lsp-client';

const DECLARATIONS = join(ROOT, 'dist', 'types', 'dsl.d.ts');
const MODEL = '/project/model.arch.ts';
const OPTIONS: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [] };

/** Creates a language service over in-memory files plus the real files on disk (lib and declarations). */
function languageService(files: Record<string, string>, plugin: 'plugin' | 'none'): { service: ts.LanguageService; host: ts.LanguageServiceHost } {
  const moduleHost: ts.ModuleResolutionHost = {
    fileExists: (path) => path in files || ts.sys.fileExists(path),
    readFile: (path) => files[path] ?? ts.sys.readFile(path),
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => OPTIONS,
    getScriptFileNames: () => [MODEL],
    getScriptVersion: () => '1',
    getScriptSnapshot: (path) => {
      const text = moduleHost.readFile(path);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '/project',
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: moduleHost.fileExists,
    readFile: moduleHost.readFile,
    // tsserver's projects resolve module literals this way; the plugin wraps whatever the host has.
    resolveModuleNameLiterals: (literals, containingFile, _reference, options) =>
      literals.map((literal) => ts.resolveModuleName(literal.text, containingFile, options, moduleHost)),
  };
  if (plugin === 'plugin') host.resolveModuleNameLiterals = withReslintModule(ts, host.resolveModuleNameLiterals!, DECLARATIONS);
  return { service: ts.createLanguageService(host), host };
}

function diagnostics(files: Record<string, string>, plugin: 'plugin' | 'none' = 'plugin'): string[] {
  const { service } = languageService(files, plugin);
  return [...service.getSyntacticDiagnostics(MODEL), ...service.getSemanticDiagnostics(MODEL)].map(
    (diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
  );
}

const VALID = `import { defineModel } from 'reslint';
export default defineModel({
  reslint: 1,
  blocks: { res: { paths: { shortcut: [], residual: ['linear', { op: 'relu' }] }, afterSum: ['relu'] } },
  layers: [{ block: 'res', repeat: 8 }],
});
`;

describe('TypeScript server plugin', () => {
  test('a valid model has no errors', () => {
    assert.deepEqual(diagnostics({ [MODEL]: VALID }), []);
  });

  test('without it the import is missing', () => {
    const found = diagnostics({ [MODEL]: VALID }, 'none');
    assert.equal(found.length, 1);
    assert.match(found[0], /^TS2307: Cannot find module 'reslint'/);
  });

  test('a misspelt key is an error', () => {
    const found = diagnostics({ [MODEL]: VALID.replace("{ op: 'relu' }", "{ op: 'relu', slop: 0.1 }") });
    assert.equal(found.length, 1);
    assert.match(found[0], /^TS2561: Object literal may only specify known properties, but 'slop' does not exist in type .* Did you mean to write 'slope'\?$/);
  });

  test('a graph built by map is accepted', () => {
    const source = `import { defineModel } from 'reslint';
const gains = [0.1, 0.2];
export default defineModel({
  reslint: 1,
  blocks: { fan: { graph: [...gains.map((gain) => ({ from: 'in', to: 'out', ops: [{ gain }] })), { from: 'in', to: 'out' }] } },
  layers: [{ block: 'fan' }],
});
`;
    assert.deepEqual(diagnostics({ [MODEL]: source }), []);
  });

  test('a misspelt severity code is an error', () => {
    const found = diagnostics({ [MODEL]: VALID.replace('reslint: 1,', "reslint: 1,\n  settings: { severity: { 'block-vanish': 'off' } },") });
    assert.equal(found.length, 1);
    assert.match(found[0], /^TS2353: Object literal may only specify known properties, and ''block-vanish'' does not exist in type/);
  });

  test('a wrong value type is an error', () => {
    const found = diagnostics({ [MODEL]: VALID.replace('repeat: 8', "repeat: 'eight'") });
    assert.equal(found.length, 1);
    assert.match(found[0], /^TS2322: Type 'string' is not assignable to type 'number'/);
  });

  test('the types of the parts are exported', () => {
    const source = `import type { BlockInput, LayerInput, OpInput } from 'reslint';
const block: BlockInput = { graph: [{ from: 'in', to: 'out', ops: ['relu'] }] };
const layer: LayerInput = { ops: ['tanh'], repeat: 2 };
const op: OpInput = { op: 'leaky_relu', slope: 0.2 };
export default { block, layer, op };
`;
    assert.deepEqual(diagnostics({ [MODEL]: source }), []);
    assert.equal(diagnostics({ [MODEL]: source.replace("slope: 0.2", "slope: '0.2'") }).length, 1);
  });

  test('an installed reslint package is left alone', () => {
    const installed = '/project/node_modules/reslint/index.d.ts';
    const { service } = languageService(
      {
        [MODEL]: VALID,
        '/project/node_modules/reslint/package.json': JSON.stringify({ name: 'reslint', types: 'index.d.ts' }),
        [installed]: 'export declare function defineModel(model: { reslint: 2 }): unknown;\n',
      },
      'plugin',
    );
    const program = service.getProgram();
    assert.ok(program?.getSourceFile(installed), 'the installed declarations are part of the program');
    assert.equal(program?.getSourceFile(DECLARATIONS), undefined);
    const found = service.getSemanticDiagnostics(MODEL).map((diagnostic) => diagnostic.code);
    assert.deepEqual(found, [2322]);
  });

  test('the package in node_modules loads the plugin', () => {
    // tsserver requires the plugin by package name from the extension's node_modules.
    const factory = require(join(ROOT, 'node_modules', 'reslint-typescript-plugin')) as (modules: { typescript: typeof ts }) => ts.server.PluginModule;
    const { service, host } = languageService({ [MODEL]: VALID }, 'none');
    const logged: string[] = [];
    const info = { languageServiceHost: host, languageService: service, project: { projectService: { logger: { info: (message: string) => logged.push(message) } } } };
    const returned = factory({ typescript: ts }).create(info as unknown as ts.server.PluginCreateInfo);
    assert.equal(returned, service);
    assert.deepEqual(service.getSemanticDiagnostics(MODEL), []);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /imports of "reslint" that no package provides resolve to .*dist[/\\]types[/\\]dsl\.d\.ts/);
  });
});
