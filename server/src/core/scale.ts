// Branch scaling: W_l is linear in a scale `a` put on one edge, W_l(a) = A + a * B, where B sums
// the unscaled terms of the paths through that edge and A the rest (in the variance model the
// same holds for squares). Solving for a target T gives the quick fixes' scale.
import { backwardSums, forwardSums, type BlockAnalyzer } from './analyze';
import type { GainContext, GainModel } from './gain';
import { LOG_ZERO, formatApart, formatLog10, log10Abs, log10Add } from './logmath';
import { OUTPUT_NODE, type BlockNode, type EdgeNode } from './model';
import { quotedName } from './source';

/** Smallest log10 scale a fix offers: a smaller scale removes the edge instead of scaling it. */
const MIN_LOG10_SCALE = -9;
/** A fix that leaves W_l below 10^-6 blocks the gradient in all but name, so it is not offered. */
const MIN_LOG10_WL = -6;

/** Fewest significant digits of a proposed scale; more are used when a long stack needs them. */
export const SCALE_DIGITS = 6;
const MAX_SCALE_DIGITS = 17;

export interface ScaleSolution {
  block: BlockNode;
  edge: EdgeNode;
  edgeIndex: number;
  role: 'branch' | 'shortcut';
  /** The rounded scale that replaces the edge's current scale, with the current scale's sign. */
  scale: number;
  /** log10 of W_l with the rounded scale. */
  log10Wl: number;
}

export interface ScaleFailure {
  /** The name of the block whose edge would be scaled. */
  block: string;
  edge: EdgeNode;
  role: 'branch' | 'shortcut';
  /** The edge's name, with its index when a parallel edge has the same name (edgeLabel). */
  label: string;
  reason: string;
}

/** Names an edge of a block so that parallel edges between the same nodes stay apart. */
export function edgeLabel(block: BlockNode, edgeIndex: number): string {
  const edge = block.edges[edgeIndex];
  if (edge.form !== 'edge') return edge.name;
  const parallel = block.edges.some((other, index) => index !== edgeIndex && other.from === edge.from && other.to === edge.to);
  return parallel ? `${edge.name} (edge ${edgeIndex})` : edge.name;
}

/**
 * How to round the scale: 'down' keeps W_l at or below the target (an upper band edge), 'up'
 * keeps it at or above (a lower edge), 'nearest' for W_l = 1.
 */
export type Rounding = 'down' | 'up' | 'nearest';

/** Maximum number of branch edges tried as levers for one block. */
export const MAX_BRANCH_LEVERS = 8;
/** Maximum number of shortcut edges tried as levers for one block. */
export const MAX_SHORTCUT_LEVERS = 2;

/** The parts of W_l that the split at every edge of one block shares, computed once. */
export interface BlockTerms {
  block: BlockNode;
  order: string[];
  /** log10 of each edge's term (its gain to the model's power, with its current scale). */
  edgeLogs: number[];
  /** log10 of the gain of the ops after the sum, not raised to the power. */
  afterSum: number;
  /** log10 of the sums over paths from "in" to each node, and from each node to "out". */
  forward: Map<string, number>;
  backward: Map<string, number>;
}

/** Computes a block's shared terms under a model; undefined when the block cannot be analysed. */
export function blockTerms(analyzer: BlockAnalyzer, block: BlockNode, gainModel: GainModel): BlockTerms | undefined {
  const order = analyzer.order(block);
  if (!order) return undefined;
  const context: GainContext = { blockName: block.name };
  const edgeLogs: number[] = [];
  for (const edge of block.edges) {
    const log = analyzer.edgeLog(edge, gainModel, context);
    if (log === undefined) return undefined;
    edgeLogs.push(log);
  }
  let afterSum = 0;
  for (const op of block.afterSum) {
    const log = analyzer.opLog(op, gainModel, context);
    if (log === undefined) return undefined;
    afterSum += log;
  }
  return { block, order, edgeLogs, afterSum, forward: forwardSums(block, order, edgeLogs), backward: backwardSums(block, order, edgeLogs) };
}

/** Returns log10 of the paths through an edge, with its current scale: the edge's share of W_l before the ops after the sum. */
function shareOf(terms: BlockTerms, edgeIndex: number): number {
  const edge = terms.block.edges[edgeIndex];
  const share = (terms.forward.get(edge.from) ?? LOG_ZERO) + terms.edgeLogs[edgeIndex] + (terms.backward.get(edge.to) ?? LOG_ZERO);
  return Number.isNaN(share) ? LOG_ZERO : share;
}

function roundedShare(terms: BlockTerms, edgeIndex: number): number {
  const share = shareOf(terms, edgeIndex);
  return Number.isFinite(share) ? Number(share.toPrecision(10)) : share;
}

/**
 * Lists the edges a fix may scale: branches first, then shortcuts, each by their share of W_l,
 * largest first (text order among equal shares). Only the first MAX_BRANCH_LEVERS branches and
 * MAX_SHORTCUT_LEVERS shortcuts are listed: solving for one edge walks the whole block, and in a
 * chain of thousands of edges every edge gives the same W_l.
 */
export function scaleCandidates(terms: BlockTerms): { edgeIndex: number; role: 'branch' | 'shortcut' }[] {
  const { block } = terms;
  if (block.form === 'plain') return [];
  // Shares are compared to 10 significant digits, so that the equal shares of a chain, summed in
  // different orders, keep the text order.
  const ranked = block.edges
    .map((edge, edgeIndex) => ({ edgeIndex, role: edge.shortcut ? ('shortcut' as const) : ('branch' as const), share: roundedShare(terms, edgeIndex) }))
    .sort((a, b) => b.share - a.share || a.edgeIndex - b.edgeIndex);
  const levers = (role: 'branch' | 'shortcut', limit: number) =>
    ranked.filter((candidate) => candidate.role === role).slice(0, limit).map(({ edgeIndex }) => ({ edgeIndex, role }));
  return [...levers('branch', MAX_BRANCH_LEVERS), ...levers('shortcut', MAX_SHORTCUT_LEVERS)];
}

/** Distance in log10 below which two W_l differ only by rounding in their sums, as formatLog10 treats it. */
const NOISE_LOG10 = 4e-13;

/** Solves for the scale of one edge that brings the block's W_l to 10^log10Target. */
export function solveEdgeScale(
  terms: BlockTerms,
  edgeIndex: number,
  role: 'branch' | 'shortcut',
  gainModel: GainModel,
  log10Target: number,
  rounding: Rounding,
  accept: (log10Wl: number) => boolean = () => true,
): ScaleSolution | ScaleFailure {
  const { block, afterSum } = terms;
  const edge = block.edges[edgeIndex];
  const failure = (reason: string): ScaleFailure => ({ block: block.name, edge, role, label: edgeLabel(block, edgeIndex), reason });
  const { rest, through } = edgeTerms(terms, edgeIndex, gainModel);
  const power = gainModel.power;
  if (through === LOG_ZERO) {
    return failure(`path ${quotedName(edge.name)} carries no gradient (its gain is 0), so scaling it changes nothing`);
  }
  if (afterSum === LOG_ZERO) return failure('an op after the sum has gain 0');
  const needed = power * (log10Target - afterSum);
  if (rest !== LOG_ZERO && rest >= needed) {
    // Within rounding noise of the target (1 + 6.39e-17 from three paths in quadrature) the two
    // print alike, as they are alike but for the last bits of a sum.
    const log10Others = afterSum + rest / power;
    const noise = Math.abs(log10Others - log10Target) < NOISE_LOG10;
    const [others, target] = noise ? [formatLog10(log10Others), formatLog10(log10Target)] : formatApart([log10Others, log10Target]).texts;
    return failure(`the other paths alone already give W_l = ${others}, at or above the target ${target}, so no positive scale on ${quotedName(edge.name)} reaches it`);
  }
  const difference = rest === LOG_ZERO ? needed : needed + Math.log10(1 - Math.pow(10, rest - needed));
  const log10Scale = (difference - through) / power;
  if (!Number.isFinite(log10Scale)) {
    // A term held at the smallest log magnitude (an underflowed nested block) or an undefined
    // target leaves no number worth printing.
    if (Number.isNaN(log10Scale)) return failure('the scale is not defined, because the target W_l is not defined');
    return failure(`the scale would be ${log10Scale > 0 ? 'larger than the largest' : 'smaller than the smallest'} double`);
  }
  // Below the minimum, the scale would cut the edge rather than tune it.
  if (log10Scale < MIN_LOG10_SCALE) {
    return failure(`the scale would be ${formatLog10(log10Scale)}, below the minimum scale of 1e${MIN_LOG10_SCALE}, so it would remove ${quotedName(edge.name)} instead of scaling it`);
  }
  const resultOf = (candidate: number): number => wlWith(candidate, rest, through, afterSum, power);
  const scale = roundScale(Math.pow(10, log10Scale), rounding, (candidate) => resultOf(candidate) - log10Target, (candidate) => accept(resultOf(candidate)));
  if (!(scale > 0) || !Number.isFinite(scale)) {
    return failure(`the scale would be 10^${log10Scale.toFixed(1)}, outside the range of a double`);
  }
  const log10Wl = wlWith(scale, rest, through, afterSum, power);
  if (log10Wl < MIN_LOG10_WL) {
    return failure(`W_l would be ${formatLog10(log10Wl)}, so the block would pass almost no gradient`);
  }
  // Gains enter W_l by absolute value, so the fix keeps the sign of the scale it replaces. A
  // negative scale flips the sign of the edge's output, which W_l does not measure.
  return { block, edge, edgeIndex, role, scale: edge.scale < 0 ? -scale : scale, log10Wl };
}

export function isSolution(result: ScaleSolution | ScaleFailure): result is ScaleSolution {
  return 'scale' in result;
}

/** log10 W_l when the edge's scale is `scale`. */
function wlWith(scale: number, rest: number, through: number, afterSum: number, power: number): number {
  const total = log10Add(rest, through + power * log10Abs(scale));
  return total === LOG_ZERO ? LOG_ZERO : afterSum + total / power;
}

/**
 * Splits W_l at one edge into terms, both log10 and raised to the model's power: `rest` sums the
 * paths that avoid the edge, and `through` the paths through it without its scale. `rest` is
 * summed again without the edge rather than subtracted, which would cancel to noise.
 */
function edgeTerms(terms: BlockTerms, edgeIndex: number, gainModel: GainModel): { rest: number; through: number } {
  const { block, order, edgeLogs, forward, backward } = terms;
  const edge = block.edges[edgeIndex];
  const rest = forwardSums(block, order, edgeLogs, edgeIndex).get(OUTPUT_NODE) ?? LOG_ZERO;
  const unscaled = edgeLogs[edgeIndex] - gainModel.power * log10Abs(edge.scale);
  const through = (forward.get(edge.from) ?? LOG_ZERO) + unscaled + (backward.get(edge.to) ?? LOG_ZERO);
  return { rest, through: Number.isNaN(through) ? LOG_ZERO : through };
}

/**
 * Rounds a scale to the fewest significant digits (SCALE_DIGITS or more) that keep the result on
 * the safe side of the target and acceptable to the caller: a block repeated 10^9 times needs a
 * scale exact to about 1e-10. `excess(scale)` is log10 W_l(scale) - log10 T, increasing in scale.
 */
function roundScale(
  exact: number,
  rounding: Rounding,
  excess: (scale: number) => number,
  accept: (scale: number) => boolean,
): number {
  for (let digits = SCALE_DIGITS; digits <= MAX_SCALE_DIGITS; digits++) {
    const scale = roundDirected(exact, digits, rounding, excess);
    if (accept(scale)) return scale;
  }
  return exact;
}

function roundDirected(exact: number, digits: number, rounding: Rounding, excess: (scale: number) => number): number {
  let scale = Number(exact.toPrecision(digits));
  if (rounding === 'nearest') return scale;
  const step = Math.pow(10, Math.floor(Math.log10(exact)) - (digits - 1));
  for (let i = 0; i < 4; i++) {
    const value = excess(scale);
    if (rounding === 'down' && value > 0) scale = Number((scale - step).toPrecision(digits));
    else if (rounding === 'up' && value < 0) scale = Number((scale + step).toPrecision(digits));
    else break;
  }
  return scale;
}

