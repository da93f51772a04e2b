// Timing and statistics helpers for the benchmarks: interleaved sampling, medians, percentiles
// and the power-law fit used for the growth exponent.
import { performance } from 'node:perf_hooks';

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of the values; NaN for an empty list. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Least-squares slope of log(y) against log(x): the exponent k of y = c x^k. Returns the exponent
 * and R^2 of the fit.
 */
export function fitExponent(points) {
  const xs = points.map((point) => Math.log(point.x));
  const ys = points.map((point) => Math.log(point.y));
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - meanX) * (ys[i] - meanY);
    sxx += (xs[i] - meanX) ** 2;
    syy += (ys[i] - meanY) ** 2;
  }
  const exponent = sxy / sxx;
  return { exponent, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** Runs `run` once (awaiting it when it returns a promise) and returns the elapsed milliseconds. */
export async function timeOnce(run) {
  const start = performance.now();
  const pending = run();
  if (pending && typeof pending.then === 'function') await pending;
  return performance.now() - start;
}

/**
 * Times several candidates in rounds, one sample of each per round in a rotating order, so a
 * change in machine load hits every candidate alike. Rounds continue until both `minRounds` and
 * `budgetMs` are reached, or `maxRounds` is.
 *
 * A sample is as many runs as fill `minSampleMs` for the slowest candidate in the warm-up, the
 * same number for every candidate. Each run's result stays alive until the next run ends, as the
 * language server keeps a document's analysis while it makes the next one.
 *
 * With --expose-gc, a collection runs before each sample so that one candidate's young garbage is
 * not collected in another's sample: 'minor' (the default) collects the young generation, 'full' the
 * whole heap, and false nothing. A full collection frees the object shapes that no live object
 * has, and V8 then throws away the code compiled against them ("weak objects" under
 * --trace-deopt), so the first runs after it are slower than during continuous editing.
 *
 * Returns a Map from candidate name to its samples in milliseconds per run, and the runs per
 * sample of each candidate under `runsPerSample`.
 */
export async function sampleInterleaved(candidates, { warmupRounds = 2, warmupMs = 500, minRounds = 5, maxRounds = 50, budgetMs = 5000, minSampleMs = 50, collect = 'minor' } = {}) {
  const samples = new Map(candidates.map((candidate) => [candidate.name, []]));
  const fastest = new Map(candidates.map((candidate) => [candidate.name, Infinity]));
  // Warm-up lasts warmupRounds rounds and at least warmupMs. Two rounds of a fast model ran before
  // V8 had compiled its code. Their times made samples of 2 to 5 runs instead of the 50 ms intended.
  const warmupStart = performance.now();
  for (let round = 0; round < warmupRounds || performance.now() - warmupStart < warmupMs; round++) {
    for (const candidate of candidates) {
      const ms = await timeOnce(candidate.run);
      fastest.set(candidate.name, Math.min(fastest.get(candidate.name), ms));
    }
  }
  // Every candidate gets the same number of runs, so each ratio compares samples that amortise
  // the recompilation alike; the slowest candidate's sample fills minSampleMs.
  const slowest = Math.max(...fastest.values(), 0.01);
  const runs = Math.max(1, Math.ceil(minSampleMs / slowest));
  const runsPerSample = new Map(candidates.map((candidate) => [candidate.name, runs]));
  const start = performance.now();
  for (let round = 0; round < maxRounds; round++) {
    if (round >= minRounds && performance.now() - start >= budgetMs) break;
    for (let k = 0; k < candidates.length; k++) {
      const candidate = candidates[(round + k) % candidates.length];
      const runs = runsPerSample.get(candidate.name);
      if (collect) globalThis.gc?.(collect === 'minor' ? { type: 'minor' } : undefined);
      const ms = await timeOnce(async () => {
        let result;
        for (let run = 0; run < runs; run++) {
          result = candidate.run();
          if (result && typeof result.then === 'function') result = await result;
        }
        return result;
      });
      samples.get(candidate.name).push(ms / runs);
    }
  }
  samples.runsPerSample = runsPerSample;
  return samples;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
