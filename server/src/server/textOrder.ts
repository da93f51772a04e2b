// The named blocks and layers of a JSON model, for finding the parts at an offset or in a range by
// binary search instead of visiting every op. At 10,000 blocks, a visit of every op took about
// 10 ms (bench/server.mjs on a 2-core machine), once for each request on a new version.
//
// In JSON every op of a named block lies between the block's key and the end of its value, and
// the ranges of two blocks do not overlap, because they are different properties of "blocks".
// Every op of a plain layer lies inside the layer, and the layers are the elements of a list, so
// their order is their text order.
import { sourceKindOf, type Analysis } from '../core/analysis';
import type { BlockNode, LayerNode } from '../core/model';
import type { Span } from '../core/source';
import { Slot } from '../core/slot';
import { fileNameOf, type AnalyzedDocument } from './workspace';

export interface TextOrder {
  /** Named blocks in the model's order, which is the order of their keys unless `blocksSorted` is false. */
  blocks: BlockNode[];
  /** Whether `blocks` is in text order; computed on first use. */
  blocksSorted?: boolean;
  /** Whether the document has a duplicate key anywhere. */
  duplicateKeys: boolean;
  /** Range of the "blocks" object. */
  blocksValue: Span | undefined;
  /** The layers that passed validation, in index order, which is text order. */
  layers: LayerNode[];
  /** Range of the "layers" list. */
  layersValue: Span | undefined;
}

const textOrders = new Slot<Analysis, TextOrder | null>('text order');

/**
 * Returns the text order of a JSON model, built once per analysis, or undefined for a *.arch.ts
 * model, whose values can come from anywhere in the file.
 */
export function textOrderOf(document: AnalyzedDocument): TextOrder | undefined {
  const { analysis } = document;
  const cached = textOrders.get(analysis);
  if (cached !== undefined) return cached ?? undefined;
  const order = sourceKindOf(fileNameOf(document.uri)) === 'json' ? buildTextOrder(analysis) : undefined;
  textOrders.set(analysis, order ?? null);
  return order;
}

/** Returns the text order of an analysis of JSON text. It copies at most two lists and locates no block. */
export function buildTextOrder(analysis: Analysis): TextOrder {
  const { model, doc } = analysis;
  return {
    blocks: [...model.blocks.values()],
    blocksValue: doc.locate(['blocks']),
    // Most models have no invalid layer, and then the list needs no copy.
    layers: model.layers.includes(undefined) ? model.layers.filter((layer): layer is LayerNode => layer !== undefined) : (model.layers as LayerNode[]),
    layersValue: doc.locate(['layers']),
    duplicateKeys: doc.problems.some((problem) => problem.code === 'duplicate-key'),
  };
}

/**
 * Checks whether the named blocks are in the order of their keys. JavaScript objects list keys in
 * the order they were first added, except integer-like keys, which come first. A duplicate key
 * keeps the place of its first occurrence, while its range is that of its last. Without either,
 * the blocks are in text order, which is found from their names alone: reading every block's
 * range would locate 10,000 blocks again after each edit.
 */
export function blocksInTextOrder(order: TextOrder): boolean {
  order.blocksSorted ??= !order.duplicateKeys && !order.blocks.some((block) => isArrayIndex(block.name));
  return order.blocksSorted;
}

/** Returns whether a key is an array index, which JavaScript lists before the other keys of an object. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/** Returns the index of the last item whose start is at or before `offset` (-1 for none); `items` are sorted by start. */
export function lastStartingAtOrBefore<T>(items: T[], offset: number, startOf: (item: T) => number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (startOf(items[middle]) <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
