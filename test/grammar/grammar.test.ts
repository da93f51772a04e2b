// Tests the TextMate injection grammars in syntaxes/ against the op catalog, the model schema and
// their entries in package.json. vscode-tmgrammar-test then checks the scope assertions in this
// folder (*.test) on top of the copy of VS Code's JSONC grammar that the tm-grammars package ships.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { CATALOG } from '../../server/src/core/catalog';
import { modelJsonSchema } from '../../server/src/core/schema';

const JSONC_SCOPE = 'source.json.comments';
const MODEL_GRAMMAR = {
  scopeName: 'source.reslint.arch-json.model.injection',
  path: './syntaxes/reslint.arch-json.model.injection.tmLanguage.json',
};
const HIGHLIGHT_GRAMMAR = {
  scopeName: 'source.reslint.arch-json.injection',
  path: './syntaxes/reslint.arch-json.injection.tmLanguage.json',
};
const ASSERTION_FILES = 'test/grammar/*.test';

interface GrammarContribution {
  scopeName?: string;
  path?: string;
  injectTo?: string[];
}

/** Returns the nearest folder at or above `start` that contains package.json. */
function findRepositoryRoot(start: string): string {
  let folder = start;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) {
      throw new Error(`no package.json found in ${start} or any folder above it`);
    }
    folder = parent;
  }
  return folder;
}

const root = findRepositoryRoot(__dirname);

function readJson(relativePath: string): any {
  return JSON.parse(readFileSync(join(root, relativePath), 'utf8'));
}

/** Returns the words of the one `(a|b|c)` alternation in a grammar rule's match pattern. */
function alternationWords(grammar: any, ruleName: string): string[] {
  const pattern: string = grammar.repository[ruleName].match;
  const groups = [...pattern.matchAll(/\(((?:\w+\|)+\w+)\)/g)];
  assert.equal(groups.length, 1, `rule "${ruleName}" should contain exactly one (a|b|...) group: ${pattern}`);
  return groups[0][1].split('|');
}

/** Collects the keys of every "properties" object in a JSON Schema. */
function schemaPropertyNames(schema: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) {
      schemaPropertyNames(item, names);
    }
  } else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value !== null && typeof value === 'object') {
        for (const name of Object.keys(value)) {
          names.add(name);
        }
      }
      schemaPropertyNames(value, names);
    }
  }
  return names;
}

function resolveFromRoot(request: string): string {
  try {
    return require.resolve(request, { paths: [root] });
  } catch (error) {
    throw new Error(
      `${request} not found from ${root}. Run npm install, which installs it as a devDependency. ${error}`,
    );
  }
}

/** Runs vscode-tmgrammar-test with the grammars that package.json contributes, on the given globs. */
function runGrammarAssertions(globs: string[]): { status: number | null; output: string } {
  const runnerPackage = resolveFromRoot('vscode-tmgrammar-test/package.json');
  const runner = join(dirname(runnerPackage), require(runnerPackage).bin['vscode-tmgrammar-test']);
  // tm-grammars' copy of VS Code's JSONC grammar (scopeName source.json.comments), which the
  // injections extend.
  const jsoncGrammar = resolveFromRoot('tm-grammars/grammars/jsonc.json');
  const result = spawnSync(
    process.execPath,
    [runner, '--config', join(root, 'package.json'), '--grammar', jsoncGrammar, ...globs],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('arch-json injection grammar', () => {
  const highlight = readJson(HIGHLIGHT_GRAMMAR.path);

  test('op list matches catalog keys', () => {
    const grammarOps = alternationWords(highlight, 'catalog-op');
    const catalogOps = Object.keys(CATALOG);
    const missing = catalogOps.filter((name) => !grammarOps.includes(name));
    const extra = grammarOps.filter((name) => !catalogOps.includes(name));
    const duplicates = grammarOps.filter((name, index) => grammarOps.indexOf(name) !== index);

    assert.deepEqual(missing, [], 'catalog ops missing from the "catalog-op" rule of the grammar');
    assert.deepEqual(extra, [], 'ops in the "catalog-op" rule of the grammar that are not in CATALOG');
    assert.deepEqual(duplicates, [], 'ops listed twice in the "catalog-op" rule of the grammar');
  });

  test('format keys exist in schema', () => {
    const schemaKeys = schemaPropertyNames(modelJsonSchema());
    for (const key of alternationWords(highlight, 'format-key')) {
      assert.ok(schemaKeys.has(key), `format key "${key}" in the grammar is not a property in the model schema`);
    }
  });

  test('package.json contributes both grammars', () => {
    const contributions: GrammarContribution[] = readJson('package.json').contributes?.grammars ?? [];
    for (const expected of [MODEL_GRAMMAR, HIGHLIGHT_GRAMMAR]) {
      const entry = contributions.find((grammar) => grammar.scopeName === expected.scopeName);
      assert.ok(entry, `package.json contributes.grammars has no entry with scopeName ${expected.scopeName}`);
      assert.equal(entry.path, expected.path, `path of ${expected.scopeName} in package.json`);
      assert.deepEqual(entry.injectTo, [JSONC_SCOPE], `injectTo of ${expected.scopeName} in package.json`);
      assert.equal(readJson(expected.path).scopeName, expected.scopeName, `scopeName inside ${expected.path}`);
    }
  });

  test('scope assertions pass', () => {
    const { status, output } = runGrammarAssertions([ASSERTION_FILES]);

    assert.equal(status, 0, `vscode-tmgrammar-test failed on ${ASSERTION_FILES}:\n${output}`);
  });

  test('runner rejects a wrong scope', () => {
    // Guards against a runner that passes without checking, such as one that loaded no injection.
    const folder = mkdtempSync(join(tmpdir(), 'reslint-grammar-'));
    try {
      const line = '{ "reslint": 1, "layers": [["relu"]] }';
      const caret = `//${' '.repeat(line.indexOf('relu') - 2)}^^^^ entity.name.type.block.reslint`;
      const file = join(folder, 'wrong-scope.arch.json.test');
      writeFileSync(file, `// SYNTAX TEST "${JSONC_SCOPE}" "deliberately wrong scope"\n${line}\n${caret}\n`);

      const { status, output } = runGrammarAssertions([file]);

      assert.notEqual(status, 0, `vscode-tmgrammar-test accepted a wrong scope:\n${output}`);
      assert.match(output, /missing required scopes: entity\.name\.type\.block\.reslint/);
      assert.match(output, /support\.function\.op\.reslint/, 'the actual scopes should include the op scope');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
