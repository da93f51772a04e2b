// A validity test compiled from a zod schema's definition. A zod parse builds a copy of the value
// and a payload with an issue list for every part, which came to about 8 MB for each analysis of
// a model of 1,000 blocks, although almost every part is valid. The test reads the value and
// allocates nothing. It returns true (valid) or false (not known), never a verdict of invalid: the
// caller parses with zod whenever the result is false, so zod alone writes the issues. A part of a
// schema that the test cannot read makes it return false for every value.
//
// It reads the definitions that zod's core exposes to libraries built on it (`_zod.def`,
// `_zod.traits`) and follows the semantics of zod's own parsers for each kind it reads.
import type { z } from 'zod';

type Test = (value: unknown) => boolean;

/** The definition fields of the kinds of schema and check this file reads. */
interface Definition {
  type: string;
  check?: string;
  coerce?: boolean;
  checks?: Schema[];
  innerType?: Schema;
  options?: Schema[];
  inclusive?: boolean;
  element?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
  items?: Schema[];
  rest?: Schema | null;
  // Checks.
  fn?: (value: unknown) => unknown;
  value?: unknown;
  minimum?: number;
  format?: string;
}

interface Schema {
  _zod: { def: Definition; traits: Set<string>; optin?: string; optout?: string };
}

/** The test of a schema with a part this file cannot read: zod decides every value. */
const NOT_KNOWN: Test = () => false;

const compiled = new WeakMap<Schema, Test>();

/**
 * Returns true when zod accepts `value` under `schema`, as far as this test can tell without
 * zod. False means only that zod has to decide.
 */
export function quickValid(schema: z.core.$ZodType, value: unknown): boolean {
  return testOf(schema as unknown as Schema)(value);
}

function testOf(schema: Schema): Test {
  let test = compiled.get(schema);
  if (test) return test;
  // A schema that refers to itself (through a getter in a shape) reads as not known inside itself.
  compiled.set(schema, NOT_KNOWN);
  test = compile(schema);
  compiled.set(schema, test);
  return test;
}

function compile(schema: Schema): Test {
  // A schema that is itself a check (a string format, z.custom) runs that check as well.
  if (schema._zod.traits.has('$ZodCheck')) return NOT_KNOWN;
  const type = typeTest(schema);
  // zod runs the checks on its parsed copy, which equals the value: these kinds have no transforms.
  // NOTE: a getter or an own Symbol.iterator could make a refinement read the two differently. The
  // front ends make only plain objects and arrays, so values from documents have neither.
  const checks = (schema._zod.def.checks ?? []).map(checkTest);
  if (type === NOT_KNOWN || checks.includes(NOT_KNOWN)) return NOT_KNOWN;
  if (checks.length === 0) return type;
  return (value) => {
    if (!type(value)) return false;
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

function typeTest(schema: Schema): Test {
  const { def, traits } = schema._zod;
  switch (def.type) {
    case 'string':
      return def.coerce ? NOT_KNOWN : (value) => typeof value === 'string';
    case 'number':
      return def.coerce ? NOT_KNOWN : (value) => typeof value === 'number' && Number.isFinite(value);
    case 'literal': {
      const values = new Set(def.values);
      // An absent key reads as undefined, which zod may judge by the key's optionality instead.
      return values.has(undefined) ? NOT_KNOWN : (value) => values.has(value);
    }
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      // zod drops the reverse entries of a numeric TypeScript enum, which string values do not have.
      if (!values.every((value) => typeof value === 'string')) return NOT_KNOWN;
      const allowed = new Set(values);
      return (value) => allowed.has(value as string);
    }
    case 'optional': {
      const inner = def.innerType as Schema;
      // An exact optional rejects undefined, and a default replaces it.
      if (traits.has('$ZodExactOptional') || inner._zod.optin === 'defaulted') return NOT_KNOWN;
      const test = testOf(inner);
      return test === NOT_KNOWN ? NOT_KNOWN : (value) => value === undefined || test(value);
    }
    case 'union': {
      // An exclusive union fails on two matches, and a discriminated one picks its option by a key.
      if (def.inclusive === false || traits.has('$ZodDiscriminatedUnion')) return NOT_KNOWN;
      const options = (def.options ?? []).map(testOf);
      if (options.includes(NOT_KNOWN)) return NOT_KNOWN;
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case 'array': {
      const element = testOf(def.element as Schema);
      if (element === NOT_KNOWN) return NOT_KNOWN;
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let index = 0; index < value.length; index++) if (!element(value[index])) return false;
        return true;
      };
    }
    case 'tuple': {
      const items = def.items ?? [];
      if (def.rest || items.some((item) => item._zod.optin !== undefined)) return NOT_KNOWN;
      const tests = items.map(testOf);
      if (tests.includes(NOT_KNOWN)) return NOT_KNOWN;
      return (value) => {
        if (!Array.isArray(value) || value.length !== tests.length) return false;
        for (let index = 0; index < tests.length; index++) if (!tests[index](value[index])) return false;
        return true;
      };
    }
    case 'object':
      return objectTest(def);
    case 'record':
      return recordTest(def);
    default:
      return NOT_KNOWN;
  }
}

/** Compiles the test of a strict object (unknown keys fail) or a stripping one (unknown keys pass, zod drops them). */
function objectTest(def: Definition): Test {
  const shape = def.shape ?? {};
  const catchall = def.catchall?._zod.def.type;
  if (Object.getOwnPropertySymbols(shape).length > 0 || (catchall !== undefined && catchall !== 'never')) return NOT_KNOWN;
  const keys = Object.keys(shape);
  const fields = keys.map((key) => testOf(shape[key]));
  if (fields.includes(NOT_KNOWN)) return NOT_KNOWN;
  const strict = catchall === 'never';
  const known = new Set(keys);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const object = value as Record<string, unknown>;
    for (let index = 0; index < keys.length; index++) if (!fields[index](object[keys[index]])) return false;
    // zod lists keys with for...in too, inherited enumerable ones among them.
    if (strict) for (const key in object) if (!known.has(key)) return false;
    return true;
  };
}

/** Compiles the test of a record keyed by any string. */
function recordTest(def: Definition): Test {
  const key = (def.keyType as Schema)._zod;
  if (key.def.type !== 'string' || key.def.coerce || (key.def.checks?.length ?? 0) > 0 || key.traits.has('$ZodCheck')) return NOT_KNOWN;
  const entry = testOf(def.valueType as Schema);
  if (entry === NOT_KNOWN) return NOT_KNOWN;
  return (value) => {
    if (typeof value !== 'object' || value === null) return false;
    // zod takes a record only as a plain object. An own "constructor" key can make one look
    // otherwise to it, so zod decides those.
    const prototype = Object.getPrototypeOf(value);
    if ((prototype !== Object.prototype && prototype !== null) || Object.hasOwn(value, 'constructor')) return false;
    const record = value as Record<string, unknown>;
    for (const name in record) {
      // zod leaves "__proto__" out of its copy, which a refinement of the record then reads.
      if (name === '__proto__' || !Object.hasOwn(record, name) || !entry(record[name])) return false;
    }
    // A symbol key fails the string key schema.
    return Object.getOwnPropertySymbols(value).length === 0;
  };
}

/**
 * Compiles the test of one check. zod skips a check whose `when` returns false, or one after an
 * issue that aborts. The test runs every check, which can only make it stricter than zod.
 */
function checkTest(check: Schema): Test {
  const def = check._zod.def;
  switch (def.check) {
    case 'custom': {
      const fn = def.fn;
      // zod accepts any truthy result and throws on a promise in a synchronous parse, so only true passes here.
      return fn ? (value) => fn(value) === true : NOT_KNOWN;
    }
    case 'min_length': {
      const minimum = def.minimum;
      return typeof minimum === 'number' ? (value) => lengthOf(value, minimum) >= minimum : NOT_KNOWN;
    }
    case 'greater_than': {
      const bound = def.value;
      if (typeof bound !== 'number') return NOT_KNOWN;
      return def.inclusive ? (value) => (value as number) >= bound : (value) => (value as number) > bound;
    }
    case 'less_than': {
      const bound = def.value;
      if (typeof bound !== 'number') return NOT_KNOWN;
      return def.inclusive ? (value) => (value as number) <= bound : (value) => (value as number) < bound;
    }
    case 'number_format':
      return def.format === 'safeint' ? (value) => Number.isSafeInteger(value) : NOT_KNOWN;
    default:
      return NOT_KNOWN;
  }
}

/**
 * Returns the length that zod's minimum-length check compares: code points for a string whose code units
 * could fall short of the minimum once pairs count as one, code units or elements otherwise.
 */
function lengthOf(value: unknown, minimum: number): number {
  if (typeof value !== 'string') return (value as { length: number }).length;
  const units = value.length;
  if (units < minimum || units >= minimum * 2) return units;
  let count = units;
  for (let index = 0; index < units - 1; index++) {
    if ((value.charCodeAt(index) & 0xfc00) === 0xd800 && (value.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      count--;
      index++;
    }
  }
  return count;
}
