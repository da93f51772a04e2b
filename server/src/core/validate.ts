// Validation of a read value against the model schema, piece by piece: each top-level key, each
// block, op and layer is checked on its own, so one bad block leaves the rest of the model usable.
import type { z } from 'zod';
import type { Unchanged } from './carryOver';
import type { Code } from './codes';
import { quickValid } from './quickValid';
import { AnalysisSettings, ModelFileShape, type ModelFile } from './schema';
import { isPlainObject, locateNearest, quotedName, unknownKeyProblem, type Problem, type SourceDocument, type Span, type ValuePath } from './source';

type Issue = z.core.$ZodIssue;

/** The parts of a model file that passed validation; a part that failed is absent. */
export type ValidFile = Partial<ModelFile>;

/** Validates each part of the document's value. Parts that an earlier analysis of the same text found valid (`unchanged`) are kept as read. */
export function validateModelFile(doc: SourceDocument, unchanged?: Unchanged): { file: ValidFile; problems: Problem[] } {
  const problems: Problem[] = [];
  const raw = doc.value;
  if (raw === undefined) return { file: {}, problems };
  if (!isPlainObject(raw)) {
    problems.push({
      code: 'schema',
      // The same words fit a *.arch.json file and the value a *.arch.ts file exports.
      message: `A model must be an object with "reslint": 1 and "layers", and "blocks" when the layers name blocks; found ${describeValue(raw)}.`,
      span: locateNearest(doc, []),
    });
    return { file: {}, problems };
  }

  const file: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(ModelFileShape, key)) {
      const known = Object.keys(ModelFileShape);
      const suggestion = suggestKey(key, known);
      problems.push(unknownKeyProblem(doc, [key], `Unknown top-level key ${quotedName(key)}; it is ignored.${suggestion || ` Known keys: ${known.join(', ')}.`}`));
    }
  }

  for (const [key, schema] of Object.entries(ModelFileShape)) {
    const value = raw[key];
    if (value === undefined) {
      // A key whose value was not evaluated has a finding that explains why. A required one is an
      // error too, since without it the model is not analysed as written.
      const required = !schema.safeParse(undefined).success;
      if (doc.unreadKeys?.has(key)) {
        if (required) problems.push(leftOut(doc, [key], [key]));
      } else if (required) {
        problems.push({ code: 'schema', message: missingKeyMessage(key), span: locateNearest(doc, []) });
      }
      continue;
    }
    if ((key === 'blocks' || key === 'ops') && isPlainObject(value)) {
      const entrySchema = key === 'blocks' ? ModelFileShape.blocks.unwrap().valueType : ModelFileShape.ops.unwrap().valueType;
      const entries: Record<string, unknown> = {};
      const unchangedBlocks = key === 'blocks' ? unchanged?.blocks : undefined;
      for (const name of Object.keys(value)) {
        const entry = value[name];
        if (unchangedBlocks?.has(name)) {
          entries[name] = entry;
          continue;
        }
        if (name === '') {
          // A layer or path cannot use it: an op or block written as "" is a schema error.
          problems.push({ code: 'schema', message: `An empty name cannot name ${key === 'ops' ? 'an op' : 'a block'}; give it a name.`, span: locateNearest(doc, [key, name], 'key') });
          continue;
        }
        const parsed = parsePart(entrySchema, entry, [key, name], doc, problems);
        if (parsed.ok) entries[name] = parsed.value;
      }
      file[key] = entries;
      continue;
    }
    if (key === 'layers' && Array.isArray(value)) {
      if (unchanged?.layers) {
        file.layers = value;
        continue;
      }
      const layerSchema = ModelFileShape.layers.element;
      // Keep the indices of the source even where a layer is invalid, so layer i is always layers[i].
      file.layers = value.map((layer, index) => {
        const parsed = parsePart(layerSchema, layer, ['layers', index], doc, problems);
        return parsed.ok ? parsed.value : undefined;
      });
      continue;
    }
    if (key === 'settings') {
      const settings = parseSettings(value, doc, problems);
      if (settings) file.settings = settings;
      continue;
    }
    const parsed = parsePart(schema, value, [key], doc, problems);
    if (parsed.ok) file[key] = parsed.value;
  }
  return { file: file as ValidFile, problems };
}

/**
 * Parses a file's "settings" one key at a time, so that an invalid tolerance does not also drop a
 * valid model or severity. Returns undefined when the value is not an object.
 */
function parseSettings(value: unknown, doc: SourceDocument, problems: Problem[]): AnalysisSettings | undefined {
  if (!isPlainObject(value)) {
    const parsed = parsePart(ModelFileShape.settings, value, ['settings'], doc, problems);
    return parsed.ok ? (parsed.value as AnalysisSettings) : undefined;
  }
  return parseEntries(AnalysisSettings, value, ['settings'], doc, problems) as AnalysisSettings;
}

/**
 * Parses each key of an object against that key's schema in `objectSchema`, and the keys of an
 * object inside it (the severities) the same way, so one invalid value drops only itself. Unknown
 * keys are warned about and dropped.
 */
function parseEntries(objectSchema: z.ZodType, value: Record<string, unknown>, base: ValuePath, doc: SourceDocument, problems: Problem[]): Record<string, unknown> {
  const shape = keysShape(objectSchema) ?? {};
  const parsedEntries: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape, key)) {
      problems.push(unknownKeyProblem(doc, [...base, key], `Unknown key ${quotedName(key)}; it is ignored.${suggestKey(key, Object.keys(shape))}`));
      continue;
    }
    const entry = value[key];
    if (keysShape(shape[key]) && isPlainObject(entry)) {
      parsedEntries[key] = parseEntries(shape[key], entry, [...base, key], doc, problems);
      continue;
    }
    const parsed = parsePart(shape[key], entry, [...base, key], doc, problems);
    if (parsed.ok && parsed.value !== undefined) parsedEntries[key] = parsed.value;
  }
  return parsedEntries;
}

/** Returns the shape of an object schema, looking through an optional wrapper; undefined for any other schema. */
function keysShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  if (def.type === 'optional') return keysShape(def.innerType as z.ZodType);
  return def.type === 'object' ? (def.shape as Record<string, z.ZodType>) : undefined;
}

/**
 * Returns the settings that a file's "settings" value gives the analysis, with the keys that
 * validateModelFile drops dropped, or undefined when the value is not an object and the analysis
 * ignores it. An absent value gives no settings.
 */
export function fileSettingsOf(doc: SourceDocument, raw: unknown): AnalysisSettings | undefined {
  if (raw === undefined) return {};
  return parseSettings(raw, doc, []);
}

/**
 * Parses one part. Keys the schema does not define are reported as warnings and dropped, and the
 * rest is parsed again. So a misspelt key does not discard its whole object, and it gets the same
 * warning next to another mistake as alone.
 */
function parsePart(
  schema: z.ZodType,
  value: unknown,
  base: ValuePath,
  doc: SourceDocument,
  problems: Problem[],
): { ok: true; value: unknown } | { ok: false } {
  // Most parts are valid, and the quick test accepts those without the copy a zod parse makes.
  if (quickValid(schema, value)) return { ok: true, value };
  const asWritten = value;
  let current = value;
  for (let attempt = 0; attempt < 8; attempt++) {
    const result = schema.safeParse(current);
    // The schema has no defaults or transforms, so a value that passes is its own parsed form.
    // zod's copy of it is dropped at once, which keeps a second copy of the model out of the heap.
    if (result.success) return { ok: true, value: current };
    const issues = flattenIssues(result.error.issues, current);
    const unknownKeys = issues.filter((issue) => issue.code === 'unrecognized_keys');
    // Unknown keys become warnings wherever they are, and the next parse reports the other issues.
    if (unknownKeys.length > 0) {
      for (const issue of unknownKeys) {
        for (const key of (issue as { keys: string[] }).keys) {
          // A layer object names a block or lists ops; zod reports the other key of the two as unknown.
          const both = base.length === 2 && base[0] === 'layers' && issue.path.length === 0 && (key === 'ops' || key === 'block');
          problems.push(unknownKeyProblem(doc, [...base, ...issue.path.map(toKey), key], both
              ? `A layer takes "block" or "ops", not both; "${key}" is ignored.`
              : `Unknown key ${quotedName(key)}; it is ignored.${suggestKey(key, keysAllowedAt(schema, issue.path))}`));
        }
      }
      current = withoutKeys(current, unknownKeys);
      continue;
    }
    for (const issue of tightestBounds(issues)) {
      const path = [...base, ...issue.path.map(toKey)];
      const value = valueAt(current, issue.path.map(toKey));
      // An object that lacks a key because its value could not be evaluated (a *.arch.ts
      // expression) is explained by that, not by the rule the missing key breaks.
      const objectPath = value === undefined ? path.slice(0, -1) : path;
      const skipped = issue.code === 'custom' || issue.code === 'invalid_union' || value === undefined ? doc.skippedKeysAt?.(objectPath) : undefined;
      // A missing key is blamed on a skipped value only when it is that key, or for a layer, which
      // takes "block" or "ops", the other of the two.
      const key = String(path[path.length - 1]);
      const layerKey = objectPath.length === 2 && objectPath[0] === 'layers' && (key === 'block' || key === 'ops');
      if (skipped && (value !== undefined || skipped.includes(key) || (layerKey && (skipped.includes('block') || skipped.includes('ops'))))) {
        problems.push(leftOut(doc, base, objectPath, skipped));
        continue;
      }
      // A list that lost an element ([0.01, max] with max not evaluated) is too short for that reason.
      if (Array.isArray(value) && doc.incompleteAt?.(path)) {
        problems.push({ ...leftOut(doc, base, path), message: `${describePath(base)} is left out, because an element of ${describePath(path)} could not be evaluated statically (see the finding there).` });
        continue;
      }
      const span = locateNearest(doc, path);
      const numberText = typeof value === 'number' ? shownNumber(doc, span, value) : undefined;
      // The keys dropped as unknown are part of what was found ("gian" instead of "gain").
      const written = valueAt(asWritten, issue.path.map(toKey));
      const { code, message } = describeIssue(issue, value, path, numberText, written);
      problems.push({ code, message, span });
    }
    return { ok: false };
  }
  return { ok: false };
}

/**
 * Returns the issues with one bound per value and side, the tightest. An integer below -(2^53 - 1)
 * breaks both the safe-integer bound of int() and a repeat's minimum of 1, and only the second helps.
 */
function tightestBounds(issues: readonly Issue[]): Issue[] {
  const keyOf = (issue: Issue): string => `${issue.code} ${JSON.stringify(issue.path)}`;
  const tightest = new Map<string, { issue: Issue; limit: number }>();
  for (const issue of issues) {
    if (issue.code !== 'too_small' && issue.code !== 'too_big') continue;
    const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const current = tightest.get(keyOf(issue));
    if (!current || (issue.code === 'too_small' ? limit > current.limit : limit < current.limit)) tightest.set(keyOf(issue), { issue, limit });
  }
  return issues.filter((issue) => (issue.code !== 'too_small' && issue.code !== 'too_big') || tightest.get(keyOf(issue))?.issue === issue);
}

function toKey(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

/**
 * Replaces each union issue by the issues of the branch that matched the value's type, so the
 * message names the real mistake ("repeat must be at least 1") instead of "invalid input".
 */
function flattenIssues(issues: readonly Issue[], root: unknown): Issue[] {
  const flat: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      flat.push(issue);
      continue;
    }
    const typeMatched = issue.errors.filter(
      (branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'),
    );
    if (typeMatched.length === 0) {
      flat.push(issue);
      continue;
    }
    const best = typeMatched.reduce((a, b) => (b.length < a.length ? b : a));
    const nested = best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue);
    flat.push(...flattenIssues(nested, root));
  }
  return flat;
}

/**
 * Returns a number as a message shows it: as written, followed by what it reads as where the
 * double differs from the written digits ("1e-400, which reads as 0"). Only JSON keeps the text.
 */
function shownNumber(doc: SourceDocument, span: Span, value: number): string {
  const written = doc.text?.slice(span.start, span.end);
  if (written === undefined || !NUMBER_LITERAL.test(written) || !readsOtherwise(written, value)) return String(value);
  return `${written}, which reads as ${String(value)}`;
}

const NUMBER_LITERAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Returns whether a number literal's decimal value differs from the shortest decimal that prints
 * its double: 1e-400 reads as 0, 1e400 as Infinity, 9007199254740993e0 as 9007199254740992.
 */
function readsOtherwise(written: string, value: number): boolean {
  if (!Number.isFinite(value)) return true;
  return canonicalDecimal(written) !== canonicalDecimal(String(value));
}

/** Returns a decimal number's significant digits and the power of ten of the last one ("25e-1" for 2.50), or "0" for zero. */
function canonicalDecimal(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  return `${sign}${significant}e${Number(exponent) - fraction.length + digits.length - significant.length}`;
}

/**
 * Describes the zod issues of a value that no document holds, such as an editor setting, in the
 * words validation uses for a model file. `base` names the value, and each message names the part
 * at fault, its value and what it must be.
 */
export function describeIssues(issues: readonly Issue[], value: unknown, base: ValuePath): string[] {
  return tightestBounds(flattenIssues(issues, value)).map((issue) => {
    const path = issue.path.map(toKey);
    return describeIssue(issue, valueAt(value, path), [...base, ...path]).message;
  });
}

function describeIssue(issue: Issue, value: unknown, path: ValuePath, numberText = String(value), written: unknown = value): { code: Code; message: string } {
  const name = describePath(path);
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (typeof value === 'number') {
        const relation =
          issue.code === 'too_small'
            ? issue.inclusive ? 'at least' : 'greater than'
            : issue.inclusive ? 'at most' : 'less than';
        return { code: 'invalid-number', message: `${name} is ${numberText}; it must be ${relation} ${String(limit)}.` };
      }
      if (value === '' && issue.code === 'too_small') {
        return { code: 'schema', message: `${name} is an empty string; write the name it stands for, or remove it.` };
      }
      const unit = (Array.isArray(value) ? 'item' : 'character') + (Number(limit) === 1 ? '' : 's');
      const relation = issue.code === 'too_small' ? 'at least' : 'at most';
      return { code: 'schema', message: `${name} must have ${relation} ${String(limit)} ${unit}.` };
    }
    case 'invalid_type': {
      if (value === undefined) {
        const key = String(path[path.length - 1]);
        const parent = path.slice(0, -1);
        // Name the object that lacks the key: one edge or op among many otherwise reads alike.
        if (parent.length === 0) return { code: 'schema', message: missingKeyMessage(key) };
        // A layer object takes either key; zod reports the branch it tried first.
        if (parent.length === 2 && parent[0] === 'layers' && (key === 'block' || key === 'ops')) {
          return { code: 'schema', message: `${describePath(parent)} needs "block" or "ops". ${unionHint(parent)}` };
        }
        return { code: 'schema', message: `${describePath(parent)} is missing the required key "${key}"; add it.` };
      }
      if (issue.expected === 'int' && typeof value === 'number') {
        return { code: 'invalid-number', message: `${name} is ${numberText}; it must be a whole number.` };
      }
      if (issue.expected === 'number' && typeof value === 'number') {
        return { code: 'invalid-number', message: `${name} is ${numberText}; it must be a finite number.` };
      }
      return { code: 'schema', message: `${name} must be ${article(issue.expected)}; found ${describeValue(value)}.` };
    }
    case 'invalid_value':
      return {
        code: 'schema',
        message: `${name} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}; found ${describeValue(value)}.`,
      };
    case 'invalid_union':
      return { code: 'schema', message: `${name} has the wrong form; found ${describeValue(value)}. ${unionHint(path)}` };
    case 'custom': {
      // A rule about an object's keys is explained by the keys it has, not by "an object". A rule
      // about a few numbers (a band, an op's statistics) is explained by the numbers.
      const numbers = isPlainObject(written) ? numberEntries(written) : undefined;
      const numeric = typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number'));
      let found = describeValue(value);
      if (numbers) found = numbers;
      else if (isPlainObject(written)) found = describeKeys(Object.keys(written));
      else if (Array.isArray(value) && value.length <= 8 && value.every((item) => typeof item === 'number')) found = `[${value.join(', ')}]`;
      return { code: numeric ? 'invalid-number' : 'schema', message: `${name}: ${issue.message}; found ${found}.` };
    }
    default:
      return { code: 'schema', message: `${name}: ${issue.message}.` };
  }
}

function unionHint(path: ValuePath): string {
  const parent = path[path.length - 2];
  if (path[0] === 'layers' && path.length === 2) {
    return 'A layer is a list of ops, {"block": name, "repeat": n} or {"ops": [...], "repeat": n}.';
  }
  if (parent === 'paths') return 'A path is a list of ops or {"ops": [...], "scale": a}.';
  if (path[0] === 'ops' && path.length === 2) return 'A user op is {"gain": g} or {"mean": m, "rms": r, "peak": p}.';
  return 'An op is a name such as "relu", or an object such as {"op": "leaky_relu", "slope": 0.2} or {"gain": 0.5}.';
}

function article(expected: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    object: 'an object',
    array: 'a list',
    boolean: 'true or false',
    record: 'an object',
    tuple: 'a list',
  };
  return words[expected] ?? expected;
}

/** Names a value's location for messages: layers[2].repeat, blocks.bottleneck.paths.shortcut. */
export function describePath(path: ValuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text ? `.${segment}` : segment;
    // Single quotes, since the whole path is in double quotes: "settings.severity['block-exploding']".
    else text += `['${JSON.stringify(segment).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}']`;
  }
  return text === '' ? 'The file' : `"${text}"`;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return String(value);
}

/**
 * Reports that `part` (a block, layer, op or top-level key) is left out of the analysis, because
 * the value of `keys` in the object at `at` (or the value at `at` itself) could not be evaluated.
 */
function leftOut(doc: SourceDocument, part: ValuePath, at: ValuePath, keys?: readonly string[]): Problem {
  const unread = keys ? `the value of ${keys.map(quotedName).join(', ')} in ${describePath(at)}` : 'its value';
  return {
    code: 'not-evaluated',
    message: `${describePath(part)} is left out, because ${unread} could not be evaluated statically (see the finding there).`,
    span: locateNearest(doc, at),
    severity: 'error',
  };
}

/** Lists an object's keys with their numbers ("mean": 0.9, "rms": 0.5) when every key but "description" has a number. */
function numberEntries(value: Record<string, unknown>): string | undefined {
  const entries = Object.entries(value).filter(([key]) => key !== 'description');
  if (entries.length === 0 || entries.length > 6 || !entries.every(([, item]) => typeof item === 'number')) return undefined;
  return entries.map(([key, item]) => `${quotedName(key)}: ${String(item)}`).join(', ');
}

function describeKeys(keys: string[]): string {
  if (keys.length === 0) return 'an empty object';
  const listed = keys.slice(0, 6).map(quotedName).join(', ');
  return `${keys.length === 1 ? 'the key' : 'the keys'} ${listed}${keys.length > 6 ? ` and ${keys.length - 6} more` : ''}`;
}

function missingKeyMessage(key: string): string {
  if (key === 'reslint') return 'Missing "reslint": 1, the format version that marks a ResLint model file; add it at the top.';
  if (key === 'layers') return 'Missing "layers", the network from input to output; add "layers": [ ... ].';
  return `Missing required key "${key}".`;
}

function valueAt(root: unknown, path: ValuePath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function withoutKeys(value: unknown, issues: Issue[]): unknown {
  const copy = structuredClone(value);
  for (const issue of issues) {
    const target = valueAt(copy, issue.path.map(toKey));
    if (isPlainObject(target)) {
      for (const key of (issue as { keys: string[] }).keys) delete target[key];
    }
  }
  return copy;
}

/**
 * Returns the keys that the object at `path` inside a value of `schema` may have: those of every
 * object schema the path can lead to, through optional values, lists, records and the branches
 * of unions. A layer object may have "block", "ops" and "repeat", and an edge "from", "to", "ops"
 * and "scale", so a misspelt key is matched against the keys of its own kind of object.
 */
function keysAllowedAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (current: z.core.$ZodType, depth: number): void => {
    const def = current._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    switch (def.type) {
      case 'optional':
      case 'nullable':
        visit(def.innerType as z.core.$ZodType, depth);
        return;
      case 'union':
        for (const option of def.options as z.core.$ZodType[]) visit(option, depth);
        return;
      case 'object': {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (depth === path.length) for (const key of Object.keys(shape)) keys.add(key);
        else if (Object.hasOwn(shape, String(path[depth]))) visit(shape[String(path[depth])], depth + 1);
        return;
      }
      case 'record':
        if (depth < path.length) visit(def.valueType as z.core.$ZodType, depth + 1);
        return;
      case 'array':
        if (depth < path.length && typeof path[depth] === 'number') visit(def.element as z.core.$ZodType, depth + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, 0);
  return [...keys];
}

function suggestKey(key: string, known: string[]): string {
  const match = closest(key, known);
  // A known key that is not allowed here ("mean" next to "gain" in a user op) gets no suggestion of itself.
  return match && match !== key ? ` Did you mean "${match}"?` : '';
}

/** Returns the candidate nearest to a misspelt name, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Optimal string alignment distance: edits plus swaps of adjacent letters ("rleu" is 1 from "relu"). */
function editDistance(a: string, b: string): number {
  // Lengths more than 3 apart are too far for a typo. Their difference is only a lower bound of
  // the distance, too small to decide against a match.
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}
