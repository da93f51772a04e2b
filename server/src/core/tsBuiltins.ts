// The built-ins that *.arch.ts models may use (Math, Number, String, Array.from, Object.fromEntries,
// list and string methods), implemented over evaluator values. None of them runs user code except
// through the evaluator's own call, and none has side effects.
import type ts from 'typescript';
import {
  describeValue,
  isArrayIndex,
  isSkippedKey,
  isTruthy,
  keyOrigin,
  markSkippedKey,
  NO_MEMBER,
  NotEvaluated,
  orderedKeys,
  type ArrayValue,
  type Context,
  type Entry,
  type NativeValue,
  type ObjectValue,
  type Origin,
  type Primitive,
  type PrimitiveValue,
  type Value,
} from './tsValues';

/** Maximum length of a list built by the evaluator; Array.from, spreads, concat and the like beyond it are not evaluated. */
export const MAX_ARRAY_LENGTH = 100_000;
/** Maximum length of a string built by templates, concatenation and string methods. */
export const MAX_STRING_LENGTH = 1_000_000;
/** Characters of a newly built string that cost one evaluation step. */
const CHARACTERS_PER_STEP = 10;

/** The evaluator services that built-ins use. */
export interface NativeHost {
  /** Origin of a value created now by the expression `node` (with the calls in progress). */
  origin(node: ts.Node): Origin;
  /** The file and the calls in progress, which a value created now takes as its origin. */
  readonly context: Context;
  /** Charges evaluation steps; throws when the budget is spent. */
  step(count?: number): void;
  /** Records that an operation read the contents of a value. */
  read(value: Value): void;
  /** Calls a function value; undefined when the call was skipped (and reported). */
  call(callee: Value, args: Value[], node: ts.Node): Value | undefined;
}

/** Reasons given for globals that exist at run time but have no value when a file is only read. */
export const ENVIRONMENT_GLOBALS: Record<string, string> = {
  // The reason covers every use of the name, Date.UTC and Date.parse included, which read no clock.
  Date: 'Date is not evaluated, because Date() and Date.now() read the clock; write a date or timestamp as a string or a number',
  performance: 'performance reads the clock, so its value differs between runs',
  require: 'require loads and runs modules, and ResLint reads model files without running them',
  eval: 'eval runs code, and ResLint reads model files without running them',
  Function: 'Function builds and runs code, and ResLint reads model files without running them',
  process: 'process reads the environment of a running program, and model files are read without running them',
  globalThis: 'globalThis belongs to a running program, and model files are read without running them',
  global: 'global belongs to a running program, and model files are read without running them',
  window: 'window belongs to a running browser, and model files are read without running them',
  document: 'document belongs to a running browser, and model files are read without running them',
  navigator: 'navigator belongs to a running browser, and model files are read without running them',
  module: 'module belongs to a running CommonJS program, and model files are read without running them',
  exports: 'exports belongs to a running CommonJS program, and model files are read without running them',
  __dirname: '__dirname belongs to a running program, and model files are read without running them',
  __filename: '__filename belongs to a running program, and model files are read without running them',
  console: 'console is for side effects, which are not evaluated',
  fetch: 'fetch reads the network, which is never accessed',
  setTimeout: 'timers are not evaluated',
  setInterval: 'timers are not evaluated',
  crypto: 'crypto returns random or environment-dependent values',
  Symbol: 'symbols are not part of the model format',
  Proxy: 'Proxy objects are not evaluated',
  Reflect: 'Reflect is not evaluated',
  Promise: 'promises are not evaluated',
  Map: 'Map and Set objects are not evaluated; use objects and lists',
  Set: 'Map and Set objects are not evaluated; use objects and lists',
  JSON: 'JSON is not evaluated; write the value as an object literal',
};

const MATH_FUNCTIONS = new Set([
  'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh', 'exp',
  'expm1', 'floor', 'fround', 'hypot', 'imul', 'log', 'log10', 'log1p', 'log2', 'max', 'min', 'pow', 'round', 'sign',
  'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc',
]);
const MATH_CONSTANTS = new Set(['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2']);
const NUMBER_CONSTANTS = new Set([
  'EPSILON', 'MAX_SAFE_INTEGER', 'MAX_VALUE', 'MIN_SAFE_INTEGER', 'MIN_VALUE', 'NaN', 'NEGATIVE_INFINITY', 'POSITIVE_INFINITY',
]);
const NUMBER_PREDICATES = new Set(['isFinite', 'isInteger', 'isNaN', 'isSafeInteger']);
/** String methods that take and return primitives only; the real String.prototype method runs on them. */
const STRING_METHODS = new Set([
  'at', 'charAt', 'charCodeAt', 'concat', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'padEnd', 'padStart',
  'repeat', 'replace', 'replaceAll', 'slice', 'split', 'startsWith', 'substring', 'toLowerCase', 'toString',
  'toUpperCase', 'trim', 'trimEnd', 'trimStart',
]);
/**
 * String methods whose work grows with the length of the receiver and of the string arguments
 * even when the result is short or not a string, so that length is charged before they run.
 */
const SCANNING_STRING_METHODS = new Set([
  'includes', 'indexOf', 'lastIndexOf', 'replace', 'replaceAll', 'split', 'toLowerCase', 'toUpperCase', 'trim', 'trimEnd',
  'trimStart',
]);
/**
 * Search strings longer than this make lastIndexOf search the reversed strings instead. V8's
 * lastIndexOf (Node 20) tries the search string at every position, so its time grows with the
 * product of the two lengths: minutes for 1,000,000 and 500,000 characters.
 */
const NAIVE_LAST_INDEX_OF_LENGTH = 32;
const NUMBER_METHODS = new Set(['toExponential', 'toFixed', 'toPrecision', 'toString']);
/**
 * List methods that modify their list, with what to write instead. None of them is evaluated, not
 * even on a copy such as [...list], because the evaluator never modifies a value.
 */
const MUTATING_ARRAY_METHODS = new Map([
  ['copyWithin', '"copyWithin" modifies the list in place, which is not evaluated; build a new list with slice and concat'],
  ['pop', '"pop" removes the last element in place, which is not evaluated; use list.slice(0, -1) and list.at(-1)'],
  ['push', '"push" adds to the list in place, which is not evaluated; build a new list with a spread: [...list, item]'],
  ['reverse', '"reverse" reverses the list in place, which is not evaluated even on a copy such as [...list]; use list.map((_, i) => list[list.length - 1 - i])'],
  ['shift', '"shift" removes the first element in place, which is not evaluated; use list.slice(1) and list[0]'],
  ['sort', '"sort" sorts the list in place, which is not evaluated even on a copy such as [...list]; write the elements in the order you need'],
  ['splice', '"splice" changes the list in place, which is not evaluated; build a new list with slice and a spread'],
  ['unshift', '"unshift" adds to the list in place, which is not evaluated; build a new list with a spread: [item, ...list]'],
]);
/**
 * List methods whose result depends on every element or on positions. On a list that lost a
 * skipped element they skip too, since the result would differ from the source's.
 */
const WHOLE_LIST_METHODS = new Set(['at', 'every', 'fill', 'find', 'findIndex', 'includes', 'indexOf', 'join', 'keys', 'reduce', 'slice', 'some']);

export class Builtins {
  constructor(private readonly host: NativeHost) {}

  /** Returns the global named `name` as a value located at `node`, or undefined when there is none. */
  global(name: string, node: ts.Node): Value | undefined {
    switch (name) {
      case 'undefined':
        return this.primitive(undefined, node);
      case 'NaN':
        return this.primitive(NaN, node);
      case 'Infinity':
        return this.primitive(Infinity, node);
      case 'Math':
        return this.native('Math', node, { member: (key, at) => this.mathMember(key, at) });
      case 'Number':
        return this.native('Number', node, {
          call: ([value], at) => this.primitive(value === undefined ? 0 : Number(this.numberSource(value, 'Number()')), at),
          member: (key, at) => this.numberMember(key, at),
        });
      case 'String':
        return this.native('String', node, {
          call: ([value], at) => this.string(value === undefined ? '' : String(this.primitiveOf(value, 'String()')), at),
        });
      case 'Boolean':
        return this.native('Boolean', node, { call: ([value], at) => this.primitive(value !== undefined && isTruthy(value), at) });
      case 'parseInt':
      case 'parseFloat':
      case 'isFinite':
      case 'isNaN':
        return this.native(name, node, { call: (args, at) => this.numberFunction(name, args, at) });
      case 'Array':
        return this.native('Array', node, {
          call: (args, at) => this.arrayConstructor(args, at),
          member: (key, at) => this.arrayStatic(key, at),
        });
      case 'Object':
        return this.native('Object', node, { member: (key, at) => this.objectStatic(key, at) });
      case 'defineModel':
        return this.defineModel(node);
      default:
        return undefined;
    }
  }

  /** The identity function that marks a model: `defineModel({...})` evaluates to its argument. */
  defineModel(node: ts.Node): NativeValue {
    return this.native('defineModel', node, { call: ([model], at) => model ?? this.primitive(undefined, at) });
  }

  /** Looks up a property of a string, number or boolean; NO_MEMBER where JavaScript gives undefined. */
  primitiveMember(receiver: PrimitiveValue, key: string, node: ts.Node): Value | typeof NO_MEMBER {
    const value = receiver.value;
    if (typeof value === 'string') {
      if (key === 'length') return this.primitive(value.length, node);
      if (isArrayIndex(key)) return Number(key) < value.length ? this.primitive(value[Number(key)], node) : NO_MEMBER;
      if (STRING_METHODS.has(key)) return this.native(key, node, { call: (args, at) => this.stringMethod(value, key, args, at) });
      if (key in String.prototype) throw new NotEvaluated(`the string method "${key}" is not evaluated`);
      return NO_MEMBER;
    }
    if (typeof value === 'number') {
      if (NUMBER_METHODS.has(key)) return this.native(key, node, { call: (args, at) => this.numberMethod(value, key, args, at) });
      return NO_MEMBER;
    }
    if (typeof value === 'boolean' && key === 'toString') return this.native(key, node, { call: (_, at) => this.string(String(value), at) });
    return NO_MEMBER;
  }

  /**
   * Looks up an element, the length or a method of a list; NO_MEMBER where JavaScript gives
   * undefined. Undefined (skipped) for the length or an element of a list that lost a skipped element.
   */
  arrayMember(receiver: ArrayValue, key: string, node: ts.Node): Value | undefined | typeof NO_MEMBER {
    if (receiver.partial && (key === 'length' || isArrayIndex(key))) return undefined;
    if (key === 'length') return this.primitive(receiver.items.length, node);
    if (isArrayIndex(key)) {
      const entry = receiver.items[Number(key)];
      return entry && !entry.hole ? entry.value : NO_MEMBER;
    }
    const method = this.arrayMethod(receiver, key);
    if (method && receiver.partial && WHOLE_LIST_METHODS.has(key)) return this.native(key, node, { call: () => undefined });
    if (method) return this.native(key, node, { call: method });
    const mutation = MUTATING_ARRAY_METHODS.get(key);
    if (mutation) throw new NotEvaluated(mutation);
    if (key === 'forEach') throw new NotEvaluated('forEach runs its callback for side effects, which are not evaluated; use map');
    if (key in Array.prototype) throw new NotEvaluated(`the list method "${key}" is not evaluated`);
    return NO_MEMBER;
  }

  // Values

  primitive(value: Primitive, node: ts.Node): PrimitiveValue {
    const context = this.host.context;
    return { kind: 'primitive', value, node, file: context.file, frame: context.frame, reads: 0 };
  }

  /** Makes a string value, charged by its length and limited to MAX_STRING_LENGTH. */
  string(value: string, node: ts.Node): PrimitiveValue {
    this.checkString(value.length);
    return this.primitive(value, node);
  }

  checkString(length: number): void {
    rejectLongString(length);
    this.host.step(Math.ceil(length / CHARACTERS_PER_STEP));
  }

  /** Makes a list of values created by the expression `node`. */
  array(values: Value[], node: ts.Node): ArrayValue {
    this.checkLength(values.length);
    const context = this.host.context;
    const array: ArrayValue = { kind: 'array', items: [], node, file: context.file, frame: context.frame, reads: 0, typedAsArray: false };
    // The list's own origin is the slot of each element.
    array.items = values.map((value) => ({ value, slot: array }));
    return array;
  }

  /** Makes a list of existing entries (with their slots and holes), as concat and slice keep them. */
  arrayOfEntries(items: Entry[], node: ts.Node): ArrayValue {
    this.checkLength(items.length);
    const context = this.host.context;
    return { kind: 'array', items, node, file: context.file, frame: context.frame, reads: 0, typedAsArray: false };
  }

  checkLength(length: number): void {
    rejectLongList(length);
    this.host.step(length);
  }

  native(
    name: string,
    node: ts.Node,
    behaviour: { call?: NativeValue['call']; member?: NativeValue['member'] },
  ): NativeValue {
    const context = this.host.context;
    return { kind: 'native', name, node, file: context.file, frame: context.frame, reads: 0, ...behaviour };
  }

  // Math, Number, String

  private mathMember(key: string, node: ts.Node): Value | typeof NO_MEMBER {
    if (MATH_CONSTANTS.has(key)) return this.primitive(Math[key as 'PI'], node);
    if (key === 'random') {
      return this.native('Math.random', node, {
        call: () => {
          throw new NotEvaluated('Math.random returns a different number on each run');
        },
      });
    }
    if (!MATH_FUNCTIONS.has(key)) return NO_MEMBER;
    const fn = Math[key as 'max'] as (...values: number[]) => number;
    return this.native(`Math.${key}`, node, {
      call: (args, at) => this.primitive(fn(...args.map((arg) => Number(this.numberSource(arg, `Math.${key}()`)))), at),
    });
  }

  private numberMember(key: string, node: ts.Node): Value | typeof NO_MEMBER {
    if (NUMBER_CONSTANTS.has(key)) return this.primitive(Number[key as 'EPSILON'], node);
    if (NUMBER_PREDICATES.has(key)) {
      const predicate = Number[key as 'isFinite'] as (value: unknown) => boolean;
      return this.native(`Number.${key}`, node, {
        call: ([value], at) => this.primitive(value?.kind === 'primitive' ? predicate(value.value) : false, at),
      });
    }
    if (key === 'parseFloat' || key === 'parseInt') {
      return this.native(`Number.${key}`, node, { call: (args, at) => this.numberFunction(key, args, at) });
    }
    return NO_MEMBER;
  }

  private numberFunction(name: string, args: Value[], node: ts.Node): Value {
    const values = args.map((arg) => this.numberSource(arg, `${name}()`));
    switch (name) {
      case 'parseInt':
        return this.primitive(parseInt(String(values[0]), values[1] === undefined ? undefined : Number(values[1])), node);
      case 'parseFloat':
        return this.primitive(parseFloat(String(values[0])), node);
      case 'isFinite':
        return this.primitive(isFinite(Number(values[0])), node);
      default:
        return this.primitive(isNaN(Number(values[0])), node);
    }
  }

  private stringMethod(value: string, name: string, args: Value[], node: ts.Node): Value {
    const values = args.map((arg) => this.primitiveOf(arg, `"${name}"`));
    this.chargeStringScan(value, name, values);
    this.checkStringGrowth(value, name, values);
    const method = (String.prototype as unknown as Record<string, (...a: Primitive[]) => unknown>)[name];
    let result: unknown;
    try {
      // The receiver and arguments are primitives, so the real method runs no user code.
      result = name === 'lastIndexOf' ? lastIndexOf(value, values) : method.apply(value, values);
    } catch (error) {
      // repeat(-1) and friends throw RangeError on their arguments.
      if (error instanceof RangeError) throw new NotEvaluated(`${name} rejects its argument: ${error.message}`);
      throw error;
    }
    if (Array.isArray(result)) {
      this.checkLength(result.length);
      return this.array(result.map((part: string) => this.primitive(part, node)), node);
    }
    if (typeof result === 'string') return this.string(result, node);
    return this.primitive(result as Primitive, node);
  }

  /**
   * Charges the characters that a string method reads, which its result does not show: indexOf
   * walks the receiver and returns a number, trim walks a blank receiver and returns "".
   */
  private chargeStringScan(value: string, name: string, args: Primitive[]): void {
    const argumentLength = args.reduce<number>((sum, arg) => sum + (typeof arg === 'string' ? arg.length : 0), 0);
    let scanned = 0;
    if (SCANNING_STRING_METHODS.has(name)) scanned = value.length + argumentLength;
    // They compare the receiver with the search string only, at one position.
    else if (name === 'startsWith' || name === 'endsWith') scanned = argumentLength;
    this.host.step(Math.floor(scanned / CHARACTERS_PER_STEP));
  }

  /**
   * Rejects string methods whose result would exceed MAX_STRING_LENGTH before they allocate it.
   * The result is charged once it exists, by `string`.
   */
  private checkStringGrowth(value: string, name: string, args: Primitive[]): void {
    rejectLongString(resultLength(value, name, args));
  }

  private numberMethod(value: number, name: string, args: Value[], node: ts.Node): Value {
    const values = args.map((arg) => this.primitiveOf(arg, `"${name}"`));
    const method = (Number.prototype as unknown as Record<string, (...a: Primitive[]) => string>)[name];
    try {
      return this.string(method.apply(value, values), node);
    } catch (error) {
      // toFixed(200) and toString(1) throw RangeError on their arguments.
      if (error instanceof RangeError) throw new NotEvaluated(`${name} rejects its argument: ${error.message}`);
      throw error;
    }
  }

  // Array

  private arrayConstructor(args: Value[], node: ts.Node): Value {
    if (args.length === 1 && args[0].kind === 'primitive' && typeof args[0].value === 'number') {
      const length = args[0].value;
      if (!Number.isInteger(length) || length < 0) throw new NotEvaluated(`Array(${length}) is not a valid list length`);
      this.checkLength(length);
      const slot = this.host.origin(node);
      const hole = this.primitive(undefined, node);
      const items: Entry[] = Array.from({ length }, () => ({ value: hole, slot, hole: true }));
      return this.arrayOfEntries(items, node);
    }
    return this.array(args, node);
  }

  private arrayStatic(key: string, node: ts.Node): Value | typeof NO_MEMBER {
    switch (key) {
      case 'from':
        return this.native('Array.from', node, { call: (args, at) => this.arrayFrom(args, at) });
      case 'of':
        return this.native('Array.of', node, { call: (args, at) => this.array(args, at) });
      case 'isArray':
        return this.native('Array.isArray', node, {
          call: ([value], at) => {
            if (value) this.host.read(value);
            return this.primitive(value?.kind === 'array', at);
          },
        });
      default:
        return NO_MEMBER;
    }
  }

  /** Array.from(list or string or { length: n }, mapper?), where n is at most MAX_ARRAY_LENGTH. */
  private arrayFrom([source, mapper]: Value[], node: ts.Node): Value | undefined {
    if (!source) throw new NotEvaluated('Array.from needs a list, a string or { length: n }');
    this.host.read(source);
    let values: Value[];
    let partial = false;
    if (source.kind === 'array') {
      partial = source.partial === true;
      values = source.items.map((entry) => (entry.hole ? this.primitive(undefined, node) : entry.value));
    } else if (source.kind === 'primitive' && typeof source.value === 'string') {
      this.checkLength(source.value.length);
      values = Array.from(source.value, (character) => this.primitive(character, node));
    } else if (source.kind === 'object') {
      // A length whose value was skipped (a bound that is not constant) skips the list, not empties it.
      if (isSkippedKey(source, 'length')) return undefined;
      const lengthEntry = source.entries.get('length');
      const length = lengthEntry?.value.kind === 'primitive' ? Number(lengthEntry.value.value) : 0;
      if (!Number.isFinite(length) && !Number.isNaN(length)) throw new NotEvaluated('Array.from with an infinite length is not evaluated');
      // ToLength in the JavaScript specification: NaN and negatives become 0, fractions are cut.
      const count = Number.isNaN(length) ? 0 : Math.max(0, Math.trunc(length));
      if (count > MAX_ARRAY_LENGTH) {
        throw new NotEvaluated(`the length ${count} is more than the maximum of ${MAX_ARRAY_LENGTH.toLocaleString('en-US')} elements`);
      }
      values = Array.from({ length: count }, (_, index) => source.entries.get(String(index))?.value ?? this.primitive(undefined, node));
    } else {
      throw new NotEvaluated(`Array.from needs a list, a string or { length: n }, not ${describeValue(source)}`);
    }
    this.checkLength(values.length);
    const mapped: Value[] = [];
    for (let index = 0; index < values.length; index++) {
      const result = mapper ? this.host.call(mapper, [values[index], this.primitive(index, node)], node) : values[index];
      if (result) mapped.push(result);
      else partial = true;
    }
    return this.withPartial(this.array(mapped, node), partial);
  }

  /** Returns the implementation of a list method that ResLint evaluates, bound to its receiver. */
  private arrayMethod(list: ArrayValue, name: string): NativeValue['call'] | undefined {
    const present = (): Generator<{ entry: Entry; index: number }, void> => this.listEntries(list);
    const callback = (fn: Value | undefined, entry: Entry, index: number, node: ts.Node): Value | undefined => {
      if (!fn) throw new NotEvaluated(`"${name}" needs a callback function`);
      return this.host.call(fn, [entry.value, this.primitive(index, node), list], node);
    };
    switch (name) {
      case 'map':
        return ([fn], node) => {
          const items: Entry[] = [];
          const slot = this.host.origin(node);
          let partial = list.partial === true;
          for (const [index, entry] of list.items.entries()) {
            // Holes stay holes, as in JavaScript; a skipped result drops its element.
            if (entry.hole) items.push(entry);
            else {
              const result = callback(fn, entry, index, node);
              if (result) items.push({ value: result, slot });
              else partial = true;
            }
          }
          return this.withPartial(this.arrayOfEntries(items, node), partial);
        };
      case 'flatMap':
        return ([fn], node) => {
          const values: Value[] = [];
          let partial = list.partial === true;
          for (const { entry, index } of present()) {
            const result = callback(fn, entry, index, node);
            if (result?.kind === 'array') {
              this.host.read(result);
              for (const item of result.items) if (!item.hole) values.push(item.value);
              partial ||= result.partial === true;
            } else if (result) values.push(result);
            else partial = true;
            rejectLongList(values.length);
          }
          return this.withPartial(this.array(values, node), partial);
        };
      case 'filter':
        return ([fn], node) => {
          const kept: Entry[] = [];
          for (const { entry, index } of present()) {
            const result = callback(fn, entry, index, node);
            if (!result) return undefined;
            if (isTruthy(result)) kept.push(entry);
          }
          return this.withPartial(this.arrayOfEntries(kept, node), list.partial === true);
        };
      case 'find':
      case 'findIndex':
      case 'some':
      case 'every':
        return ([fn], node) => {
          // find and findIndex visit holes as undefined, some and every skip them, as in JavaScript.
          const visitHoles = name === 'find' || name === 'findIndex';
          for (const { entry, index } of this.listEntries(list, visitHoles)) {
            const result = callback(fn, entry, index, node);
            if (!result) return undefined;
            const hit = isTruthy(result);
            if (name === 'every' && !hit) return this.primitive(false, node);
            if (name === 'some' && hit) return this.primitive(true, node);
            if (name === 'find' && hit) return entry.value;
            if (name === 'findIndex' && hit) return this.primitive(index, node);
          }
          if (name === 'every' || name === 'some') return this.primitive(name === 'every', node);
          return this.primitive(name === 'find' ? undefined : -1, node);
        };
      case 'reduce':
        return (args, node) => {
          const entries = present();
          let accumulator: Value | undefined = args.length > 1 ? args[1] : firstEntry(entries)?.value;
          if (!accumulator) throw new NotEvaluated('reduce of an empty list needs an initial value');
          for (const { entry, index } of entries) {
            if (!args[0]) throw new NotEvaluated('"reduce" needs a callback function');
            accumulator = this.host.call(args[0], [accumulator, entry.value, this.primitive(index, node), list], node);
            if (!accumulator) return undefined;
          }
          return accumulator;
        };
      case 'concat':
        return (args, node) => {
          const slot = this.host.origin(node);
          const items = [...list.items];
          let partial = list.partial === true;
          for (const arg of args) {
            if (arg.kind === 'array') {
              this.host.read(arg);
              items.push(...arg.items);
              partial ||= arg.partial === true;
            } else items.push({ value: arg, slot });
            rejectLongList(items.length);
          }
          return this.withPartial(this.arrayOfEntries(items, node), partial);
        };
      case 'flat':
        return ([depthValue], node) => {
          const depth = depthValue === undefined ? 1 : Number(this.primitiveOf(depthValue, '"flat"'));
          const flattened = { partial: list.partial === true };
          return this.withPartial(this.arrayOfEntries(this.flatten(list.items, depth, flattened), node), flattened.partial);
        };
      case 'slice':
        return ([start, end], node) => {
          const from = start === undefined ? undefined : Number(this.primitiveOf(start, '"slice"'));
          const to = end === undefined ? undefined : Number(this.primitiveOf(end, '"slice"'));
          return this.arrayOfEntries(list.items.slice(from, to), node);
        };
      case 'fill':
        // Array(n).fill(x) builds a list. The result is a copy, because the evaluator has no mutable
        // state: a variable whose list a statement fills counts as not constant.
        return ([value, start, end], node) => {
          const from = start === undefined ? undefined : Number(this.primitiveOf(start, '"fill"'));
          const to = end === undefined ? undefined : Number(this.primitiveOf(end, '"fill"'));
          const slot = this.host.origin(node);
          const fill = value ?? this.primitive(undefined, node);
          const items = [...list.items];
          for (const index of Array.from(items.keys()).slice(from, to)) items[index] = { value: fill, slot };
          return this.arrayOfEntries(items, node);
        };
      case 'keys':
        // An iterator in JavaScript; as a list it serves [...Array(n).keys()] and Array.from alike.
        return (_, node) => this.array(list.items.map((_entry, index) => this.primitive(index, node)), node);
      case 'join':
        return ([separator], node) => {
          const glue = separator === undefined ? ',' : String(this.primitiveOf(separator, '"join"'));
          // Each element is converted even when the result is short: 100,000 empty strings join to "".
          this.host.step(list.items.length);
          const parts = list.items.map((entry) => {
            if (entry.hole) return '';
            const value = this.primitiveOf(entry.value, '"join"');
            return value === undefined || value === null ? '' : String(value);
          });
          // The separator goes between elements, so a list of n elements has n - 1 of them.
          rejectLongString(parts.reduce((sum, part) => sum + part.length, glue.length * Math.max(0, parts.length - 1)));
          return this.string(parts.join(glue), node);
        };
      case 'includes':
      case 'indexOf':
        return ([target], node) => {
          // includes compares with SameValueZero (NaN finds NaN), indexOf with ===.
          const equal = name === 'includes' ? sameValueZero : strictEquals;
          const index = list.items.findIndex((entry) => {
            const value = entry.hole ? undefined : entry.value;
            this.host.step(1 + comparisonSteps(value, target));
            return equal(value, target);
          });
          return this.primitive(name === 'includes' ? index >= 0 : index, node);
        };
      case 'at':
        return ([position], node) => {
          const index = Math.trunc(Number(this.primitiveOf(position, '"at"')));
          const entry = list.items[index < 0 ? list.items.length + index : index];
          return entry && !entry.hole ? entry.value : this.primitive(undefined, node);
        };
      default:
        return undefined;
    }
  }

  /**
   * Yields the elements of a list in order, and its holes too when `withHoles` is set (a hole's
   * value is undefined). Each position costs a step, holes included, so that a callback that stops
   * early or a list of holes still pays for the walk.
   */
  private *listEntries(list: ArrayValue, withHoles = false): Generator<{ entry: Entry; index: number }, void> {
    for (let index = 0; index < list.items.length; index++) {
      this.host.step();
      const entry = list.items[index];
      if (withHoles || !entry.hole) yield { entry, index };
    }
  }

  private flatten(items: Entry[], depth: number, flattened: { partial: boolean }): Entry[] {
    const result: Entry[] = [];
    for (const entry of items) {
      if (entry.hole) continue;
      if (entry.value.kind === 'array' && depth >= 1) {
        this.host.read(entry.value);
        flattened.partial ||= entry.value.partial === true;
        result.push(...this.flatten(entry.value.items, depth - 1, flattened));
      } else result.push(entry);
      rejectLongList(result.length);
    }
    return result;
  }

  // Object

  private objectStatic(key: string, node: ts.Node): Value | typeof NO_MEMBER {
    switch (key) {
      case 'fromEntries':
        return this.native('Object.fromEntries', node, { call: ([list], at) => this.fromEntries(list, at) });
      case 'entries':
      case 'keys':
      case 'values':
        return this.native(`Object.${key}`, node, { call: ([object], at) => this.objectListing(key, object, at) });
      case 'freeze':
        // Freezing changes nothing here: the evaluator never modifies a value.
        return this.native('Object.freeze', node, { call: ([value], at) => value ?? this.primitive(undefined, at) });
      case 'assign':
        return this.native('Object.assign', node, {
          call: () => {
            throw new NotEvaluated('Object.assign modifies its first argument; use { ...a, ...b } instead');
          },
        });
      default:
        return NO_MEMBER;
    }
  }

  private fromEntries(list: Value | undefined, node: ts.Node): ObjectValue {
    if (list?.kind !== 'array') throw new NotEvaluated('Object.fromEntries needs a list of [key, value] pairs');
    this.host.read(list);
    const entries = new Map<string, Entry>();
    const context = this.host.context;
    const object: ObjectValue = { kind: 'object', entries, node, file: context.file, frame: context.frame, reads: 0, partial: list.partial };
    const slot: Origin = object;
    for (const item of list.items) {
      const pair = item.value;
      if (pair.kind !== 'array') throw new NotEvaluated(`Object.fromEntries needs [key, value] pairs, not ${describeValue(pair)}`);
      this.host.read(pair);
      const [keyEntry, valueEntry] = pair.items;
      this.host.step();
      if (pair.partial) {
        // A pair that lost its key or value: the key is unknown, or known with a skipped value.
        if (keyEntry && valueEntry === undefined && keyEntry.value.kind === 'primitive') markSkippedKey(object, String(keyEntry.value.value));
        else object.partial = true;
        continue;
      }
      if (!keyEntry) throw new NotEvaluated('Object.fromEntries needs [key, value] pairs, not an empty list');
      const key = String(this.primitiveOf(keyEntry.value, 'a key of Object.fromEntries'));
      object.skippedKeys?.delete(key);
      entries.set(key, { value: valueEntry?.value ?? this.primitive(undefined, node), slot, key: keyEntry.value });
    }
    return object;
  }

  private objectListing(kind: 'entries' | 'keys' | 'values', object: Value | undefined, node: ts.Node): ArrayValue {
    if (object?.kind !== 'object' && object?.kind !== 'array') {
      throw new NotEvaluated(`Object.${kind} needs an object or a list${object ? `, not ${describeValue(object)}` : ''}`);
    }
    this.host.read(object);
    const pairs: [string, Value, Origin | undefined][] =
      object.kind === 'object'
        ? orderedKeys(object.entries.keys()).map((key) => {
            const entry = object.entries.get(key) as Entry;
            return [key, entry.value, keyOrigin(entry)];
          })
        : object.items.map((entry, index) => [String(index), entry.hole ? this.primitive(undefined, node) : entry.value, undefined]);
    const keyValue = (key: string, origin: Origin | undefined): PrimitiveValue =>
      origin ? { kind: 'primitive', value: key, node: origin.node, file: origin.file, frame: origin.frame, reads: 0 } : this.primitive(key, node);
    const values = pairs.map(([key, value, keyOrigin]) => {
      if (kind === 'keys') return keyValue(key, keyOrigin);
      if (kind === 'values') return value;
      return this.array([keyValue(key, keyOrigin), value], node);
    });
    const partial = object.kind === 'object' ? object.partial === true || (object.skippedKeys?.size ?? 0) > 0 : object.partial === true;
    return this.withPartial(this.array(values, node), partial);
  }

  /** Marks a list as having lost a skipped element; see ArrayValue.partial. */
  private withPartial(list: ArrayValue, partial: boolean): ArrayValue {
    if (partial) list.partial = true;
    return list;
  }

  /** Returns the primitive that a function converts to a number, charging the characters of a string, which the conversion reads. */
  private numberSource(value: Value, where: string): Primitive {
    const primitive = this.primitiveOf(value, where);
    this.host.step(comparisonSteps(primitive, undefined));
    return primitive;
  }

  /** Returns the primitive inside a value; lists and objects are not converted, since JavaScript would call their methods. */
  primitiveOf(value: Value, where: string): Primitive {
    if (value.kind === 'primitive') return value.value;
    throw new NotEvaluated(`${where} needs a number or a string, not ${describeValue(value)}`);
  }
}

/**
 * Returns the steps that comparing or converting two values costs beyond one step. V8 compares
 * strings character by character. Its hash of a string longer than 16,383 characters is the
 * length (String::kMaxHashCalcLength in V8's string.h), so the hash does not tell two such strings apart.
 */
export function comparisonSteps(a: Value | Primitive | undefined, b: Value | Primitive | undefined): number {
  return Math.floor((stringLength(a) + stringLength(b)) / CHARACTERS_PER_STEP);
}

function stringLength(value: Value | Primitive | undefined): number {
  if (typeof value === 'string') return value.length;
  if (value !== null && typeof value === 'object' && value.kind === 'primitive' && typeof value.value === 'string') return value.value.length;
  return 0;
}

/**
 * Rejects a list longer than MAX_ARRAY_LENGTH without charging steps. Loops that grow a list
 * check it after each part and leave the charge to the finished list, which otherwise would pay
 * for every element once per later part.
 */
function rejectLongList(length: number): void {
  if (length > MAX_ARRAY_LENGTH) {
    throw new NotEvaluated(`the list would have ${length} elements, more than the maximum of ${MAX_ARRAY_LENGTH.toLocaleString('en-US')}`);
  }
}

function rejectLongString(length: number): void {
  if (length > MAX_STRING_LENGTH) {
    throw new NotEvaluated(`the string would have ${length} characters, more than the maximum of ${MAX_STRING_LENGTH.toLocaleString('en-US')}`);
  }
}

/**
 * Computes the length of the string that repeat, padStart, padEnd, concat, replace and replaceAll
 * return, without building it. Other methods give the receiver's length: their results are at
 * most a few times longer (toUpperCase turns "ß" into "SS"), and `string` checks each result
 * again. Arguments that the method rejects (repeat(-1)) give the receiver's length too, so that
 * the method itself raises the RangeError.
 */
export function resultLength(value: string, name: string, args: Primitive[]): number {
  switch (name) {
    case 'repeat': {
      // ToIntegerOrInfinity: the count is cut to an integer, and NaN counts as 0.
      const count = Math.trunc(Number(args[0])) || 0;
      return count >= 0 && Number.isFinite(count) ? value.length * count : value.length;
    }
    case 'padStart':
    case 'padEnd': {
      // An empty filler leaves the receiver as it is, whatever the target length.
      if (args[1] === '') return value.length;
      return Math.max(value.length, Math.trunc(Number(args[0])) || 0);
    }
    case 'concat':
      return args.reduce<number>((sum, arg) => sum + String(arg).length, value.length);
    case 'replace':
    case 'replaceAll':
      return replacedLength(value, String(args[0]), String(args[1]), name === 'replaceAll');
    default:
      return value.length;
  }
}

/**
 * Computes the length of value.replace(search, replacement) or of replaceAll, with the
 * replacement patterns of a string search: "$$" is "$", "$&" the match, "$`" the text before it
 * and "$'" the text after it. Any other "$" is kept as written, because a string search has no
 * capture groups.
 */
function replacedLength(value: string, search: string, replacement: string, all: boolean): number {
  let fixed = 0;
  let matches = 0;
  let befores = 0;
  let afters = 0;
  for (let index = 0; index < replacement.length; index++) {
    const next = replacement[index + 1];
    if (replacement[index] !== '$' || next === undefined || !'$&`\''.includes(next)) {
      fixed++;
      continue;
    }
    index++;
    if (next === '$') fixed++;
    else if (next === '&') matches++;
    else if (next === '`') befores++;
    else afters++;
  }
  let length = value.length;
  // replaceAll moves past each match, or one position past an empty one, as the specification does.
  const advance = Math.max(1, search.length);
  for (let position = value.indexOf(search); position >= 0; ) {
    const after = value.length - position - search.length;
    length += fixed + matches * search.length + befores * position + afters * after - search.length;
    if (!all) break;
    const from = position + advance;
    position = from > value.length ? -1 : value.indexOf(search, from);
  }
  return length;
}

/** Returns the first entry that a generator of entries yields, or undefined when it yields none. */
function firstEntry(entries: Generator<{ entry: Entry; index: number }, void>): Entry | undefined {
  const first = entries.next();
  return first.done ? undefined : first.value.entry;
}

/**
 * String.prototype.lastIndexOf(search, position), with a search string longer than
 * NAIVE_LAST_INDEX_OF_LENGTH found by indexOf on the reversed strings, which V8 runs in linear time.
 */
export function lastIndexOf(value: string, [search, position]: Primitive[]): number {
  const needle = String(search);
  if (needle.length <= NAIVE_LAST_INDEX_OF_LENGTH) return value.lastIndexOf(needle, position as number);
  // The specification's start: NaN (and an absent position) means the end, and it is clamped to the string.
  const requested = Number(position);
  const start = Number.isNaN(requested) ? value.length : Math.min(Math.max(Math.trunc(requested), 0), value.length);
  const lastStart = Math.min(start, value.length - needle.length);
  if (lastStart < 0) return -1;
  // A match at i in value is a match at value.length - i - needle.length in the reversed string,
  // so the last match at or before lastStart is the first one at or after the mirrored index.
  const found = reverse(value).indexOf(reverse(needle), value.length - lastStart - needle.length);
  return found < 0 ? -1 : value.length - found - needle.length;
}

/** Reverses a string by UTF-16 code units, the units that indexOf and lastIndexOf count. */
function reverse(text: string): string {
  return text.split('').reverse().join('');
}

/** JavaScript's SameValueZero (includes): like === except that NaN equals NaN. */
export function sameValueZero(a: Value | undefined, b: Value | undefined): boolean {
  const left = comparable(a);
  const right = comparable(b);
  return left === right || (Number.isNaN(left) && Number.isNaN(right));
}

/** JavaScript's ===: primitives by value, lists, objects and functions by identity. */
export function strictEquals(a: Value | undefined, b: Value | undefined): boolean {
  return comparable(a) === comparable(b);
}

/** The primitive of a primitive value, else the value itself, which then compares by identity. */
function comparable(value: Value | undefined): unknown {
  if (value?.kind === 'primitive') return value.value;
  return value;
}
