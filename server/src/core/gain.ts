// The gain models: each turns an op into a scalar gain and defines how path gains combine. A model
// sees the op and its place in the network (GainContext), so a model whose gains depend on depth,
// such as one that tracks the forward variance along the residual stream, fits the same interface.
import { activationStats, type ActivationStats } from './catalog';
import { log10Abs } from './logmath';
import type { OpNode } from './model';
import type { ModelName } from './schema';

/** The position of an op in the network. The three current models ignore it; a depth-aware model would use it. */
export interface GainContext {
  /** Index of the layer in "layers" whose block contains the op, if known. */
  layerIndex?: number;
  /** Name of the block that contains the op. */
  blockName: string;
}

/** A gain as a base-10 logarithm of its magnitude, with a note on where the number comes from. */
export interface OpGain {
  log10: number;
  source: string;
}

export interface GainModel {
  name: ModelName;
  /** The statistic of |sigma'(z)| that activations use. */
  statistic: keyof ActivationStats;
  /**
   * The combination rule: W_l = (sum_p w_p^power)^(1/power), so 1 is the plain sum (triangle
   * bound) and 2 is quadrature (independent branches at random initialisation).
   */
  power: 1 | 2;
  /** One-line reading of the model for hovers and reports. */
  summary: string;
  /** The gain of a non-block op; block ops are resolved by the analysis, which computes nested W. */
  opGain(op: OpNode, context: GainContext): OpGain;
  /** opGain(op, context).log10 without the note, for the analysis, which needs only the number. */
  opLog10(op: OpNode, context: GainContext): number;
}

const STATISTIC_NAMES: Record<keyof ActivationStats, string> = {
  mean: "mean E|s'|",
  rms: "rms sqrt(E s'^2)",
  peak: "peak sup|s'|",
};

/** Caps a base gain's logarithm. Every input is a finite double, and so is a statistic computed from one; the cap guards against an overflow in that computation. */
const MAX_BASE_LOG10 = Math.log10(Number.MAX_VALUE);

class StatisticGainModel implements GainModel {
  /** Notes of the base gains that name this model's statistic, made once rather than per op. */
  private readonly catalogNote: string;
  private readonly userNote: string;

  constructor(
    readonly name: ModelName,
    readonly statistic: keyof ActivationStats,
    readonly power: 1 | 2,
    readonly summary: string,
  ) {
    this.catalogNote = `${STATISTIC_NAMES[statistic]} under N(0, 1)`;
    this.userNote = `user-defined ${statistic}`;
  }

  opGain(op: OpNode, context: GainContext): OpGain {
    const notes = [this.baseSource(op)];
    if (op.initFactor !== undefined) notes.push(`init ${op.initLabel} x ${formatFactor(op.initFactor)}`);
    if (op.scale !== undefined && op.kind !== 'scale') notes.push(`scale x ${op.scale}`);
    return { log10: this.opLog10(op, context), source: notes.join(', ') };
  }

  opLog10(op: OpNode, _context: GainContext): number {
    let log10 = Math.min(log10Abs(this.baseValue(op)), MAX_BASE_LOG10);
    if (op.initFactor !== undefined) log10 += log10Abs(op.initFactor);
    if (op.scale !== undefined && op.kind !== 'scale') log10 += log10Abs(op.scale);
    return log10;
  }

  // The value and its note come from two functions with the same cases, because the analysis
  // reads only the value, for every op after each edit, and needs no object per op for it.
  private baseValue(op: OpNode): number {
    if (op.kind === 'scale') return op.scale ?? 1;
    if (op.gain !== undefined) return op.gain;
    if (op.user) return op.user.gain ?? op.user[this.statistic] ?? 1;
    if (op.catalog) return activationStats(op.catalog, op.parameters)?.[this.statistic] ?? 1;
    return 1;
  }

  private baseSource(op: OpNode): string {
    if (op.kind === 'scale') return 'scale';
    if (op.gain !== undefined) return 'explicit gain';
    if (op.user) return op.user.gain !== undefined ? 'user-defined gain' : this.userNote;
    if (op.catalog) return activationStats(op.catalog, op.parameters) ? this.catalogNote : unitGainNote(op.catalog.kind);
    return 'gain 1';
  }
}

const unitGainNotes = new Map<string, string>();

/** Returns the note of an op with gain 1 ("linear op, gain 1"), made once per kind. */
function unitGainNote(kind: string): string {
  let note = unitGainNotes.get(kind);
  if (note === undefined) {
    note = `${kind} op, gain 1`;
    unitGainNotes.set(kind, note);
  }
  return note;
}

function formatFactor(value: number): string {
  return value === Math.SQRT2 ? 'sqrt(2)' : String(value);
}

export const GAIN_MODELS: Readonly<Record<ModelName, GainModel>> = {
  seed: new StatisticGainModel('seed', 'mean', 1, 'mean activation derivative, paths summed: the triangle-inequality bound'),
  variance: new StatisticGainModel('variance', 'rms', 2, 'rms activation derivative, paths in quadrature: expected gain at random initialisation'),
  bound: new StatisticGainModel('bound', 'peak', 1, 'peak activation derivative, paths summed: worst case'),
};
