// Blocks carried from one analysis of a document to the analysis of its next version: those whose
// text did not change and that had no problem. The new text is still read in full. Validating,
// building and analysing those blocks again is skipped, because an edit in an editor changes one
// block of thousands.
import type { BlockAnalyzer } from './analyze';
import type { BlockNode, ModelIR } from './model';
import type { Problem, SourceDocument, ValuePath } from './source';

/** The parts of an analysis that the next analysis of the same document can take over. */
export interface CarriedParts {
  doc: SourceDocument;
  model: ModelIR;
  analyzer: BlockAnalyzer;
  /** Start offsets of the problems found before the smoothness findings, ascending. */
  problemStarts: Float64Array;
}

/**
 * Returns what an analysis leaves to the next one. Returns undefined for a front end whose parts
 * can depend on text elsewhere, and for a document with syntax errors, whose paths can name other
 * parts than the ones analysed.
 */
export function carriedParts(doc: SourceDocument, model: ModelIR, analyzer: BlockAnalyzer, problems: readonly Problem[]): CarriedParts | undefined {
  if (doc.text === undefined || problems.some((problem) => problem.code === 'syntax-error')) return undefined;
  const problemStarts = Float64Array.from(problems, (problem) => problem.span.start).sort();
  return { doc, model, analyzer, problemStarts };
}

/**
 * Returns, by name, the blocks of the earlier analysis whose value has the same text in `doc`
 * and that had no problem (the key and value included). Every block reads the user ops, so a
 * change to "ops" carries nothing over. The caller checks that the blocks a block nests are
 * still defined.
 */
export function unchangedBlocks(earlier: CarriedParts, doc: SourceDocument): Map<string, BlockNode> {
  const found = new Map<string, BlockNode>();
  const before = earlier.doc.text;
  const after = doc.text;
  if (before === undefined || after === undefined) return found;
  if (doc.problems.some((problem) => problem.code === 'syntax-error')) return found;
  if (textAt(earlier.doc, before, ['ops']) !== textAt(doc, after, ['ops'])) return found;
  for (const [name, block] of earlier.model.blocks) {
    const key = earlier.doc.locate(block.path, 'key');
    const value = earlier.doc.locate(block.path);
    if (!key || !value || hasStartWithin(earlier.problemStarts, key.start, value.end)) continue;
    const now = doc.locate(block.path);
    if (!now || now.end - now.start !== value.end - value.start) continue;
    if (after.slice(now.start, now.end) !== before.slice(value.start, value.end)) continue;
    found.set(name, block);
  }
  return found;
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
