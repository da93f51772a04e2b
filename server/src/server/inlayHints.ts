// Inlay hints: W_l after each block reference (a layer's or a nested block op's "block" value)
// and after each plain layer, and W = W_l^n after each repeat count, under the selected model.
// Layers that share one range in a *.arch.ts model (see LayerGroup) get one hint with their product W.
import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { fmtW, fmtWAgainstBand, powerText } from '../core/findings';
import { log10Times } from '../core/logmath';
import type { BlockNode, OpNode } from '../core/model';
import type { Span, ValuePath } from '../core/source';
import { blockResults } from './blockResults';
import { forEachOp, forEachOpOf, isGroupedPlainBlock, layerGroupOf } from './locate';
import { hasSyntaxErrors } from '../core/analysis';
import { groupCount, groupWText } from './format';
import { blocksInTextOrder, lastStartingAtOrBefore, textOrderOf, type TextOrder } from './textOrder';
import type { Workspace } from './workspace';

export interface OffsetHint {
  offset: number;
  label: string;
  /** The whole text, where the label leaves part of it out. */
  tooltip?: string;
}

/**
 * Longest label written in full. VS Code cuts a hint at editor.inlayHints.maximumLength, 43
 * characters by default, which would cut W off "W = 0.606^1,000,000,000,000 = 2.00e-217742426337".
 */
const MAX_LABEL_LENGTH = 43;

/**
 * Makes the hint `prefix` + `wText` ("W = 0.606^16 = 3.34e-4"), or, where that is longer than
 * MAX_LABEL_LENGTH, `prefix` + "W = " and the value after the last " = ", with the whole text as
 * its tooltip.
 */
function shortened(offset: number, prefix: string, wText: string): OffsetHint {
  const full = `${prefix}${wText}`;
  if (full.length <= MAX_LABEL_LENGTH) return { offset, label: full };
  return { offset, label: `${prefix}W = ${wText.slice(wText.lastIndexOf(' = ') + 3)}`, tooltip: full };
}

export async function inlayHints(workspace: Workspace, params: InlayHintParams): Promise<InlayHint[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document || !document.settings.inlayHints.enabled || hasSyntaxErrors(document.analysis)) return [];
  const start = document.lines.offsetAt(params.range.start);
  const end = document.lines.offsetAt(params.range.end);
  return hintsBetween(document.analysis, textOrderOf(document), start, end).map((hint) => ({
    position: document.lines.positionAt(hint.offset),
    label: hint.label,
    ...(hint.tooltip === undefined ? {} : { tooltip: hint.tooltip }),
    paddingLeft: true,
  }));
}

/**
 * Returns the hints from offset `start` to `end`, in text order. Each hint lies inside the range
 * of its layer or op value, because pushHints puts it there. The model IR records that range as
 * the layer's or op's span, so only layers and ops whose span overlaps the requested range are read.
 * With the text order of a JSON model, binary search finds them without visiting the other parts.
 * Computing the hints of the whole file took about 20 ms at 10,000 blocks on every new version
 * (bench/server.mjs on a 2-core machine), while an editor requests the visible lines only.
 */
export function hintsBetween(analysis: Analysis, order: TextOrder | undefined, start: number, end: number): OffsetHint[] {
  const overlaps = (span: Span): boolean => span.end >= start && span.start <= end;
  const byStart = (span: Span): number => span.start;
  const selected = analysis.network.model.name;
  const hints: OffsetHint[] = [];

  // The layer results follow the layers' text order when the model has one.
  const entries = analysis.network.layers;
  const firstEntry = order ? Math.max(0, lastStartingAtOrBefore(entries, start, (entry) => byStart(entry.layer.span))) : 0;
  for (let i = firstEntry; i < entries.length; ) {
    const entry = entries[i];
    const { layer } = entry;
    if (order && layer.span.start > end) break;
    i++;
    if (!overlaps(layer.span)) continue;
    const group = layerGroupOf(analysis, layer);
    if (group) {
      // The layers at one range get one hint after it, where one per layer would stack.
      if (group.entries[0] === entry) hints.push(shortened(layer.span.end, `${groupCount(group)}: `, groupWText(group.entries, analysis.network)));
      continue;
    }
    const log10Wl = entry.byModel[selected].log10Wl;
    const anchor = layer.plain ? plainLayerAnchor(analysis, layer.path) : endOf(analysis, [...layer.path, 'block']);
    pushHints(hints, analysis, anchor, layer.path, log10Wl, layer.repeat);
  }

  const visitOp = (op: OpNode, block: BlockNode): void => {
    if (op.kind !== 'block' || op.name === undefined || !overlaps(op.span)) return;
    // A nested block in the plain layers of a group would get one hint per layer at one place.
    if (isGroupedPlainBlock(analysis, block)) return;
    const nested = analysis.model.blocks.get(op.name);
    const log10Wl = nested ? wlOf(analysis, nested) : undefined;
    if (log10Wl === undefined) return;
    pushHints(hints, analysis, endOf(analysis, [...op.path, 'block']), op.path, log10Wl, op.repeat);
  };
  if (order && blocksInTextOrder(order)) {
    // The same op order as forEachOp: named blocks first, then plain layers.
    const { blocks, layers } = order;
    for (let i = Math.max(0, lastStartingAtOrBefore(blocks, start, (block) => byStart(block.span))); i < blocks.length && blocks[i].span.start <= end; i++) {
      forEachOpOf(blocks[i], visitOp);
    }
    for (let i = Math.max(0, lastStartingAtOrBefore(layers, start, (layer) => byStart(layer.span))); i < layers.length && layers[i].span.start <= end; i++) {
      const block = layers[i].block;
      if (layers[i].plain && block) forEachOpOf(block, visitOp);
    }
  } else {
    forEachOp(analysis, visitOp);
  }
  return hints.filter((hint) => hint.offset >= start && hint.offset <= end).sort((a, b) => a.offset - b.offset);
}

function pushHints(
  hints: OffsetHint[],
  analysis: Analysis,
  anchor: number | undefined,
  path: ValuePath,
  log10Wl: number,
  repeat: number,
): void {
  // In a *.arch.ts file a value can come from elsewhere (`repeat: depth` from `const depth = 20`).
  // A hint that would land outside the layer or op object goes right after that object instead.
  const owner = analysis.doc.locate(path);
  const inside = (offset: number | undefined): number | undefined =>
    offset === undefined || !owner || (offset > owner.start && offset <= owner.end) ? offset : owner.end;
  const blockAnchor = inside(anchor);
  if (blockAnchor !== undefined) hints.push({ offset: blockAnchor, label: `W_l = ${fmtW(log10Wl)}` });
  const repeatEnd = inside(endOf(analysis, [...path, 'repeat']));
  if (repeat > 1 && repeatEnd !== undefined) {
    const w = fmtWAgainstBand(log10Times(repeat, log10Wl), analysis.network.band);
    hints.push(shortened(repeatEnd, '', `W = ${powerText(log10Wl, repeat, analysis.network.band)} = ${w}`));
  }
}

function wlOf(analysis: Analysis, block: BlockNode): number | undefined {
  return blockResults(analysis, block)?.[analysis.network.model.name]?.log10Wl;
}

function endOf(analysis: Analysis, path: ValuePath): number | undefined {
  return analysis.doc.locate(path)?.end;
}

/** Returns the end of a plain layer's op list: the list itself, or its "ops" value in {"ops": [...], "repeat": n}. */
function plainLayerAnchor(analysis: Analysis, path: ValuePath): number | undefined {
  return endOf(analysis, [...path, 'ops']) ?? endOf(analysis, path);
}
