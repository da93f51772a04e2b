// The one place where the server reads the core's results per named block (Analysis.blocks), so
// that a change to how the core stores or computes them touches only this function.
import type { Analysis } from '../core/analysis';
import type { BlockResult } from '../core/analyze';
import type { BlockNode } from '../core/model';
import type { ModelName } from '../core/schema';

/** Returns a named block's results under every gain model, or undefined when the core has none for it. */
export function blockResults(analysis: Analysis, block: BlockNode): Record<ModelName, BlockResult | undefined> | undefined {
  return analysis.blocks.get(block);
}
