// The one schema of the model-definition format: TypeScript types, validation and the generated
// JSON Schema (schemas/arch.schema.json) all come from the zod objects below.

// A namespace import lets esbuild drop the parts of zod that are not used, such as its locales.
import * as z from 'zod';
import { CODES } from './codes';

export const MODEL_NAMES = ['seed', 'variance', 'bound'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Largest repeat count accepted: beyond 2^53 - 1 a double no longer holds every integer. */
export const MAX_REPEAT = Number.MAX_SAFE_INTEGER;

// zod's number() already rejects NaN and +-Infinity.
const finite = () => z.number();

const repeat = z
  .number()
  .int()
  .min(1)
  .max(MAX_REPEAT)
  .describe('How many times the block is applied in sequence; never unrolled (1 to 2^53 - 1).');

export const SEVERITY_NAMES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

// The running W starts at 1 before the first layer, and the stable depth of a block is counted
// from there to the edge of the band, so a band must contain 1.
export const Band = z
  .tuple([z.number().gt(0), z.number().gt(0)])
  .refine(([low, high]) => low < high && low <= 1 && high >= 1 && Number.isFinite(high), {
    message: 'the band must be [min, max] with 0 < min <= 1 <= max < Infinity and min < max, since the running W starts at 1',
  })
  .describe('Band [W_min, W_max] that the network smoothness W must stay inside.');

/** Settings that change the analysis; a model file, the CLI and the editor may each set them. */
export const AnalysisSettings = z.strictObject({
  model: z
    .enum(MODEL_NAMES)
    .optional()
    .describe('Gain model: seed (mean, summed paths), variance (rms, quadrature) or bound (peak, summed).'),
  band: Band.optional(),
  tolerance: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe('A block is reported when W_l leaves [1 - tolerance, 1 + tolerance]; default 0.1.'),
  // One optional key per code, rather than a record keyed by the codes: the JSON Schema then lists
  // the codes for completion, and the generated declarations reject a misspelt one.
  severity: z
    .strictObject(Object.fromEntries(Object.keys(CODES).map((code) => [code, z.enum(SEVERITY_NAMES).optional()])))
    .optional()
    .describe('Severity per finding code, or "off" to hide that code.'),
});
export type AnalysisSettings = z.infer<typeof AnalysisSettings>;

export const Init = z
  .union([z.enum(['he', 'xavier', 'lecun', 'orthogonal', 'zero']), finite()])
  .describe('Weight initialisation: he multiplies the gain by sqrt(2), xavier, lecun and orthogonal by 1, zero by 0; a number is used as the gain factor.');

/** An op written as an object: a catalog or user op with parameters, an anonymous gain, a scale or a nested block. */
export const OpObject = z
  .strictObject({
    op: z.string().min(1).optional().describe('Name of a catalog op or of an op defined under "ops".'),
    gain: finite().optional().describe('Explicit gain; replaces the op statistic in every model.'),
    scale: finite().optional().describe('Multiplies the gain (branch scaling).'),
    init: Init.optional(),
    slope: finite().optional().describe('Negative slope of leaky_relu or prelu.'),
    alpha: finite().optional().describe('Alpha of elu.'),
    block: z.string().min(1).optional().describe('Name of a block used as an op; its W enters the path as a gain.'),
    repeat: repeat.optional(),
  })
  .refine((op) => op.op !== undefined || op.gain !== undefined || op.scale !== undefined || op.block !== undefined, {
    message: 'an op object needs one of "op", "gain", "scale" or "block"',
  })
  .refine((op) => op.block === undefined || op.op === undefined, {
    message: 'an op object names either an "op" or a "block", not both',
  });
export type OpObject = z.infer<typeof OpObject>;

export const Op = z.union([z.string().min(1), OpObject]).describe('An op: a name, or an object with parameters.');
export type Op = z.infer<typeof Op>;

export const OpList = z.array(Op);

export const PathSpec = z
  .union([
    OpList,
    z.strictObject({
      ops: OpList,
      scale: finite().optional().describe('Multiplies the gain of the whole path.'),
    }),
  ])
  .describe('A gradient path: a list of ops, or {"ops": [...], "scale": a}. An empty list is the identity.');
export type PathSpec = z.infer<typeof PathSpec>;

export const Edge = z.strictObject({
  from: z.string().min(1).describe('Source node; "in" is the block input.'),
  to: z.string().min(1).describe('Target node; "out" is the block output.'),
  ops: OpList.optional(),
  scale: finite().optional().describe('Multiplies the gain of the edge.'),
});
export type Edge = z.infer<typeof Edge>;

export const Block = z
  .strictObject({
    paths: z
      .record(z.string(), PathSpec)
      .refine((paths) => Object.keys(paths).length > 0, { message: 'a block needs at least one path' })
      .optional()
      .describe('Named gradient paths from input to output.'),
    graph: z.array(Edge).min(1).optional().describe('A general DAG from "in" to "out".'),
    afterSum: OpList.optional().describe('Ops applied after the sum of the paths; they lie on every path.'),
    description: z.string().optional(),
  })
  .refine((block) => (block.paths === undefined) !== (block.graph === undefined), {
    message: 'a block needs exactly one of "paths" or "graph"',
  });
export type Block = z.infer<typeof Block>;

/** Relative slack of the order mean <= rms <= peak, for statistics rounded when written. */
const STATISTIC_SLACK = 1e-6;

/** A user-defined op: one gain for every model, or one statistic per model. */
export const UserOp = z
  .strictObject({
    gain: finite().optional().describe('Gain used in every model.'),
    mean: finite().min(0).optional().describe('E|s\'| for the seed model.'),
    rms: finite().min(0).optional().describe('sqrt(E s\'^2) for the variance model.'),
    peak: finite().min(0).optional().describe('sup|s\'| for the bound model.'),
    description: z.string().optional(),
  })
  .refine(
    (op) =>
      op.gain !== undefined
        ? op.mean === undefined && op.rms === undefined && op.peak === undefined
        : op.mean !== undefined && op.rms !== undefined && op.peak !== undefined,
    { message: 'a user op needs either "gain" alone, or all three of "mean", "rms" and "peak"' },
  )
  // E|s'| <= sqrt(E s'^2) <= sup|s'| for any derivative s', so other statistics are a typing
  // mistake, and the bound model would no longer bound the others. The slack allows rounding.
  .refine(
    (op) =>
      op.mean === undefined ||
      op.rms === undefined ||
      op.peak === undefined ||
      // A negative statistic has its own message.
      Math.min(op.mean, op.rms, op.peak) < 0 ||
      (op.mean <= op.rms * (1 + STATISTIC_SLACK) && op.rms <= op.peak * (1 + STATISTIC_SLACK)),
    { message: 'the statistics must satisfy mean <= rms <= peak, as E|s\'| <= sqrt(E s\'^2) <= sup|s\'| for every op' },
  );
export type UserOp = z.infer<typeof UserOp>;

export const Layer = z
  .union([
    OpList,
    z.strictObject({ block: z.string().min(1), repeat: repeat.optional() }),
    z.strictObject({ ops: OpList, repeat: repeat.optional() }),
  ])
  .describe('A layer: a list of ops (a plain layer), {"block": name, "repeat": n} or {"ops": [...], "repeat": n}.');
export type Layer = z.infer<typeof Layer>;

/** The top-level keys of a model file; each is validated on its own so one bad part spoils only itself. */
export const ModelFileShape = {
  $schema: z.string().optional(),
  reslint: z.literal(1).describe('Format version; marks the file as a ResLint model.'),
  name: z.string().optional(),
  description: z.string().optional(),
  settings: AnalysisSettings.optional(),
  ops: z.record(z.string(), UserOp).optional().describe('User-defined ops.'),
  blocks: z.record(z.string(), Block).optional().describe('Named blocks.'),
  layers: z.array(Layer).describe('The network, from input to output.'),
};

export const ModelFile = z.strictObject(ModelFileShape).describe('A ResLint model definition.');
export type ModelFile = z.infer<typeof ModelFile>;

/** Generates the JSON Schema (draft-07, which VS Code's JSON support reads) of the model format. */
export function modelJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ModelFile, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'ResLint model definition (*.arch.json)' };
}
