// Finds the part of a model under an offset: an op, a block's key, a layer or the "layers" key,
// the innermost first, using the text ranges that the front end recorded in the model IR.
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/analyze';
import type { BlockNode, EdgeNode, LayerNode, OpNode } from '../core/model';
import type { Span } from '../core/source';

/** An op with the block and path it sits on; `edge` is undefined for ops after the sum. */
export interface OpSite {
  op: OpNode;
  block: BlockNode;
  edge?: EdgeNode;
}

export type HoverTarget =
  | ({ kind: 'op' } & OpSite)
  | { kind: 'block'; block: BlockNode }
  | { kind: 'layer'; layer: LayerNode; entry?: LayerResult }
  | { kind: 'layers' };

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset < span.end;
}

const opSites = new WeakMap<Analysis, OpSite[]>();

/**
 * Lists every op of every named block and plain layer, path ops first, then the ops after the sum.
 * The list is built once per analysis: hovers and inlay hints ask for it on every request.
 */
export function allOps(analysis: Analysis): OpSite[] {
  const cached = opSites.get(analysis);
  if (cached) return cached;
  const sites = collectOps(analysis);
  opSites.set(analysis, sites);
  return sites;
}

function collectOps(analysis: Analysis): OpSite[] {
  const blocks: BlockNode[] = [...analysis.model.blocks.values()];
  for (const layer of analysis.model.layers) if (layer?.plain && layer.block) blocks.push(layer.block);
  const sites: OpSite[] = [];
  for (const block of blocks) {
    for (const edge of block.edges) for (const op of edge.ops) sites.push({ op, block, edge });
    for (const op of block.afterSum) sites.push({ op, block });
  }
  return sites;
}

export function hoverTargetAt(analysis: Analysis, offset: number): HoverTarget | undefined {
  const { model, network } = analysis;
  let innermost: OpSite | undefined;
  for (const site of allOps(analysis)) {
    if (!contains(site.op.span, offset)) continue;
    if (!innermost || site.op.span.end - site.op.span.start < innermost.op.span.end - innermost.op.span.start) innermost = site;
  }
  if (innermost) return { kind: 'op', ...innermost };

  for (const block of model.blocks.values()) {
    if (contains(block.span, offset)) return { kind: 'block', block };
  }
  for (const layer of model.layers) {
    if (layer && contains(layer.span, offset)) {
      return { kind: 'layer', layer, entry: network.layers.find((entry) => entry.layer === layer) };
    }
  }
  if (model.layersSpan && contains(model.layersSpan, offset)) return { kind: 'layers' };
  return undefined;
}
