// Bounded fuzzing of the core: 20,000 valid and mutated model texts through parsing, analysis,
// findings and every offered fix. scripts/fuzz.mjs runs the same properties for longer.
import { test } from 'node:test';
import fc from 'fast-check';
import { checkAnalysis, modelArbitrary, mutatedTextArbitrary } from './fuzzing';

test('valid models keep every property', () => {
  fc.assert(
    fc.property(modelArbitrary, (model) => checkAnalysis(JSON.stringify(model, null, 2))),
    { seed: 42, numRuns: 5000 },
  );
});

test('mutated texts keep every property', () => {
  fc.assert(
    fc.property(mutatedTextArbitrary, (text) => checkAnalysis(text)),
    { seed: 4242, numRuns: 15000 },
  );
});
