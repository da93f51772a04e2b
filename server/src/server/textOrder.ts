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
import { fileNameOf, type AnalyzedDocument } from './workspace';

export interface TextOrder {
  /** Named blocks in the model's order, which is the order of their keys unless `blocksSorted` is false. */
  blocks: BlockNode[];
  /** Whether `blocks` is in text order; computed on first use, because it reads every block. */
  blocksSorted?: boolean;
  /** Range of the "blocks" object. */
  blocksValue: Span | undefined;
  /** The layers that passed validation, in index order, which is text order. */
  layers: LayerNode[];
  /** Range of the "layers" list. */
  layersValue: Span | undefined;
}

const textOrders = new WeakMap<Analysis, TextOrder | null>();

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

/** Returns the text order of an analysis of JSON text. It copies two lists and reads no block. */
export function buildTextOrder(analysis: Analysis): TextOrder {
  const { model, doc } = analysis;
  return {
    blocks: [...model.blocks.values()],
    blocksValue: doc.locate(['blocks']),
    layers: model.layers.filter((layer): layer is LayerNode => layer !== undefined),
    layersValue: doc.locate(['layers']),
  };
}

/**
 * Checks whether the named blocks are in the order of their keys. They are not when a block is
 * named like an integer, because JavaScript objects list such keys first.
 */
export function blocksInTextOrder(order: TextOrder): boolean {
  if (order.blocksSorted === undefined) {
    const { blocks } = order;
    order.blocksSorted = true;
    for (let i = 1; i < blocks.length; i++) {
      if (blocks[i - 1].span.start >= blocks[i].span.start) {
        order.blocksSorted = false;
        break;
      }
    }
  }
  return order.blocksSorted;
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
