// Finds the part of a model under an offset, the innermost first: an op, a block's key, a layer,
// the "layers" key or a user op under "ops". It uses the text ranges the front end recorded.
import type { Analysis } from '../core/analysis';
import type { LayerResult } from '../core/analyze';
import type { BlockNode, EdgeNode, LayerNode, OpNode } from '../core/model';
import type { UserOp } from '../core/schema';
import type { Span } from '../core/source';
import { Slot } from '../core/slot';
import { lastStartingAtOrBefore, type TextOrder } from './textOrder';

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
  | { kind: 'placed'; span: Span; group: LayerGroup }
  | { kind: 'layers' }
  | { kind: 'userOp'; name: string; op: UserOp; span: Span; uses: number }
  | { kind: 'userOps'; ops: PlacedUserOp[]; span: Span };

/** A user op that one expression under "ops" placed there, such as a spread, with how many ops use it. */
export interface PlacedUserOp {
  name: string;
  op: UserOp;
  uses: number;
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset < span.end;
}

/**
 * Calls `visit` for every op of every named block and plain layer, path ops first, then the ops
 * after the sum. It allocates nothing per op: at 10,000 blocks a list of all op sites, built on
 * the first request of each new version, took most of a hover's time.
 */
export function forEachOp(analysis: Analysis, visit: OpVisitor): void {
  for (const block of analysis.model.blocks.values()) forEachOpOf(block, visit);
  for (const layer of analysis.model.layers) if (layer?.plain && layer.block) forEachOpOf(layer.block, visit);
}

export type OpVisitor = (op: OpNode, block: BlockNode, edge: EdgeNode | undefined) => void;

/** Calls `visit` for every op of one block, path ops first, then the ops after the sum. */
export function forEachOpOf(block: BlockNode, visit: OpVisitor): void {
  for (const edge of block.edges) for (const op of edge.ops) visit(op, block, edge);
  for (const op of block.afterSum) visit(op, block, undefined);
}

/**
 * Finds the part under an offset: the innermost op, else a block's key, else a layer, else the
 * "layers" key, else a user op under "ops". With the text order of a JSON model (see `textOrderOf`) the search skips the parts
 * that lie elsewhere in the text. Without it every op of the model is visited.
 */
export function hoverTargetAt(analysis: Analysis, offset: number, order?: TextOrder): HoverTarget | undefined {
  if (order) {
    const target = textOrderedTarget(analysis, order, offset);
    if (target !== UNKNOWN) return target;
  }
  const { model } = analysis;
  let innermost: OpSite | undefined;
  forEachOp(analysis, (op, block, edge) => {
    if (!contains(op.span, offset)) return;
    if (!innermost || op.span.end - op.span.start < innermost.op.span.end - innermost.op.span.start) innermost = { op, block, edge };
  });
  if (innermost) {
    // An op of a plain layer in a group has the group's range too, so the offset points at the
    // group of layers rather than at that op.
    const site: OpSite = innermost;
    const layer = isGroupedPlainBlock(analysis, site.block) ? model.layers.find((candidate) => candidate?.block === site.block) : undefined;
    if (layer) return { kind: 'layer', layer, entry: layerResultOf(analysis, layer) };
    return { kind: 'op', ...site };
  }

  for (const block of model.blocks.values()) {
    if (contains(block.span, offset)) return { kind: 'block', block };
  }
  for (const layer of model.layers) {
    if (layer && contains(layer.span, offset)) return { kind: 'layer', layer, entry: layerResultOf(analysis, layer) };
  }
  const placed = placedLayersAt(analysis, offset);
  if (placed) return placed;
  if (model.layersSpan && contains(model.layersSpan, offset)) return { kind: 'layers' };
  return userOpAt(analysis, offset);
}

/**
 * Finds the user op whose key or value under "ops" contains the offset, with the number of ops in
 * the model that use it. Where one range places several user ops (a spread, or an object a helper
 * made), they are found together. Only ops that passed validation are found, as the analysis uses
 * only those.
 */
function userOpAt(analysis: Analysis, offset: number): HoverTarget | undefined {
  const { doc, model } = analysis;
  let placed: { span: Span; names: string[] } | undefined;
  for (const name of model.userOps.keys()) {
    const path = ['ops', name];
    const key = doc.locate(path, 'key');
    if (key && contains(key, offset) && !placesOthers(analysis, key, name)) return userOpTarget(analysis, [name], key);
    const value = doc.locate(path);
    const span = [doc.placedAt?.(path), value, key].find((candidate) => candidate && contains(candidate, offset));
    if (!span) continue;
    if (!placed) placed = { span, names: [name] };
    else if (span.start === placed.span.start && span.end === placed.span.end) placed.names.push(name);
  }
  return placed && userOpTarget(analysis, placed.names, placed.span);
}

/** Tests whether a range that locates one user op's key also locates another's, as a spread does. */
function placesOthers(analysis: Analysis, span: Span, name: string): boolean {
  if (!analysis.doc.sharedRanges) return false;
  for (const other of analysis.model.userOps.keys()) {
    const key = other === name ? undefined : analysis.doc.locate(['ops', other], 'key');
    if (key && key.start === span.start && key.end === span.end) return true;
  }
  return false;
}

function userOpTarget(analysis: Analysis, names: string[], span: Span): HoverTarget {
  const uses = new Map(names.map((name) => [name, 0]));
  forEachOp(analysis, (op) => {
    const count = op.kind === 'user' && op.name !== undefined ? uses.get(op.name) : undefined;
    if (count !== undefined) uses.set(op.name as string, count + 1);
  });
  const ops = names.map((name) => ({ name, op: analysis.model.userOps.get(name) as UserOp, uses: uses.get(name) ?? 0 }));
  if (ops.length === 1) return { kind: 'userOp', ...ops[0], span };
  return { kind: 'userOps', ops, span };
}

/**
 * Finds the layers that one expression in the "layers" list placed there, such as `...stem`,
 * when their values were written elsewhere. Only a TypeScript model has such places.
 */
function placedLayersAt(analysis: Analysis, offset: number): HoverTarget | undefined {
  const { doc } = analysis;
  if (!doc.placedAt) return undefined;
  let span: Span | undefined;
  const group: LayerGroup = { entries: [], skipped: [] };
  for (const layer of analysis.model.layers) {
    if (!layer) continue;
    const placed = doc.placedAt(layer.path);
    if (!placed || !contains(placed, offset) || (span && (placed.start !== span.start || placed.end !== span.end))) continue;
    span = placed;
    const entry = layerResultOf(analysis, layer);
    if (entry) group.entries.push(entry);
    else group.skipped.push(layer);
  }
  return span ? { kind: 'placed', span, group } : undefined;
}

/** A result of `textOrderedTarget` that leaves the decision to the search over every op. */
const UNKNOWN = Symbol('unknown');

/**
 * Finds the part under an offset of a JSON model by binary search. The blocks may be out of text
 * order, so the block found is used only when its key or value contains the offset: in JSON no
 * other block's key or value can then contain it, because they are different properties.
 */
function textOrderedTarget(analysis: Analysis, order: TextOrder, offset: number): HoverTarget | undefined | typeof UNKNOWN {
  if (order.blocksValue && contains(order.blocksValue, offset)) {
    const block = order.blocks[lastStartingAtOrBefore(order.blocks, offset, (candidate) => candidate.span.start)];
    if (!block) return UNKNOWN;
    // A key holds no op, and no other part lies inside a block's value.
    if (contains(block.span, offset)) return { kind: 'block', block };
    const value = analysis.doc.locate(block.path);
    // The offset is between two blocks, or the blocks are out of text order.
    if (!value || !contains(value, offset)) return UNKNOWN;
    const site = innermostOpOf(block, offset);
    return site ? { kind: 'op', ...site } : undefined;
  }
  if (order.layersValue && contains(order.layersValue, offset)) {
    const layer = order.layers[lastStartingAtOrBefore(order.layers, offset, (candidate) => candidate.span.start)];
    if (!layer || !contains(layer.span, offset)) return UNKNOWN;
    const site = layer.plain && layer.block ? innermostOpOf(layer.block, offset) : undefined;
    return site ? { kind: 'op', ...site } : { kind: 'layer', layer, entry: layerResultOf(analysis, layer) };
  }
  // Outside both, only the "layers" key or a user op can be under the offset.
  if (analysis.model.layersSpan && contains(analysis.model.layersSpan, offset)) return { kind: 'layers' };
  return userOpAt(analysis, offset);
}

function innermostOpOf(block: BlockNode, offset: number): OpSite | undefined {
  let innermost: OpSite | undefined;
  forEachOpOf(block, (op, _block, edge) => {
    if (!contains(op.span, offset)) return;
    if (!innermost || op.span.end - op.span.start < innermost.op.span.end - innermost.op.span.start) innermost = { op, block, edge };
  });
  return innermost;
}

/**
 * Returns the network's result for a layer. The results follow the layers' index order, so a
 * binary search finds it; a linear search covers a result list in any other order.
 */
export function layerResultOf(analysis: Analysis, layer: LayerNode): LayerResult | undefined {
  const results = analysis.network.layers;
  const index = lastStartingAtOrBefore(results, layer.index, (entry) => entry.layer.index);
  if (results[index]?.layer === layer) return results[index];
  return results.find((entry) => entry.layer === layer);
}

/**
 * Layers that share one range. In a *.arch.ts model, every layer that one expression makes (a
 * spread of a flatMap, say) has the range of that expression. A layer object bound to a constant
 * has the range of its literal wherever the constant is used. Hints and lenses per layer would
 * stack at that range, so each group gets one.
 */
export interface LayerGroup {
  /** Results of the group's layers that could be analysed, in layer order. */
  entries: LayerResult[];
  /** The group's layers that could not be analysed. */
  skipped: LayerNode[];
}

interface Groups {
  byRange: Map<string, LayerGroup>;
  /** The blocks of the plain layers in groups, whose op hints would stack too. */
  plainBlocks: Set<BlockNode>;
}

const groupsByAnalysis = new Slot<Analysis, Groups>('layer groups');

function rangeKey(span: Span): string {
  return `${span.start}:${span.end}`;
}

/** Groups an analysis's layers by range, once per analysis. Only a document with shared ranges has groups. */
function groupsOf(analysis: Analysis): Groups {
  let groups = groupsByAnalysis.get(analysis);
  if (groups) return groups;
  groups = { byRange: new Map(), plainBlocks: new Set() };
  groupsByAnalysis.set(analysis, groups);
  // Reading every layer's range would locate all of them again after each edit of a JSON model.
  if (!analysis.doc.sharedRanges) return groups;
  const layers = analysis.model.layers.filter((layer): layer is LayerNode => layer !== undefined);
  const counts = new Map<string, number>();
  for (const layer of layers) counts.set(rangeKey(layer.span), (counts.get(rangeKey(layer.span)) ?? 0) + 1);
  if (![...counts.values()].some((count) => count > 1)) return groups;

  const analysed = new Map(analysis.network.layers.map((entry) => [entry.layer, entry]));
  for (const layer of layers) {
    const key = rangeKey(layer.span);
    if ((counts.get(key) ?? 0) < 2) continue;
    let group = groups.byRange.get(key);
    if (!group) {
      group = { entries: [], skipped: [] };
      groups.byRange.set(key, group);
    }
    const entry = analysed.get(layer);
    if (entry) group.entries.push(entry);
    else group.skipped.push(layer);
    if (layer.plain && layer.block) groups.plainBlocks.add(layer.block);
  }
  return groups;
}

/** Returns the group of layers that shares the layer's range, or undefined when the layer is alone at its range. */
export function layerGroupOf(analysis: Analysis, layer: LayerNode): LayerGroup | undefined {
  const { byRange } = groupsOf(analysis);
  return byRange.size === 0 ? undefined : byRange.get(rangeKey(layer.span));
}

/** Tests whether a block is the block of a plain layer in a group. */
export function isGroupedPlainBlock(analysis: Analysis, block: BlockNode): boolean {
  return groupsOf(analysis).plainBlocks.has(block);
}
