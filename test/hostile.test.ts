// Hostile files: each gets a clear finding with its code, never an exception. How long
// each takes is measured in bench/, not here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeText, MAX_TEXT_LENGTH, type Analysis, type SourceKind } from '../server/src/core/analysis';
import { readTypeScriptSource } from '../server/src/core/tsSource';

function analyze(text: string, kind: SourceKind = 'json'): Analysis {
  return analyzeText(text, kind, { readTypeScript: (source) => readTypeScriptSource(source, { fileName: '/hostile/model.arch.ts' }) });
}

function codes(analysis: Analysis): string[] {
  return [...new Set(analysis.findings.map((finding) => finding.code))].sort();
}

function assertSane(text: string, analysis: Analysis): void {
  for (const finding of analysis.findings) {
    assert.ok(finding.span.start >= 0, `${finding.code} range starts inside the text`);
    assert.ok(finding.span.end <= text.length, `${finding.code} range ends inside the text`);
    // A syntax error may name the token it rejects ("NaN, Infinity and unquoted words are not JSON").
    if (finding.code !== 'syntax-error') assert.doesNotMatch(finding.message, /\bNaN\b|\bundefined\b/, finding.message);
  }
}

const model = (layers: unknown, blocks: unknown = {}): string => JSON.stringify({ reslint: 1, blocks, layers });

describe('hostile JSON files', () => {
  const cases: [string, () => string, string[]][] = [
    ['nesting depth 100,000', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`, ['syntax-error']],
    ['repeat 1e308', () => '{"reslint": 1, "layers": [{"ops": ["relu"], "repeat": 1e308}]}', ['invalid-number']],
    // The op objects around NaN and Infinity lose "gain", and that follows from the syntax errors.
    ['NaN and Infinity', () => '{"reslint": 1, "layers": [[{"gain": NaN}], [{"gain": Infinity}]]}', ['syntax-error']],
    ['number beyond a double', () => '{"reslint": 1, "layers": [[{"gain": 1e400}]]}', ['invalid-number']],
    ['negative repeat', () => model([{ ops: ['relu'], repeat: -3 }]), ['invalid-number']],
    ['self reference', () => model([{ block: 'a' }], { a: { paths: { p: [{ block: 'a' }] } } }), ['cycle', 'layer-skipped']],
    ['unknown ops', () => model([['relu', 'swishh', 'batchnrom']]), ['unknown-op']],
    ['duplicate keys', () => '{"reslint": 1, "layers": [["relu"]], "layers": [["tanh"]]}', ['block-vanishing', 'duplicate-key']],
    ['empty file', () => '', ['schema']],
    ['only a comment', () => '// nothing here\n', ['schema']],
    ['binary bytes', () => '\u0000\u009f\u0092\u0096\u00ff\u0000\u0001', ['syntax-error']],
    ['a JSON string', () => '"relu"', ['schema']],
  ];
  for (const [name, make, expected] of cases) {
    test(`${name} gives ${expected.join(', ') || 'no finding'}`, () => {
      const text = make();
      const analysis = analyze(text);
      assert.deepEqual(codes(analysis), expected);
      assertSane(text, analysis);
    });
  }

  test('gains of 1e308 stay finite', () => {
    const analysis = analyze(model([{ ops: [{ gain: 1e308 }, { gain: 1e308 }], repeat: 1e15 }]));
    assert.ok(Number.isFinite(analysis.network.log10W));
    assert.ok(codes(analysis).includes('network-exploding'));
  });

  test('negative gains count by magnitude', () => {
    const analysis = analyze(model([[{ gain: -0.5 }, { scale: -2 }]]));
    assert.equal(analysis.network.log10W, 0);
  });

  test('a 50 MB file gets file-too-large', () => {
    const text = `{"reslint": 1, "layers": [${'["relu"],'.repeat(50_000_000 / 9)}["relu"]]}`;
    assert.ok(text.length > MAX_TEXT_LENGTH);
    const analysis = analyze(text);
    assert.deepEqual(codes(analysis), ['file-too-large']);
    assert.match(analysis.findings[0].message, /^The file has 50,000,031 characters; ResLint analyses files up to 16,777,216 characters \(16 Mi\)\./);
  });

  test('a 10,000-node DAG block is analysed', () => {
    const graph = [];
    for (let i = 0; i < 10_000; i++) {
      const from = i === 0 ? 'in' : `n${i}`;
      const to = i === 9_999 ? 'out' : `n${i + 1}`;
      graph.push({ from, to, ops: ['relu'] }, { from, to });
    }
    const analysis = analyze(model([{ block: 'dag' }], { dag: { graph } }));
    // Every one of the 10,000 stages sums an identity and a ReLU edge: 1.5 each.
    assert.ok(Math.abs(analysis.network.log10W - 10_000 * Math.log10(1.5)) < 1e-6);
    assert.equal(analysis.network.layers[0].byModel.seed.pathsTruncated, true);
  });

  test('a nested reference cycle of length 1,000', () => {
    const blocks: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) blocks[`b${i}`] = { paths: { p: [{ block: `b${(i + 1) % 1000}` }] } };
    const analysis = analyze(model([{ block: 'b0' }], blocks));
    assert.deepEqual(codes(analysis), ['cycle', 'layer-skipped']);
    assert.deepEqual(analysis.network.skippedLayers, [0]);
  });

  test('a graph cycle of length 1,000', () => {
    const graph: unknown[] = [{ from: 'in', to: 'n0' }, { from: 'n0', to: 'out' }];
    for (let i = 0; i < 1000; i++) graph.push({ from: `n${i}`, to: `n${(i + 1) % 1000}` });
    const analysis = analyze(model([{ block: 'c' }], { c: { graph } }));
    assert.deepEqual(codes(analysis), ['cycle', 'layer-skipped']);
    assert.match(analysis.findings[0].message, /\(1000 nodes\)/);
  });

  test('a nested chain of 5,000 blocks is analysed', () => {
    const blocks: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) blocks[`b${i}`] = { paths: { p: i < 4999 ? [{ block: `b${i + 1}` }] : ['relu'] } };
    const analysis = analyze(model([{ block: 'b0' }], blocks));
    assert.ok(Math.abs(analysis.network.log10W - Math.log10(0.5)) < 1e-12);
  });

  test('a byte-order mark and CRLF keep positions right', () => {
    const text = '\uFEFF{\r\n  "reslint": 1,\r\n  "layers": [["rleu"]]\r\n}\r\n';
    const analysis = analyze(text);
    const finding = analysis.findings.find((f) => f.code === 'unknown-op');
    assert.ok(finding);
    assert.equal(text.slice(finding.span.start, finding.span.end), '"rleu"');
    // Clients other than VS Code may send the mark; it reads as a space, as the CLI drops it.
    assert.deepEqual(codes(analysis), ['unknown-op']);
  });

  test('unicode and bidi characters in names', () => {
    const name = 'blöck\u202Eevil\u200F名';
    const analysis = analyze(model([{ block: name }], { [name]: { paths: { s: [], r: ['relu'] }, afterSum: ['relu'] } }));
    assert.deepEqual(codes(analysis), ['block-vanishing']);
    assert.ok(analysis.findings[0].message.includes(name));
  });
});

describe('hostile TypeScript files', () => {
  test('deep nesting is a syntax error, not a crash', () => {
    const text = `export default defineModel(${'['.repeat(20_000)}${']'.repeat(20_000)});`;
    const analysis = analyze(text, 'typescript');
    assert.ok(codes(analysis).includes('syntax-error') || codes(analysis).includes('not-evaluated'), codes(analysis).join(', '));
    assertSane(text, analysis);
  });

  test('a block from an unevaluated call is information, not an error', () => {
    const text = [
      "import { makeBlock } from 'some-npm-lib';",
      "export default defineModel({ reslint: 1, blocks: { res: { paths: { s: [], r: ['relu'] } }, ext: makeBlock(3) },",
      "  layers: [{ block: 'res', repeat: 2 }, { block: 'ext', repeat: 2 }] });",
      '',
    ].join('\n');
    const analysis = analyze(text, 'typescript');
    const skipped = analysis.findings.find((finding) => finding.code === 'layer-skipped');
    assert.equal(skipped?.severity, 'information');
    assert.equal(skipped?.message, 'W leaves this layer out, because block "ext" could not be evaluated statically (see the finding at its definition).');
    assert.deepEqual(analysis.network.skippedLayers, [1]);
    assert.equal(analysis.findings.some((finding) => finding.severity === 'error'), false);
  });

  test('infinite recursion stops at the step budget', () => {
    const text = 'const f = (n: number): number => f(n + 1);\nexport default defineModel({ reslint: 1, layers: [{ ops: ["relu"], repeat: f(1) }] });\n';
    const analysis = analyze(text, 'typescript');
    assert.ok(codes(analysis).includes('not-evaluated'));
    assertSane(text, analysis);
  });
});
