// Shared helpers for the core tests: analyse a model given as an object, and build the common
// two-path residual block.
import { analyzeText, type Analysis } from '../server/src/core/analysis';
import type { AnalysisSettings } from '../server/src/core/schema';

export function analyzeModel(model: object, settings: AnalysisSettings = {}): Analysis {
  return analyzeText(JSON.stringify(model, null, 2), 'json', { settings });
}

/** Identity shortcut plus a branch of the given ops, optionally with ops after the sum. */
export function residualBlock(branch: unknown[], afterSum?: unknown[]): object {
  return { paths: { shortcut: [], residual: branch }, ...(afterSum ? { afterSum } : {}) };
}

/** Builds a model of one block repeated n times. */
export function repeatedModel(block: object, repeat: number): object {
  return { reslint: 1, blocks: { b: block }, layers: [{ block: 'b', repeat }] };
}

export function codesOf(analysis: Analysis): string[] {
  return analysis.findings.map((finding) => finding.code);
}

/** Asserts |actual - expected| <= relative * |expected|, with a message naming both. */
export function assertClose(actual: number, expected: number, relative: number, what: string): void {
  const error = Math.abs(actual - expected);
  if (!(error <= relative * Math.abs(expected))) {
    throw new Error(`${what}: expected ${expected} within ${relative} relative, got ${actual}`);
  }
}
