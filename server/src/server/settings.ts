// The editor settings of ResLint, defined once. The server parses `workspace/configuration`
// results with this schema, and a test checks that package.json declares contributedProperties().

// A namespace import lets esbuild drop the parts of zod that are not used, such as its locales.
import * as z from 'zod';
import { canTurnOff, CODES, type Code } from '../core/codes';
import { Band, MODEL_NAMES, SEVERITY_NAMES, type AnalysisSettings } from '../core/schema';
import { closest, describeIssues, describePath, describeValue } from '../core/validate';

/** The configuration section: settings are named `reslint.<key>`. */
export const SETTINGS_SECTION = 'reslint';

const codeNames = Object.keys(CODES) as Code[];

const severityOverrides = z
  .strictObject(
    Object.fromEntries(
      codeNames.map((code) => [
        code,
        canTurnOff(code)
          ? z.enum(SEVERITY_NAMES).optional().describe(CODES[code].summary)
          : z
              .enum(SEVERITY_NAMES.filter((name) => name !== 'off'))
              .optional()
              .describe(`${CODES[code].summary} It leaves part of the model unanalysed, so it cannot be "off".`),
      ]),
    ) as Record<Code, z.ZodOptional<z.ZodEnum<{ [K in (typeof SEVERITY_NAMES)[number]]: K }>>>,
  )
  .default({})
  .describe('Severity per finding code ("error", "warning", "information", "hint"), or "off" to hide that code; codes that leave part of the model unanalysed cannot be "off". A model file\'s own "settings.severity" takes precedence.')
  .meta({ scope: 'resource' });

/** Every setting, with its default and description; `scope` is VS Code's setting scope. */
export const ServerSettings = z.object({
  model: z
    .enum(MODEL_NAMES)
    .default('seed')
    .describe('Gain model: seed (mean activation derivative, paths summed), variance (rms, paths in quadrature) or bound (peak, paths summed). A model file\'s own "settings.model" takes precedence.')
    .meta({ scope: 'resource' }),
  band: Band.default([0.01, 100])
    .describe('Band [W_min, W_max] that the network smoothness W must stay inside. A model file\'s own "settings.band" takes precedence.')
    .meta({ scope: 'resource' }),
  tolerance: z
    .number()
    .min(0)
    .lt(1)
    .default(0.1)
    .describe('A block is reported when its W_l leaves [1 - tolerance, 1 + tolerance]. A model file\'s own "settings.tolerance" takes precedence.')
    .meta({ scope: 'resource' }),
  severity: severityOverrides,
  inlayHints: z
    .object({
      enabled: z
        .boolean()
        .default(true)
        .describe('Show W_l after each block reference in "layers", and W = W_l^n after each repeat count.')
        .meta({ scope: 'resource' }),
    })
    .default({ enabled: true }),
  codeLens: z
    .object({
      enabled: z
        .boolean()
        .default(true)
        .describe('Show the network W above "layers" and the depth verdict above each repeated layer.')
        .meta({ scope: 'resource' }),
    })
    .default({ enabled: true }),
  files: z
    .array(z.string())
    .default([])
    .describe('Extra glob patterns of files to analyse as model files, besides *.arch.json and *.arch.ts (for example "**/models/*.json"). Changing it restarts the language server.')
    .meta({ scope: 'window' }),
  trace: z
    .object({
      server: z
        .enum(['off', 'messages', 'verbose'])
        .default('off')
        .describe('Traces the messages between VS Code and the ResLint language server in the "ResLint" output channel.')
        .meta({ scope: 'window' }),
    })
    .default({ server: 'off' }),
});
export type ServerSettings = z.infer<typeof ServerSettings>;

export const DEFAULT_SERVER_SETTINGS: ServerSettings = ServerSettings.parse({});

/**
 * Parses the `reslint` section as the client sent it. A missing section gives the defaults; an
 * invalid value falls back to its default alone, and its problem is returned for the log. An
 * object-valued setting such as `severity` is parsed entry by entry, so one invalid or unknown
 * entry drops only itself.
 */
export function parseServerSettings(raw: unknown): { settings: ServerSettings; problems: string[] } {
  const whole = ServerSettings.safeParse(raw ?? {});
  if (whole.success) return { settings: whole.data, problems: [] };

  const problems: string[] = [];
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  if (typeof raw !== 'object' || raw === null) problems.push(`The "${SETTINGS_SECTION}" section is ${describeValue(raw)}, not an object; using the defaults.`);
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ServerSettings.shape)) {
    const value = parseEntries(schema as z.ZodType, input[key], [SETTINGS_SECTION, key], problems);
    const field = (schema as z.ZodType).safeParse(value);
    if (field.success) {
      settings[key] = field.data;
    } else {
      settings[key] = (DEFAULT_SERVER_SETTINGS as Record<string, unknown>)[key];
      problems.push(problemText(field.error.issues, value, [SETTINGS_SECTION, key], fallbackText(schema as z.ZodType)));
    }
  }
  return { settings: settings as ServerSettings, problems };
}

/**
 * Returns an object-valued setting with its invalid and unknown entries left out, each with a
 * problem; any other value as it is.
 */
function parseEntries(schema: z.ZodType, value: unknown, where: string[], problems: string[]): unknown {
  const shape = objectShape(schema);
  if (!shape || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const validEntries: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const name = describePath([...where, key]);
    if (!Object.hasOwn(shape, key)) {
      const suggestion = closest(key, Object.keys(shape));
      problems.push(`Unknown setting ${name}; it is ignored.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`);
      continue;
    }
    const parsed = shape[key].safeParse(parseEntries(shape[key], entry, [...where, key], problems));
    const isSeverity = where[1] === 'severity';
    if (parsed.success) validEntries[key] = parsed.data;
    else if (isSeverity && entry === 'off' && Object.hasOwn(CODES, key) && !canTurnOff(key as Code)) {
      problems.push(`${name} cannot be "off", because ${key} leaves part of the model unanalysed; it keeps its default severity. Use "hint" to make it quiet.`);
    } else {
      problems.push(problemText(parsed.error.issues, entry, [...where, key], isSeverity ? `${key} keeps its default severity.` : fallbackText(shape[key])));
    }
  }
  return validEntries;
}

/** Returns the shape of an object schema, looking through default and optional wrappers. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  if (def.type === 'default' || def.type === 'optional') return objectShape(def.innerType as z.ZodType);
  return def.type === 'object' ? (def.shape as Record<string, z.ZodType>) : undefined;
}

/**
 * Describes why a setting's value is invalid, in the core's words for a model file's settings
 * (the setting, its value and what it must be), followed by `fallback`, what applies instead.
 */
function problemText(issues: readonly z.core.$ZodIssue[], value: unknown, where: string[], fallback: string): string {
  return [...describeIssues(issues, value, where), fallback].join(' ');
}

/** Returns the sentence that names what applies in place of an invalid value: the schema's default, or nothing. */
function fallbackText(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? `Using the default, ${valueText(parsed.data)}.` : 'It is ignored.';
}

/** Formats a value as a user writes it in settings.json: [0.01, 100], "seed", 0.1. */
function valueText(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(', ')}]` : JSON.stringify(value);
}

/** Returns the part of the settings that the analysis core reads; a model file's own settings override it. */
export function analysisSettingsOf(settings: ServerSettings): AnalysisSettings {
  return {
    model: settings.model,
    band: settings.band,
    tolerance: settings.tolerance,
    severity: settings.severity,
  };
}

/**
 * Builds the `contributes.configuration.properties` object of package.json, one entry per leaf
 * setting such as `reslint.inlayHints.enabled`. `severity` is one object-valued setting.
 */
export function contributedProperties(): Record<string, Record<string, unknown>> {
  const schema = z.toJSONSchema(ServerSettings, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const properties: Record<string, Record<string, unknown>> = {};
  const visit = (prefix: string, node: JsonSchema): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const name = `${prefix}.${key}`;
      const isGroup = child.type === 'object' && child.description === undefined;
      if (isGroup) {
        visit(name, child);
      } else {
        properties[name] = child;
      }
    }
  };
  visit(SETTINGS_SECTION, schema);
  return properties;
}

interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  [key: string]: unknown;
}
