// Blocks carried from one analysis of a document to the analysis of its next version: those whose
// text did not change and that had no problem. Validating, building and analysing them again is
// skipped, because an edit in an editor changes one block of thousands.
import type { BlockAnalyzer, NetworkResult } from './analyze';
import type { BlockNode, ModelIR } from './model';
import type { BlockPatch, Problem, SourceDocument, Span, ValuePath } from './source';

/** The parts of an analysis that the next analysis of the same document can take over. */
export interface CarriedParts {
  doc: SourceDocument;
  model: ModelIR;
  analyzer: BlockAnalyzer;
  network: NetworkResult;
  /** Start offsets of the problems found before the smoothness findings, ascending. */
  problemStarts: Float64Array;
}

/**
 * Returns what an analysis leaves to the next one. Returns undefined for a front end whose parts
 * can depend on text elsewhere, and for a document with syntax errors, whose paths can name other
 * parts than the ones analysed.
 */
export function carriedParts(
  doc: SourceDocument,
  model: ModelIR,
  analyzer: BlockAnalyzer,
  network: NetworkResult,
  problems: readonly Problem[],
): CarriedParts | undefined {
  if (doc.text === undefined || problems.some((problem) => problem.code === 'syntax-error')) return undefined;
  const problemStarts = Float64Array.from(problems, (problem) => problem.span.start).sort();
  return { doc, model, analyzer, network, problemStarts };
}

/** The parts of an earlier analysis that a new one takes over. */
/** Blocks by name: a map, or a view of the earlier model's map. */
export interface BlockLookup {
  get(name: string): BlockNode | undefined;
  has(name: string): boolean;
  readonly size: number;
}

export interface Unchanged {
  /** By name, the blocks whose value has the same text and that had no problem, key and value included. */
  blocks: BlockLookup;
  /**
   * Whether the "layers" list has the same text and had no problem, so that its validation can
   * be skipped. Layers are built again in any case, because the blocks they apply can change.
   */
  layers: boolean;
}

/**
 * Returns the parts of the earlier analysis whose text is the same in `doc`. Every block reads
 * the user ops, so a change to "ops" carries nothing over. The caller checks that the blocks a
 * block nests are still defined. Returns undefined when nothing can be carried over.
 */
export function unchangedParts(earlier: CarriedParts, doc: SourceDocument): Unchanged | undefined {
  if (doc.patch && doc.patch.from === earlier.doc.revision) return unchangedAroundPatch(earlier, doc, doc.patch);
  const before = earlier.doc.text;
  const after = doc.text;
  if (before === undefined || after === undefined) return undefined;
  if (doc.problems.some((problem) => problem.code === 'syntax-error')) return undefined;
  if (textAt(earlier.doc, before, ['ops']) !== textAt(doc, after, ['ops'])) return undefined;
  const sameText = (path: ValuePath, key: Span | undefined, value: Span | undefined): boolean => {
    if (!key || !value || hasStartWithin(earlier.problemStarts, key.start, value.end)) return false;
    const now = doc.locate(path);
    if (!now || now.end - now.start !== value.end - value.start) return false;
    return after.slice(now.start, now.end) === before.slice(value.start, value.end);
  };
  const blocks = new Map<string, BlockNode>();
  for (const [name, block] of earlier.model.blocks) {
    if (sameText(block.path, earlier.doc.locate(block.path, 'key'), earlier.doc.locate(block.path))) blocks.set(name, block);
  }
  const layers = earlier.doc.locate(['layers']);
  return { blocks, layers: sameText(['layers'], layers, layers) };
}

/**
 * Returns the unchanged parts of a document read by patching the earlier one: every part but the
 * patched block has the same text. The earlier document now locates in the new text, so the
 * earlier problems are compared at offsets moved back by the patch.
 */
function unchangedAroundPatch(earlier: CarriedParts, doc: SourceDocument, patch: BlockPatch): Unchanged {
  const starts = earlier.problemStarts;
  const hadProblem = (path: ValuePath): boolean => {
    if (starts.length === 0) return false;
    const key = doc.locate(path, 'key');
    const value = doc.locate(path);
    if (!key || !value) return true;
    const before = (offset: number): number => (offset >= patch.end ? offset - patch.delta : offset);
    return hasStartWithin(starts, before(key.start), before(value.end));
  };
  const layers = doc.locate(['layers']) !== undefined && !hadProblem(['layers']);
  const earlierBlocks = earlier.model.blocks;
  if (starts.length === 0) {
    // Nothing had a problem, so every block but the patched one is unchanged. A view of the
    // earlier map saves copying 10,000 entries on each keystroke in a large model.
    const patched = earlierBlocks.has(patch.block) ? 1 : 0;
    const blocks: BlockLookup = {
      get: (name) => (name === patch.block ? undefined : earlierBlocks.get(name)),
      has: (name) => name !== patch.block && earlierBlocks.has(name),
      size: earlierBlocks.size - patched,
    };
    return { blocks, layers };
  }
  const blocks = new Map<string, BlockNode>();
  for (const [name, block] of earlierBlocks) if (name !== patch.block && !hadProblem(block.path)) blocks.set(name, block);
  return { blocks, layers };
}

function textAt(doc: SourceDocument, text: string, path: ValuePath): string | undefined {
  const span = doc.locate(path);
  return span ? text.slice(span.start, span.end) : undefined;
}

/** Returns whether an ascending list has an entry in [start, end]. */
function hasStartWithin(starts: Float64Array, start: number, end: number): boolean {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (starts[middle] < start) low = middle + 1;
    else high = middle;
  }
  return low < starts.length && starts[low] <= end;
}
