// The module that *.arch.ts model files import from "reslint", as dist/dsl.js. scripts/build.mjs
// generates its declarations, dist/types/dsl.d.ts, from the JSON Schema, so that they stand alone
// in a user's project. ModelInput here is the same type, taken from the zod schema.
//
// ResLint never runs a model file; it reads `export default defineModel({ ... })` statically. The
// function exists so that the file type-checks and still works if someone does run it.
import type { z } from 'zod';
import type { ModelFile } from './core/schema';

/** A whole model file, as written (before defaults are applied). */
export type ModelInput = z.input<typeof ModelFile>;

/**
 * Marks the default export of a *.arch.ts file as a ResLint model and checks its type, including
 * misspelt keys in the object literal. Returns the model unchanged.
 */
export function defineModel(model: ModelInput): ModelInput {
  return model;
}
