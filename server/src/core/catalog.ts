// The built-in op catalog: every op name a model file may use without defining it, with the
// numbers behind its gain. Activation statistics are for z ~ N(0, 1), computed by numerical
// integration and rounded to 4 decimals, except where a closed form gives them exactly.

/** The three statistics of |sigma'(z)| for an activation, one per gain model. */
export interface ActivationStats {
  mean: number;
  rms: number;
  peak: number;
}

export type OpKind = 'activation' | 'weight' | 'norm' | 'dropout' | 'pool' | 'identity';

/** One catalog entry: how an op's gain is found and what the user may pass to it. */
export interface CatalogOp {
  kind: OpKind;
  /** One-line description shown in hovers and completions. */
  summary: string;
  /** Statistics for activations; weight, norm, dropout, pool and identity ops have gain 1. */
  stats?: ActivationStats;
  /** Parameters the op accepts, with defaults; the stats are recomputed from them. */
  parameters?: Record<string, number>;
  statsFor?: (parameters: Record<string, number>) => ActivationStats;
}

// Standard normal tail: Phi(-1) and Phi(-2), used by the ELU closed forms.
const PHI_MINUS_1 = 0.15865525393145707;
const PHI_MINUS_2 = 0.022750131948179195;

/**
 * Leaky ReLU with slope s under N(0, 1): E|s'| = (1 + |s|) / 2,
 * sqrt(E s'^2) = sqrt((1 + s^2) / 2), sup|s'| = max(1, |s|).
 */
function leakyStats(parameters: Record<string, number>): ActivationStats {
  const slope = Math.abs(parameters.slope);
  return {
    mean: (1 + slope) / 2,
    // hypot keeps a slope near 1e308 from overflowing when squared.
    rms: Math.hypot(1, slope) / Math.SQRT2,
    peak: Math.max(1, slope),
  };
}

/**
 * ELU with alpha a under N(0, 1): the derivative is a e^z for z < 0, so
 * E|s'| = 1/2 + a e^(1/2) Phi(-1) and E s'^2 = 1/2 + a^2 e^2 Phi(-2).
 */
function eluStats(parameters: Record<string, number>): ActivationStats {
  const alpha = Math.abs(parameters.alpha);
  return {
    mean: 0.5 + alpha * Math.exp(0.5) * PHI_MINUS_1,
    rms: Math.hypot(Math.SQRT1_2, alpha * Math.exp(1) * Math.sqrt(PHI_MINUS_2)),
    peak: Math.max(1, alpha),
  };
}

function activation(summary: string, mean: number, rms: number, peak: number): CatalogOp {
  return { kind: 'activation', summary, stats: { mean, rms, peak } };
}

function unitGain(kind: OpKind, summary: string): CatalogOp {
  return { kind, summary };
}

// ReLU's statistics are exact: half the inputs pass with derivative 1, so E|s'| = 1/2 and
// sqrt(E s'^2) = sqrt(1/2) (0.7071 to 4 decimals).
const RELU = activation('Rectified linear unit, max(0, z)', 0.5, Math.SQRT1_2, 1.0);
const WEIGHT_SUMMARY = 'weight layer; gain 1 unless an init or gain is given';
const NORM_SUMMARY = 'normalisation layer; gain 1 in all three models';

export const CATALOG: Readonly<Record<string, CatalogOp>> = {
  identity: activation('Identity', 1, 1, 1),
  relu: RELU,
  relu6: { ...RELU, summary: 'ReLU clipped at 6, min(max(0, z), 6)' },
  leaky_relu: {
    kind: 'activation',
    summary: 'Leaky ReLU with negative slope `slope` (default 0.01)',
    parameters: { slope: 0.01 },
    statsFor: leakyStats,
  },
  prelu: {
    kind: 'activation',
    summary: 'Parametric ReLU at its initial slope `slope` (default 0.25)',
    parameters: { slope: 0.25 },
    statsFor: leakyStats,
  },
  elu: {
    kind: 'activation',
    summary: 'Exponential linear unit with `alpha` (default 1)',
    parameters: { alpha: 1 },
    statsFor: eluStats,
  },
  selu: activation('Scaled exponential linear unit', 0.9852, 1.0352, 1.7581),
  gelu: activation('Gaussian error linear unit, erf form', 0.5393, 0.6752, 1.1289),
  silu: activation('Sigmoid linear unit, z * sigmoid(z)', 0.5116, 0.616, 1.0998),
  swish: activation('Swish with beta 1, the same as silu', 0.5116, 0.616, 1.0998),
  mish: activation('Mish, z * tanh(softplus(z))', 0.5797, 0.6922, 1.0885),
  tanh: activation('Hyperbolic tangent', 0.6057, 0.6815, 1.0),
  sigmoid: activation('Logistic sigmoid', 0.2066, 0.2117, 0.25),
  softplus: activation('Softplus, log(1 + e^z)', 0.5, 0.5416, 1.0),
  hardswish: activation('Hard swish', 0.5179, 0.5988, 1.5),
  hardtanh: activation('Hard tanh, clip(z, -1, 1)', 0.6827, 0.8263, 1.0),

  linear: unitGain('weight', `Fully connected ${WEIGHT_SUMMARY}`),
  conv: unitGain('weight', `Convolution ${WEIGHT_SUMMARY}`),
  conv1d: unitGain('weight', `1-d convolution ${WEIGHT_SUMMARY}`),
  conv2d: unitGain('weight', `2-d convolution ${WEIGHT_SUMMARY}`),
  conv3d: unitGain('weight', `3-d convolution ${WEIGHT_SUMMARY}`),
  depthwise_conv: unitGain('weight', `Depthwise convolution ${WEIGHT_SUMMARY}`),
  attention: unitGain('weight', `Multi-head attention ${WEIGHT_SUMMARY}`),
  mlp: unitGain('weight', `Multilayer perceptron ${WEIGHT_SUMMARY}`),
  embedding: unitGain('weight', `Embedding ${WEIGHT_SUMMARY}`),

  batchnorm: unitGain('norm', `Batch normalisation; ${NORM_SUMMARY}`),
  layernorm: unitGain('norm', `Layer normalisation; ${NORM_SUMMARY}`),
  rmsnorm: unitGain('norm', `RMS normalisation; ${NORM_SUMMARY}`),
  groupnorm: unitGain('norm', `Group normalisation; ${NORM_SUMMARY}`),
  instancenorm: unitGain('norm', `Instance normalisation; ${NORM_SUMMARY}`),

  dropout: unitGain('dropout', 'Dropout; gain 1 (inverted dropout keeps the expected scale)'),
  avgpool: unitGain('pool', 'Average pooling; gain 1'),
  maxpool: unitGain('pool', 'Max pooling; gain 1'),
};

/** Initialisations a weight op accepts, with the gain each multiplies it by. */
export const INIT_GAINS: Readonly<Record<string, number>> = {
  he: Math.SQRT2,
  xavier: 1,
  lecun: 1,
  orthogonal: 1,
  zero: 0,
};

/** Returns the statistics of a catalog activation with the given parameters filled in. */
export function activationStats(
  entry: CatalogOp,
  given: Record<string, number | undefined>,
): ActivationStats | undefined {
  if (entry.statsFor && entry.parameters) {
    const parameters: Record<string, number> = { ...entry.parameters };
    for (const name of Object.keys(entry.parameters)) {
      const value = given[name];
      if (value !== undefined) parameters[name] = value;
    }
    return entry.statsFor(parameters);
  }
  return entry.stats;
}
