// Wording shared by hovers, inlay hints and code lenses: the band, the verdict on a repeated
// layer and on the network, all from the core's numbers.
import type { Band, LayerResult, NetworkResult } from '../core/analyze';
import type { Analysis, EffectiveSettings } from '../core/analysis';
import type { LayerGroup } from './locate';
import { exitPlace, fmtW, fmtWAgainstBand, groupedCount, powerText } from '../core/findings';
import { LOG_ZERO, formatApart, formatNumber, log10Multiply } from '../core/logmath';

export function bandText(settings: EffectiveSettings): string {
  return `[${formatNumber(settings.band[0], 15)}, ${formatNumber(settings.band[1], 15)}]`;
}

/**
 * "W = 0.625^5 = 0.0954", or "W = 0.625" for a layer applied once. W never prints as the band
 * edge it lies beyond, and `shownW` replaces its text where a caller needs more digits still.
 */
export function layerWText(entry: LayerResult, log10Wl: number, band: Band, shownW = fmtWAgainstBand(entry.log10Layer, band)): string {
  if (entry.layer.repeat === 1) return `W = ${shownW}`;
  return `W = ${powerText(log10Wl, entry.layer.repeat, band)} = ${shownW}`;
}

/**
 * Describes a repeated layer on its own: how deep its block can be stacked before W_l^n leaves
 * the band, and whether this layer's repeat count is past that depth.
 */
export function depthVerdict(entry: LayerResult, analysis: Analysis, log10Wl: number): string {
  const { settings, network } = analysis;
  const band = network.band;
  if (log10Wl === 0 || entry.maxStableDepth === null) return 'Stable at any depth: W_l = 1';
  if (log10Wl === LOG_ZERO) return 'Blocked: W_l = 0, no gradient passes through this layer';
  const growing = log10Wl > 0;
  const depth = entry.maxStableDepth ?? Infinity;
  const verb = growing ? 'Explodes' : 'Vanishes';
  const past = depth === 0 ? 'even at 1 repeat' : `past ${repeats(depth)}`;
  if (entry.layer.repeat > depth) {
    // W is shown with enough digits not to read as the band edge it passed.
    const edge = growing ? settings.band[1] : settings.band[0];
    const w = layerWText(entry, log10Wl, band, formatApart([entry.log10Layer, Math.log10(edge)]).texts[0]);
    return `${verb} ${past}: ${w} is ${growing ? 'above' : 'below'} ${formatNumber(edge, 15)}`;
  }
  const w = layerWText(entry, log10Wl, band);
  return `${verb} ${past}; ${repeats(entry.layer.repeat)} ${entry.layer.repeat === 1 ? 'gives' : 'give'} ${w}, inside the band`;
}

/** Formats the product W of a group of layers: "W = 0.625^16 = 5.42e-4", or "W = 0.0250" when their W_l differ. */
export function groupWText(entries: readonly LayerResult[], network: NetworkResult): string {
  const selected = network.model.name;
  const log10W = groupLog10W(entries);
  const log10Wl = entries[0].byModel[selected].log10Wl;
  const repeatCount = entries.reduce((total, entry) => total + entry.layer.repeat, 0);
  const sameWl = entries.every((entry) => entry.byModel[selected].log10Wl === log10Wl);
  const power = sameWl && repeatCount > 1 && Number.isSafeInteger(repeatCount) ? `${powerText(log10Wl, repeatCount, network.band)} = ` : '';
  return `W = ${power}${fmtWAgainstBand(log10W, network.band)}`;
}

function groupLog10W(entries: readonly LayerResult[]): number {
  return entries.reduce((product, entry) => log10Multiply(product, entry.log10Layer), 0);
}

/** Counts a group's layers: "8 layers", or "6 of 8 layers" when some cannot be analysed. */
export function groupCount(group: LayerGroup): string {
  const size = group.entries.length + group.skipped.length;
  const noun = size === 1 ? 'layer' : 'layers';
  return group.skipped.length === 0 ? `${groupedCount(size)} ${noun}` : `${groupedCount(group.entries.length)} of ${groupedCount(size)} ${noun}`;
}

/**
 * Describes the layers that share one range: their product W against the band, and how many of
 * the repeated ones leave the band when stacked alone.
 */
export function groupVerdict(group: LayerGroup, analysis: Analysis): string {
  const { entries } = group;
  const band = analysis.network.band;
  const log10W = groupLog10W(entries);
  let position = 'inside';
  if (log10W < band.log10Min) position = 'below';
  else if (log10W > band.log10Max) position = 'above';
  const head = `${groupCount(group)} from here: ${groupWText(entries, analysis.network)}, ${position} the band ${bandText(analysis.settings)}`;
  const repeated = entries.filter((entry) => entry.layer.repeat > 1);
  if (repeated.length === 0) return head;
  const past = repeated.filter((entry) => entry.layer.repeat > (entry.maxStableDepth ?? Infinity)).length;
  if (past === 0) return `${head}; each repeated layer stays inside the band when stacked alone`;
  return `${head}; ${groupedCount(past)} of its ${groupedCount(repeated.length)} repeated layers ${past === 1 ? 'leaves' : 'leave'} the band when stacked alone`;
}

/** "1 repeat", "16 repeats", "1,000,000 repeats". */
export function repeats(count: number): string {
  return `${groupedCount(count)} repeat${count === 1 ? '' : 's'}`;
}

/** "Network W = 2.71e-4 under the seed model: gradients vanish, ...", for the lens and the hover on "layers". */
export function networkVerdict(analysis: Analysis, short = false): string {
  const { network, settings, model } = analysis;
  const w = network.log10W;
  // Outside the band, W is shown with enough digits not to read as the band edge it passed.
  const edge = w < network.band.log10Min ? settings.band[0] : settings.band[1];
  const shownW = w < network.band.log10Min || w > network.band.log10Max ? formatApart([w, Math.log10(edge)]).texts[0] : fmtW(w);
  // A code lens does not wrap, so it names the model in brackets.
  const head = short ? `Network W = ${shownW} (${network.model.name} model)` : `Network W = ${shownW} under the ${network.model.name} model`;
  const exit = network.bandExit;
  const exitLayer = exit ? model.layers[exit.layerIndex] : undefined;
  const where =
    exit && exitLayer
      ? ` at ${exitPlace(exit.layerIndex, exit.repeat, exitLayer.repeat)}`
      : '';
  const skipped =
    network.skippedLayers.length > 0
      ? ` (${network.skippedLayers.length} layer${network.skippedLayers.length === 1 ? '' : 's'} with problems left out)`
      : '';
  // An empty product is 1, which would read as a perfectly stable network.
  if (network.layers.length === 0) return `No layer could be analysed, so the network has no W${skipped}`;
  if (short) return shortNetworkVerdict(analysis, head);
  // The running W can leave the band on one side and end on the other, so the side is named.
  const leaves = exit ? `first ${exit.side === 'low' ? 'falls below' : 'rises above'}` : 'leaves';
  if (w < network.band.log10Min) {
    const turn = exit?.side === 'high' ? ', and ends below it' : '';
    return `${head}: gradients vanish, W is below the band minimum ${formatNumber(settings.band[0], 15)}; the running W ${leaves} the band${where}${turn}${skipped}`;
  }
  if (w > network.band.log10Max) {
    const turn = exit?.side === 'low' ? ', and ends above it' : '';
    return `${head}: gradients explode, W is above the band maximum ${formatNumber(settings.band[1], 15)}; the running W ${leaves} the band${where}${turn}${skipped}`;
  }
  if (exit) return `${head}, inside the band ${bandText(settings)} at the output, but the running W ${leaves} it${where}${skipped}`;
  return `${head}, inside the band ${bandText(settings)}${skipped}`;
}

/**
 * Writes the network verdict for a code lens, which does not wrap and often shares its line with
 * a layer's lens: "Network W = 0.00317 (seed model), vanishing: below 0.01 from layers[0], repeat 17 of 20".
 */
function shortNetworkVerdict(analysis: Analysis, head: string): string {
  const { network, settings, model } = analysis;
  const w = network.log10W;
  const exit = network.bandExit;
  const exitLayer = exit ? model.layers[exit.layerIndex] : undefined;
  const place = exit && exitLayer ? exitPlace(exit.layerIndex, exit.repeat, exitLayer.repeat) : undefined;
  const [low, high] = [formatNumber(settings.band[0], 15), formatNumber(settings.band[1], 15)];
  const skipped = network.skippedLayers.length > 0 ? ` (${network.skippedLayers.length} left out)` : '';
  // Where the running W first left the band: on the side it ends on, or on the other one.
  const path = (endSide: 'low' | 'high'): string => {
    if (!place || !exit) return '';
    if (exit.side === endSide) return ` from ${place}`;
    return exit.side === 'high' ? `, after rising above ${high} at ${place}` : `, after falling below ${low} at ${place}`;
  };
  if (w < network.band.log10Min) return `${head}, vanishing: below ${low}${path('low')}${skipped}`;
  if (w > network.band.log10Max) return `${head}, exploding: above ${high}${path('high')}${skipped}`;
  if (exit && place) return `${head}: inside the band ${bandText(settings)} at the output, but ${exit.side === 'low' ? 'below' : 'above'} it at ${place}${skipped}`;
  return `${head}: inside the band ${bandText(settings)}${skipped}`;
}

/** The text shown in place of numbers while the file has syntax errors. */
export const SYNTAX_ERROR_NOTE = 'W is shown again once the syntax errors are fixed';
