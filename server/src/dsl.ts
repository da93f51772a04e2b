// The module that *.arch.ts model files import from "reslint": defineModel and the input types of
// the model format, derived from the zod schema so that they always match what validation accepts.
//
// ResLint never runs a model file; it reads `export default defineModel({ ... })` statically. The
// function exists so that the file type-checks and still works if someone does run it.
import type { z } from 'zod';
import type { AnalysisSettings, Block, Edge, Init, Layer, ModelFile, Op, OpObject, PathSpec, UserOp } from './core/schema';

/** A whole model file, as written (before defaults are applied). */
export type ModelInput = z.input<typeof ModelFile>;
/** An op: a catalog or user op name, or an object with parameters. */
export type OpInput = z.input<typeof Op>;
/** An op written as an object: { op, init, gain, scale, slope, alpha } or { block, repeat }. */
export type OpObjectInput = z.input<typeof OpObject>;
/** A weight initialisation: "he", "xavier", "lecun", "orthogonal", "zero" or a gain factor. */
export type InitInput = z.input<typeof Init>;
/** A gradient path of a block: a list of ops, or { ops, scale }. */
export type PathInput = z.input<typeof PathSpec>;
/** An edge of a block graph: { from, to, ops, scale }. */
export type EdgeInput = z.input<typeof Edge>;
/** A block: named `paths` or a `graph`, and optional `afterSum` ops. */
export type BlockInput = z.input<typeof Block>;
/** A layer of the network: a list of ops, { block, repeat } or { ops, repeat }. */
export type LayerInput = z.input<typeof Layer>;
/** A user-defined op under "ops": { gain } or { mean, rms, peak }. */
export type UserOpInput = z.input<typeof UserOp>;
/** The "settings" of a model file: gain model, band, tolerance and severities. */
export type SettingsInput = z.input<typeof AnalysisSettings>;

/**
 * Marks the default export of a *.arch.ts file as a ResLint model and checks its type. Returns
 * the model unchanged; the type parameter keeps literal types such as `reslint: 1`.
 */
export function defineModel<T extends ModelInput>(model: T): T {
  return model;
}
