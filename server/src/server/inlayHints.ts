// Inlay hints: W_l after each block reference (a layer's or a nested block op's "block" value)
// and after each plain layer, and W = W_l^n after each repeat count, under the selected model.
import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { fmtW, powerText } from '../core/findings';
import { log10Times } from '../core/logmath';
import type { BlockNode } from '../core/model';
import type { ValuePath } from '../core/source';
import { allOps } from './locate';
import type { AnalyzedDocument, Workspace } from './workspace';

interface OffsetHint {
  offset: number;
  label: string;
}

export async function inlayHints(workspace: Workspace, params: InlayHintParams): Promise<InlayHint[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document || !document.settings.inlayHints.enabled) return [];
  const start = document.lines.offsetAt(params.range.start);
  const end = document.lines.offsetAt(params.range.end);
  return hintOffsets(document)
    .filter((hint) => hint.offset >= start && hint.offset <= end)
    .map((hint) => ({ position: document.lines.positionAt(hint.offset), label: hint.label, paddingLeft: true }));
}

const hintCache = new WeakMap<AnalyzedDocument, OffsetHint[]>();

/** Returns every hint of the document, in text order, computed once per analysed version. */
export function hintOffsets(document: AnalyzedDocument): OffsetHint[] {
  const cached = hintCache.get(document);
  if (cached) return cached;
  const hints = computeHints(document);
  hintCache.set(document, hints);
  return hints;
}

function computeHints(document: AnalyzedDocument): OffsetHint[] {
  const { analysis } = document;
  const selected = analysis.network.model.name;
  const hints: OffsetHint[] = [];

  for (const entry of analysis.network.layers) {
    const { layer } = entry;
    const log10Wl = entry.byModel[selected].log10Wl;
    const anchor = layer.plain ? plainLayerAnchor(analysis, layer.path) : endOf(analysis, [...layer.path, 'block']);
    pushHints(hints, analysis, anchor, layer.path, log10Wl, layer.repeat);
  }

  for (const { op } of allOps(analysis)) {
    if (op.kind !== 'block' || op.name === undefined) continue;
    const nested = analysis.model.blocks.get(op.name);
    const log10Wl = nested ? wlOf(analysis, nested) : undefined;
    if (log10Wl === undefined) continue;
    pushHints(hints, analysis, endOf(analysis, [...op.path, 'block']), op.path, log10Wl, op.repeat);
  }
  return hints.sort((a, b) => a.offset - b.offset);
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
    hints.push({ offset: repeatEnd, label: `W = ${powerText(log10Wl, repeat)} = ${fmtW(log10Times(repeat, log10Wl))}` });
  }
}

function wlOf(analysis: Analysis, block: BlockNode): number | undefined {
  return analysis.blocks.get(block)?.[analysis.network.model.name]?.log10Wl;
}

function endOf(analysis: Analysis, path: ValuePath): number | undefined {
  return analysis.doc.locate(path)?.end;
}

/** Returns the end of a plain layer's op list: the list itself, or its "ops" value in {"ops": [...], "repeat": n}. */
function plainLayerAnchor(analysis: Analysis, path: ValuePath): number | undefined {
  return endOf(analysis, [...path, 'ops']) ?? endOf(analysis, path);
}
