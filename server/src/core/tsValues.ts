// Values of the static evaluator for *.arch.ts files. Each value remembers the expression that
// created it and the calls active at that moment, so the front end can locate it in the text and
// decide whether a quick fix may edit the literal behind it.
import ts from 'typescript';
import type { MutationIndex } from './tsMutations';

/** A parsed file: the model file itself or a file it imports. */
export interface ModuleFile {
  sourceFile: ts.SourceFile;
  /** The first modification of each of the file's variables. */
  mutations: MutationIndex;
  /** Path as given to readFile; the model file's own file name, or '' when none was given. */
  path: string;
  /** Name used in messages: the path relative to the model file's folder ("./blocks.ts"). */
  displayName: string;
  isMain: boolean;
  /** Number of imports between the model file (0) and this file. */
  depth: number;
}

/** A call in progress: the call expression, the file it is written in, and the call around it. */
export interface CallFrame {
  node: ts.Node;
  file: ModuleFile;
  parent: CallFrame | undefined;
}

/** The evaluator's position: the file and scope of the code running, and the calls in progress. */
export interface Context {
  file: ModuleFile;
  scope: Scope;
  frame: CallFrame | undefined;
}

/** The expression that created a value or entry, and the calls in progress at that moment. */
export interface Origin {
  node: ts.Node;
  file: ModuleFile;
  frame: CallFrame | undefined;
}

export type Primitive = string | number | boolean | null | undefined;

/**
 * A value is its own Origin: its node, file and frame are those of the expression that created
 * it. Every value has an origin and lives until the analysis ends, so a separate object would
 * cost one more allocation per value.
 */
interface ValueBase extends Origin {
  /**
   * Times an operation read the contents of the value: property access, spread, a built-in that
   * inspects it. Moving a value (binding, argument, return, storing it in a literal) is not a read.
   * A quick fix that changes a value read this way would change what the read computed.
   */
  reads: number;
}

export interface PrimitiveValue extends ValueBase {
  kind: 'primitive';
  value: Primitive;
}

export interface ObjectValue extends ValueBase {
  kind: 'object';
  /** Properties in insertion order; orderedKeys gives the order JavaScript enumerates them in. */
  entries: Map<string, Entry>;
  /** Keys whose value was skipped: reading one skips too, instead of giving undefined. */
  skippedKeys?: Set<string>;
  /** Whether a skipped spread or computed key may have left out any key; see isSkippedKey. */
  partial?: boolean;
}

export interface ArrayValue extends ValueBase {
  kind: 'array';
  items: Entry[];
  /** Whether a skipped element was left out, so that the length and positions differ from the source. */
  partial?: boolean;
  /**
   * Whether the list passed through a parameter, variable, return type or assertion typed as an
   * array; wrapping it into { ops, scale } would then no longer type-check.
   */
  typedAsArray: boolean;
}

export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** A function written in a model file or in a file it imports; its origin is its own node. */
export interface FunctionValue extends ValueBase {
  kind: 'function';
  node: FunctionNode;
  /** The scope the function was created in (its closure). */
  scope: Scope;
  name: string;
}

/** Returned by NativeValue.member when the native has no such member. */
export const NO_MEMBER: unique symbol = Symbol('no member');

/** A built-in (Math, Math.sqrt, Array.from, a bound array method) or a module namespace. */
export interface NativeValue extends ValueBase {
  kind: 'native';
  /** Name in messages: "Math.sqrt", "map". */
  name: string;
  /** Calls the built-in; `node` is the call expression, where created values originate. */
  call?: (args: Value[], node: ts.Node) => Value | undefined;
  member?: (name: string, node: ts.Node) => Value | undefined | typeof NO_MEMBER;
}

export type Value = PrimitiveValue | ObjectValue | ArrayValue | FunctionValue | NativeValue;

/** A property of an object or an element of a list. */
export interface Entry {
  value: Value;
  /** The expression that put the value here: the property initializer, the element, the spread. */
  slot: Origin;
  /**
   * The property name that defined the entry, when `member` does not give it, so read it with
   * keyOrigin. Entries made by an object literal member leave it out, which saves an object per
   * property.
   */
  key?: Origin;
  /** The object literal member that defined the property; quick fixes replace its initializer. */
  member?: ts.ObjectLiteralElementLike;
  /** A hole of Array(n): map, filter and friends skip it, as JavaScript does. */
  hole?: boolean;
}

/**
 * Returns the origin of the property name that defined an entry. An entry made by an object
 * literal member (not a spread) has the member's name, in the file and call of the entry's slot.
 */
export function keyOrigin(entry: Entry): Origin | undefined {
  if (entry.key) return entry.key;
  const member = entry.member;
  if (!member || ts.isSpreadAssignment(member)) return undefined;
  return { node: member.name, file: entry.slot.file, frame: entry.slot.frame };
}

/**
 * Thrown by built-ins when they cannot evaluate a call; the evaluator turns the reason into a
 * not-evaluated problem on the call ("Cannot evaluate call to "f()" statically: <reason>").
 */
export class NotEvaluated extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A variable: evaluated on first read (top-level declarations), or already known. */
export class Binding {
  private state: 'pending' | 'evaluating' | 'ready' | 'unavailable';
  private value: Value | undefined;
  private compute: (() => Value | Unavailable | undefined) | undefined;

  private constructor(
    state: Binding['state'],
    value: Value | undefined,
    compute: (() => Value | Unavailable | undefined) | undefined,
    private reason: string,
  ) {
    this.state = state;
    this.value = value;
    this.compute = compute;
  }

  /** A binding to a known value; undefined means the value was skipped and that was reported. */
  static ready(value: Value | undefined): Binding {
    return new Binding('ready', value, undefined, '');
  }

  /** A binding computed on first read, so top-level declarations may refer to later ones. */
  static lazy(compute: () => Value | Unavailable | undefined): Binding {
    return new Binding('pending', undefined, compute, '');
  }

  /** A binding that has no constant value; each read reports the reason. */
  static unavailable(reason: string): Binding {
    return new Binding('unavailable', undefined, undefined, reason);
  }

  /**
   * Returns the value, or the reason why there is none: a cycle, or a reason given at creation
   * or by the computation.
   */
  read(): { value: Value | undefined } | { reason: string } {
    if (this.state === 'pending' && this.compute) {
      this.state = 'evaluating';
      const computed = this.compute();
      this.compute = undefined;
      if (computed instanceof Unavailable) {
        this.state = 'unavailable';
        this.reason = computed.reason;
      } else {
        this.state = 'ready';
        this.value = computed;
      }
    }
    switch (this.state) {
      case 'ready':
        return { value: this.value };
      case 'evaluating':
        return { reason: 'its definition depends on its own value' };
      default:
        return { reason: this.reason };
    }
  }

  /** Whether reading the binding reports a problem without evaluating anything. */
  get unavailableReason(): string | undefined {
    return this.state === 'unavailable' ? this.reason : undefined;
  }
}

/** A lazy binding's result when the value does not exist, e.g. an import that is not found. */
export class Unavailable {
  constructor(readonly reason: string) {}
}

export class Scope {
  readonly bindings = new Map<string, Binding>();

  constructor(readonly parent: Scope | undefined) {}

  lookup(name: string): Binding | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const binding = scope.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }
}

export function isTruthy(value: Value): boolean {
  return value.kind === 'primitive' ? Boolean(value.value) : true;
}

export function isNullish(value: Value): boolean {
  return value.kind === 'primitive' && (value.value === undefined || value.value === null);
}

export function isUndefined(value: Value): boolean {
  return value.kind === 'primitive' && value.value === undefined;
}

export function typeOf(value: Value): string {
  switch (value.kind) {
    case 'primitive':
      return value.value === null ? 'object' : typeof value.value;
    case 'function':
      return 'function';
    case 'native':
      return value.call ? 'function' : 'object';
    default:
      return 'object';
  }
}

/** Describes a value for messages: "a list", "the number 3", "undefined". */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case 'primitive':
      if (value.value === undefined || value.value === null) return String(value.value);
      if (typeof value.value === 'string') return `the string ${JSON.stringify(shorten(value.value, 40))}`;
      return `the ${typeof value.value} ${String(value.value)}`;
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'function':
      return `the function "${value.name}"`;
    case 'native':
      return value.call ? `the built-in function "${value.name}"` : `"${value.name}"`;
  }
}

/**
 * Tests whether reading `key` from an object must skip: the object lacks the key because its value
 * was skipped, not because the source leaves it out.
 */
export function isSkippedKey(object: ObjectValue, key: string): boolean {
  return !object.entries.has(key) && (object.partial === true || object.skippedKeys?.has(key) === true);
}

/** Records that the value of `key` was skipped, which hides any earlier value of that key. */
export function markSkippedKey(object: ObjectValue, key: string): void {
  object.entries.delete(key);
  (object.skippedKeys ??= new Set()).add(key);
}

/** Keys in the order JavaScript enumerates an object's own properties. */
export function orderedKeys(keys: Iterable<string>): string[] {
  const integers: string[] = [];
  const others: string[] = [];
  for (const key of keys) (isArrayIndex(key) ? integers : others).push(key);
  if (integers.length === 0) return others;
  integers.sort((a, b) => Number(a) - Number(b));
  return [...integers, ...others];
}

/** Tests whether a property key is an array index ("0", "12", not "01" or "1.5"); JavaScript enumerates those first. */
export function isArrayIndex(key: string): boolean {
  // Character codes instead of a regular expression, because every object key of the model passes here.
  const length = key.length;
  if (length === 0 || length > 10) return false;
  const first = key.charCodeAt(0);
  if (first === 48) return length === 1;
  if (first < 49 || first > 57) return false;
  for (let index = 1; index < length; index++) {
    const code = key.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  // The largest index is 2^32 - 2, so only ten-digit keys need the comparison.
  return length < 10 || Number(key) < 4294967295;
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
