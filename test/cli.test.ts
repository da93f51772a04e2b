// The built CLI (dist/cli.js) run as a user runs it: JSON contract, text and SARIF output and
// exit codes on every bundled example and on broken files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertClose } from './helpers';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function reslint(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonReport {
  files: {
    path: string;
    model: string;
    W: number | null;
    log10W: number | null;
    blocks: { name: string; layer: number; repeat: number; Wl: number | null; log10Wl: number | null; paths: { name: string; w: number | null }[]; maxStableDepth: number | null }[];
    findings: { code: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }[];
  }[];
}

/** Expected network log10 W under the seed model and finding codes with their lines. */
const EXAMPLES: Record<string, { log10W: number; findings: string[] }> = {
  'deepnet200.arch.json': { log10W: 260.932799, findings: ['block-exploding@26', 'block-exploding@34', 'block-exploding@47', 'network-exploding@56', 'stage-out-of-band@56'] },
  'figure33.arch.json': { log10W: 4 * Math.log10(0.9), findings: [] },
  'inception-resnet.arch.json': { log10W: -5.537473, findings: ['block-vanishing@28', 'block-vanishing@66', 'block-exploding@95', 'block-vanishing@108', 'block-exploding@130', 'block-vanishing@150', 'network-vanishing@173', 'stage-out-of-band@175'] },
  'preact-resnet1001.arch.json': { log10W: 15.966942, findings: ['block-exploding@23', 'block-vanishing@34', 'network-exploding@52', 'stage-out-of-band@52', 'stage-out-of-band@56', 'stage-out-of-band@60', 'block-vanishing@63'] },
  'resnet50.arch.json': { log10W: Math.log10(0.5 * Math.pow(0.625, 16)), findings: ['block-vanishing@21', 'block-vanishing@29', 'block-vanishing@40', 'network-vanishing@52'] },
  'rezero-transformer.arch.json': { log10W: 0, findings: [] },
  'sigmoid-plain60.arch.json': { log10W: 60 * Math.log10(0.2066), findings: ['block-vanishing@20', 'network-vanishing@20', 'stage-out-of-band@20'] },
  'transformer-postln.arch.json': { log10W: 12 * Math.log10(3), findings: ['block-exploding@22', 'block-exploding@30', 'block-exploding@38', 'network-exploding@47', 'stage-out-of-band@47'] },
  'transformer-preln.arch.json': { log10W: 12 * Math.log10(3), findings: ['block-exploding@17', 'block-exploding@24', 'block-exploding@31', 'network-exploding@40', 'stage-out-of-band@40'] },
};

describe('examples', () => {
  test('every bundled example has an expectation', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.arch.json')).sort();
    assert.deepEqual(files, Object.keys(EXAMPLES).sort());
  });

  for (const [name, expected] of Object.entries(EXAMPLES)) {
    test(`${name} JSON report`, () => {
      const { status, stdout } = reslint(['check', '--format', 'json', `examples/${name}`]);
      assert.equal(status, 0, 'no example has an error-level finding');
      const report = JSON.parse(stdout) as JsonReport;
      assert.equal(report.files.length, 1);
      const file = report.files[0];
      assert.equal(file.path, `examples/${name}`);
      assert.equal(file.model, 'seed');
      assert.ok(file.log10W !== null);
      if (expected.log10W === 0) assert.ok(Math.abs(file.log10W) < 1e-12);
      else assertClose(file.log10W, expected.log10W, 1e-6, 'log10 W');
      assert.equal(typeof file.W, 'number');
      assert.deepEqual(file.findings.map((f) => `${f.code}@${f.line}`), expected.findings);
      for (const finding of file.findings) {
        assert.ok(finding.line >= 1, `line ${finding.line}`);
        assert.ok(finding.column >= 1, `column ${finding.column}`);
        assert.ok(finding.endLine >= finding.line, `endLine ${finding.endLine}`);
        assert.ok(['error', 'warning', 'information', 'hint'].includes(finding.severity));
      }
      for (const block of file.blocks) {
        assert.equal(typeof block.name, 'string');
        assert.ok(Number.isInteger(block.layer), `layer ${block.layer}`);
        assert.ok(block.repeat >= 1, `repeat ${block.repeat}`);
        assert.ok(block.paths.length >= 1);
        assert.ok(block.maxStableDepth === null || Number.isInteger(block.maxStableDepth));
      }
    });
  }

  test('explain prints tables, stability, spectrum and scales', () => {
    const { status, stdout } = reslint(['explain', 'examples/resnet50.arch.json']);
    assert.equal(status, 0);
    assert.match(stdout, /bottleneck\s+2\s+0\.625\s+0\.391/);
    assert.match(stdout, /network: W = 2\.71e-4/);
    assert.match(stdout, /the running W first falls below the band at layers\[6\], repeat 1 of 5 \(W = 0\.\d+\)\n/);
    assert.match(stdout, /bottleneck x5: 0\.625\^5 = 0\.0954; vanishes past 9 repeats/);
    assert.match(stdout, /path-length spectrum: mean length 8\.40/);
    assert.match(stdout, /\* Set the scale of branch "residual" of "bottleneck" to 4 \(W_l = 1\.00\)/);
    assert.match(stdout.trimEnd().split('\n').pop() ?? '', /^⚠ 4 problems \(0 errors, 1 warning, 3 infos\) in 1 file$/);
  });

  test('explain keeps names with line breaks on one line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reslint-names-')), 'names.arch.json');
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks: { z: { paths: { 'p\nq': [{ gain: 0 }] } } }, layers: [{ block: 'z' }] }));
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /^ {4}w = 0 +length 1 +p\\u000aq {2}\[gain 0\]$/m);
    assert.match(stdout, /^ {4}x branch "p\\nq" of "z": path "p\\nq" carries no gradient/m);
    assert.match(stdout, /blocked-gradient$/m);
    assert.match(stdout, /every path has gain 0 \("p\\nq"\)/);
  });

  test('explain writes long path lengths in scientific notation', () => {
    // 10^12 repeats of a block with two paths of gain 1: mean n/2, standard deviation sqrt(n)/2.
    const file = join(mkdtempSync(join(tmpdir(), 'reslint-spectrum-')), 'long.arch.json');
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks: { b: { paths: { s: [], p: [{ gain: 1 }] } } }, layers: [{ block: 'b', repeat: 1e12 }] }));
    assert.match(reslint(['explain', file]).stdout, /^path-length spectrum: mean length 5\.00e\+11, standard deviation 500000\.00$/m);
  });

  test('explain names parallel edges apart', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-parallel-'));
    const file = join(folder, 'parallel.arch.json');
    const dead = { from: 'in', to: 'A', ops: [{ gain: 0 }] };
    const graph = [dead, dead, { from: 'A', to: 'out', ops: ['relu'] }, { from: 'in', to: 'out', ops: [{ gain: 3 }] }];
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks: { g: { graph } }, layers: [{ block: 'g' }] }));
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /x branch "in -> A \(edge 0\)" of "g": path "in -> A" carries no gradient/);
    assert.match(stdout, /x branch "in -> A \(edge 1\)" of "g": /);
    assert.match(stdout, /x branch "A -> out" of "g": /);
  });

  test('explain prints W apart from band edge', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-edge-'));
    const file = join(folder, 'edge.arch.json');
    const settings = { band: [0.999, 1.001], tolerance: 0.0001 };
    writeFileSync(file, JSON.stringify({ reslint: 1, settings, layers: [[{ gain: 1.00101 }], { ops: [{ gain: 1.0002 }], repeat: 2 }] }));
    const { stdout } = reslint(['explain', file]);
    // With three digits both W would read as the band maximum 1.001.
    assert.match(stdout, /^network: W = 1\.0014 \(log10 W = 0\.0006\)$/m);
    assert.match(stdout, /the running W first rises above the band at layers\[0\] \(W = 1\.00101\)$/m);
    writeFileSync(file, JSON.stringify({ reslint: 1, layers: [[{ gain: 0.99999 }]] }));
    assert.match(reslint(['explain', file]).stdout, /^network: W = 1 - 1\.00e-5 \(log10 W = -4\.3430e-6\)$/m);
    // 0.09999999999999^2 is below the band minimum 0.01 by 2e-15: every W of it is printed apart from 0.01.
    const blocks = { b: { paths: { p: [{ gain: 0.09999999999999 }] } } };
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks, layers: [{ block: 'b', repeat: 2 }] }));
    const below = reslint(['explain', file]).stdout;
    assert.match(below, /^network: W = 0\.009999999999998 \(log10 W = -2\.0000000000001\)$/m);
    assert.match(below, /^ {2}other models: variance W = 0\.009999999999998, bound W = 0\.009999999999998$/m);
    assert.match(below, /^ {2}b x2: 0\.100\^2 = 0\.009999999999998; vanishes past 1 repeat$/m);
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks: { b: { paths: { p: [{ gain: 0.00999999999999 }] } } }, layers: [{ block: 'b' }] }));
    assert.match(reslint(['explain', file]).stdout, /^ {2}b x1: 0\.00999999999999\^1 = 0\.00999999999999; vanishes even at 1 repeat$/m);
  });

  test('explain groups counts and keeps digits a double holds', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-huge-'));
    const file = join(folder, 'huge.arch.json');
    const blocks = { b: { paths: { p: [{ gain: 0.9 }] } } };
    writeFileSync(file, JSON.stringify({ reslint: 1, blocks, layers: [{ block: 'b', repeat: 9007199254740991 }] }));
    const { stdout } = reslint(['explain', file]);
    // log10 W = -4.12e14 is stored to 0.06, so a mantissa of 10^-4.12e14 would be 15% adrift.
    assert.match(stdout, /^network: W = 10\^\(-4\.12e\+14\) \(log10 W = -4\.1215e\+14\)$/m);
    assert.match(stdout, /^ {2}b x9,007,199,254,740,991: 0\.900\^9,007,199,254,740,991 = 10\^\(-4\.12e\+14\); vanishes past 43 repeats$/m);
    assert.match(stdout, /^ {2}0 +b +9,007,199,254,740,991 +0\.900 +10\^\(-4\.12e\+14\) +10\^\(-4\.12e\+14\) +43$/m);
  });

  test('explain gives a scale it cannot offer as an edit', () => {
    // The DSL twin of ResNet-50 makes both blocks from one helper, so no edit changes one block alone.
    const { stdout } = reslint(['explain', 'examples/resnet50.arch.ts']);
    assert.match(
      stdout,
      /x branch "residual" of "bottleneck": a scale of 4 gives W_l = 1\.00, but no edit is offered: the text that would hold it also makes other values, or lies in another file/,
    );
  });

  test('explain warns that a broken file gives guessed numbers', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-broken-'));
    const file = join(folder, 'broken.arch.ts');
    // TypeScript reads "2O" as the number 2 followed by the name O.
    writeFileSync(file, "const depth = 2O;\nexport default { reslint: 1, blocks: { b: { paths: { s: [], r: ['relu'] }, afterSum: ['relu'] } }, layers: [{ block: 'b', repeat: depth }] };\n");
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /\nThe file has syntax errors: the numbers below come from the text as far as it could be read, and may not be the model you wrote\.\n/);
    const clean = join(folder, 'clean.arch.ts');
    writeFileSync(clean, "const depth = 20;\nexport default { reslint: 1, blocks: { b: { paths: { s: [], r: ['relu'] }, afterSum: ['relu'] } }, layers: [{ block: 'b', repeat: depth }] };\n");
    assert.doesNotMatch(reslint(['explain', clean]).stdout, /syntax errors/);
  });

  test('explain keeps the sign of a negative scale', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-negative-'));
    const file = join(folder, 'negative.arch.json');
    writeFileSync(file, '{ "reslint": 1, "blocks": { "nb": { "paths": { "s": [], "r": { "ops": ["relu"], "scale": -0.1 } }, "afterSum": ["tanh"] } }, "layers": [ { "block": "nb", "repeat": 2 } ] }');
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /\n    \* Set the scale of branch "r" of "nb" from -0\.1 to -1\.30196 \(W_l = 1\.00\)\n/);
  });

  test('explain names the layer that blocks a network fix', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-blocked-'));
    const file = join(folder, 'blocked.arch.json');
    writeFileSync(file, '{"reslint":1,"blocks":{"z":{"paths":{"r":[{"gain":0}]}},"c":{"paths":{"r":["sigmoid"]}}},"layers":[{"block":"z"},{"block":"c"}]}');
    const { stdout } = reslint(['explain', file]);
    assert.match(
      stdout,
      /\n    x branch "r" of "c": block "z" at layers\[0\] has W_l = 0 and blocks the gradient, so W stays 0 whatever this scale is; fix that layer first\n/,
    );
    assert.doesNotMatch(stdout, /Infinity|NaN/);
  });

  test('explain shows an underflowed W alike in every model', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-underflow-'));
    for (const [name, gain, word] of [['under', 1e-300, 'underflow (log10 W at or below -1.8e+308)'], ['over', 1e300, 'overflow (log10 W at or above 1.8e+308)']] as const) {
      // 25 nested blocks, each repeating the one before 2^53 - 1 times, take log10 W past the largest double.
      const blocks: Record<string, object> = { b0: { paths: { r: [{ gain }] } } };
      for (let index = 1; index < 25; index++) blocks[`b${index}`] = { paths: { r: [{ block: `b${index - 1}`, repeat: 2 ** 53 - 1 }] } };
      const file = join(folder, `${name}.arch.json`);
      writeFileSync(file, JSON.stringify({ reslint: 1, blocks, layers: [{ block: 'b24', repeat: 2 ** 53 - 1 }] }));
      const { stdout } = reslint(['explain', file]);
      const lines = stdout.split('\n');
      assert.ok(lines.includes(`network: W = ${word} (log10 W = ${gain < 1 ? '-' : ''}1.7977e+308)`), stdout);
      assert.ok(lines.includes(`  other models: variance W = ${word}, bound W = ${word}`), stdout);
    }
  });

  test('explain says why duplicate keys hide scales', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-duplicate-'));
    const file = join(folder, 'duplicate.arch.json');
    writeFileSync(file, '{"reslint": 1, "name": "a", "name": "b", "blocks": {"b": {"paths": {"s": [], "r": ["relu"]}}}, "layers": [{"block": "b", "repeat": 30}]}');
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /suggested scales: none while the file has syntax errors or duplicate keys; fix those first\./);
    assert.doesNotMatch(stdout, /suggested scales \(\* preferred\)/);
  });

  test('explain without an analysable layer leaves W undefined', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reslint-empty-'));
    const file = join(folder, 'broken.arch.json');
    writeFileSync(file, '{"reslint": 1, "blocks": {"b": {"paths": {"r": ["zzz"]}}}, "layers": [{"block": "b"}]}');
    const { stdout } = reslint(['explain', file]);
    assert.match(stdout, /network: no layer could be analysed, so W is not defined/);
    assert.doesNotMatch(stdout, /W = 1\.00|other models|spectrum/);
    const report = JSON.parse(reslint(['check', '--format', 'json', file]).stdout).files[0];
    assert.equal(report.W, null);
    assert.equal(report.spectrum, null);
  });

  test('explain JSON carries the suggested scales', () => {
    const { stdout } = reslint(['explain', '--format', 'json', 'examples/resnet50.arch.json']);
    const finding = JSON.parse(stdout).files[0].findings.find((f: { code: string }) => f.code === 'block-vanishing');
    assert.equal(finding.fixes[0].scale, 4);
    assertClose(finding.fixes[0].Wl, 1, 1e-12, 'W_l after the fix');
  });

  test('--model and --band change the result', () => {
    const { stdout } = reslint(['check', '--format', 'json', '--model', 'variance', '--band', '1e-6,1e6', 'examples/resnet50.arch.json']);
    const file = (JSON.parse(stdout) as JsonReport).files[0];
    assert.equal(file.model, 'variance');
    assert.deepEqual(file.findings.filter((f) => f.code.startsWith('network')), []);
  });

  test('glob patterns expand in sorted order', () => {
    const { stdout } = reslint(['check', '--format', 'json', 'examples/*.arch.json']);
    const paths = (JSON.parse(stdout) as JsonReport).files.map((file) => file.path);
    assert.deepEqual(paths, Object.keys(EXAMPLES).sort().map((name) => `examples/${name}`));
  });

  test('SARIF output is 2.1.0 with a rule per code', () => {
    const { status, stdout } = reslint(['check', '--format', 'sarif', 'examples/resnet50.arch.json']);
    assert.equal(status, 0);
    const log = JSON.parse(stdout);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'ResLint');
    assert.ok(run.tool.driver.rules.some((rule: { id: string }) => rule.id === 'network-vanishing'));
    assert.equal(run.results.length, 4);
    const network = run.results.find((r: { ruleId: string }) => r.ruleId === 'network-vanishing');
    assert.equal(network.level, 'warning');
    assert.equal(network.locations[0].physicalLocation.artifactLocation.uri, 'examples/resnet50.arch.json');
    assert.equal(network.locations[0].physicalLocation.region.startLine, 52);
  });
});

const BAD: Record<string, { code: string; status: number }> = {
  'syntax-error.arch.json': { code: 'syntax-error', status: 1 },
  'unknown-op.arch.json': { code: 'unknown-op', status: 1 },
  'unknown-block.arch.json': { code: 'unknown-block', status: 1 },
  'cycle.arch.json': { code: 'cycle', status: 1 },
  'invalid-number.arch.json': { code: 'invalid-number', status: 1 },
  'empty-network.arch.json': { code: 'empty-network', status: 0 },
  'blocked-gradient.arch.json': { code: 'blocked-gradient', status: 1 },
  'schema.arch.json': { code: 'schema', status: 1 },
};

describe('broken files', () => {
  for (const [name, expected] of Object.entries(BAD)) {
    test(`${name} gives ${expected.code}`, () => {
      const path = `test/fixtures/bad/${name}`;
      const { status, stdout, stderr } = reslint(['check', path]);
      assert.equal(status, expected.status);
      assert.equal(stderr, '');
      assert.match(stdout, new RegExp(`^${path.replace(/[.]/g, '\\.')}:\\d+:\\d+ \\w+ .+ ${expected.code}$`, 'm'));
      assert.doesNotMatch(stdout, /\n\s+at /, 'no stack trace');
    });
  }

  test('unknown block suggests the defined name', () => {
    const { stdout } = reslint(['check', 'test/fixtures/bad/unknown-block.arch.json']);
    assert.match(stdout, /unknown-block\.arch\.json:5:16 error Unknown block "botleneck"\. Did you mean "bottleneck"\? unknown-block/);
  });

  test('--max-warnings turns warnings into exit 1', () => {
    assert.equal(reslint(['check', '--max-warnings', '0', 'examples/resnet50.arch.json']).status, 1);
    assert.equal(reslint(['check', '--max-warnings', '1', 'examples/resnet50.arch.json']).status, 0);
  });

  test('--max-warnings -1 sets no limit', () => {
    const { status, stderr } = reslint(['check', '--max-warnings', '-1', 'examples/resnet50.arch.json']);
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  test('a binary file is reported, not thrown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-cli-'));
    writeFileSync(join(dir, 'binary.arch.json'), Buffer.from([0, 159, 146, 150, 255, 0, 1, 2]));
    const { status, stdout, stderr } = reslint(['check', 'binary.arch.json'], dir);
    assert.equal(status, 1);
    assert.equal(stderr, '');
    assert.match(stdout, /syntax-error/);
  });
});

describe('usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /missing command/],
    ['unknown command', ['lint', 'x.arch.json'], /unknown command "lint"/],
    ['no files', ['check'], /no files given/],
    ['schema with a file', ['schema', 'extra.json'], /schema takes no files; found "extra\.json"/],
    ['bad model', ['check', '--model', 'mean', 'examples/resnet50.arch.json'], /invalid --model "mean"/],
    ['bad band', ['check', '--band', '100', 'examples/resnet50.arch.json'], /invalid --band "100"/],
    ['inverted band', ['check', '--band', '100,1', 'examples/resnet50.arch.json'], /invalid --band/],
    ['band without 1', ['check', '--band', '2,3', 'examples/resnet50.arch.json'], /invalid --band "2,3"; expected "min,max" with 0 < min <= 1 <= max and min < max/],
    ['hex band', ['check', '--band', '0x1,1e3', 'examples/resnet50.arch.json'], /invalid --band "0x1,1e3"/],
    ['empty tolerance', ['check', '--tolerance', ' ', 'examples/resnet50.arch.json'], /invalid --tolerance " "/],
    ['hex count', ['check', '--max-warnings', '0x10', 'examples/resnet50.arch.json'], /invalid --max-warnings "0x10"/],
    ['negative count', ['check', '--max-warnings', '-2', 'examples/resnet50.arch.json'], /invalid --max-warnings "-2"; expected a whole number >= 0, or -1 for no limit/],
    ['negative tolerance', ['check', '--tolerance', '-0.1', 'examples/resnet50.arch.json'], /invalid --tolerance "-0.1"/],
    ['bad format', ['check', '--format', 'xml', 'examples/resnet50.arch.json'], /invalid --format "xml"/],
    ['unknown option', ['check', '--colour', 'examples/resnet50.arch.json'], /reslint: unknown option "--colour"\n/],
    ['dash file name', ['check', '-1'], /reslint: unknown option "-1"; to check a file whose name starts with "-", write \.\/-1 or put -- before it/],
    ['missing value', ['check', '--max-warnings', '--format', 'json', 'examples/resnet50.arch.json'], /reslint: missing value for --max-warnings/],
    ['last option without value', ['check', 'examples/resnet50.arch.json', '--band'], /reslint: missing value for --band/],
    ['negative short value', ['check', '-f', '-1', 'examples/resnet50.arch.json'], /invalid --format "-1"; expected text, json or sarif/],
    ['non-decimal negative', ['check', '--tolerance', '-Infinity', 'examples/resnet50.arch.json'], /invalid --tolerance "-Infinity"/],
    ['dashed model', ['check', '--model', '-seed', 'examples/resnet50.arch.json'], /invalid --model "-seed"; expected seed, variance or bound/],
    ['option after --', ['check', '--', '--model', '-1'], /cannot read "--model": file not found/],
    ['missing file', ['check', 'nope.arch.json'], /cannot read "nope\.arch\.json": file not found/],
    ['empty glob', ['check', 'nowhere/*.arch.json'], /no files match "nowhere\/\*\.arch\.json"/],
    ['directory', ['check', 'examples'], /"examples" is a directory/],
  ];
  for (const [name, args, message] of cases) {
    test(`${name} exits 2`, () => {
      const { status, stderr } = reslint(args);
      assert.equal(status, 2);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    });
  }

  test('a missing file exits 2 and the others are still checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-cli-'));
    writeFileSync(join(dir, 'ok.arch.json'), '{"reslint": 1, "layers": [["identity"]]}');
    const { status, stdout } = reslint(['check', 'ok.arch.json', 'missing.arch.json'], dir);
    assert.equal(status, 2);
    assert.match(stdout, /0 problems in 1 file/);
  });

  test('help and version exit 0', () => {
    assert.match(reslint(['--help']).stdout, /Usage: reslint <command>/);
    assert.match(reslint(['--version']).stdout, /^\d+\.\d+\.\d+/);
  });

  test('schema prints the JSON Schema', () => {
    const schema = JSON.parse(reslint(['schema']).stdout);
    assert.deepEqual([...schema.required].sort(), ['layers', 'reslint']);
  });
});

describe('DSL types', () => {
  /** Type-checks model files against the published declarations, as an editor of *.arch.ts would. */
  function typeCheck(sources: Record<string, string>): { status: number | null; stdout: string } {
    const dir = mkdtempSync(join(tmpdir(), 'reslint-dsl-'));
    for (const [name, source] of Object.entries(sources)) writeFileSync(join(dir, name), source);
    const config = {
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', baseUrl: '.', paths: { reslint: [join(ROOT, 'dist', 'types', 'dsl.d.ts')] }, types: [] },
      files: Object.keys(sources),
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout };
  }

  test('a valid model type-checks', () => {
    const { status, stdout } = typeCheck({
      'model.arch.ts':
        "import { defineModel } from 'reslint';\nexport default defineModel({ reslint: 1, blocks: { b: { paths: { s: [], r: ['relu', { op: 'linear', init: 'he' }] } } }, layers: [{ block: 'b', repeat: 4 }] });\n",
    });
    assert.equal(stdout, '');
    assert.equal(status, 0);
  });

  test('a wrong version fails to type-check', () => {
    const { status, stdout } = typeCheck({ 'model.arch.ts': "import { defineModel } from 'reslint';\nexport default defineModel({ reslint: 2, layers: [] });\n" });
    assert.equal(status, 2);
    assert.match(stdout, /TS2322: Type '2' is not assignable to type '1'/);
  });

  test('a layer with both block and ops fails', () => {
    const { status, stdout } = typeCheck({
      'model.arch.ts':
        "import { defineModel } from 'reslint';\nexport default defineModel({ reslint: 1, blocks: { b: { paths: { s: [] } } }, layers: [{ block: 'b' }, { ops: ['relu'], repeat: 2 }, { block: 'b', ops: ['relu'] }] });\n",
    });
    assert.equal(status, 2);
    // Only the third layer is reported: the two forms alone still type-check.
    assert.equal(stdout.match(/error TS/g)?.length, 1, stdout);
    assert.match(stdout, /model\.arch\.ts\(2,\d+\): error TS2353: Object literal may only specify known properties, and 'block' does not exist in type '\{ ops:/);
  });

  test('every example twin type-checks', () => {
    const twins = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.arch.ts'));
    assert.ok(twins.length >= 9, `found ${twins.length} example twins`);
    const { status, stdout } = typeCheck(Object.fromEntries(twins.map((name) => [name, readFileSync(join(ROOT, 'examples', name), 'utf8')])));
    assert.equal(stdout, '');
    assert.equal(status, 0);
  });

  test('the declarations import nothing', () => {
    // A user's project has neither zod nor the rest of this package.
    const declarations = readFileSync(join(ROOT, 'dist', 'types', 'dsl.d.ts'), 'utf8');
    assert.doesNotMatch(declarations, /^\s*import\b|\brequire\(|\bimport\(/m);
    assert.match(declarations, /^export declare function defineModel\(model: ModelInput\): ModelInput;$/m);
  });
});

describe('TypeScript twins of the examples', () => {
  for (const name of Object.keys(EXAMPLES)) {
    const twin = name.replace(/\.json$/, '.ts');
    test(`${twin} matches its JSON model`, () => {
      const report = (file: string) => (JSON.parse(reslint(['check', '--format', 'json', `examples/${file}`]).stdout) as JsonReport).files[0];
      const json = report(name);
      const ts = report(twin);
      assert.equal(ts.log10W, json.log10W);
      assert.deepEqual(ts.findings.map((f) => f.code).sort(), json.findings.map((f) => f.code).sort());
      assert.deepEqual(ts.blocks.map((b) => [b.name, b.repeat, b.log10Wl]), json.blocks.map((b) => [b.name, b.repeat, b.log10Wl]));
    });
  }
});
