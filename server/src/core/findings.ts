// Smoothness findings from the analysis results, and the scale fixes that resolve them.
import { BlockAnalyzer, networkLog10W, type Band, type BlockResult, type LayerResult, type NetworkResult } from './analyze';
import type { Code } from './codes';
import { LOG_ZERO, formatApart, formatLog10, formatLogValue, formatNumber } from './logmath';
import type { BlockNode, LayerNode, ModelIR } from './model';
import { blockTerms, edgeLabel, isSolution, scaleCandidates, solveEdgeScale, type Rounding, type ScaleFailure, type ScaleSolution } from './scale';
import type { ModelName } from './schema';
import { quotedName, type Problem, type SourceDocument, type TextEdit } from './source';

/** The subject of a smoothness finding, kept so that its fixes can be computed later. */
export type FindingSubject =
  | { kind: 'block'; block: string }
  | { kind: 'layer'; layerIndex: number }
  | { kind: 'stage'; layerIndex: number }
  | { kind: 'network'; side: 'low' | 'high' };

export interface SmoothnessProblem extends Problem {
  subject: FindingSubject;
}

export function fmtW(log10: number): string {
  return formatLog10(log10, 3);
}

/** Formats a W, apart from the band edge it lies beyond, so that it never reads as that edge. */
export function fmtWAgainstBand(log10W: number, band: Band): string {
  if (log10W < band.log10Min) return formatApart([log10W, band.log10Min]).texts[0];
  if (log10W > band.log10Max) return formatApart([log10W, band.log10Max]).texts[0];
  return fmtW(log10W);
}

/** Formats log10 W itself, with more decimals where it would print like a band edge's log10. */
export function fmtLogWAgainstBand(log10W: number, band: Band): string {
  return formatLogValue(log10W, [band.log10Min, band.log10Max]);
}

/** A band edge with its texts, made once for the many values a model can compare with it. */
interface BandEdge {
  log10: number;
  /** The edge as the settings write it. */
  text: string;
  /** The edge at three digits with any difference from 1, as formatApart starts. */
  apart: string;
}

function bandEdge(log10: number): BandEdge {
  // The edge as the settings give it ("0.01", not "0.0100"): 15 digits drop the noise of 10^log10.
  return { log10, text: formatNumber(Math.pow(10, log10), 15), apart: formatLog10(log10, 3, true) };
}

/**
 * Formats a value and the band edge it is compared with, with more digits than fmtW where three
 * would print both alike ("100 is above the band maximum 100"). The edge keeps its settings text.
 */
function againstBandEdge(log10: number, edge: BandEdge): { value: string; edge: string } {
  const value = formatLog10(log10, 3, true);
  if (log10 === edge.log10 || value !== edge.apart) return { value, edge: edge.text };
  // The edge keeps its settings text, which is exact: "100.00000000001 is above 100".
  return { value: formatApart([log10, edge.log10]).texts[0], edge: edge.text };
}

/**
 * Formats the tolerance bound that a W_l crossed, in full (1 + 0.1 prints as "1.1"), and the
 * W_l values with enough digits not to read as the bound ("1.10 is above 1.1").
 */
function againstTolerance(logs: number[], vanishing: boolean, tolerance: number): { values: string[]; bound: string } {
  const bound = vanishing ? 1 - tolerance : 1 + tolerance;
  const { texts } = formatApart([...logs, Math.log10(bound)]);
  // 1 - 0.9999 is 9.99999999999989e-5 in doubles: the digits that the tolerance shares with 1
  // cancel, and as many of the 15 that a double keeps turn into noise.
  const digits = vanishing ? Math.max(1, 15 + Math.floor(Math.log10(bound))) : 15;
  return { values: texts.slice(0, logs.length), bound: formatNumber(bound, digits) };
}

/** Formats a W_l near 1 that a fix reaches, with enough digits not to read as 1 unless it is 1. */
function fmtApartFromOne(log10: number): string {
  return formatApart([log10, 0]).texts[0];
}

/** Findings about blocks, repeated stages and the network under the selected model. */
export function smoothnessFindings(
  model: ModelIR,
  network: NetworkResult,
  resultOf: (block: BlockNode) => BlockResult | undefined,
  tolerance: number,
): SmoothnessProblem[] {
  const findings: SmoothnessProblem[] = [];
  const modelName = network.model.name;
  // The margin keeps a W_l that equals a tolerance edge (0.9 from 0.75 * 0.8 + 0.3) inside it
  // despite rounding in the last bits.
  const low = Math.log10(1 - tolerance) - 1e-12;
  const high = Math.log10(1 + tolerance) + 1e-12;

  // The subject and the name are made only for a finding: this runs for every block and layer
  // after each edit, and most have none.
  const checkBlock = (block: BlockNode, result: BlockResult, layerIndex: number | undefined): void => {
    const wl = result.log10Wl;
    if (wl !== LOG_ZERO && wl >= low && wl <= high) return;
    const subject: FindingSubject = layerIndex === undefined ? { kind: 'block', block: block.name } : { kind: 'layer', layerIndex };
    const subjectName = layerIndex === undefined ? `Block ${quotedName(block.name)}` : `Layer ${layerIndex}`;
    if (wl === LOG_ZERO) {
      const zeroPaths = result.paths.filter((path) => path.log10w === LOG_ZERO).map((path) => quotedName(path.name));
      const afterSumZero = result.log10AfterSum === LOG_ZERO;
      const cause = afterSumZero ? 'an op after the sum has gain 0' : `every path has gain 0 (${zeroPaths.slice(0, 4).join(', ')})`;
      const remedy = afterSumZero ? 'Give the ops after the sum a non-zero gain.' : 'Give a path a non-zero gain or add an identity shortcut.';
      findings.push({
        code: 'blocked-gradient',
        message: `${subjectName} has W_l = 0 under the ${modelName} model: ${cause}, so no gradient reaches the layers before it. ${remedy}`,
        span: block.span,
        subject,
      });
      return;
    }
    if (wl < low || wl > high) {
      const vanishing = wl < low;
      const printed = againstTolerance([wl], vanishing, tolerance);
      findings.push({
        code: vanishing ? 'block-vanishing' : 'block-exploding',
        message: `${subjectName} has W_l = ${printed.values[0]} under the ${modelName} model, ${vanishing ? 'below' : 'above'} ${printed.bound}: each application ${vanishing ? 'shrinks' : 'grows'} the gradient by that factor. ${block.form === 'plain' ? plainLayerRemedy(vanishing, 'this layer') : 'Scale one of its paths toward W_l = 1.'}`,
        span: block.span,
        subject,
      });
    }
  };

  for (const block of model.blocks.values()) {
    const result = resultOf(block);
    if (result) checkBlock(block, result, undefined);
  }

  // Plain layers that share a range (the layers that one expression of a *.arch.ts model makes)
  // and a finding get one finding, where one per layer would stack at that range.
  const plainLayers = new Map<string, LayerResult[]>();
  const band = network.band;
  const edges = { low: bandEdge(band.log10Min), high: bandEdge(band.log10Max) };
  const repeatTexts = new Map<number, { count: string; range: string; ends: { log10: number; text: string }[] }>();
  for (const entry of network.layers) {
    const { layer, block } = entry;
    const result = entry.byModel[modelName];
    if (layer.plain) {
      const wl = result.log10Wl;
      let code: Code | undefined;
      if (wl === LOG_ZERO) code = 'blocked-gradient';
      else if (wl < low) code = 'block-vanishing';
      else if (wl > high) code = 'block-exploding';
      if (code) {
        const key = `${code} ${layer.span.start} ${layer.span.end}`;
        const same = plainLayers.get(key);
        if (same) same.push(entry);
        else plainLayers.set(key, [entry]);
      }
    }
    if (layer.repeat > 1 && result.log10Wl !== LOG_ZERO) {
      const stage = entry.log10Layer;
      if (stage < band.log10Min || stage > band.log10Max) {
        const below = stage < band.log10Min;
        const printed = againstBandEdge(stage, below ? edges.low : edges.high);
        // The range's ends must print apart from each other and from 1, which they enclose. Layers
        // of one repeat count share the count and the range, and a model can repeat every layer alike.
        let repeats = repeatTexts.get(layer.repeat);
        if (!repeats) {
          const ends = [band.log10Min / layer.repeat, band.log10Max / layer.repeat];
          const [rangeMin, rangeMax] = formatApart([...ends, 0]).texts;
          const count = groupedCount(layer.repeat);
          repeats = {
            count,
            range: `${count} repeats stay inside only for W_l in [${rangeMin}, ${rangeMax}]`,
            ends: [{ log10: ends[0], text: rangeMin }, { log10: ends[1], text: rangeMax }],
          };
          repeatTexts.set(layer.repeat, repeats);
        }
        // join() makes one flat string of about 260 bytes. A template literal made a chain of about
        // a dozen strings, 720 bytes in all, which young-generation collections copied until they
        // promoted it. Settling sets severity, so the slot is made here.
        const depth = entry.maxStableDepth === null ? 'unbounded' : groupedCount(entry.maxStableDepth);
        const side = below ? ' is below the band minimum ' : ' is above the band maximum ';
        findings.push({
          code: 'stage-out-of-band',
          message: [stageName(layer, block, repeats.count), ': W = ', stagePower(result.log10Wl, layer.repeat, band, repeats), ' = ', printed.value, side, printed.edge, '; ', repeats.range, ' (max stable depth ', depth, ').'].join(''),
          span: layer.span,
          severity: undefined,
          subject: { kind: 'stage', layerIndex: layer.index },
        });
      }
    }
  }

  for (const entries of plainLayers.values()) {
    if (entries.length === 1) checkBlock(entries[0].block, entries[0].byModel[modelName], entries[0].layer.index);
    else findings.push(layersFinding(entries, modelName, tolerance));
  }

  const w = network.log10W;
  if (network.layers.length > 0 && (w < band.log10Min || w > band.log10Max)) {
    const below = w < band.log10Min;
    const exit = network.bandExit;
    const exitLayer = exit ? model.layers[exit.layerIndex] : undefined;
    const sameSide = exit?.side === (below ? 'low' : 'high');
    const leaves = exit?.side === 'low' ? 'first falls below' : 'first rises above';
    const where =
      exit && exitLayer
        ? ` The running W ${leaves} the band at ${exitPlace(exit.layerIndex, exit.repeat, exitLayer.repeat)}${sameSide ? '' : `, and ends ${below ? 'below' : 'above'} it`}.`
        : '';
    // Where the running W first left the band on the other side, the finding is shown at the
    // layer that moves W furthest toward its final side instead, since fixing it starts there.
    const strongest = network.layers.reduce<LayerResult | undefined>(
      (best, entry) => (!best || (below ? entry.log10Layer < best.log10Layer : entry.log10Layer > best.log10Layer) ? entry : best),
      undefined,
    );
    const shownLayer = sameSide ? exitLayer : (strongest?.layer ?? exitLayer);
    const printed = againstBandEdge(w, below ? edges.low : edges.high);
    findings.push({
      code: below ? 'network-vanishing' : 'network-exploding',
      message: `Network W = ${printed.value} under the ${modelName} model is ${below ? 'below the band minimum' : 'above the band maximum'} ${printed.edge}: gradients ${below ? 'vanish' : 'explode'} toward the input.${where}`,
      span: shownLayer?.span ?? model.layersSpan ?? { start: 0, end: 1 },
      subject: { kind: 'network', side: below ? 'low' : 'high' },
    });
  }
  return findings;
}

/** Makes one finding for plain layers at one range with the same code: their W_l and where they are. */
function layersFinding(entries: LayerResult[], modelName: ModelName, tolerance: number): SmoothnessProblem {
  const logs = entries.map((entry) => entry.byModel[modelName].log10Wl);
  const min = Math.min(...logs);
  const max = Math.max(...logs);
  const vanishing = max < 0;
  const printed = againstTolerance([min, max], vanishing, tolerance);
  let wl = `${printed.values[0]} to ${printed.values[1]}`;
  if (max === LOG_ZERO) wl = fmtW(max);
  else if (min === max) wl = printed.values[0];
  const indices = entries.map((entry) => entry.layer.index);
  const contiguous = indices.every((index, at) => at === 0 || index === indices[at - 1] + 1);
  const where = contiguous
    ? `layers[${indices[0]}] to layers[${indices[indices.length - 1]}]`
    : `${indices.slice(0, 4).map((index) => `layers[${index}]`).join(', ')}${indices.length > 4 ? ` and ${indices.length - 4} more` : ''}`;
  const subject: FindingSubject = { kind: 'layer', layerIndex: indices[0] };
  const head = `${entries.length} layers made here (${where}) have W_l = ${wl} under the ${modelName} model`;
  const span = entries[0].layer.span;
  if (max === LOG_ZERO) {
    return { code: 'blocked-gradient', message: `${head}, so no gradient reaches the layers before them. Give their ops non-zero gains.`, span, subject };
  }
  return {
    code: vanishing ? 'block-vanishing' : 'block-exploding',
    message: `${head}, ${vanishing ? 'below' : 'above'} ${printed.bound}: each application ${vanishing ? 'shrinks' : 'grows'} the gradient by that factor. ${plainLayerRemedy(vanishing, 'these layers')}`,
    span,
    subject,
  };
}

/**
 * Returns the advice for a plain layer outside the tolerance. A shortcut adds 1 to W_l. A vanishing
 * layer then needs a smaller scale beside it, and an exploding one moves further from 1, so its
 * advice is to lower its gain instead.
 */
function plainLayerRemedy(vanishing: boolean, layers: 'this layer' | 'these layers'): string {
  if (vanishing) {
    const gain = layers === 'this layer' ? "this layer's gain" : 'the gain of these layers';
    return `Raise ${gain} toward W_l = 1 (an init such as "he", or a normalisation op), or add a residual shortcut around ${layers} and scale ${layers === 'this layer' ? 'it' : 'them'} down, since the shortcut adds 1 to W_l.`;
  }
  const gain = layers === 'this layer' ? "this layer's gain" : 'the gain of these layers';
  return `Lower ${gain} toward W_l = 1, for example with a scale or a normalisation op; a residual shortcut would add 1 to W_l.`;
}

/**
 * Formats a W_l that a fix aims at 1 to three significant digits: "1.00" where fmtW writes the
 * distance from 1 ("1 + 1.00e-6"), which here is only the rounding of the scale.
 */
function fmtNearOne(log10: number): string {
  return Math.abs(log10) < 2e-4 ? Math.pow(10, log10).toFixed(2) : fmtW(log10);
}

/** "layers[3]", or "layers[3], repeat 1,201 of 1,000,000" where the running W leaves the band inside a repeated layer. */
export function exitPlace(layerIndex: number, repeat: number, layerRepeat: number): string {
  return layerRepeat > 1 ? `layers[${layerIndex}], repeat ${groupedCount(repeat)} of ${groupedCount(layerRepeat)}` : `layers[${layerIndex}]`;
}

/**
 * "0.750^16", with brackets around a base that has an exponent or a sign in it: "(1.00e-300)^3".
 * A W_l outside the band never prints as the band edge. `count` is the grouped repeat count, and
 * `shownBase` the text of W_l, for a caller that has made them already.
 */
export function powerText(log10Wl: number, repeat: number, band: Band, count = groupedCount(repeat), shownBase?: string): string {
  // fmtW prints a W_l within 1e-12 of 1 as 1.00, as rounding noise, which cannot explain a
  // power far from 1 (0.9999999999997^(2^53 - 1) is 3.44e-1174), so then the distance is shown.
  const base =
    shownBase ??
    (log10Wl < band.log10Min || log10Wl > band.log10Max
      ? fmtWAgainstBand(log10Wl, band)
      : Math.abs(log10Wl * repeat) >= 4e-13
        ? formatLog10(log10Wl, 3, true)
        : fmtW(log10Wl));
  // Unbracketed, "1.00e-300^3" would read as 1.00e(-300^3).
  const bracket = base.includes(' ') || base.includes('e') || base.includes('^');
  return bracket ? `(${base})^${count}` : `${base}^${count}`;
}

/**
 * Writes W_l^n for a stage outside the band, with W_l apart from the ends of the range that would
 * keep the stage inside: "1.00461579027840^1,000" beside the range [0.995, 1.005], not "1.005^1,000".
 */
function stagePower(log10Wl: number, repeat: number, band: Band, texts: { count: string; ends: { log10: number; text: string }[] }): string {
  if (log10Wl < band.log10Min || log10Wl > band.log10Max) return powerText(log10Wl, repeat, band, texts.count);
  const base = formatLog10(log10Wl, 3, true);
  const end = texts.ends.find((candidate) => candidate.text === base && candidate.log10 !== log10Wl);
  return powerText(log10Wl, repeat, band, texts.count, end ? formatApart([log10Wl, end.log10]).texts[0] : base);
}

/** Names a repeated layer, with its count grouped (`count`, made once for the layers that share it). */
function stageName(layer: LayerNode, block: BlockNode, count: string): string {
  return layer.plain ? `Layer ${layer.index} x${count}` : `Stage ${quotedName(block.name)} x${count} at layers[${layer.index}]`;
}

/** Writes a repeat count after a name, grouped as every count in a message is: "x1,000,000". */
export function timesText(repeat: number): string {
  return `x${groupedCount(repeat)}`;
}

/** A quick fix: one scale on one edge, with the edits that write it and the result it reaches. */
export interface ScaleFix {
  title: string;
  solution: ScaleSolution;
  /** log10 of the network W after the fix, under the selected model. */
  log10W: number;
  edits: TextEdit[];
  preferred: boolean;
}

interface FixTarget {
  block: BlockNode;
  log10Target: number;
  rounding: Rounding;
  /** How many times the block enters W; the network changes by that power of the W_l change. */
  uses: number;
  /** Whether a resulting W_l is good enough; rounding adds digits until it is. */
  accept?: (log10Wl: number) => boolean;
  /**
   * Another layer with W_l = 0, which keeps W at 0 whatever this block's scale is. The target is
   * then not defined, so each lever gets a failure that names this layer.
   */
  blockedBy?: LayerResult;
  /** The target tried when no lever reaches this one. */
  fallback?: FixTarget;
  /** For a network fix: whether the network W with the scale in place is inside the band. */
  networkInside?: (log10W: number) => boolean;
  /** The finding that a resulting W_l would add (a stage leaving the band, say), or undefined. */
  newFinding?: (log10Wl: number) => string | undefined;
  describe: (solution: ScaleSolution, log10W: number) => string;
}

/**
 * Computes the scale fixes for a finding, preferred first: the branch scales that reach the
 * target, then the shortcut scales. Failures give the reason a lever does not work.
 */
export function fixesForSubject(
  subject: FindingSubject,
  model: ModelIR,
  network: NetworkResult,
  analyzer: BlockAnalyzer,
  doc: SourceDocument,
  tolerance: number,
): { fixes: ScaleFix[]; failures: ScaleFailure[] } {
  const fixes: ScaleFix[] = [];
  const failures: ScaleFailure[] = [];
  // The fallback's failures would repeat the first target's reasons, so only its fixes are kept.
  const solve = (target: FixTarget, failures: ScaleFailure[]): void => {
    const current = network.layers.find((entry) => entry.block === target.block)?.byModel[network.model.name]
      ?? analyzer.analyze(target.block, network.model);
    if (!current) return;
    const terms = blockTerms(analyzer, target.block, network.model);
    if (!terms) return;
    const blockedBy = target.blockedBy;
    if (blockedBy) {
      const name = blockedBy.layer.plain ? `layers[${blockedBy.layer.index}]` : `block ${quotedName(blockedBy.block.name)} at layers[${blockedBy.layer.index}]`;
      for (const candidate of scaleCandidates(terms)) {
        failures.push({
          block: target.block.name,
          edge: target.block.edges[candidate.edgeIndex],
          role: candidate.role,
          label: edgeLabel(target.block, candidate.edgeIndex),
          reason: `${name} has W_l = 0 and blocks the gradient, so W stays 0 whatever this scale is; fix that layer first`,
        });
      }
      return;
    }
    let branchSolved = false;
    for (const candidate of scaleCandidates(terms)) {
      if (candidate.role === 'shortcut' && branchSolved) continue;
      const result = solveEdgeScale(
        terms,
        candidate.edgeIndex,
        candidate.role,
        network.model,
        target.log10Target,
        target.rounding,
        target.accept,
      );
      if (!isSolution(result)) {
        failures.push(result);
        continue;
      }
      // A fix that trades this finding for another one is no fix.
      const added = target.newFinding?.(result.log10Wl);
      if (added) {
        failures.push({ block: result.block.name, edge: result.edge, role: result.role, label: edgeLabel(result.block, result.edgeIndex), reason: `a scale of ${result.scale} would ${added}` });
        continue;
      }
      const log10W = networkWithScale(model, network, analyzer, result);
      // The title promises the network's W, computed again with the scale in place.
      if (target.networkInside && !target.networkInside(log10W)) {
        failures.push({ block: result.block.name, edge: result.edge, role: result.role, label: edgeLabel(result.block, result.edgeIndex), reason: `a scale of ${result.scale} would give W = ${fmtW(log10W)}, still outside the band` });
        continue;
      }
      if (candidate.role === 'branch') branchSolved = true;
      const edits = scaleEdits(doc, result);
      if (!edits) {
        // The scale is still worth knowing when the text cannot take it as one edit.
        failures.push({
          block: result.block.name,
          edge: result.edge,
          role: result.role,
          label: edgeLabel(result.block, result.edgeIndex),
          reason: `a scale of ${result.scale} gives W_l = ${fmtW(result.log10Wl)}, but no edit is offered: the text that would hold it also makes other values, or lies in another file`,
        });
        continue;
      }
      fixes.push({ title: target.describe(result, log10W), solution: result, log10W, edits, preferred: fixes.length === 0 });
    }
  };
  for (const target of fixTargets(subject, model, network, tolerance)) {
    const before = fixes.length;
    solve(target, failures);
    // When no lever reaches W_l = 1 (an identity shortcut alone gives 1), a W_l inside the
    // tolerance is still a fix.
    if (fixes.length === before && target.fallback) {
      solve(target.fallback, []);
      // A lever that the fallback sets is offered, so its failure to reach 1 is not listed as well.
      const offered = new Set(fixes.slice(before).map((fix) => fix.solution.edge));
      for (let at = failures.length - 1; at >= 0; at--) if (offered.has(failures[at].edge)) failures.splice(at, 1);
    }
  }
  return { fixes, failures };
}

function fixTargets(subject: FindingSubject, model: ModelIR, network: NetworkResult, tolerance: number): FixTarget[] {
  const band = network.band;
  // The scale replaces the edge's current one, so the title reads "set ... to", not "scale by".
  const lever = (solution: ScaleSolution): string => {
    const current = solution.edge.scale === 1 ? '' : ` from ${formatNumber(solution.edge.scale, 6)}`;
    return `Set the scale of ${solution.role} ${quotedName(edgeLabel(solution.block, solution.edgeIndex))} of ${quotedName(solution.block.name)}${current} to ${solution.scale}`;
  };
  switch (subject.kind) {
    case 'block': {
      const block = model.blocks.get(subject.block);
      if (!block) return [];
      const uses = usesOf(block, network);
      const current = network.layers.find((entry) => entry.block === block)?.byModel[network.model.name]?.log10Wl;
      // Halfway into the tolerance range on the side the block is on.
      const side = current !== undefined && current < 0 ? -1 : 1;
      const inside = Math.log10(1 + (side * tolerance) / 2);
      const fallback: FixTarget = {
        block,
        log10Target: inside,
        rounding: 'nearest',
        uses,
        describe: (s) => `${lever(s)} (W_l = ${fmtApartFromOne(s.log10Wl)}, inside the tolerance; no scale reaches 1)`,
      };
      return [{ block, log10Target: 0, rounding: 'nearest', uses, fallback, describe: (s) => `${lever(s)} (W_l = ${fmtNearOne(s.log10Wl)})` }];
    }
    case 'layer':
      return [];
    case 'stage': {
      const entry = network.layers.find((candidate) => candidate.layer.index === subject.layerIndex);
      if (!entry || entry.layer.plain) return [];
      const n = entry.layer.repeat;
      const below = entry.log10Layer < band.log10Min;
      const inner = innerBand(band, n);
      return [
        {
          block: entry.block,
          log10Target: (below ? inner.log10Min : inner.log10Max) / n,
          rounding: below ? 'up' : 'down',
          uses: usesOf(entry.block, network),
          accept: (log10Wl) => insideBand(n * log10Wl, inner),
          describe: (s) => `${lever(s)} to keep ${groupedCount(n)} repeats in the band (W_l = ${fmtApartFromOne(s.log10Wl)}, stage W = ${fmtW(n * s.log10Wl)})`,
        },
      ];
    }
    case 'network': {
      // A block nested in another one also changes that block's W_l, which the target below does
      // not count, so only blocks that no block in the network nests are levers. A block that no
      // layer reaches does not count: it changes no W.
      const nestedBlocks = nestedInNetwork(model, network);
      const contributions = new Map<BlockNode, number>();
      for (const entry of network.layers) {
        if (entry.layer.plain || nestedBlocks.has(entry.block.name)) continue;
        contributions.set(entry.block, (contributions.get(entry.block) ?? 0) + entry.log10Layer);
      }
      const sorted = [...contributions.entries()]
        .filter(([, log]) => (subject.side === 'low' ? log < 0 : log > 0))
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, 2);
      return sorted.map(([block, contribution]) => {
        const blockedBy = network.layers.find((entry) => entry.block !== block && entry.log10Layer === LOG_ZERO);
        const uses = usesOf(block, network);
        const restOfNetwork = network.log10W - contribution;
        const inner = innerBand(band, uses);
        const innerEdge = subject.side === 'low' ? inner.log10Min : inner.log10Max;
        // The W_l that brings the network in can leave a repeated layer of the block outside the
        // band, with its stage-out-of-band finding. The target then moves on to the W_l that
        // brings that stage in too, which the network reaches on the way.
        const stages = network.layers
          .filter((entry) => entry.block === block && entry.layer.repeat > 1)
          .map((entry) => ({ n: entry.layer.repeat, inner: innerBand(band, entry.layer.repeat) }));
        const networkTarget = (innerEdge - restOfNetwork) / uses;
        let log10Target = networkTarget;
        for (const stage of stages) {
          const stageEdge = (subject.side === 'low' ? stage.inner.log10Min : stage.inner.log10Max) / stage.n;
          log10Target = subject.side === 'low' ? Math.max(log10Target, stageEdge) : Math.min(log10Target, stageEdge);
        }
        const stagesToo = log10Target !== networkTarget;
        return {
          block,
          log10Target,
          rounding: subject.side === 'low' ? 'up' : 'down',
          uses,
          accept: (log10Wl: number) =>
            insideBand(restOfNetwork + uses * log10Wl, inner) && (!stagesToo || stages.every((stage) => insideBand(stage.n * log10Wl, stage.inner))),
          blockedBy,
          newFinding: (log10Wl: number) => findingAddedBy(block, contribution / uses, log10Wl, network, tolerance),
          networkInside: (log10W: number) => insideBand(log10W, band),
          describe: (s, log10W) => `${lever(s)} to bring the network into the band (W_l = ${fmtApartFromOne(s.log10Wl)}, W = ${fmtW(log10W)})`,
        } satisfies FixTarget;
      });
    }
  }
}

/** Returns the names of the blocks that the blocks of the network's layers nest, at any depth. */
function nestedInNetwork(model: ModelIR, network: NetworkResult): Set<string> {
  const nested = new Set<string>();
  const pending: BlockNode[] = network.layers.map((entry) => entry.block);
  for (let block = pending.pop(); block; block = pending.pop()) {
    for (const op of block.nested) {
      if (op.name === undefined || nested.has(op.name)) continue;
      nested.add(op.name);
      const inner = model.blocks.get(op.name);
      if (inner) pending.push(inner);
    }
  }
  return nested;
}

/**
 * Describes the finding that changing a block's W_l from `before` to `after` (log10) adds: a
 * repeated layer of it that leaves the band on a side where it was not, or the block itself leaving
 * the tolerance range on the side where it was not. Undefined when it adds none.
 */
function findingAddedBy(block: BlockNode, before: number, after: number, network: NetworkResult, tolerance: number): string | undefined {
  const { band } = network;
  // A stage that was inside and leaves the band, or that crosses it from one side to the other,
  // gets a finding it did not have.
  const sideOf = (log10W: number): number => {
    if (log10W < band.log10Min) return -1;
    return log10W > band.log10Max ? 1 : 0;
  };
  for (const entry of network.layers) {
    if (entry.block !== block || entry.layer.repeat === 1) continue;
    const stage = entry.layer.repeat * after;
    if (sideOf(stage) !== 0 && sideOf(stage) !== sideOf(entry.log10Layer)) {
      return `take the stage at layers[${entry.layer.index}] to W = ${powerText(after, entry.layer.repeat, band)} = ${fmtWAgainstBand(stage, band)}, outside the band`;
    }
  }
  const low = Math.log10(1 - tolerance);
  const high = Math.log10(1 + tolerance);
  const side = (log10Wl: number): number => {
    if (log10Wl < low) return -1;
    return log10Wl > high ? 1 : 0;
  };
  if (side(after) !== 0 && side(after) !== side(before)) {
    return `make block ${quotedName(block.name)} ${side(after) > 0 ? 'explode' : 'vanish'} on its own, with W_l = ${fmtW(after)}`;
  }
  return undefined;
}

/**
 * log10 of the network W with the solution's scale in place, from a new analysis of the model,
 * so blocks used inside other blocks count too. Blocks that neither are nor contain the changed
 * block keep their results. The IR is restored before returning.
 */
function networkWithScale(model: ModelIR, network: NetworkResult, analyzer: BlockAnalyzer, solution: ScaleSolution): number {
  const previous = solution.edge.scale;
  solution.edge.scale = solution.scale;
  try {
    return networkLog10W(model, analyzer.afterChangeTo(solution.block), network.model);
  } finally {
    solution.edge.scale = previous;
  }
}

/**
 * Returns the band narrowed at each edge by the error that `repeats` uses of one block can add
 * to log10 W. A double stores W_l near 1 to about 1e-16, and repeating it multiplies that error.
 * A fix aimed at the edge itself landed a hair above a maximum of 100 at 10^12 repeats. The
 * margin is at most a quarter of the band's width: at 10^15 repeats it would otherwise cross
 * the band and aim a fix at a W_l below 1 for an upper edge.
 */
function innerBand(band: { log10Min: number; log10Max: number }, repeats: number): { log10Min: number; log10Max: number } {
  const margin = Math.min(Math.max(1e-9, repeats * 1e-14), (band.log10Max - band.log10Min) / 4);
  return { log10Min: band.log10Min + margin, log10Max: band.log10Max - margin };
}

function insideBand(log10W: number, band: { log10Min: number; log10Max: number }): boolean {
  return log10W >= band.log10Min && log10W <= band.log10Max;
}

/** Total repeats of the layers that apply the block directly. */
function usesOf(block: BlockNode, network: NetworkResult): number {
  return network.layers.filter((entry) => entry.block === block).reduce((sum, entry) => sum + entry.layer.repeat, 0);
}

function scaleEdits(doc: SourceDocument, solution: ScaleSolution): TextEdit[] | undefined {
  const edge = solution.edge;
  if (edge.form === 'op-list') return doc.editor.wrapList(edge.path, 'ops', 'scale', solution.scale);
  return doc.editor.setNumber(edge.path, 'scale', solution.scale);
}

export type { Code };

/**
 * Writes a whole count with thousands separators ("1,000,000"), which long repeat counts need to
 * be read. A model can have a stage finding per layer, and arithmetic on a safe integer takes a
 * quarter of the time of the regular expression that larger numbers still take.
 */
export function groupedCount(count: number): string {
  if (!Number.isSafeInteger(count)) return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
  let rest = Math.abs(count);
  let grouped = '';
  while (rest >= 1000) {
    const group = rest % 1000;
    grouped = `,${group < 10 ? '00' : group < 100 ? '0' : ''}${group}${grouped}`;
    rest = (rest - group) / 1000;
  }
  return `${count < 0 ? '-' : ''}${rest}${grouped}`;
}
