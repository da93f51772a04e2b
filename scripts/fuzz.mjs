// Long fuzzing run of the core: the properties of test/fuzz.test.ts on many more cases.
// Usage: npm run build && node scripts/fuzz.mjs [cases, default 1000000] [seed, default 1]
// Prints progress every 50,000 cases and the first counterexample, if any; exits 1 on a failure.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fc = require('fast-check');
const { checkAnalysis, mutatedTextArbitrary } = require('../out/test/fuzzing.js');

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const chunk = 50_000;
const started = Date.now();
for (let done = 0; done < cases; done += chunk) {
  const runs = Math.min(chunk, cases - done);
  const result = fc.check(fc.property(mutatedTextArbitrary, (text) => checkAnalysis(text)), { seed: seed + done, numRuns: runs });
  if (result.failed) {
    console.error(`failed after ${done + result.numRuns} cases (seed ${seed + done}): ${String(result.errorInstance)}`);
    console.error(JSON.stringify(result.counterexample?.[0]));
    process.exit(1);
  }
  console.log(`${done + runs} cases passed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
