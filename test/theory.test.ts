// The worked numbers of the theory, one test per row, through the public core entry point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixesFor } from '../server/src/core/analysis';
import { analyzeModel, assertClose, repeatedModel, residualBlock } from './helpers';

const W = (model: object, settings = {}) => Math.pow(10, analyzeModel(model, settings).network.log10W);
const Wl = (model: object, settings = {}) => Math.pow(10, analyzeModel(model, settings).network.layers[0].byModel[(settings as { model?: 'seed' }).model ?? 'seed'].log10Wl);

describe('worked numbers', () => {
  test('identity after the sum, ReLU branch, L = 10', () => {
    const model = repeatedModel(residualBlock(['relu']), 10);
    assertClose(Wl(model), 1.5, 1e-12, 'W_l');
    assertClose(W(model), 57.665, 1e-5, 'W');
  });

  test('ReLU after the sum, ReLU branch, L = 16', () => {
    const model = repeatedModel(residualBlock(['relu'], ['relu']), 16);
    assertClose(Wl(model), 0.75, 1e-12, 'W_l');
    assertClose(W(model), 0.010023, 1e-4, 'W');
  });

  test('ReLU after the sum, ReLU branch, L = 50', () => {
    assertClose(W(repeatedModel(residualBlock(['relu'], ['relu']), 50)), 5.6632e-7, 1e-4, 'W');
  });

  test('the seed curves: factors 0.8 and 1.2 over 10 blocks', () => {
    const plain = (gain: number) => ({ reslint: 1, layers: [{ ops: [{ gain }], repeat: 10 }] });
    assertClose(W(plain(0.8)), 0.10737, 1e-4, 'W at 0.8');
    assertClose(W(plain(1.2)), 6.1917, 1e-4, 'W at 1.2');
  });

  test('three parallel paths 0.5, 0.3, 0.2 stay at 1', () => {
    const block = { paths: { a: [{ gain: 0.5 }], b: [{ gain: 0.3 }], c: [{ gain: 0.2 }] } };
    assertClose(Wl(repeatedModel(block, 1)), 1, 1e-12, 'W_l');
    const deep = analyzeModel(repeatedModel(block, 1e12)).network.log10W;
    assert.ok(Math.abs(deep) < 1e-3, `log10 W at depth 1e12 is ${deep}, expected 0 within 1e-3`);
  });

  test('figure 3-3 block as a DAG', () => {
    const block = {
      graph: [
        { from: 'in', to: 'G', ops: [{ gain: 0.5 }] },
        { from: 'in', to: 'G', ops: [{ gain: 0.25 }] },
        { from: 'G', to: 'F', ops: [{ gain: 0.8 }] },
        { from: 'in', to: 'F', ops: [{ gain: 0.1 }] },
        { from: 'in', to: 'F', ops: [{ gain: 0.2 }] },
        { from: 'F', to: 'out' },
      ],
    };
    const analysis = analyzeModel(repeatedModel(block, 1));
    assertClose(Math.pow(10, analysis.network.log10W), 0.9, 1e-12, 'W_l');
    assert.equal(analysis.network.layers[0].byModel.seed.paths.length, 4);
  });

  test('10^9 repeats of W_l = 1.0000001', () => {
    const analysis = analyzeModel({ reslint: 1, layers: [{ ops: [{ gain: 1.0000001 }], repeat: 1e9 }] });
    assertClose(analysis.network.log10W, 43.4294, 1e-5, 'log10 W');
  });

  test('max stable depth of W_l = 1.5 under band max 100', () => {
    const analysis = analyzeModel(repeatedModel(residualBlock(['relu']), 3));
    assert.equal(analysis.network.layers[0].maxStableDepth, 11);
  });

  test('branch scale keeping 50 blocks under 100', () => {
    const analysis = analyzeModel(repeatedModel(residualBlock([{ gain: 0.5 }]), 50));
    const stage = analysis.findings.find((finding) => finding.code === 'stage-out-of-band');
    assert.ok(stage, 'expected a stage-out-of-band finding');
    const [fix] = fixesFor(analysis, stage).fixes;
    assert.equal(fix.solution.role, 'branch');
    assertClose(fix.solution.scale, 0.192956, 1e-6, 'scale');
    assert.equal(fix.solution.scale, Number(((Math.pow(100, 1 / 50) - 1) / 0.5).toPrecision(6)));
  });

  test('spectrum of 4 two-path blocks, g = 1, f = 0.5', () => {
    const analysis = analyzeModel(repeatedModel(residualBlock([{ gain: 0.5 }]), 4));
    const coefficients = analysis.network.spectrum?.coefficients?.map((log) => Math.pow(10, log));
    assert.ok(coefficients, 'expected exact coefficients');
    const expected = [1, 2, 1.5, 0.5, 0.0625];
    assert.equal(coefficients.length, expected.length);
    expected.forEach((value, m) => assertClose(coefficients[m], value, 1e-12, `coefficient ${m}`));
    assertClose(coefficients.reduce((a, b) => a + b, 0), 5.0625, 1e-12, 'sum');
    assertClose(Math.pow(10, analysis.network.log10W), Math.pow(1.5, 4), 1e-12, 'W');
  });

  const heBranch = residualBlock([{ op: 'linear', init: 'he' }, 'relu']);

  test('variance model: he-initialised linear and ReLU branch', () => {
    assertClose(Wl(repeatedModel(heBranch, 1), { model: 'variance' }), Math.SQRT2, 1e-12, 'W_l');
  });

  test('variance model: 50 such blocks', () => {
    assertClose(W(repeatedModel(heBranch, 50), { model: 'variance' }), Math.pow(2, 25), 1e-9, 'W');
  });

  test('variance model: branch scale keeping 50 blocks under 100', () => {
    const analysis = analyzeModel(repeatedModel(heBranch, 50), { model: 'variance' });
    const stage = analysis.findings.find((finding) => finding.code === 'stage-out-of-band');
    assert.ok(stage, 'expected a stage-out-of-band finding');
    const [fix] = fixesFor(analysis, stage).fixes;
    assertClose(fix.solution.scale, 0.449738, 1e-6, 'scale');
  });

  test('bound model: ReLU after the sum and in the branch', () => {
    assertClose(Wl(repeatedModel(residualBlock(['relu'], ['relu']), 1), { model: 'bound' }), 2, 1e-12, 'W_l');
  });
});

describe('closed forms', () => {
  test('two-path block W_l = g(1 + f) for several activations', () => {
    for (const [after, branch, g, f] of [
      ['tanh', 'sigmoid', 0.6057, 0.2066],
      ['relu', 'gelu', 0.5, 0.5393],
      ['identity', 'silu', 1, 0.5116],
    ] as const) {
      const model = repeatedModel(residualBlock([branch], [after]), 7);
      assertClose(Wl(model), g * (1 + f), 1e-12, `W_l for ${after}/${branch}`);
      assertClose(W(model), Math.pow(g * (1 + f), 7), 1e-9, `W for ${after}/${branch}`);
    }
  });

  test('k parallel paths give (s_1 + ... + s_k)^L', () => {
    const gains = [0.7, 0.15, 0.4, 0.05];
    const block = { paths: Object.fromEntries(gains.map((gain, i) => [`p${i}`, [{ gain }]])) };
    assertClose(W(repeatedModel(block, 9)), Math.pow(1.3, 9), 1e-9, 'W');
  });

  test('leaky ReLU and ELU statistics match the table', () => {
    const stat = (op: object, model: 'seed' | 'variance') => Wl({ reslint: 1, layers: [[op]] }, { model });
    assertClose(stat({ op: 'leaky_relu', slope: 0.2 }, 'seed'), 0.6, 1e-12, 'leaky mean');
    assertClose(stat({ op: 'leaky_relu', slope: 0.2 }, 'variance'), 0.7211, 1e-4, 'leaky rms');
    assertClose(stat({ op: 'leaky_relu' }, 'seed'), 0.505, 1e-12, 'leaky default mean');
    assertClose(stat({ op: 'elu' }, 'seed'), 0.7616, 1e-4, 'elu mean');
    assertClose(stat({ op: 'elu' }, 'variance'), 0.8174, 1e-4, 'elu rms');
  });

  test('a zero gain blocks the gradient without NaN', () => {
    const analysis = analyzeModel({ reslint: 1, layers: [{ ops: ['relu', { gain: 0 }], repeat: 1e12 }] });
    assert.equal(analysis.network.log10W, -Infinity);
    assert.ok(analysis.findings.some((finding) => finding.code === 'blocked-gradient'));
    assert.ok(analysis.findings.every((finding) => !finding.message.includes('NaN')));
  });

  test('huge gains stay finite in log space', () => {
    const analysis = analyzeModel({ reslint: 1, layers: [{ ops: [{ gain: 1e300 }], repeat: 1e12 }] });
    assertClose(analysis.network.log10W, 3e14, 1e-12, 'log10 W');
  });
});
