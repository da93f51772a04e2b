// The TypeScript DSL front end: static evaluation of each supported construct with the ranges of
// its values, the not-evaluated problems for the rest, imports, quick-fix edits, the evaluation
// limits, and proof that a model file's code never runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyzeText, disableEdits, fixesFor, withValueAt } from '../server/src/core/analysis';
import { applyTextEdits as applyEdits, sameValue, type Problem, type SourceDocument, type Span } from '../server/src/core/source';
import { lastIndexOf, MAX_ARRAY_LENGTH, resultLength } from '../server/src/core/tsBuiltins';
import { MAX_CALL_DEPTH, MAX_STEPS } from '../server/src/core/tsEvaluator';
import { MAX_IMPORT_DEPTH } from '../server/src/core/tsModules';
import { readTypeScriptSource, type TypeScriptSourceOptions } from '../server/src/core/tsSource';
import { NodeCounts, parseModule } from '../server/src/core/tsSyntax';
import { isArrayIndex, orderedKeys } from '../server/src/core/tsValues';
import ts from 'typescript';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'ts');

/** A fixture whose ⟦name⟧…⟦/name⟧ markers were removed, with the ranges they enclosed. */
interface Marked {
  text: string;
  spans: Map<string, Span>;
  doc: SourceDocument;
  /** The document's value copied through JSON, for deepEqual against object literals. */
  value: unknown;
}

/** Copies a value through JSON, so that deepEqual compares the data only. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Removes ⟦name⟧ and ⟦/name⟧ markers from fixture text and reads the rest as a *.arch.ts file. */
function read(source: string, options?: TypeScriptSourceOptions): Marked {
  const spans = new Map<string, Span>();
  const open = new Map<string, number>();
  let text = '';
  let last = 0;
  for (const match of source.matchAll(/⟦(\/?)([\w-]+)⟧/g)) {
    text += source.slice(last, match.index);
    last = (match.index ?? 0) + match[0].length;
    if (match[1] === '/') spans.set(match[2], { start: open.get(match[2]) as number, end: text.length });
    else open.set(match[2], text.length);
  }
  text += source.slice(last);
  const doc = readTypeScriptSource(text, options);
  return { text, spans, doc, value: plain(plain(doc.value)) };
}

/** Returns the text that a located range covers, so that a failing assertion shows the wrong text. */
function located(fixture: Marked, path: (string | number)[], part?: 'key' | 'value'): string | undefined {
  const span = fixture.doc.locate(path, part);
  return span && fixture.text.slice(span.start, span.end);
}

function marker(fixture: Marked, name: string): string {
  const span = fixture.spans.get(name);
  assert.ok(span, `the fixture has no marker "${name}"`);
  return fixture.text.slice(span.start, span.end);
}

/** Asserts that the path is located exactly at the marked range. */
function assertLocated(fixture: Marked, path: (string | number)[], name: string, part?: 'key' | 'value'): void {
  assert.deepEqual(fixture.doc.locate(path, part), fixture.spans.get(name), `${JSON.stringify(path)} ${part ?? 'value'}: located at ${JSON.stringify(located(fixture, path, part))}, expected ${JSON.stringify(marker(fixture, name))}`);
}

function problemsWith(doc: SourceDocument, code: string): Problem[] {
  return doc.problems.filter((problem) => problem.code === code);
}

function assertNoProblems(doc: SourceDocument): void {
  assert.deepEqual(doc.problems.map((problem) => problem.message), []);
}

/** Asserts one not-evaluated problem covering the marked range, and returns its message. */
function assertSkipped(fixture: Marked, name: string): string {
  const span = fixture.spans.get(name);
  const problems = problemsWith(fixture.doc, 'not-evaluated').filter((problem) => problem.span.start === span?.start && problem.span.end === span?.end);
  assert.equal(problems.length, 1, `expected a not-evaluated problem on ${JSON.stringify(marker(fixture, name))}; problems: ${JSON.stringify(fixture.doc.problems)}`);
  return problems[0].message;
}

const model = (body: string): string => `import { defineModel } from 'reslint';\n${body}`;

/** Analyses a *.arch.ts text as the file `fileName`, without imports, and returns its findings. */
function findingsOfFile(source: string, fileName: string) {
  return analyzeText(source, 'typescript', { readTypeScript: (text) => readTypeScriptSource(text, { fileName }) }).findings;
}

describe('layers made by one expression', () => {
  test('share one finding per code', () => {
    const source = `export default {
  reslint: 1,
  layers: [...Array.from({ length: 30 }, () => ['sigmoid']), ...[1, 2].map((n) => (n === 1 ? ['relu'] : ['tanh'])), ...[1, 2, 3].map(() => [{ gain: 0 }])],
};
`;
    const findings = findingsOfFile(source, '/project/layers.arch.ts');
    assert.deepEqual(
      findings.filter((finding) => finding.code !== 'network-vanishing').map((finding) => [finding.code, finding.message]),
      [
        ['block-vanishing', '30 layers made here (layers[0] to layers[29]) have W_l = 0.207 under the seed model, below 0.9: each application shrinks the gradient by that factor. Raise the gain of these layers toward W_l = 1 (an init such as "he", or a normalisation op), or add a residual shortcut around these layers and scale them down, since the shortcut adds 1 to W_l.'],
        ['block-vanishing', 'Layer 30 has W_l = 0.500 under the seed model, below 0.9: each application shrinks the gradient by that factor. Raise this layer\'s gain toward W_l = 1 (an init such as "he", or a normalisation op), or add a residual shortcut around this layer and scale it down, since the shortcut adds 1 to W_l.'],
        ['block-vanishing', 'Layer 31 has W_l = 0.606 under the seed model, below 0.9: each application shrinks the gradient by that factor. Raise this layer\'s gain toward W_l = 1 (an init such as "he", or a normalisation op), or add a residual shortcut around this layer and scale it down, since the shortcut adds 1 to W_l.'],
        ['blocked-gradient', '3 layers made here (layers[32] to layers[34]) have W_l = 0 under the seed model, so no gradient reaches the layers before them. Give their ops non-zero gains.'],
      ],
    );
  });
  test('exploding layers are told to lower their gain', () => {
    const source = `export default {
  reslint: 1,
  layers: [...Array.from({ length: 3 }, () => [{ gain: 3 }]), [{ gain: 2 }]],
};
`;
    const findings = findingsOfFile(source, '/project/exploding.arch.ts');
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'block-exploding').map((finding) => finding.message),
      [
        '3 layers made here (layers[0] to layers[2]) have W_l = 3.00 under the seed model, above 1.1: each application grows the gradient by that factor. Lower the gain of these layers toward W_l = 1, for example with a scale or a normalisation op; a residual shortcut would add 1 to W_l.',
        "Layer 3 has W_l = 2.00 under the seed model, above 1.1: each application grows the gradient by that factor. Lower this layer's gain toward W_l = 1, for example with a scale or a normalisation op; a residual shortcut would add 1 to W_l.",
      ],
    );
  });
});

describe('files without a model', () => {
  const helper = "export const convBn = ['conv', 'batchnorm'];\n";
  const findingsOf = (fileName: string) =>
    findingsOfFile(helper, fileName).map((finding) => [finding.code, finding.severity, finding.message]);

  test('a model file is an error', () => {
    assert.deepEqual(findingsOf('/project/model.arch.ts'), [
      ['schema', 'error', 'No model found: a *.arch.ts file must export its model with "export default defineModel({ ... })".'],
    ]);
  });

  test('an unevaluated model is an error', () => {
    for (const source of ['export default unknownFn();\n', "import { defineModel } from 'reslint';\nexport default defineModel(makeIt());\n"]) {
      const findings = findingsOfFile(source, '/project/model.arch.ts');
      assert.deepEqual(
        findings.map((finding) => [finding.code, finding.severity]),
        [
          ['not-evaluated', 'information'],
          ['not-evaluated', 'error'],
        ],
        source,
      );
      assert.equal(findings[1].message, 'The model (the default export) could not be evaluated statically, so nothing is analysed. Write it with literals, constants and helper functions that ResLint can follow.');
      assert.deepEqual(findings[1].span, findings[0].span);
    }
  });

  test('layers of broken blocks at one range', () => {
    const source = [
      "const stages = ['bad1', 'bad2', 'ok', 'bad1'];",
      "function makeBlock(): never { throw new Error('x'); }",
      'export default {',
      '  reslint: 1,',
      "  blocks: { ok: { paths: { s: [] } }, bad1: { paths: { r: ['nosuch'] } }, bad2: { graph: [{ from: 'in', to: 'a' }] }, ne1: makeBlock(), ne2: { paths: { s: [] } } },",
      "  layers: [...stages.map((b) => ({ block: b })), { block: 'ne1' }],",
      '};',
      '',
    ].join('\n');
    const findings = findingsOfFile(source, '/project/model.arch.ts');
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'layer-skipped' || finding.code === 'unknown-block').map((finding) => [source.slice(finding.span.start, finding.span.end), finding.message]),
      [
        ['...stages.map((b) => ({ block: b }))', 'W leaves the layers here out, because their blocks "bad1" and "bad2" are invalid or cannot be analysed (see the errors in their definitions).'],
        ["{ block: 'ne1' }", 'W leaves this layer out, because block "ne1" could not be evaluated statically (see the finding at its definition).'],
      ],
    );
  });

  test('an object without an evaluated key is left out', () => {
    const source = "const f = (n: number): number => f(n + 1);\nexport default { reslint: 1, blocks: { b: { graph: [{ from: 'in', to: f(1) }] } }, layers: [[{ gain: f(1) }], { block: 'b' }] };\n";
    const findings = findingsOfFile(source, '/project/model.arch.ts');
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.severity, finding.message]),
      [
        ['not-evaluated', 'information', 'Cannot evaluate call to "f()" statically: calls are nested more than 100 deep, which suggests unbounded recursion. The value is left out. A key set from it is missing, a list element made from it is left out of its list, and W leaves out any block or layer that needs it.'],
        ['not-evaluated', 'error', '"blocks.b" is left out, because the value of "to" in "blocks.b.graph[0]" could not be evaluated statically (see the finding there).'],
        ['not-evaluated', 'error', '"layers[0]" is left out, because the value of "gain" in "layers[0][0]" could not be evaluated statically (see the finding there).'],
        ['layer-skipped', 'information', 'W leaves this layer out, because block "b" is invalid (see the errors in its definition).'],
      ],
    );
  });

  test('only the skipped key is blamed', () => {
    // The layer lacks "block" and "ops" whatever "repeat" evaluates to.
    const findings = findingsOfFile("export default { reslint: foo(), layers: [{ repeat: unk() }, ['relu']] };\n", '/project/model.arch.ts');
    assert.deepEqual(
      findings.filter((finding) => finding.severity === 'error').map((finding) => finding.message),
      [
        '"reslint" is left out, because its value could not be evaluated statically (see the finding there).',
        '"layers[0]" needs "block" or "ops". A layer is a list of ops, {"block": name, "repeat": n} or {"ops": [...], "repeat": n}.',
      ],
    );
    // "ops" not evaluated is why a layer has neither key, and an element not evaluated is why a
    // band is one number short.
    const skipped = findingsOfFile("export default { reslint: 1, settings: { band: [0.01, unk()] }, layers: [{ ops: unk(), repeat: 2 }, ['relu']] };\n", '/project/model.arch.ts');
    assert.deepEqual(
      skipped.filter((finding) => finding.severity === 'error').map((finding) => finding.message),
      [
        '"settings.band" is left out, because an element of "settings.band" could not be evaluated statically (see the finding there).',
        '"layers[0]" is left out, because the value of "ops" in "layers[0]" could not be evaluated statically (see the finding there).',
      ],
    );
  });

  test('a helper file is a hint', () => {
    assert.deepEqual(findingsOf('/project/lib/blocks.ts'), [
      ['schema', 'hint', 'No model found: blocks.ts has no default export, so there is nothing to analyse. A model file exports its model with "export default defineModel({ ... })".'],
    ]);
  });
});

describe('evaluable constructs', () => {
  test('const, let and literals', () => {
    const fixture = read(
      model(`const depth = ⟦depth⟧12⟦/depth⟧;
let act = ⟦act⟧'relu'⟦/act⟧;
export default defineModel({
  reslint: 1,
  name: ⟦name⟧"plain"⟦/name⟧,
  description: ⟦null⟧null⟦/null⟧,
  settings: { tolerance: ⟦tolerance⟧0.25⟦/tolerance⟧ },
  blocks: { b: { paths: { shortcut: [], residual: [act, 'linear'] }, description: ⟦flag⟧String(true)⟦/flag⟧ } },
  layers: [{ block: 'b', repeat: depth }],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      name: 'plain',
      description: null,
      settings: { tolerance: 0.25 },
      blocks: { b: { paths: { shortcut: [], residual: ['relu', 'linear'] }, description: 'true' } },
      layers: [{ block: 'b', repeat: 12 }],
    });
    // A constant's value is located at its literal, where a change applies everywhere it is used.
    assertLocated(fixture, ['layers', 0, 'repeat'], 'depth');
    assertLocated(fixture, ['blocks', 'b', 'paths', 'residual', 0], 'act');
    assertLocated(fixture, ['name'], 'name');
    assertLocated(fixture, ['description'], 'null');
    assertLocated(fixture, ['settings', 'tolerance'], 'tolerance');
    assertLocated(fixture, ['blocks', 'b', 'description'], 'flag');
  });

  test('object keys: shorthand, computed, quoted, numeric', () => {
    const fixture = read(
      model(`const reslint = 1;
const name = 'res';
const key = 'resid' + 'ual';
export default defineModel({
  ⟦short⟧reslint⟦/short⟧,
  blocks: {
    [⟦computed⟧name⟦/computed⟧]: { paths: { ⟦quoted-key⟧'short cut'⟦/quoted-key⟧: [], ⟦computed-key⟧[key]⟦/computed-key⟧: ['relu'], 1.50: ['tanh'] } },
  },
  layers: [{ block: name }],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: { res: { paths: { 'short cut': [], residual: ['relu'], '1.5': ['tanh'] } } },
      layers: [{ block: 'res' }],
    });
    assertLocated(fixture, ['reslint'], 'short', 'key');
    assertLocated(fixture, ['blocks', 'res', 'paths', 'short cut'], 'quoted-key', 'key');
    assertLocated(fixture, ['blocks', 'res', 'paths', 'residual'], 'computed-key', 'key');
    assert.equal(located(fixture, ['blocks', 'res'], 'key'), '[name]');
  });

  test('__proto__ key is left out', () => {
    const fixture = read(
      model(`export default defineModel({ reslint: 1, blocks: { ['__proto__']: { paths: { p: [] } }, ok: { paths: { p: [] } } }, layers: [] });`),
    );
    const blocks = (fixture.doc.value as { blocks: object }).blocks;
    assert.deepEqual(Object.keys(blocks), ['ok']);
    assert.equal(Object.getPrototypeOf(blocks), Object.prototype);
    const problem = problemsWith(fixture.doc, 'schema')[0];
    assert.match(problem?.message ?? '', /"__proto__" is reserved/);
    assert.equal(fixture.text.slice(problem.span.start, problem.span.end), "['__proto__']");
  });

  test('object and array spreads', () => {
    const fixture = read(
      model(`const base = { paths: { shortcut: [], residual: ⟦ops⟧['relu']⟦/ops⟧ } };
const stem = [['embedding'], ['dropout']];
export default defineModel({
  reslint: 1,
  blocks: { a: { ...base, description: 'a' }, b: { description: 'b', ...base, ...null, ...[] } },
  layers: [...stem, ⟦element⟧{ block: 'a' }⟦/element⟧, ...'xy'.split(''), ...[]],
});`),
    );
    assertNoProblems(fixture.doc);
    const block = { paths: { shortcut: [], residual: ['relu'] } };
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: { a: { ...block, description: 'a' }, b: { description: 'b', ...block } },
      layers: [['embedding'], ['dropout'], { block: 'a' }, 'x', 'y'],
    });
    assertLocated(fixture, ['layers', 2], 'element');
    assertLocated(fixture, ['blocks', 'a', 'paths', 'residual'], 'ops');
    assertLocated(fixture, ['blocks', 'b', 'paths', 'residual'], 'ops');
  });

  test('arithmetic, comparison and logical operators', () => {
    const fixture = read(
      model(`const n = 10;
const flags = { deep: n > 5, exact: n === 10, loose: n != 3, off: !true };
export default defineModel({
  reslint: 1,
  ops: {
    a: { gain: ⟦gain⟧(n * 3 + 2 - 1) / 4 % 7⟦/gain⟧ },
    b: { gain: -(n ** 2) / -(2 ** 3) },
    c: { gain: flags.deep && flags.exact && flags.loose && !flags.off ? 1 : 0 },
    d: { gain: (null ?? 0.5) + (0 || 0.25) + (1 && 0.125) + (undefined ?? 0) },
    e: { gain: n >= 10 && n <= 10 && n < 11 ? ⟦branch⟧7 >> 1⟦/branch⟧ : 0 },
  },
  layers: [],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { ops: unknown }).ops, {
      a: { gain: ((10 * 3 + 2 - 1) / 4) % 7 },
      b: { gain: -(10 ** 2) / -(2 ** 3) },
      c: { gain: 1 },
      d: { gain: 0.875 },
      e: { gain: 3 },
    });
    assertLocated(fixture, ['ops', 'a', 'gain'], 'gain');
    assertLocated(fixture, ['ops', 'e', 'gain'], 'branch');
  });

  test('template literals and string methods', () => {
    const fixture = read(
      model(`const depth = 50;
const kind = 'ResNet';
export default defineModel({
  reslint: 1,
  name: ⟦name⟧\`\${kind}-\${depth} (\${depth / 2} blocks, \${'v'.repeat(2)}\${true})\`⟦/name⟧,
  description: [kind.toLowerCase(), String(depth).padStart(4, '0'), (1 / 3).toFixed(2)].join('/'),
  layers: [],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.equal((fixture.value as { name: string }).name, 'ResNet-50 (25 blocks, vvtrue)');
    assert.equal((fixture.value as { description: string }).description, 'resnet/0050/0.33');
    assertLocated(fixture, ['name'], 'name');
  });

  test('type assertions are transparent', () => {
    const fixture = read(
      model(`type Ops = string[];
const ops = ['relu'] as const;
const depth = <number>4;
const maybe: number | undefined = 2;
export default defineModel({
  reslint: 1 as const,
  blocks: { b: { paths: { shortcut: [] satisfies string[], residual: ⟦ops⟧ops⟦/ops⟧ as unknown as Ops } } },
  layers: [{ block: 'b', repeat: depth! * maybe! }],
} satisfies object);`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: { b: { paths: { shortcut: [], residual: ['relu'] } } },
      layers: [{ block: 'b', repeat: 8 }],
    });
    assert.equal(located(fixture, ['blocks', 'b', 'paths', 'residual']), "['relu']");
  });

  test('Math, Number and String built-ins', () => {
    const fixture = read(
      model(`export default defineModel({
  reslint: 1,
  ops: {
    a: { gain: Math.sqrt(2) },
    b: { gain: Math.pow(2, 10) + Math.log(Math.E) + Math.exp(0) },
    c: { gain: Math.floor(2.7) + Math.ceil(2.1) + Math.round(2.5) + Math.abs(-1) },
    d: { gain: Math.min(3, 1, 2) * Math.max(3, 1, 2) },
    e: { gain: Math.PI + Math.SQRT2 + Math.LN2 + Math.hypot(3, 4) },
    f: { gain: Number('0.5') + Number.parseFloat('1.5') + (Number.isInteger(4) ? 1 : 0) + Number.EPSILON * 0 },
  },
  name: String(12) + String(null),
  layers: [],
});`),
    );
    assertNoProblems(fixture.doc);
    const ops = (fixture.value as { ops: Record<string, { gain: number }> }).ops;
    assert.equal(ops.a.gain, Math.SQRT2);
    assert.equal(ops.b.gain, 1026);
    assert.equal(ops.c.gain, 2 + 3 + 3 + 1);
    assert.equal(ops.d.gain, 3);
    assert.equal(ops.e.gain, Math.PI + Math.SQRT2 + Math.LN2 + 5);
    assert.equal(ops.f.gain, 3);
    assert.equal((fixture.value as { name: string }).name, '12null');
  });

  test('helper functions with defaults, destructuring and if', () => {
    const fixture = read(
      model(`function residual(ops: string[], { scale = 1, after = [] as string[] } = {}) {
  const path = { ops, scale };
  if (scale === 1) {
    return { paths: { shortcut: [], residual: ops }, afterSum: after };
  } else if (scale > 1) return { paths: { shortcut: [], residual: path }, afterSum: ['too-large'] };
  return { paths: { shortcut: [], residual: path }, afterSum: after };
}
const stage = ([first, , third = 'c', ...rest]: string[], ...more: number[]) => ({ ops: [first, third, ...rest], repeat: more.length });
const named = function self(n: number): number { return n <= 1 ? 1 : n * self(n - 1); };
export default defineModel({
  reslint: 1,
  blocks: {
    plain: residual(['relu']),
    scaled: residual(['tanh'], { scale: 0.5, after: ['layernorm'] }),
    big: residual(['gelu'], { scale: 2 }),
  },
  layers: [stage(['a', 'b', undefined as unknown as string, 'd', 'e'], 1, 2, 3), { block: 'plain', repeat: named(4) }],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: {
        plain: { paths: { shortcut: [], residual: ['relu'] }, afterSum: [] },
        scaled: { paths: { shortcut: [], residual: { ops: ['tanh'], scale: 0.5 } }, afterSum: ['layernorm'] },
        big: { paths: { shortcut: [], residual: { ops: ['gelu'], scale: 2 } }, afterSum: ['too-large'] },
      },
      layers: [{ ops: ['a', 'c', 'd', 'e'], repeat: 3 }, { block: 'plain', repeat: 24 }],
    });
  });

  test('Array.from, map, fromEntries, concat, flat', () => {
    const fixture = read(
      model(`const widths = [64, 128, 256];
const repeat = <T,>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const stages = widths.map((width, i) => ({ block: \`stage\${i}\`, repeat: width / 64 }));
export default defineModel({
  reslint: 1,
  blocks: Object.fromEntries(widths.map((width, i) => [\`stage\${i}\`, { paths: { shortcut: [], residual: ['conv'] }, description: \`\${width} channels\` }])),
  layers: [['stem']].concat(stages as never[], [[['pool', 'fc']]].flat() as never[]).concat(repeat(2, (i) => ['dropout']), [...Array(2).keys()].map((i) => [\`p\${i}\`])),
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: {
        stage0: { paths: { shortcut: [], residual: ['conv'] }, description: '64 channels' },
        stage1: { paths: { shortcut: [], residual: ['conv'] }, description: '128 channels' },
        stage2: { paths: { shortcut: [], residual: ['conv'] }, description: '256 channels' },
      },
      layers: [
        ['stem'],
        { block: 'stage0', repeat: 1 },
        { block: 'stage1', repeat: 2 },
        { block: 'stage2', repeat: 4 },
        ['pool', 'fc'],
        ['dropout'],
        ['dropout'],
        ['p0'],
        ['p1'],
      ],
    });
  });

  test('user repeat helper, recursive and with fill', () => {
    const fixture = read(
      model(`function times<T>(n: number, value: T): T[] {
  if (n <= 0) return [];
  return [value, ...times(n - 1, value)];
}
const filled = (n: number) => new Array(n).fill('linear');
export default defineModel({
  reslint: 1,
  blocks: { b: { paths: { shortcut: [], residual: [...times(3, 'relu'), ...filled(2)] } } },
  layers: [{ block: 'b' }],
});`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { blocks: { b: unknown } }).blocks.b, {
      paths: { shortcut: [], residual: ['relu', 'relu', 'relu', 'linear', 'linear'] },
    });
  });

  test('default export forms', () => {
    const forms = [
      `export default defineModel({ reslint: 1, layers: [] });`,
      `export default { reslint: 1, layers: [] };`,
      `const m = defineModel({ reslint: 1, layers: [] });\nexport default m;`,
      `const m = { reslint: 1, layers: [] };\nexport default m;`,
      `const m = { reslint: 1, layers: [] };\nexport { m as default };`,
      `export default (defineModel)({ reslint: 1, layers: [] } as const);`,
    ];
    for (const form of forms) {
      const doc = readTypeScriptSource(model(form));
      assert.deepEqual(doc.problems, [], form);
      assert.deepEqual(plain(doc.value), { reslint: 1, layers: [] }, form);
    }
    const noImport = readTypeScriptSource('export default defineModel({ reslint: 1, layers: [] });');
    assert.deepEqual(plain(noImport.value), { reslint: 1, layers: [] });
  });

  test('missing default export is a schema problem', () => {
    const doc = readTypeScriptSource(model('export const m = defineModel({ reslint: 1, layers: [] });'));
    assert.equal(plain(doc.value), undefined);
    assert.deepEqual(doc.problems.map((problem) => problem.code), ['schema']);
    assert.match(doc.problems[0].message, /export default defineModel/);
  });
});

describe('locations of helper-made values', () => {
  test('shared helper literal located at call site', () => {
    const fixture = read(
      model(`const sub = (ops: string[]) => ({ paths: { shortcut: [], residual: ops }, afterSum: ['layernorm'] });
export default defineModel({
  reslint: 1,
  blocks: { ⟦attn-key⟧attn⟦/attn-key⟧: ⟦attn⟧sub(⟦attn-ops⟧['attention', ⟦dropout⟧'dropout'⟦/dropout⟧]⟦/attn-ops⟧)⟦/attn⟧, ffn: { ⟦ffn-spread⟧...⟦ffn⟧sub(['linear'])⟦/ffn⟧⟦/ffn-spread⟧ } },
  layers: [⟦from⟧Array.from({ length: 2 }, () => ({ block: 'attn', repeat: 3 }))⟦/from⟧, ⟦spread⟧...⟦from2⟧Array.from({ length: 2 }, () => ['x'])⟦/from2⟧⟦/spread⟧],
});`),
    );
    assertNoProblems(fixture.doc);
    assertLocated(fixture, ['blocks', 'attn'], 'attn');
    assertLocated(fixture, ['blocks', 'attn'], 'attn-key', 'key');
    // The paths object is written once in the helper but made twice, so it is shown at each call.
    assertLocated(fixture, ['blocks', 'attn', 'paths'], 'attn');
    assertLocated(fixture, ['blocks', 'attn', 'paths'], 'attn', 'key');
    assertLocated(fixture, ['blocks', 'attn', 'afterSum', 0], 'attn');
    // The ops list is an argument: its literal is at the call site and made once.
    assertLocated(fixture, ['blocks', 'attn', 'paths', 'residual'], 'attn-ops');
    assertLocated(fixture, ['blocks', 'attn', 'paths', 'residual', 1], 'dropout');
    // Properties copied by a spread are shown at the spread.
    assertLocated(fixture, ['blocks', 'ffn', 'paths'], 'ffn-spread');
    assertLocated(fixture, ['blocks', 'ffn', 'afterSum', 0], 'ffn');
    // Elements made by a callback are shown at the Array.from call or the spread that placed them.
    assertLocated(fixture, ['layers', 0, 0, 'repeat'], 'from');
    assertLocated(fixture, ['layers', 1], 'spread');
    assertLocated(fixture, ['layers', 1, 0], 'from2');
  });

  test('helper called once located inside it', () => {
    const fixture = read(
      model(`function block(ops: string[]) {
  return ⟦object⟧{ paths: ⟦paths⟧{ shortcut: [], residual: ops }⟦/paths⟧ }⟦/object⟧;
}
export default defineModel({ reslint: 1, blocks: { only: block(['relu']) }, layers: [] });`),
    );
    assertLocated(fixture, ['blocks', 'only'], 'object');
    assertLocated(fixture, ['blocks', 'only', 'paths'], 'paths');
  });

  test('unknown key in shared helper reported once', () => {
    const fixture = read(
      model(`const res = (scale: number) => ({ paths: { residual: { ops: ['relu'], scale, ⟦colour⟧colour⟦/colour⟧: 'red' }, shortcut: [] } });
const conv = (ops: string[]) => ({ paths: { p: ops } });
export default defineModel({
  reslint: 1,
  blocks: { a: res(0.5), b: res(0.25), c: res(0.1), d: conv([{ op: 'relu', ⟦slope⟧slope⟦/slope⟧: 0.1 }]), e: conv(['relu']) },
  layers: [{ block: 'a' }, { block: 'b' }, { block: 'c' }, { block: 'd' }],
});`),
    );
    const findings = analyzeText(fixture.text, 'typescript', { readTypeScript: (text) => readTypeScriptSource(text) }).findings;
    const unknownKeys = findings.filter((finding) => finding.code === 'unknown-key');
    // Three calls make the helper's key, which is written once. The argument's key is at its call.
    assert.deepEqual(
      unknownKeys.map((finding) => finding.span),
      [fixture.spans.get('colour'), fixture.spans.get('slope')],
      unknownKeys.map((finding) => `${finding.message} at ${fixture.text.slice(finding.span.start, finding.span.end)}`).join('\n'),
    );
  });

  test('unknown key used elsewhere stays at calls', () => {
    const fixture = read(
      model(`const part = () => ({ ops: ['linear', 'relu'], scale: 0.5 });
const byArg = (key: string) => ({ paths: { p: ['relu'], q: [] }, [key]: 3 });
export default defineModel({
  reslint: 1,
  blocks: { res: { paths: { shortcut: [], residual: part() } }, g1: ⟦g1⟧byArg('alpha')⟦/g1⟧, g2: ⟦g2⟧byArg('beta')⟦/g2⟧ },
  layers: [{ block: 'res' }, ⟦layer⟧part()⟦/layer⟧],
});`),
    );
    const findings = analyzeText(fixture.text, 'typescript', { readTypeScript: (text) => readTypeScriptSource(text) }).findings;
    const unknownKeys = findings.filter((finding) => finding.code === 'unknown-key');
    // "scale" is a path's key in the block, so the layer's call shows it. A computed key shows at each call.
    assert.deepEqual(
      unknownKeys.map((finding) => finding.span),
      [fixture.spans.get('g1'), fixture.spans.get('g2'), fixture.spans.get('layer')],
      unknownKeys.map((finding) => `${finding.message} at ${fixture.text.slice(finding.span.start, finding.span.end)}`).join('\n'),
    );
  });

  test('unknown key with different reasons stays at calls', () => {
    const fixture = read(
      model(`const op = (name: string) => ({ op: name, slope: 0.2 });
export default defineModel({
  reslint: 1,
  layers: [[⟦relu⟧op('relu')⟦/relu⟧], [⟦elu⟧op('elu')⟦/elu⟧], ...⟦mapped⟧[1, 2].map(() => [op('relu')])⟦/mapped⟧],
});`),
    );
    const findings = analyzeText(fixture.text, 'typescript', { readTypeScript: (text) => readTypeScriptSource(text) }).findings;
    const located = findings
      .filter((finding) => finding.code === 'unknown-key')
      .map((finding) => `${fixture.text.slice(finding.span.start, finding.span.end)}: ${finding.message}`);
    // "slope" is unknown to both ops for different reasons, so the key alone would not tell which call passes "elu".
    // Layers made by a callback that runs twice are shown at the expression that spreads them.
    assert.match(located[1], /^op\('elu'\): Op "elu" takes "alpha", not "slope"/, located.join('\n'));
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'unknown-key').map((finding) => finding.span),
      [fixture.spans.get('relu'), fixture.spans.get('elu'), fixture.spans.get('mapped')],
    );
  });

  test('absent paths are not located', () => {
    const fixture = read(model(`export default defineModel({ reslint: 1, name: undefined, layers: [['relu']] });`));
    assert.equal(fixture.doc.locate(['name']), undefined);
    assert.equal(fixture.doc.locate(['layers', 1]), undefined);
    assert.equal(fixture.doc.locate(['layers', 0, 'x']), undefined);
    assert.equal(located(fixture, ['layers', '0', '0']), "'relu'");
  });

  test('locate order does not change ranges', () => {
    const text = model(`const shared = ['relu'];
export default defineModel({
  reslint: 1,
  blocks: { a: { paths: { p: shared, q: ['tanh', 'gelu'] } }, b: { graph: [{ from: 'in', to: 'out', ops: shared }] } },
  layers: [{ block: 'a' }, ['relu'], { block: 'b', repeat: 2 }],
});`);
    const paths: (string | number)[][] = [
      [],
      ['blocks'],
      ['blocks', 'a', 'paths', 'q', 1],
      ['blocks', 'a', 'paths', 'q', 5],
      ['blocks', 'a', 'paths', 'q', 0],
      ['blocks', 'a', 'paths', 'p', 0],
      ['blocks', 'b', 'graph', 0, 'ops', 0],
      ['blocks', 'b', 'graph', '0', 'ops'],
      ['blocks', 'c'],
      ['layers', 1, 0],
      ['layers', 2, 'repeat'],
      ['layers', 2],
    ];
    const expected = paths.map((path) => [readTypeScriptSource(text).locate(path), readTypeScriptSource(text).locate(path, 'key')]);
    const doc = readTypeScriptSource(text);
    const order = [...paths.keys(), ...[...paths.keys()].reverse(), 3, 2, 8, 2, 0, 6, 7];
    for (const index of order) {
      assert.deepEqual([doc.locate(paths[index]), doc.locate(paths[index], 'key')], expected[index], JSON.stringify(paths[index]));
    }
    assert.ok(expected[2][0], 'an existing path is located');
    assert.equal(expected[3][0], undefined, 'an absent index is not located');
  });
});

describe('not-evaluated constructs', () => {
  test('unknown function call', () => {
    const fixture = read(
      model(`export default defineModel({
  reslint: 1,
  blocks: { b: { paths: { shortcut: [], residual: ['relu'] } } },
  layers: [{ block: 'b', repeat: ⟦call⟧randomDepth()⟦/call⟧ }, ['tanh']],
});`),
    );
    assert.equal(
      assertSkipped(fixture, 'call'),
      'Cannot evaluate call to "randomDepth()" statically: it is not a function defined in this file or its imports. The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.',
    );
    assert.deepEqual((fixture.value as { layers: unknown }).layers, [{ block: 'b' }, ['tanh']]);
    assert.equal(fixture.doc.problems[0].severity, undefined, 'the code default (information) applies');
  });

  test('a layer with an unevaluated repeat is left out of W', () => {
    const text = model(`const n = Math.floor(depth());
export default defineModel({
  reslint: 1,
  blocks: { b: { paths: { shortcut: [], residual: [{ gain: 0.5 }] } } },
  layers: [[{ gain: 0.8 }], { block: 'b', repeat: n }, { ops: ['tanh'], repeat: n }, { block: 'b', repeat: 2 }, { block: 'b', ...(depth() ? { repeat: 7 } : {}) }],
});`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    // The spread that was not evaluated may have set the last layer's repeat.
    assert.deepEqual(analysis.network.skippedLayers, [1, 2, 4]);
    // W is 0.8 * 1.5^2 from the layers that could be read, not a W with a count taken for n.
    assert.ok(Math.abs(analysis.network.log10W - Math.log10(0.8 * 1.5 ** 2)) < 1e-12, String(analysis.network.log10W));
    const skipped = analysis.findings.filter((finding) => finding.code === 'layer-skipped');
    assert.deepEqual(
      skipped.map((finding) => text.slice(finding.span.start, finding.span.end)),
      ["{ block: 'b', repeat: n }", "{ ops: ['tanh'], repeat: n }", "{ block: 'b', ...(depth() ? { repeat: 7 } : {}) }"],
    );
    assert.match(skipped[0].message, /^W leaves this layer out, because its repeat count could not be evaluated statically/);
  });

  test('unevaluated parts leave layers out', () => {
    const text = model(`import { branch } from './missing';
export default defineModel({
  reslint: 1,
  blocks: {
    path: { paths: { shortcut: [], residual: branch } },
    scale: { paths: { shortcut: [], residual: { ops: ['relu'], scale: depth() } } },
    op: { paths: { shortcut: [], residual: [{ op: 'linear', init: depth() }] } },
    outer: { paths: { body: [{ block: 'path' }] } },
    named: { description: describe(), paths: { shortcut: [], residual: [{ gain: 0.5 }] } },
    noted: { paths: { shortcut: [], residual: { ops: [{ gain: 0.5, note: describe() }], description: describe() } } },
  },
  layers: [{ block: 'path' }, { block: 'scale' }, { block: 'op' }, { block: 'outer' }, ['relu', branch], { block: 'named' }, ['gelu'], { block: 'noted' }],
  // A definition that could not be evaluated replaces the catalog's gelu all the same.
  ops: { gelu: depth() },
});`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    // A description or an unknown key that could not be read does not change W_l, so "named" and
    // "noted" still count.
    assert.deepEqual(analysis.network.skippedLayers, [0, 1, 2, 3, 4, 6]);
    assert.ok(Math.abs(analysis.network.log10W - Math.log10(1.5 * 1.5)) < 1e-12, String(analysis.network.log10W));
    const unevaluated = 'a part that could not be evaluated statically (see the finding there).';
    assert.deepEqual(
      analysis.findings.filter((finding) => finding.code === 'layer-skipped').map((finding) => finding.message),
      [
        `W leaves this layer out, because block "path" has ${unevaluated}`,
        `W leaves this layer out, because block "scale" has ${unevaluated}`,
        `W leaves this layer out, because block "op" has ${unevaluated}`,
        `W leaves this layer out, because block "outer" nests block "path", which has ${unevaluated}`,
        'W leaves this layer out, because a part of its ops could not be evaluated statically (see the finding there).',
        'W leaves this layer out, because a part of its ops could not be evaluated statically (see the finding there).',
      ],
    );
    assert.equal(analysis.findings.filter((finding) => finding.code === 'block-vanishing' || finding.code === 'stage-out-of-band').length, 0);
  });

  test('ops that a spread not evaluated may define leave their users out', () => {
    const skippedOf = (ops: string): number[] => {
      const text = `export default { reslint: 1, ops: ${ops}, blocks: { b: { paths: { s: [], r: ['tanh'] } } }, layers: [{ block: 'b' }, [{ gain: 0.5 }]] };\n`;
      return analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) }).network.skippedLayers;
    };
    // The spread could define "tanh", so the catalog's tanh cannot be assumed; the anonymous gain is certain.
    assert.deepEqual(skippedOf('{ ...unknownFn() }'), [0]);
    assert.deepEqual(skippedOf('unknownFn()'), [0]);
    assert.deepEqual(skippedOf('{ tanh: { gain: 0.5, ...unknownFn() } }'), [0]);
    assert.deepEqual(skippedOf('{ other: { gain: 2 } }'), []);
  });

  test('layers lost from the list are reported at "layers"', () => {
    const text = model(`import { more } from './missing';
export default defineModel({ reslint: 1, layers: [['relu'], ...more, ['tanh']] });`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    const skipped = analysis.findings.filter((finding) => finding.code === 'layer-skipped');
    assert.deepEqual(
      skipped.map((finding) => [text.slice(finding.span.start, finding.span.end), finding.message]),
      [['layers', 'W leaves out the layers that an element or spread of "layers" would place, because it could not be evaluated statically (see the finding there), so W covers only the layers that could be read.']],
    );
    // W is that of the two layers that could be read.
    assert.equal(analysis.network.layers.length, 2);
  });

  test('reassigned let, loops and environment globals', () => {
    const fixture = read(
      model(`let depth = 4;
depth = 8;
const layers: string[][] = [];
layers.push(['relu']);
function loop(n: number) {
  const out: string[] = [];
  ⟦for⟧for (let i = 0; i < n; i++) out.push('relu');⟦/for⟧
  return out;
}
export default defineModel({
  reslint: 1,
  name: ⟦now⟧Date.now()⟦/now⟧,
  description: ⟦random⟧Math.random()⟦/random⟧,
  blocks: { b: { paths: { shortcut: [], residual: loop(3) } } },
  layers: [{ block: 'b', repeat: ⟦depth⟧depth⟦/depth⟧ }, ...⟦layers⟧layers⟦/layers⟧, ⟦unknown⟧config⟦/unknown⟧.depth, ⟦env⟧process⟦/env⟧.env.DEPTH, ['tanh']],
});`),
    );
    assert.match(assertSkipped(fixture, 'depth'), /"depth" is reassigned or modified at line 3, so its value is not constant/);
    assert.match(assertSkipped(fixture, 'layers'), /"layers" is reassigned or modified at line 5/);
    assert.match(assertSkipped(fixture, 'for'), /loops are not evaluated/);
    assert.match(assertSkipped(fixture, 'now'), /^Cannot evaluate call to "Date.now\(\)" statically: Date is not evaluated, because Date\(\) and Date.now\(\) read the clock/);
    assert.match(assertSkipped(fixture, 'random'), /Math.random returns a different number on each run/);
    assert.match(assertSkipped(fixture, 'unknown'), /"config" is not defined in this file or its imports/);
    assert.match(assertSkipped(fixture, 'env'), /process reads the environment/);
    assert.deepEqual(fixture.value, { reslint: 1, blocks: { b: { paths: { shortcut: [] } } }, layers: [{ block: 'b' }, ['tanh']] });
  });

  test('skipped elements and properties', () => {
    const fixture = read(
      model(`const f = (x: number) => x;
export default defineModel({
  reslint: 1,
  ops: { a: { gain: ⟦arg⟧unknownGain⟦/arg⟧ }, b: { gain: f(⟦arg2⟧missing⟦/arg2⟧) * 2, description: 'b' } },
  layers: [[⟦first⟧nope()⟦/first⟧, 'relu'], ⟦layer⟧['tanh']⟦/layer⟧],
});`),
    );
    assertSkipped(fixture, 'arg');
    assertSkipped(fixture, 'arg2');
    assertSkipped(fixture, 'first');
    assert.deepEqual(fixture.value, { reslint: 1, ops: { a: {}, b: { description: 'b' } }, layers: [['relu'], ['tanh']] });
    // Indices follow the list without the skipped element.
    assertLocated(fixture, ['layers', 1], 'layer');
    assert.equal(problemsWith(fixture.doc, 'not-evaluated').length, 3, 'one problem per cause, none for what depends on it');
  });

  test('list mutation on a spread copy', () => {
    const fixture = read(
      model(`const acts = ['tanh', 'relu'];
export default defineModel({ reslint: 1, name: ⟦sort⟧[...acts].sort⟦/sort⟧().join(), description: ⟦reverse⟧[...acts].reverse⟦/reverse⟧().join(), layers: [] });`),
    );
    const consequence = 'The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.';
    assert.equal(
      assertSkipped(fixture, 'sort'),
      `Cannot evaluate "[...acts].sort" statically: "sort" sorts the list in place, which is not evaluated even on a copy such as [...list]; write the elements in the order you need. ${consequence}`,
    );
    assert.equal(
      assertSkipped(fixture, 'reverse'),
      `Cannot evaluate "[...acts].reverse" statically: "reverse" reverses the list in place, which is not evaluated even on a copy such as [...list]; use list.map((_, i) => list[list.length - 1 - i]). ${consequence}`,
    );
  });

  test('list mutation alternatives evaluate', () => {
    const fixture = read(
      model(`const list = ['a', 'b', 'c'];
export default defineModel({ reslint: 1, layers: [], x: [list.map((_, i) => list[list.length - 1 - i]), list.slice(0, -1), list.at(-1), list.slice(1), list[0], [...list, 'd'], ['z', ...list]] });`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, [['c', 'b', 'a'], ['a', 'b'], 'c', ['b', 'c'], 'a', ['a', 'b', 'c', 'd'], ['z', 'a', 'b', 'c']]);
  });

  test('Date functions without a clock', () => {
    const fixture = read(model(`export default defineModel({ reslint: 1, name: ⟦utc⟧Date.UTC(2020, 0, 1)⟦/utc⟧, description: ⟦parse⟧Date.parse('2020-01-01')⟦/parse⟧, layers: [] });`));
    const reason = 'Date is not evaluated, because Date() and Date.now() read the clock; write a date or timestamp as a string or a number.';
    const consequence = 'The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.';
    assert.equal(assertSkipped(fixture, 'utc'), `Cannot evaluate call to "Date.UTC()" statically: ${reason} ${consequence}`);
    assert.equal(assertSkipped(fixture, 'parse'), `Cannot evaluate call to "Date.parse()" statically: ${reason} ${consequence}`);
  });

  test('skipped list elements name their list', () => {
    const fixture = read(
      model(`enum Act { T = 'tanh' }
const shared = { afterSum: [⟦shared⟧Act⟦/shared⟧.T] };
export default defineModel({
  reslint: 1,
  blocks: {
    post: { paths: { s: [], r: ['relu', ⟦path⟧nope()⟦/path⟧], q: { ops: [(⟦ops⟧nope()⟦/ops⟧ as string)] } }, afterSum: [⟦act⟧Act⟦/act⟧.T, 'relu'] },
    g: { graph: [{ from: 'in', to: 'out', ops: [⟦edge⟧nope()⟦/edge⟧] }] },
  },
  layers: [['relu', ⟦layer⟧missing⟦/layer⟧ ? 'a' : 'b'], ...⟦spread⟧others⟦/spread⟧, { ops: [⟦after⟧nope()⟦/after⟧] }, [{ block: 'post', repeat: ⟦count⟧nope()⟦/count⟧ }]],
  description: shared.afterSum.join(),
});`),
    );
    const unknown = 'Cannot evaluate call to "nope()" statically: it is not a function defined in this file or its imports.';
    const enumValue = 'Cannot evaluate "Act" statically: "Act" is an enum, which is not evaluated.';
    assert.equal(assertSkipped(fixture, 'act'), `${enumValue} The element is left out of "afterSum" of block "post", so that list is one element shorter than written.`);
    assert.equal(assertSkipped(fixture, 'shared'), `${enumValue} The element is left out of "afterSum", so that list is one element shorter than written.`);
    assert.equal(assertSkipped(fixture, 'path'), `${unknown} The element is left out of path "r" of block "post", so that list is one element shorter than written.`);
    assert.equal(assertSkipped(fixture, 'ops'), `${unknown} The element is left out of path "q" of block "post", so that list is one element shorter than written.`);
    assert.equal(assertSkipped(fixture, 'edge'), `${unknown} The element is left out of "graph[0].ops" of block "g", so that list is one element shorter than written.`);
    assert.equal(
      assertSkipped(fixture, 'layer'),
      'Cannot evaluate "missing" statically: "missing" is not defined in this file or its imports. The element is left out of "layers[0]", so that list is one element shorter than written.',
    );
    assert.equal(
      assertSkipped(fixture, 'spread'),
      'Cannot evaluate "others" statically: "others" is not defined in this file or its imports. The elements it spreads are left out of "layers".',
    );
    // After a spread, the text does not show the position of a list.
    assert.equal(assertSkipped(fixture, 'after'), `${unknown} The element is left out of "layers[].ops", so that list is one element shorter than written.`);
    assert.equal(assertSkipped(fixture, 'count'), `${unknown} The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.`);
    assert.deepEqual((fixture.value as { blocks: unknown }).blocks, {
      post: { paths: { s: [], r: ['relu'], q: { ops: [] } }, afterSum: ['relu'] },
      g: { graph: [{ from: 'in', to: 'out', ops: [] }] },
    });
  });

  test('skipped values stay skipped downstream', () => {
    const fixture = read(
      model(`let n = 2;
n = 3;
const config = { depth: ⟦depth⟧randomDepth()⟦/depth⟧, width: 4 };
const { depth = 12, width } = config;
const ops = ['relu', ⟦op⟧pick()⟦/op⟧, 'tanh'];
const [first, second] = ops;
const sum = (...values: number[]) => values.length;
export default defineModel({
  reslint: 1,
  name: String(config.depth ?? 'default'),
  description: String(ops.length) + String(ops.includes('tanh')),
  blocks: { b: { paths: { p: ops.map((op) => op) } } },
  ops: { a: { gain: depth }, b: { gain: width }, c: { gain: sum(1, nope(), 3) } },
  settings: { tolerance: first === undefined || second === undefined ? 0.2 : 0.3 },
  layers: Array.from({ length: ⟦n⟧n⟦/n⟧ }, () => ['relu']),
});`),
    );
    assertSkipped(fixture, 'depth');
    assertSkipped(fixture, 'op');
    assertSkipped(fixture, 'n');
    // Each value that depends on a skipped one is skipped, not computed from its absence:
    // no default name, no default depth, no length, no empty list for the unknown bound.
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: { b: { paths: { p: ['relu', 'tanh'] } } },
      ops: { a: {}, b: { gain: 4 }, c: {} },
      settings: {},
    });
  });

  test('imports without a reader, from packages, unknown exports', () => {
    const fixture = read(
      model(`import { blocks } from './blocks';
import _ from 'lodash';
export default defineModel({
  reslint: 1,
  blocks: ⟦blocks⟧blocks⟦/blocks⟧,
  name: ⟦lodash⟧_.join(['a'], '')⟦/lodash⟧,
  layers: [],
});`),
    );
    assert.match(assertSkipped(fixture, 'blocks'), /"blocks" is imported from "\.\/blocks", but no file reader was given/);
    assert.match(assertSkipped(fixture, 'lodash'), /imported from "lodash", which is not a relative import \("\.\/" or "\.\.\/"\); only relative imports of \.ts files are followed/);
    assert.deepEqual(fixture.value, { reslint: 1, layers: [] });
  });

  test('unsupported syntax', () => {
    const fixture = read(
      model(`class Net {}
export default defineModel({
  reslint: 1,
  name: ⟦this⟧this⟦/this⟧,
  description: ⟦tagged⟧String.raw\`x\`⟦/tagged⟧,
  ops: { a: { gain: ⟦assign⟧x = 2⟦/assign⟧ }, b: { gain: ⟦new⟧new Net()⟦/new⟧ }, c: { get gain() { return 1; } } },
  layers: [],
});`),
    );
    assert.match(assertSkipped(fixture, 'this'), /"this" is not evaluated/);
    assert.match(assertSkipped(fixture, 'tagged'), /tagged templates are not evaluated/);
    assert.match(assertSkipped(fixture, 'assign'), /assignments are not evaluated/);
    assert.match(assertSkipped(fixture, 'new'), /"new" is evaluated only for Array/);
    assert.ok(fixture.doc.problems.some((problem) => /getters and setters/.test(problem.message)));
  });

  test('cyclic definitions', () => {
    const fixture = read(
      model(`const a: unknown = { next: b };
const b: unknown = { next: ⟦a⟧a⟦/a⟧ };
export default defineModel({ reslint: 1, description: a as string, layers: [] });`),
    );
    assert.match(assertSkipped(fixture, 'a'), /depends on its own value/);
  });

  test('unevaluated layers are not missing', () => {
    const text = model(`export default defineModel({ reslint: 1, layers: Array.from({ length: ${MAX_ARRAY_LENGTH + 1} }, () => ['relu']) });`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    assert.deepEqual(
      analysis.findings.map((finding) => [finding.code, finding.severity]),
      [
        ['not-evaluated', 'error'],
        ['not-evaluated', 'information'],
      ],
    );
    assert.match(analysis.findings[0].message, /^"layers" is left out, because its value could not be evaluated statically/);
    // Without the key in the text, its absence is reported.
    const missing = analyzeText(model(`export default defineModel({ reslint: 1 });`), 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    assert.match(missing.findings.map((finding) => finding.message).join(' '), /Missing "layers"/);
  });

  test('duplicate keys are reported', () => {
    const fixture = read(model(`export default defineModel({ reslint: 1, name: 'a', ⟦second⟧name⟦/second⟧: 'b', layers: [] });`));
    const duplicates = problemsWith(fixture.doc, 'duplicate-key');
    assert.equal(duplicates.length, 1);
    assert.deepEqual(duplicates[0].span, fixture.spans.get('second'));
    assert.equal((fixture.value as { name: string }).name, 'b');
  });

  test('duplicate keys in small and large objects', () => {
    const many = Array.from({ length: 12 }, (_, index) => `k${index}: ${index}`).join(', ');
    for (const members of [`a: 1, ...{ a: 2 }, 'a': 3, ['a']: 4, b: 5`, `${many}, a: 1, ...{ a: 2 }, 'a': 3, ['a']: 4, k3: 5`]) {
      const fixture = read(model(`export default defineModel({ reslint: 1, ops: { ${members} }, layers: [] });`));
      const duplicates = problemsWith(fixture.doc, 'duplicate-key');
      assert.deepEqual(
        duplicates.map((problem) => fixture.text.slice(problem.span.start, problem.span.end)),
        members.startsWith('k0') ? ["'a'", "['a']", 'k3'] : ["'a'", "['a']"],
        members,
      );
    }
  });

  test('duplicate keys in two-member objects', () => {
    const fixture = read(model(`export default defineModel({ reslint: 1, ops: { a: { gain: 1, ⟦second⟧gain⟦/second⟧: 2 }, b: { gain: 3 } }, layers: [] });`));
    const duplicates = problemsWith(fixture.doc, 'duplicate-key');
    assert.equal(duplicates.length, 1);
    assert.deepEqual(duplicates[0].span, fixture.spans.get('second'));
  });

  test('syntax errors are reported and the rest read', () => {
    const fixture = read(
      model(`export default defineModel({
  reslint: 1,
  blocks: { b: { paths: { shortcut: [], residual: ['relu' ⟦missing⟧'tanh'⟦/missing⟧] } } },
  layers: [{ block: 'b', repeat: 3 }],
});`),
    );
    const errors = problemsWith(fixture.doc, 'syntax-error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, "',' expected.");
    assert.deepEqual(errors[0].span, fixture.spans.get('missing'));
    assert.deepEqual((fixture.value as { layers: unknown }).layers, [{ block: 'b', repeat: 3 }]);
  });

  test('structure problems after a syntax error wait for it', () => {
    // Without the "]", the parser reads "blocks: {}" as elements of "layers".
    const text = "export default {\n  reslint: 1,\n  layers: [['relu'], { block: 'nope' }, ['tanh']\n  blocks: {}\n};\n";
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    const codes = analysis.findings.map((finding) => finding.code);
    // The unknown block comes before the error and is reported; nothing about "blocks: {}" is.
    assert.deepEqual(codes.filter((code) => code !== 'syntax-error'), ['unknown-block']);
    assert.ok(codes.includes('syntax-error'), JSON.stringify(codes));
    assert.equal(readTypeScriptSource(text).guessedFrom, text.indexOf('blocks'));
  });

  test('syntax error at end stays in text', () => {
    const text = 'export default { reslint: 1, layers: [] /* open';
    const doc = readTypeScriptSource(text);
    const errors = problemsWith(doc, 'syntax-error');
    assert.equal(errors.length > 0, true);
    for (const error of errors) {
      assert.ok(error.span.end <= text.length, `${error.message} ends at ${error.span.end}, after the text`);
      assert.ok(error.span.start < error.span.end, `${error.message} has an empty range`);
    }
  });

  test('deeply nested text does not crash', () => {
    const depth = 5000;
    const doc = readTypeScriptSource(`export default ${'['.repeat(depth)}${']'.repeat(depth)};`);
    assert.equal(plain(doc.value), undefined);
    assert.ok(doc.problems.length > 0);
    const nested = readTypeScriptSource(`export default { reslint: 1, layers: ${'['.repeat(300)}${']'.repeat(300)} };`);
    assert.equal(plain(nested.value) !== undefined, true);
    assert.ok(nested.problems.some((problem) => /nested more than/.test(problem.message)));
  });
});

describe('syntax and value helpers', () => {
  test('parseModule sets every parent', () => {
    const parsed = parseModule('model.arch.ts', model(`/** A helper. */
const sub = (ops: string[]) => ({ paths: { shortcut: [], residual: ops } });
let n = 1;
n += 1;
export default defineModel({ reslint: 1, blocks: { a: sub(['relu']) }, layers: [{ block: 'a', repeat: n }] });`));
    assert.ok(parsed);
    const stack: ts.Node[] = [parsed.sourceFile];
    let checked = 0;
    while (stack.length > 0) {
      const node = stack.pop() as ts.Node;
      ts.forEachChild(node, (child) => {
        assert.equal(child.parent, node, `parent of ${ts.SyntaxKind[child.kind]} at ${child.pos}`);
        checked += 1;
        stack.push(child);
      });
    }
    assert.ok(checked > 50, `only ${checked} nodes were checked`);
    assert.ok(parsed.mutations.find('n', parsed.sourceFile), 'the assignment to n is indexed');
  });

  test('parseModule parents in invalid properties', () => {
    // Modifiers, "?" and "!" on a property assignment are syntax errors that the parser keeps as children.
    const text = 'export default { async a: 1, b?: [2], c!: { d: 3 }, e: [4, , ...f], g, ...h, i() { return 5; } };';
    const parsed = parseModule('model.arch.ts', text);
    assert.ok(parsed);
    const expected = ts.createSourceFile('model.arch.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const ours: ts.Node[] = [];
    const theirs: ts.Node[] = [];
    const collect = (into: ts.Node[]) => (node: ts.Node): void => {
      into.push(node);
      ts.forEachChild(node, collect(into));
    };
    collect(ours)(parsed.sourceFile);
    collect(theirs)(expected);
    assert.equal(ours.length, theirs.length);
    for (let index = 1; index < ours.length; index++) {
      const label = `${ts.SyntaxKind[ours[index].kind]} at ${ours[index].pos}`;
      assert.equal(ours.indexOf(ours[index].parent), theirs.indexOf(theirs[index].parent), `parent of ${label}`);
    }
  });

  test('NodeCounts per node', () => {
    const parsed = parseModule('model.arch.ts', 'export default { a: [1, 2], b: 3 };');
    const other = parseModule('other.arch.ts', 'export default 1;');
    assert.ok(parsed);
    assert.ok(other);
    const counts = new NodeCounts(parsed.nodeIds);
    const statement = parsed.sourceFile.statements[0];
    const foreign = other.sourceFile.statements[0];
    const synthetic = ts.factory.createIdentifier('x');
    counts.add(statement);
    counts.add(statement);
    counts.add(parsed.sourceFile);
    counts.add(foreign);
    counts.add(synthetic);
    assert.equal(counts.get(statement), 2);
    assert.equal(counts.get(parsed.sourceFile), 1);
    assert.equal(counts.get(foreign), 1, 'a node of another file is counted too');
    assert.equal(counts.get(synthetic), 1, 'a node without an id is counted too');
    assert.equal(counts.get(other.sourceFile), 0);
    assert.equal(counts.get(statement.getChildAt(0, parsed.sourceFile)), 0);
  });

  test('parseModule of deeply nested text', () => {
    assert.equal(parseModule('deep.arch.ts', `export default ${'['.repeat(200_000)}`), undefined);
  });

  test('isArrayIndex matches JavaScript', () => {
    const keys = ['', '0', '00', '01', '1', '9', '10', '1.5', '-1', '+1', ' 1', '1e3', '\u0663', 'a1', '1a', '4294967294', '4294967295', '4294967296', '9999999999', '12345678901'];
    for (const key of keys) {
      const expected = String(Number(key) >>> 0) === key && key !== '4294967295';
      assert.equal(isArrayIndex(key), expected, JSON.stringify(key));
    }
  });

  test('orderedKeys matches object key order', () => {
    const keys = ['b', '10', 'a', '2', '01', '4294967295', '0', '4294967294'];
    assert.deepEqual(orderedKeys(keys), Object.keys(Object.fromEntries(keys.map((key) => [key, true]))));
    assert.deepEqual(orderedKeys(['z', 'y']), ['z', 'y']);
  });
});

describe('imports', () => {
  const files = (entries: Record<string, string>) => (path: string) => entries[path];

  test('unknown key of imported helper at call', () => {
    const readFile = files({ '/models/lib.ts': `export const helper = (n: number) => ({ paths: { p: ['relu'], q: [] }, colour: n });` });
    const text = model(`import { helper } from './lib';
export default defineModel({ reslint: 1, blocks: { a: ⟦a⟧helper(1)⟦/a⟧, b: ⟦b⟧helper(2)⟦/b⟧ }, layers: [{ block: 'a' }] });`);
    const fixture = read(text, { fileName: '/models/model.arch.ts', readFile });
    const findings = analyzeText(fixture.text, 'typescript', {
      readTypeScript: (source) => readTypeScriptSource(source, { fileName: '/models/model.arch.ts', readFile }),
    }).findings;
    // The key is written in lib.ts, and the argument that this file passes is its value, not its key.
    const spans = findings.filter((finding) => finding.code === 'unknown-key').map((finding) => finding.span);
    assert.deepEqual(spans, [fixture.spans.get('a'), fixture.spans.get('b')]);
  });

  test('named, namespace and re-exports from memory', () => {
    const readFile = files({
      '/models/blocks.ts': `export const ATTENTION = ['attention'];\nexport function residual(ops: string[]) { return { paths: { shortcut: [], residual: ops } }; }\nexport default { stem: ['embedding'] };`,
      '/models/shared/index.ts': `export * from './depth.arch';\nexport { ATTENTION as ATTN } from '../blocks.js';`,
      '/models/shared/depth.arch.ts': `const base = 3;\nexport const DEPTH = base * 2;`,
    });
    const fixture = read(
      model(`import { ATTENTION, residual } from './blocks';
import defaults from './blocks.ts';
import * as shared from './shared';
export default defineModel({
  reslint: 1,
  blocks: { a: ⟦call⟧residual(⟦attention⟧ATTENTION⟦/attention⟧)⟦/call⟧, b: residual(⟦attn⟧shared.ATTN⟦/attn⟧) },
  layers: [⟦stem⟧defaults.stem⟦/stem⟧, { block: 'a', repeat: ⟦depth⟧shared.DEPTH⟦/depth⟧ }],
});`),
      { fileName: '/models/model.arch.ts', readFile },
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual(fixture.value, {
      reslint: 1,
      blocks: { a: { paths: { shortcut: [], residual: ['attention'] } }, b: { paths: { shortcut: [], residual: ['attention'] } } },
      layers: [['embedding'], { block: 'a', repeat: 6 }],
    });
    // Values from other files are shown where this file uses them.
    assertLocated(fixture, ['blocks', 'a'], 'call');
    assertLocated(fixture, ['blocks', 'a', 'paths', 'residual'], 'call');
    assertLocated(fixture, ['blocks', 'a', 'paths', 'residual', 0], 'call');
    assertLocated(fixture, ['layers', 0], 'stem');
    assertLocated(fixture, ['layers', 0, 0], 'stem');
    assertLocated(fixture, ['layers', 1, 'repeat'], 'depth');
    // No quick fix edits another file.
    assert.equal(fixture.doc.editor.wrapList(['blocks', 'a', 'paths', 'residual'], 'ops', 'scale', 2), undefined);
  });

  test('fixture files read from disk', () => {
    const fileName = join(FIXTURES, 'imports', 'model.arch.ts');
    const readFile = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    const doc = readTypeScriptSource(readFileSync(fileName, 'utf8'), { fileName, readFile });
    assertNoProblems(doc);
    assert.deepEqual(plain(doc.value), {
      reslint: 1,
      blocks: {
        attn: { paths: { shortcut: [], residual: { ops: ['layernorm', 'attention'], scale: 1 } } },
        ffn: { paths: { shortcut: [], residual: { ops: ['layernorm', 'linear', 'relu', 'linear'], scale: 1 } } },
      },
      layers: [{ block: 'attn', repeat: 6 }, { block: 'ffn', repeat: 6 }],
    });
  });

  test('problems inside imported files shown at use', () => {
    const readFile = files({
      '/m/blocks.ts': `// helpers\nexport const depth = Date.now();\nexport const broken = [1,, ;\nexport const ok = 2;`,
    });
    const fixture = read(
      model(`import { depth, ok, nothing } from './blocks';
export default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: ⟦depth⟧depth⟦/depth⟧ }, { block: 'b', repeat: ok }, ⟦nothing⟧nothing⟦/nothing⟧] });`),
      { fileName: '/m/model.arch.ts', readFile },
    );
    const depthProblems = fixture.doc.problems.filter((problem) => problem.span.start === fixture.spans.get('depth')?.start);
    assert.deepEqual(
      depthProblems.map((problem) => [problem.code, problem.severity, problem.message]),
      [
        ['not-evaluated', 'warning', './blocks.ts has a syntax error at line 3 ("Expression or comma expected"); values read from it may be incomplete. Fix that file.'],
        ['not-evaluated', undefined, 'In ./blocks.ts, line 2: Cannot evaluate call to "Date.now()" statically: Date is not evaluated, because Date() and Date.now() read the clock; write a date or timestamp as a string or a number. The value is left out. A key set from it is missing, a list element made from it is left out of its list, and W leaves out any block or layer that needs it.'],
      ],
    );
    assert.equal(problemsWith(fixture.doc, 'syntax-error').length, 0, 'this document has no syntax error');
    assert.match(assertSkipped(fixture, 'nothing'), /\.\/blocks\.ts has no export named "nothing"/);
    assert.deepEqual((fixture.value as { layers: unknown }).layers, [{ block: 'b' }, { block: 'b', repeat: 2 }]);
  });

  test('modified variables in imported files', () => {
    const readFile = files({
      '/v/helpers.ts': `export let depth = 2;\ndepth = 3;\nexport function ops() {\n  const list = ['relu'];\n  const grow = () => list.push('tanh');\n  return list;\n}`,
    });
    const fixture = read(
      model(`import { depth, ops } from './helpers';
export default defineModel({ reslint: 1, blocks: { b: { paths: { p: ⟦ops⟧ops()⟦/ops⟧ } } }, layers: [{ block: 'b', repeat: ⟦depth⟧depth⟦/depth⟧ }] });`),
      { fileName: '/v/model.arch.ts', readFile },
    );
    assert.match(assertSkipped(fixture, 'depth'), /"depth" is reassigned or modified at line 2/);
    assert.match(assertSkipped(fixture, 'ops'), /In \.\/helpers\.ts, line 6: .*"list" is reassigned or modified at line 5/);
  });

  test('import cycles', () => {
    const readFile = files({
      '/c/a.ts': `import { B } from './b';\nexport const A = 1;\nexport const SUM = B + 1;`,
      '/c/b.ts': `import { A } from './a';\nexport const B = A + 1;\nexport const LOOP: number = LOOP2;\nimport { LOOP2 } from './a2';`,
      '/c/a2.ts': `import { LOOP } from './b';\nexport const LOOP2 = LOOP;`,
    });
    const fixture = read(
      model(`import { SUM } from './a';
import { LOOP } from './b';
export default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: SUM }, { block: 'b', repeat: ⟦loop⟧LOOP⟦/loop⟧ }] });`),
      { fileName: '/c/model.arch.ts', readFile },
    );
    // A cycle between files is fine as long as no value depends on itself.
    assert.deepEqual((fixture.value as { layers: unknown }).layers, [{ block: 'b', repeat: 3 }, { block: 'b' }]);
    assert.match(assertSkipped(fixture, 'loop'), /depends on its own value/);
  });

  test('model importing itself', () => {
    const text = model(`import { BASE as DEPTH } from './self.arch';\nexport const BASE = 3;\nexport default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: DEPTH }] });`);
    const doc = readTypeScriptSource(text, { fileName: '/s/self.arch.ts', readFile: () => text });
    assertNoProblems(doc);
    assert.deepEqual(plain(doc.value), { reslint: 1, layers: [{ block: 'b', repeat: 3 }] });
  });

  test('import depth bound', () => {
    const entries: Record<string, string> = {};
    const chain = MAX_IMPORT_DEPTH + 2;
    for (let index = 1; index < chain; index++) entries[`/d/f${index}.ts`] = `import { V } from './f${index + 1}';\nexport { V };`;
    entries[`/d/f${chain}.ts`] = 'export const V = 1;';
    const reads: string[] = [];
    const readFile = (path: string): string | undefined => {
      reads.push(path);
      return entries[path];
    };
    const fixture = read(model(`import { V } from './f1';\nexport default defineModel({ reslint: 1, name: ⟦v⟧V⟦/v⟧, layers: [] });`), {
      fileName: '/d/model.arch.ts',
      readFile,
    });
    assert.match(assertSkipped(fixture, 'v'), new RegExp(`more than ${MAX_IMPORT_DEPTH} imports away from the model file`));
    assert.equal(reads.includes(`/d/f${MAX_IMPORT_DEPTH}.ts`), true);
    assert.equal(reads.includes(`/d/f${MAX_IMPORT_DEPTH + 1}.ts`), false);

    // A chain that ends MAX_IMPORT_DEPTH imports away is within the bound.
    entries[`/d/f${MAX_IMPORT_DEPTH}.ts`] = 'export const V = 1;';
    const within = read(model(`import { V } from './f1';\nexport default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: V }] });`), {
      fileName: '/d/model.arch.ts',
      readFile,
    });
    assertNoProblems(within.doc);
  });

  test('missing file names the candidates', () => {
    const fixture = read(model(`import { X } from '../lib/blocks';\nexport default defineModel({ reslint: 1, name: ⟦x⟧X⟦/x⟧, layers: [] });`), {
      fileName: '/p/models/model.arch.ts',
      readFile: () => undefined,
    });
    assert.match(assertSkipped(fixture, 'x'), /no file was found at \/p\/lib\/blocks\.ts or \/p\/lib\/blocks\/index\.ts/);
  });

  test('non-TypeScript file names the rule', () => {
    const reads: string[] = [];
    const fixture = read(model(`import data from './data.json';\nexport default defineModel({ reslint: 1, name: ⟦data⟧data⟦/data⟧, layers: [] });`), {
      fileName: '/p/model.arch.ts',
      readFile: (path) => {
        reads.push(path);
        return path === '/p/data.json' ? '{ "name": "x" }' : undefined;
      },
    });
    assert.equal(
      assertSkipped(fixture, 'data'),
      'Cannot evaluate "data" statically: "data" is imported from "./data.json", but only .ts, .mts and .cts files are read, not .json files, and no file was found at ./data.json.ts or ./data.json/index.ts; export the values from a .ts file instead. The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.',
    );
    assert.deepEqual(reads, ['/p/data.json.ts', '/p/data.json/index.ts']);
  });
});

describe('editor', () => {
  test('setNumber replaces an existing number', () => {
    const text = model(`export default defineModel({
  reslint: 1,
  blocks: {
    b: { paths: { shortcut: [], residual: { ops: ['relu'], scale: -0.5 /* tuned */ } } },
  },
  layers: [{ block: 'b' }],
});
`);
    const doc = readTypeScriptSource(text);
    const edits = doc.editor.setNumber(['blocks', 'b', 'paths', 'residual'], 'scale', 0.25);
    assert.ok(edits);
    const edited = applyEdits(text, edits);
    assert.equal(edited, text.replace('scale: -0.5 /* tuned */', 'scale: 0.25 /* tuned */'));
    const reread = plain(readTypeScriptSource(edited).value) as { blocks: { b: { paths: { residual: { scale: number } } } } };
    assert.equal(reread.blocks.b.paths.residual.scale, 0.25);
  });

  test('setNumber inserts on its own line', () => {
    const text = model(`export default defineModel({
  reslint: 1,
  blocks: {
    b: {
      graph: [
        {
          from: 'in',
          to: 'out', // the only edge
        },
      ],
    },
  },
  layers: [{ block: 'b' }],
});
`);
    const doc = readTypeScriptSource(text);
    const edited = applyEdits(text, doc.editor.setNumber(['blocks', 'b', 'graph', 0], 'scale', 2) ?? []);
    assert.equal(edited, text.replace("to: 'out', // the only edge\n", "to: 'out', // the only edge\n          scale: 2,\n"));

    const noComma = text.replace("to: 'out', // the only edge", "to: 'out' // the only edge");
    const noCommaEdited = applyEdits(noComma, readTypeScriptSource(noComma).editor.setNumber(['blocks', 'b', 'graph', 0], 'scale', 2) ?? []);
    assert.equal(noCommaEdited, text.replace("to: 'out', // the only edge\n", "to: 'out', // the only edge\n          scale: 2\n"));
    assert.equal((plain(readTypeScriptSource(noCommaEdited).value) as { blocks: { b: { graph: { scale: number }[] } } }).blocks.b.graph[0].scale, 2);
  });

  test('setNumber inserts inline, after spreads, in empty objects', () => {
    const cases: [string, string][] = [
      [`{ from: 'in', to: 'out' }`, `{ from: 'in', to: 'out', scale: 0.5 }`],
      [`{ ...edge }`, `{ ...edge, scale: 0.5 }`],
      [`{ scale: 1, ...edge }`, `{ scale: 1, ...edge }`],
      [`{ from: 'in', to: 'out', scale }`, `{ from: 'in', to: 'out', scale: 0.5 }`],
    ];
    for (const [before, after] of cases) {
      const text = model(`const edge = { from: 'in', to: 'out' };\nconst scale = 1;\nexport default defineModel({ reslint: 1, blocks: { b: { graph: [${before}] } }, layers: [] });`);
      const edits = readTypeScriptSource(text).editor.setNumber(['blocks', 'b', 'graph', 0], 'scale', 0.5);
      if (before === after) {
        assert.equal(edits, undefined, `${before}: a later spread may override the property`);
        continue;
      }
      assert.equal(applyEdits(text, edits ?? []), text.replace(`graph: [${before}]`, `graph: [${after}]`), before);
    }
    const empty = model(`export default defineModel({ reslint: 1, settings: {}, layers: [] });`);
    assert.equal(applyEdits(empty, readTypeScriptSource(empty).editor.setNumber(['settings'], 'tolerance', 0.2) ?? []), empty.replace('settings: {}', 'settings: { tolerance: 0.2 }'));
  });

  test('wrapList wraps the list literal', () => {
    const text = model(`const sub = (ops: readonly string[]) => ops;
const mk = (ops) => ({ paths: { shortcut: [], residual: ops } });
const arrow = () => ['gelu'] as const;
export default defineModel({
  reslint: 1,
  blocks: {
    a: { paths: { shortcut: [], residual: ['relu', 'linear'] } },
    b: mk(['tanh']),
    c: { paths: { residual: arrow() } },
    d: { paths: { residual: sub(['typed']) } },
  },
  layers: [],
});
`);
    const doc = readTypeScriptSource(text);
    const wrap = (block: string) => doc.editor.wrapList(['blocks', block, 'paths', 'residual'], 'ops', 'scale', 0.5);
    assert.equal(applyEdits(text, wrap('a') ?? []), text.replace("['relu', 'linear']", "{ ops: ['relu', 'linear'], scale: 0.5 }"));
    // The list passed to a helper is wrapped at the call site, where its literal is.
    assert.equal(applyEdits(text, wrap('b') ?? []), text.replace("mk(['tanh'])", "mk({ ops: ['tanh'], scale: 0.5 })"));
    assert.equal(applyEdits(text, wrap('c') ?? []), text.replace("() => ['gelu'] as const", "() => ({ ops: ['gelu'], scale: 0.5 }) as const"));
    // A parameter typed as a list would not accept the object.
    assert.equal(wrap('d'), undefined);
    const reread = plain(readTypeScriptSource(applyEdits(text, wrap('b') ?? [])).value) as { blocks: { b: unknown } };
    assert.deepEqual(reread.blocks.b, { paths: { shortcut: [], residual: { ops: ['tanh'], scale: 0.5 } } });
  });

  test('no edit for shared or read values', () => {
    const text = model(`const sub = (ops: string[]) => ({ paths: { shortcut: [], residual: ops } });
const shared = ['relu'];
const read = ['tanh'];
const edge = { from: 'in', to: 'out' };
export default defineModel({
  reslint: 1,
  blocks: {
    a: sub(['x']),
    b: sub(['y']),
    c: { paths: { p: shared, q: shared } },
    d: { paths: { p: read }, description: String(read.length) },
    e: { graph: [edge, { ...edge }] },
    f: { paths: { p: Array.from({ length: 2 }, () => 'relu') } },
  },
  layers: [],
});
`);
    const doc = readTypeScriptSource(text);
    assert.equal(doc.editor.setNumber(['blocks', 'a', 'paths'], 'scale', 2), undefined, 'the paths object is made by a helper called twice');
    assert.equal(doc.editor.wrapList(['blocks', 'c', 'paths', 'p'], 'ops', 'scale', 2), undefined, 'one list in two places');
    assert.equal(doc.editor.wrapList(['blocks', 'd', 'paths', 'p'], 'ops', 'scale', 2), undefined, 'the list is read by .length');
    assert.equal(doc.editor.setNumber(['blocks', 'e', 'graph', 0], 'scale', 2), undefined, 'the object is read by a spread');
    assert.ok(doc.editor.setNumber(['blocks', 'e', 'graph', 1], 'scale', 2), 'the spread copy is its own literal');
    assert.ok(doc.editor.wrapList(['blocks', 'f', 'paths', 'p'], 'ops', 'scale', 2), 'a list made by a call made once');
    assert.equal(doc.editor.setNumber(['blocks', 'a', 'paths'], 'scale', NaN), undefined);
  });

  test('quick fix on a TypeScript model', () => {
    const text = model(`export default defineModel({
  reslint: 1,
  blocks: {
    res: { paths: { shortcut: [], residual: ['linear', 'relu', 'linear'] }, afterSum: ['relu'] },
  },
  layers: [{ block: 'res', repeat: 4 }],
});
`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    const finding = analysis.findings.find((candidate) => candidate.code === 'block-vanishing');
    assert.ok(finding, `expected block-vanishing, got ${analysis.findings.map((candidate) => candidate.code).join(', ')}`);
    const fix = fixesFor(analysis, finding).fixes[0];
    assert.ok(fix, 'expected a scale fix');
    const edited = applyEdits(text, fix.edits);
    assert.equal(edited, text.replace("['linear', 'relu', 'linear']", `{ ops: ['linear', 'relu', 'linear'], scale: ${fix.solution.scale} }`));
    const after = analyzeText(edited, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    assert.equal(after.findings.some((candidate) => candidate.code === 'block-vanishing'), false);
  });

  test('quick fix keeps a negative scale negative', () => {
    const text = model(`export default defineModel({
  reslint: 1,
  blocks: { nb: { paths: { s: [], r: { ops: ['relu'], scale: -0.1 } }, afterSum: ['tanh'] } },
  layers: [{ block: 'nb', repeat: 2 }],
});
`);
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    const finding = analysis.findings.find((candidate) => candidate.code === 'block-vanishing');
    assert.ok(finding, `expected block-vanishing, got ${analysis.findings.map((candidate) => candidate.code).join(', ')}`);
    const [fix] = fixesFor(analysis, finding).fixes;
    assert.equal(fix.title, 'Set the scale of branch "r" of "nb" from -0.1 to -1.30196 (W_l = 1.00)');
    assert.equal(applyEdits(text, fix.edits), text.replace('scale: -0.1', 'scale: -1.30196'));
  });
});


describe('disable edits', () => {
  const FORMATTING = { insertSpaces: true, tabSize: 2, eol: '\n' };
  const SEVERITY_PATH = ['settings', 'severity', 'block-exploding'];
  const analyse = (text: string) => analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });

  /** A model with one exploding block and `settings` written in its place (or no settings for ''). */
  const explodingModel = (settings: string, quote = "'"): string =>
    `import { defineModel } from ${quote}reslint${quote};

export default defineModel({
  reslint: 1,
  blocks: {
    hot: { paths: { main: ['linear', 'relu', 'linear'], skip: [] } },
  },
  layers: [{ block: 'hot' }],${settings}
});
`;

  /** Applies the disable edits and returns the edited text, after checking that the model gained only the entry. */
  function disabled(text: string): string {
    const analysis = analyse(text);
    assert.ok(analysis.findings.some((finding) => finding.code === 'block-exploding'));
    const edits = disableEdits(analysis, 'block-exploding', FORMATTING);
    assert.ok(edits, 'expected disable edits');
    const edited = applyEdits(text, edits);
    const after = analyse(edited);
    assert.ok(sameValue(after.doc.value, withValueAt(analysis.doc.value, SEVERITY_PATH, 'off')), edited);
    assert.deepEqual(after.doc.problems, []);
    assert.equal(after.findings.filter((finding) => finding.code === 'block-exploding').length, 0);
    return edited;
  }

  test('adds settings to the model', () => {
    const text = explodingModel('');
    assert.equal(disabled(text), text.replace("[{ block: 'hot' }],", "[{ block: 'hot' }],\n  settings: { severity: { 'block-exploding': 'off' } },"));
  });

  test('adds severity to settings', () => {
    const text = explodingModel("\n  settings: { model: 'seed' },");
    assert.equal(disabled(text), text.replace("model: 'seed' }", "model: 'seed', severity: { 'block-exploding': 'off' } }"));
  });

  test('adds an entry to severity', () => {
    const text = explodingModel("\n  settings: {\n    severity: {\n      'block-vanishing': 'hint', // kept\n    },\n  },");
    assert.equal(disabled(text), text.replace("'block-vanishing': 'hint', // kept", "'block-vanishing': 'hint', // kept\n      'block-exploding': 'off',"));
  });

  test('writes the new member after the comments on the last line', () => {
    const severity = "severity: { 'block-exploding': 'off' }";
    const cases: [string, string][] = [
      ["settings: {\n    model: 'seed', /* c */ },", `settings: {\n    model: 'seed', /* c */\n    ${severity},\n  },`],
      ["settings: {\n    model: 'seed' /* c */ // d\n  },", `settings: {\n    model: 'seed', /* c */ // d\n    ${severity}\n  },`],
      ["settings: {\n    model: 'seed' /* c */ },", `settings: {\n    model: 'seed', /* c */\n    ${severity}\n  },`],
      ["settings: {\n    model: 'seed' /* c\n    d */\n  },", `settings: {\n    model: 'seed',\n    ${severity} /* c\n    d */\n  },`],
    ];
    for (const [settings, expected] of cases) {
      const text = explodingModel(`\n  ${settings}`);
      assert.equal(disabled(text), text.replace(settings, expected));
      // Lone \r line breaks get the same layout.
      const cr = text.replaceAll('\n', '\r');
      assert.equal(disabled(cr), cr.replace(settings.replaceAll('\n', '\r'), expected.replaceAll('\n', '\r')));
    }
  });

  test('replaces an existing entry', () => {
    const text = explodingModel("\n  settings: { severity: { 'block-exploding': 'warning' } },");
    assert.equal(disabled(text), text.replace("'block-exploding': 'warning'", "'block-exploding': 'off'"));
  });

  test('follows double quotes', () => {
    const text = explodingModel('', '"');
    assert.equal(disabled(text), text.replace("[{ block: 'hot' }],", '[{ block: \'hot\' }],\n  settings: { severity: { "block-exploding": "off" } },'));
  });

  test('marks a string outside the model as const', () => {
    const text = explodingModel('\n  settings,').replace('export default', "const settings = { tolerance: 0.2 };\n\nexport default");
    assert.equal(disabled(text), text.replace('tolerance: 0.2 }', "tolerance: 0.2, severity: { 'block-exploding': 'off' as const } }"));
  });

  test('replaces an entry with a computed key', () => {
    const text = explodingModel("\n  settings: { severity: { [CODE]: 'warning' } },").replace('export default', "const CODE = 'block-exploding';\n\nexport default");
    assert.equal(disabled(text), text.replace("[CODE]: 'warning'", "[CODE]: 'off'"));
  });

  test('overrides an entry from a spread', () => {
    const text = explodingModel("\n  settings: { severity: { ...base } },").replace('export default', "const base = { 'block-exploding': 'warning' as const };\n\nexport default");
    assert.equal(disabled(text), text.replace('{ ...base }', "{ ...base, 'block-exploding': 'off' }"));
  });

  test('follows the strings of a file without imports', () => {
    const text = explodingModel('').replace("import { defineModel } from 'reslint';\n\nexport default defineModel(", 'export default (').replace("layers: [{ block: 'hot' }],", 'layers: [{ block: "hot" }],').replaceAll("'", '"');
    assert.ok(!text.includes("'"), text);
    assert.ok(!text.includes('import'), text);
    assert.equal(disabled(text), text.replace('[{ block: "hot" }],', '[{ block: "hot" }],\n  settings: { severity: { "block-exploding": "off" } },'));
    const single = text.replaceAll('"', "'");
    assert.equal(disabled(single), single.replace("[{ block: 'hot' }],", "[{ block: 'hot' }],\n  settings: { severity: { 'block-exploding': 'off' } },"));
  });

  test('reads the quote after a byte order mark', () => {
    const text = `\uFEFF${explodingModel('')}`;
    assert.equal(disabled(text), text.replace("[{ block: 'hot' }],", "[{ block: 'hot' }],\n  settings: { severity: { 'block-exploding': 'off' } },"));
  });

  test('leaves unevaluated settings alone', () => {
    const text = explodingModel('\n  settings: loadSettings(),');
    const analysis = analyse(text);
    assert.ok(analysis.findings.some((finding) => finding.code === 'block-exploding'));
    assert.equal(disableEdits(analysis, 'block-exploding', FORMATTING), undefined);
  });

  test('leaves objects shared with unreached code alone', () => {
    const withConstant = (rest: string) => explodingModel('\n  settings,').replace('export default', `const settings = { tolerance: 0.2 };\n${rest}\nexport default`);
    const withHelper = (rest: string) =>
      explodingModel('\n  settings: makeSettings(),').replace('export default', `function makeSettings() {\n  return { tolerance: 0.2 };\n}\n${rest}\nexport default`);
    // Another export, a re-export and an unused call see the same object, so editing it would change them.
    const shared = [
      withConstant("export const other = defineModel({ reslint: 1, settings, layers: [['relu']] });"),
      withConstant('export { settings };'),
      withHelper('const unused = makeSettings();'),
      // A binding in an inner scope that the unreached reference is not in does not hide it.
      withConstant('function build() {\n  if (1) { const settings = {}; }\n  return settings;\n}'),
      withConstant('function build(other: object) {\n  const inner = (settings: object) => settings;\n  return [inner, settings];\n}'),
    ];
    for (const text of shared) {
      const analysis = analyse(text);
      assert.ok(analysis.findings.some((finding) => finding.code === 'block-exploding'), text);
      assert.equal(disableEdits(analysis, 'block-exploding', FORMATTING), undefined, text);
    }
    // A type, a property of the same name and the model's own uses do not share the object.
    // Nor do unreached parameters, declarations and loop or catch variables that bind the name again.
    const own = [
      withConstant('type Settings = typeof settings;\nconst other = { settings: 1 };'),
      withHelper(''),
      withConstant('function build(settings: object) {\n  return { settings };\n}'),
      withConstant('const pick = ({ settings }: { settings: object }) => settings;'),
      withConstant('function build() {\n  const settings = {};\n  return settings;\n}'),
      withConstant('function build(list: object[]) {\n  for (const settings of list) use(settings);\n  try { use(1); } catch (settings) { use(settings); }\n}'),
      withHelper('function other(makeSettings: () => object) {\n  return makeSettings();\n}'),
    ];
    for (const text of own) assert.match(disabled(text), /tolerance: 0\.2, severity: \{ 'block-exploding': 'off' as const \}/);
  });

  test('leaves settings from a spread alone', () => {
    const text = explodingModel('').replace('reslint: 1,', 'reslint: 1,\n  ...defaults(),');
    const analysis = analyse(text);
    assert.ok(analysis.findings.some((finding) => finding.code === 'block-exploding'));
    assert.equal(disableEdits(analysis, 'block-exploding', FORMATTING), undefined);
  });
});
describe('limits', () => {
  test('unbounded recursion stops at call depth', () => {
    const fixture = read(model(`const f = (n: number): number => f(n + 1);\nexport default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: ⟦call⟧f(0)⟦/call⟧ }] });`));
    assert.ok(fixture.doc.problems.some((problem) => problem.message.includes(`nested more than ${MAX_CALL_DEPTH} deep`)));
    assert.deepEqual(fixture.value, { reslint: 1, layers: [{ block: 'b' }] });
  });

  test('exponential recursion stops at the step budget', () => {
    const fixture = read(
      model(`const f = (n: number): number => (n <= 0 ? 1 : f(n - 1) + f(n - 1));\nexport default defineModel({ reslint: 1, layers: [{ block: 'b', repeat: ⟦call⟧f(60)⟦/call⟧ }] });`),
    );
    assert.equal(fixture.value, undefined);
    const stopped = fixture.doc.problems.find((problem) => problem.message.startsWith('Evaluation stopped'));
    assert.ok(stopped, JSON.stringify(fixture.doc.problems));
    assert.match(stopped.message, new RegExp(`more than ${MAX_STEPS.toLocaleString('en-US')} steps`));
    assert.equal(stopped.severity, 'error');
  });

  test('list length limit', () => {
    const fixture = read(
      model(`export default defineModel({ reslint: 1, layers: ⟦from⟧Array.from({ length: ${MAX_ARRAY_LENGTH + 1} }, () => ['relu'])⟦/from⟧ });`),
    );
    assert.match(assertSkipped(fixture, 'from'), /more than the maximum of 100,000 elements/);
    const atLimit = readTypeScriptSource(model(`export default defineModel({ reslint: 1, layers: Array.from({ length: ${MAX_ARRAY_LENGTH} }, () => ['relu']) });`));
    assert.equal((plain(atLimit.value) as { layers: unknown[] }).layers.length, MAX_ARRAY_LENGTH);
  });

  test('string doubling stops', () => {
    const fixture = read(model(`const s = (n: number): string => (n === 0 ? 'ab' : s(n - 1) + s(n - 1));\nexport default defineModel({ reslint: 1, name: s(40), layers: [] });`));
    assert.ok(fixture.doc.problems.length > 0);
    assert.equal((fixture.value as { name?: string } | undefined)?.name, undefined);
  });
});

describe('string length limit', () => {
  /** Reads a model whose "x" is `expression`, evaluated after the declarations. */
  const readX = (declarations: string, expression: string): Marked =>
    read(model(`${declarations}\nexport default { reslint: 1, layers: [], x: ⟦x⟧${expression}⟦/x⟧ };`));

  test('results within the limit', () => {
    const cases: [string, number][] = [
      ["'x'.repeat(600000).replaceAll('x', 'y').length", 600000],
      ["'a'.repeat(999999).replace('a', 'bb').length", 1000000],
      ["'a'.repeat(999999).replaceAll('a', '$$').length", 999999],
      ["['x'.repeat(999999)].join('ab').length", 999999],
      ["'x'.padStart(2000000, '').length", 1],
      ["'ab'.repeat(500000.5).length", 1000000],
    ];
    for (const [expression, length] of cases) {
      const fixture = readX('', expression);
      assert.deepEqual(fixture.doc.problems.map((problem) => problem.message), [], expression);
      assert.equal((fixture.value as { x: unknown }).x, length, expression);
    }
  });

  test('results over the limit', () => {
    const cases: [string, number][] = [
      ["'x'.repeat(600000).replaceAll('x', 'yy')", 1200000],
      // "$`" inserts the text before each match, so the result grows with the square of the length.
      ["'x'.repeat(100000).replaceAll('x', '$`')", 4999950000],
      ["'x'.repeat(500001).replace('x', \"$'$'\")", 1500000],
      ["['x'.repeat(500000), 'y'.repeat(500000)].join('-')", 1000001],
    ];
    for (const [expression, length] of cases) {
      const fixture = readX('', expression);
      assert.equal(
        assertSkipped(fixture, 'x'),
        `Cannot evaluate call to "${expression.slice(0, expression.lastIndexOf('('))}()" statically: the string would have ${length} characters, more than the maximum of 1,000,000. The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.`,
      );
    }
  });

  test('replace length matches JavaScript', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '$', '&', '`', "'", '1', '<'), maxLength: 12 });
    fc.assert(
      fc.property(text, text, text, fc.boolean(), (value, search, replacement, all) => {
        const name = all ? 'replaceAll' : 'replace';
        assert.equal(resultLength(value, name, [search, replacement]), value[name](search, replacement).length, JSON.stringify([value, search, replacement, name]));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('step budget', () => {
  const STOPPED = `Evaluation stopped: evaluation took more than ${MAX_STEPS.toLocaleString('en-US')} steps; look for unbounded recursion or very large lists; the model is not analysed.`;

  /** Asserts that evaluation stopped on the step budget at the marked expression and nothing was read. */
  function assertStopped(source: string): void {
    const fixture = read(model(source));
    assert.equal(fixture.value, undefined);
    assert.deepEqual(
      fixture.doc.problems.map((problem) => [problem.code, problem.message, fixture.text.slice(problem.span.start, problem.span.end)]),
      [['not-evaluated', STOPPED, marker(fixture, 'stop')]],
    );
  }

  /** A model whose repeat count comes from `expression`, which the declarations before it may use. */
  const withRepeat = (declarations: string, expression: string): string =>
    `${declarations}\nconst r = ${expression};\nexport default defineModel({ reslint: 1, blocks: { b: { paths: { s: [], r: ['relu'] } } }, layers: [{ block: 'b', repeat: r }] });`;

  test('list indexOf and includes', () => {
    for (const method of ['indexOf', 'includes']) {
      assertStopped(
        withRepeat('const base = Array.from({ length: 99000 }, () => 1);', `Array.from({ length: 25000 }, () => ⟦stop⟧base.${method}(7)⟦/stop⟧).length`),
      );
    }
  });

  test('list search results are unchanged', () => {
    const fixture = read(
      model(`export default { reslint: 1, layers: [], x: [[1, 'a', NaN].indexOf('a'), [1, 'a', NaN].indexOf(NaN), [1, 'a', NaN].includes(NaN), [, 1].includes(undefined), [1, 2].indexOf(3)] };`),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, [1, -1, true, true, -1]);
  });

  test('find and findIndex visit holes', () => {
    const fixture = read(
      model(
        "export default { reslint: 1, layers: [], x: [typeof [, 'relu'].find(() => true), [, 'relu'].findIndex(() => true), [, 'relu'].findIndex((x) => x === undefined), [, 'relu'].some((x) => x === undefined), [, 1].every((x) => x === 1)] };",
      ),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, ['undefined', 0, 0, false, true]);
  });

  test('list search comparing long strings', () => {
    assertStopped(
      withRepeat(
        "const s = 'a'.repeat(1000000);\nconst t = s.slice(1) + 'b';\nconst list = Array.from({ length: 99000 }, () => s);",
        '⟦stop⟧list.includes(t)⟦/stop⟧ ? 1 : 2',
      ),
    );
  });

  test('=== on long strings', () => {
    assertStopped(
      withRepeat("const s = 'a'.repeat(1000000);\nconst t = s.slice(1) + 'b';", 'Array.from({ length: 99000 }, () => ⟦stop⟧s === t⟦/stop⟧).length'),
    );
  });

  test('callbacks walking holes', () => {
    for (const method of ['some', 'every', 'find', 'findIndex', 'filter', 'flatMap', 'reduce']) {
      const initial = method === 'reduce' ? ', 0' : '';
      assertStopped(
        withRepeat('const holes = Array(99000);', `Array.from({ length: 25000 }, () => ⟦stop⟧holes.${method}(() => false${initial})⟦/stop⟧).length`),
      );
    }
  });

  test('join of empty strings', () => {
    assertStopped(
      withRepeat("const empty = Array.from({ length: 99000 }, () => '');", "Array.from({ length: 25000 }, () => ⟦stop⟧empty.join('')⟦/stop⟧).length"),
    );
  });

  test('string methods reading long strings', () => {
    const calls: [string, string][] = [
      ['indexOf', "s.indexOf('b')"],
      ['lastIndexOf', "s.lastIndexOf('b')"],
      ['includes', "s.includes('b')"],
      ['startsWith', 's.startsWith(s)'],
      ['endsWith', 's.endsWith(s)'],
      ['split', "s.split('b')"],
      ['trim', 'blank.trim()'],
      ['toUpperCase', 'upper.toUpperCase()'],
    ];
    for (const [method, call] of calls) {
      const source = withRepeat(
        "const s = 'a'.repeat(1000000);\nconst blank = ' '.repeat(1000000);\nconst upper = 'A'.repeat(1000000);",
        `Array.from({ length: 99000 }, () => ⟦stop⟧${call}⟦/stop⟧).length`,
      );
      assert.doesNotThrow(() => assertStopped(source), method);
    }
  });

  test('number conversions of long strings', () => {
    for (const call of ['Number(s)', 'parseFloat(s)', 'parseInt(s)', 'isNaN(s)', 'Math.abs(s)', '-s', 's * 1']) {
      const source = withRepeat("const s = '1'.repeat(1000000);", `Array.from({ length: 99000 }, () => ⟦stop⟧${call}⟦/stop⟧).length`);
      assert.doesNotThrow(() => assertStopped(source), call);
    }
  });

  test('rest patterns copying large values', () => {
    const helpers = [
      'const list = Array.from({ length: 99000 }, () => 1);\nconst f = () => { ⟦stop⟧const { ...rest } = list;⟦/stop⟧ return 1; };',
      "const object = Object.fromEntries(Array.from({ length: 99000 }, (_, i) => ['k' + i, i]));\nconst f = () => { ⟦stop⟧const { k0, ...rest } = object;⟦/stop⟧ return 1; };",
    ];
    for (const helper of helpers) {
      assertStopped(withRepeat(helper, 'Array.from({ length: 25000 }, () => f()).length'));
    }
  });

  test('conversions and rest patterns unchanged', () => {
    const fixture = read(
      model("const { a, ...rest } = { a: 1, b: 2 };\nexport default { reslint: 1, layers: [], x: [Number('12'), parseInt('42px'), -'3', Math.max('2', 5), rest.b, isNaN('x')] };"),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, [12, 42, -3, 5, 2, true]);
  });

  test('lists grown part by part', () => {
    // Each of these once charged every element again for each later part: 3,000 parts took
    // 4.5 million steps.
    const fixture = read(
      model(
        'const xs = Array.from({ length: 3000 }, (_, i) => i);\nexport default { reslint: 1, layers: [], x: [xs.flatMap((x) => [x]).length, xs.map((x) => [x]).flat().length, [].concat(...xs.map((x) => [x])).length] };',
      ),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, [3000, 3000, 3000]);
  });

  test('lastIndexOf with a long search string', () => {
    // V8's own lastIndexOf tries the search string at every position, which takes minutes here.
    const fixture = read(
      model(
        "const s = 'a'.repeat(300000);\nconst p = 'a'.repeat(150000) + 'b';\nexport default { reslint: 1, layers: [], x: [s.lastIndexOf(p), (s + 'b').lastIndexOf(p), (p + s).lastIndexOf(p, 10), s.lastIndexOf(s), s.lastIndexOf(s + 'a')] };",
      ),
    );
    assertNoProblems(fixture.doc);
    assert.deepEqual((fixture.value as { x: unknown }).x, [-1, 150000, 0, 0, -1]);
  });

  test('lastIndexOf matches JavaScript', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 120 });
    fc.assert(
      fc.property(text, text, fc.option(fc.oneof(fc.integer({ min: -5, max: 130 }), fc.constant(NaN), fc.constant(Infinity))), (value, search, position) => {
        const args = position === null ? [search] : [search, position];
        assert.equal(lastIndexOf(value, args), value.lastIndexOf(search, position ?? undefined), JSON.stringify([value, search, position]));
      }),
    );
    // Search strings longer than 32 characters take the reversed path.
    const long = 'ab'.repeat(40);
    for (const position of [undefined, 0, 1, 79, 80, 81, 200, NaN, -1]) {
      const value = long + long + 'a';
      assert.equal(lastIndexOf(value, [long, position]), value.lastIndexOf(long, position), `position ${position}`);
    }
  });
});

test('model code never runs', () => {
  const folder = mkdtempSync(join(tmpdir(), 'reslint-security-'));
  const marker = join(folder, `reslint-pwned-${process.pid}-${Date.now()}`);
  try {
    const text = readFileSync(join(FIXTURES, 'hostile.arch.ts'), 'utf8').replaceAll('__MARKER_PATH__', marker.replaceAll('\\', '/'));
    const doc = readTypeScriptSource(text, { fileName: join(folder, 'hostile.arch.ts'), readFile: () => undefined });
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    assert.equal(existsSync(marker), false, 'a statement of the model file ran');
    assert.deepEqual(plain(doc.value), {
      reslint: 1,
      name: 'hostile',
      blocks: { res: { paths: { shortcut: [], residual: ['linear', 'relu'] } } },
      layers: [{ block: 'res', repeat: 3 }, { block: 'res' }, { block: 'res' }],
    });
    assert.ok(doc.problems.some((problem) => /require loads and runs modules/.test(problem.message)));
    assert.ok(doc.problems.some((problem) => /eval runs code/.test(problem.message)));
    assert.ok(analysis.network.layers.length > 0, 'the model is still analysed');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('TypeScript and JSON models agree', () => {
  const readTypeScript = (source: string) => readTypeScriptSource(source);
  const fromTypeScript = analyzeText(readFileSync(join(FIXTURES, 'transformer.arch.ts'), 'utf8'), 'typescript', { readTypeScript });
  const fromJson = analyzeText(readFileSync(join(FIXTURES, 'transformer.arch.json'), 'utf8'), 'json');
  assert.deepEqual(fromTypeScript.doc.value, fromJson.doc.value);
  assert.equal(fromTypeScript.network.log10W, fromJson.network.log10W);
  assert.deepEqual(
    fromTypeScript.findings.map((finding) => finding.code),
    fromJson.findings.map((finding) => finding.code),
  );
  assert.ok(fromJson.findings.length > 0, 'the comparison covers some findings');
});

describe('written-out literals', () => {
  /** A literal tree: a leaf, an object as key-value pairs (keys may repeat) or a list. */
  type Tree = { leaf: number | string | boolean | null } | { pairs: [string, boolean, Tree][] } | { items: Tree[] };

  const KEYS = ['a', 'b', 'ops', 'scale', '0', '1', '10', '01', '__proto__', 'constructor', 'a b', "it's", 'é'];
  const tree = fc.letrec<{ tree: Tree }>((self) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(
        fc.integer({ min: -1000, max: 1000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ unit: fc.constantFrom('a', ' ', '"', "'", '\\', 'é', '0', '\u2028') }),
        fc.boolean(),
        fc.constant(null),
      ).map((leaf) => ({ leaf })),
      fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.boolean(), self('tree')), { maxLength: 5 }).map((pairs) => ({ pairs })),
      fc.array(self('tree'), { maxLength: 4 }).map((items) => ({ items })),
    ),
  })).tree;

  /**
   * Writes a tree as TypeScript. With `evaluated`, every object and list ends in an empty spread,
   * so the evaluator reads it node by node instead of as a written-out literal.
   */
  function render(node: Tree, evaluated: boolean): string {
    if ('leaf' in node) {
      const leaf = node.leaf;
      if (typeof leaf === 'number') return Object.is(leaf, -0) || leaf < 0 ? `-${String(-leaf)}` : String(leaf);
      return JSON.stringify(leaf);
    }
    if ('pairs' in node) {
      const members = node.pairs.map(([key, quoted, value]) => `${quoted || !/^[A-Za-z_$][\w$]*$/.test(key) ? JSON.stringify(key) : key}: ${render(value, evaluated)}`);
      if (evaluated) members.push('...{}');
      return `{ ${members.join(', ')} }`;
    }
    const items = node.items.map((item) => render(item, evaluated));
    if (evaluated) items.push('...[]');
    return `[${items.join(', ')}]`;
  }

  /** Lists the paths of a plain value, the root included. */
  function pathsOf(value: unknown, path: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
    into.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], into));
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], into);
    return into;
  }

  /** The text at a range, without the empty spreads that render added. */
  const textAt = (text: string, span: Span | undefined): string | undefined =>
    span && text.slice(span.start, span.end).replaceAll(', ...{}', '').replaceAll('...{}', '').replaceAll(', ...[]', '').replaceAll('...[]', '');

  /** Reads a model whose property `x` is the literal, written out and with empty spreads. */
  function bothWays(literal: string): { text: string; doc: SourceDocument }[] {
    return [literal, literal.replaceAll('}', ', ...{} }').replaceAll(']', ', ...[]]')].map((written) => {
      const text = `export default { reslint: 1, layers: [], x: ${written} };`;
      return { text, doc: readTypeScriptSource(text) };
    });
  }

  test('step budget stops at the same list', () => {
    // A minus sign is a step of its own: 2 steps per element, so the ninth list ends the budget.
    const list = `[${Array(60_000).fill('-1').join(', ')}]`;
    const lists = Array(10).fill(list);
    const [writtenOut, evaluated] = bothWays(`[${lists.join(', ')}]`);
    for (const { text, doc } of [writtenOut, evaluated]) {
      assert.equal(doc.value, undefined);
      const stopped = doc.problems.find((problem) => problem.message.startsWith('Evaluation stopped'));
      assert.ok(stopped, JSON.stringify(doc.problems));
      const listStarts = [...text.matchAll(/\[-1/g)].map((match) => match.index);
      assert.equal(listStarts.indexOf(stopped.span.start), 8, `stopped at ${text.slice(stopped.span.start, stopped.span.start + 20)}`);
    }
  });

  test('nesting limit skips the same level', () => {
    const nested = `${'{ a: '.repeat(60)}1${' }'.repeat(60)}`;
    const results = bothWays(`${'('.repeat(450)}${nested}${')'.repeat(450)}`).map(({ doc }) => {
      let depth = 0;
      for (let part = (doc.value as { x?: unknown }).x; part && typeof part === 'object'; part = (part as { a?: unknown }).a) depth++;
      return { depth, problems: doc.problems.map((problem) => problem.message) };
    });
    assert.equal(results[0].depth, results[1].depth);
    assert.ok(results[0].depth < 60, `depth ${results[0].depth}`);
    assert.equal(results[0].problems.length, 1);
    assert.match(results[0].problems[0], /nested more than 500 levels deep/);
  });

  test('literals match node-by-node evaluation', () => {
    fc.assert(
      fc.property(tree, (written) => {
        const texts = [false, true].map((evaluated) => {
          const literal = render(written, evaluated);
          return `const helper = () => (${literal});\nconst shared = ${literal};\nexport default [${literal}, helper(), helper(), shared, shared];`;
        });
        const [fast, slow] = texts.map((text) => readTypeScriptSource(text));
        assert.deepStrictEqual(fast.value, slow.value);
        assert.equal(JSON.stringify(fast.value), JSON.stringify(slow.value), 'same key order');
        const problems = (doc: SourceDocument, text: string) => doc.problems.map((problem) => [problem.code, problem.message, textAt(text, problem.span)]);
        assert.deepEqual(problems(fast, texts[0]), problems(slow, texts[1]));
        // A value used twice is converted twice, so no object is shared between two places.
        const objects = new Set<unknown>();
        for (const path of pathsOf(fast.value)) {
          const part = path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], fast.value);
          if (part && typeof part === 'object') {
            assert.ok(!objects.has(part), `${JSON.stringify(path)} is shared`);
            objects.add(part);
          }
        }
        // Quick fixes on a document whose literals are still unexpanded, against one where every
        // part was located, and so expanded, before the first fix.
        const fresh = readTypeScriptSource(texts[0]);
        const editsOf = (doc: SourceDocument) =>
          pathsOf(doc.value).map((path) => [doc.editor.setNumber(path, 'scale', 0.5), doc.editor.wrapList(path, 'ops', 'scale', 0.5)]);
        const freshEdits = editsOf(fresh);
        for (const path of pathsOf(fast.value)) fast.locate(path);
        assert.deepEqual(freshEdits, editsOf(fast));
        for (const path of pathsOf(fast.value)) {
          for (const part of ['value', 'key'] as const) {
            assert.equal(textAt(texts[0], fast.locate(path, part)), textAt(texts[1], slow.locate(path, part)), `${JSON.stringify(path)} ${part}`);
          }
        }
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });
});

test('a missing value is not named as an empty name', () => {
  const doc = readTypeScriptSource("import { g } from './base';\nexport default { reslint: 1, layers: [[{ gain: g }]] };\n", {
    fileName: '/virtual/missing.arch.ts',
    readFile: (path) => (path.endsWith('base.ts') ? 'export const g = ;\n' : undefined),
  });
  const messages = doc.problems.filter((problem) => problem.code === 'not-evaluated').map((problem) => problem.message);
  assert.ok(messages.length > 0);
  for (const message of messages) assert.doesNotMatch(message, /""/, message);
  assert.ok(messages.some((message) => message.includes('a value is missing there; see the syntax error')), JSON.stringify(messages));
});
