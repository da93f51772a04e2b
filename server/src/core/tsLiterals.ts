// Object and array literals written out in full: only literal keys, numbers, strings, booleans and
// null, nested to any depth. Most of a model file is such literals, and evaluating them node by
// node created a value record, an entry and a map per property, which took longer than parsing
// the file. So a written-out literal becomes one value that creates its entries when something
// first reads them, and the front end converts an unread one straight from the syntax tree.
import ts from 'typescript';
import { MAX_ARRAY_LENGTH } from './tsBuiltins';
import type { ArrayValue, CallFrame, Entry, ModuleFile, ObjectValue, Primitive, PrimitiveValue, Value } from './tsValues';

/** Read once: TypeScript exports its enums through getters, which cost a call on each read. */
const SyntaxKind = ts.SyntaxKind;

/** Deepest literal handled here. Deeper ones are evaluated node by node, under the evaluator's nesting limits. */
const MAX_LITERAL_HEIGHT = 64;

/** The shape of a written-out literal, counted when it is checked or first needed. */
export interface LiteralShape {
  /** Values in the literal, itself included, as the front end counts them. */
  values: number;
  /** Evaluation steps it would take node by node: one per value, property and minus sign. */
  steps: number;
  /** Levels of lists and objects below the literal itself. */
  height: number;
}

/** Returned by the literal reader for a part that is not written out. */
const NOT_LITERAL: unique symbol = Symbol('not a written-out literal');

/**
 * Finds the written-out literals among object and array literal expressions, converting each to
 * its plain value as it checks it. It remembers the literals found not written out, so each of
 * them is checked once. A written-out part of one is checked again when it is evaluated.
 */
export class LiteralChecker {
  private readonly notLiteral = new Set<ts.Node>();
  private shape: LiteralShape = { values: 0, steps: 0, height: 0 };

  /** Returns a written-out literal's shape and plain value, or undefined for any other expression. */
  read(node: ts.Expression): { shape: LiteralShape; plain: unknown } | undefined {
    if (this.notLiteral.has(node)) return undefined;
    const shape = (this.shape = { values: 0, steps: 0, height: 0 });
    const plain = this.visit(node, 0);
    return plain === NOT_LITERAL ? undefined : { shape, plain };
  }

  private visit(node: ts.Expression, depth: number): unknown {
    const shape = this.shape;
    shape.values += 1;
    shape.steps += 1;
    if (depth > shape.height) shape.height = depth;
    switch (node.kind) {
      case SyntaxKind.NumericLiteral:
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
      case SyntaxKind.TrueKeyword:
      case SyntaxKind.FalseKeyword:
      case SyntaxKind.NullKeyword:
        return literalPrimitive(node);
      case SyntaxKind.PrefixUnaryExpression: {
        const prefix = node as ts.PrefixUnaryExpression;
        if (prefix.operator !== SyntaxKind.MinusToken || prefix.operand.kind !== SyntaxKind.NumericLiteral) return NOT_LITERAL;
        // The minus and its number are two steps.
        shape.steps += 1;
        return literalPrimitive(node);
      }
      case SyntaxKind.ObjectLiteralExpression:
      case SyntaxKind.ArrayLiteralExpression: {
        const plain =
          depth >= MAX_LITERAL_HEIGHT
            ? NOT_LITERAL
            : node.kind === SyntaxKind.ObjectLiteralExpression
              ? this.visitObject(node as ts.ObjectLiteralExpression, depth)
              : this.visitArray(node as ts.ArrayLiteralExpression, depth);
        if (plain === NOT_LITERAL) this.notLiteral.add(node);
        return plain;
      }
      default:
        return NOT_LITERAL;
    }
  }

  private visitObject(node: ts.ObjectLiteralExpression, depth: number): unknown {
    const object: Record<string, unknown> = {};
    for (const member of node.properties) {
      const key = literalKey(member);
      // The evaluator reports and resolves repeated keys, and "__proto__", which would set the
      // prototype here.
      if (key === undefined || key === '__proto__' || Object.hasOwn(object, key)) return NOT_LITERAL;
      this.shape.steps += 1;
      const value = this.visit((member as ts.PropertyAssignment).initializer, depth + 1);
      if (value === NOT_LITERAL) return NOT_LITERAL;
      object[key] = value;
    }
    return object;
  }

  private visitArray(node: ts.ArrayLiteralExpression, depth: number): unknown {
    const elements = node.elements;
    if (elements.length > MAX_ARRAY_LENGTH) return NOT_LITERAL;
    const array = new Array<unknown>(elements.length);
    for (let index = 0; index < elements.length; index++) {
      const value = this.visit(elements[index], depth + 1);
      if (value === NOT_LITERAL) return NOT_LITERAL;
      array[index] = value;
    }
    return array;
  }
}

/**
 * Returns the key of a plain `name: value` property whose name is an identifier or a string.
 * Numeric names are left out, because their canonical form and order need the evaluator.
 */
function literalKey(member: ts.ObjectLiteralElementLike): string | undefined {
  if (member.kind !== SyntaxKind.PropertyAssignment) return undefined;
  const property = member as ts.PropertyAssignment & { modifiers?: unknown; questionToken?: unknown; exclamationToken?: unknown };
  // Modifiers and these tokens parse only with a syntax error.
  if (property.modifiers || property.questionToken || property.exclamationToken) return undefined;
  const name = property.name;
  return name.kind === SyntaxKind.Identifier || name.kind === SyntaxKind.StringLiteral ? name.text : undefined;
}

/** The parts that written-out objects and lists share: their origin, shape and plain value. */
abstract class WrittenOut<Node extends ts.Expression, Parts> {
  reads = 0;
  partial?: boolean;
  /** The written-out literal whose expansion created this one, or undefined for an outermost literal. */
  container: LiteralValue | undefined = undefined;
  /** The entries or items, once created. */
  protected created: Parts | undefined;

  constructor(
    readonly node: Node,
    readonly file: ModuleFile,
    readonly frame: CallFrame | undefined,
    private known?: LiteralShape,
    private plain?: unknown,
  ) {}

  /** Whether the entries or items were created. Until then the value is what the syntax tree shows. */
  get expanded(): boolean {
    return this.created !== undefined;
  }

  get shape(): LiteralShape {
    return (this.known ??= literalShape(this.node));
  }

  /**
   * Returns the plain value made when the literal was checked, and a new one on later calls. So no
   * two places of the model share one object.
   */
  takePlain(): unknown {
    const plain = this.plain ?? plainOfLiteral(this.node);
    this.plain = undefined;
    return plain;
  }

  protected expand(parts: Parts): Parts {
    this.created = parts;
    // The plain value is now converted from the parts.
    this.plain = undefined;
    return parts;
  }
}

/** A written-out object literal, whose entries are created on first read. */
export class LiteralObject extends WrittenOut<ts.ObjectLiteralExpression, Map<string, Entry>> implements ObjectValue {
  readonly kind = 'object';
  skippedKeys?: Set<string>;

  get entries(): Map<string, Entry> {
    if (this.created) return this.created;
    const entries = new Map<string, Entry>();
    for (const member of this.node.properties) {
      const property = member as ts.PropertyAssignment;
      const value = literalValue(property.initializer, this);
      // The value is its own slot: the initializer created it, in the same file and call.
      entries.set((property.name as ts.Identifier | ts.StringLiteral).text, { value, slot: value, member });
    }
    return this.expand(entries);
  }
}

/** A written-out array literal, whose items are created on first read. */
export class LiteralArray extends WrittenOut<ts.ArrayLiteralExpression, Entry[]> implements ArrayValue {
  readonly kind = 'array';
  typedAsArray = false;

  get items(): Entry[] {
    if (this.created) return this.created;
    return this.expand(
      this.node.elements.map((element) => {
        const value = literalValue(element, this);
        return { value, slot: value };
      }),
    );
  }

  set items(items: Entry[]) {
    this.expand(items);
  }
}

export type LiteralValue = LiteralObject | LiteralArray;

export function isLiteralValue(value: Value): value is LiteralValue {
  return value instanceof LiteralObject || value instanceof LiteralArray;
}

/** A leaf created by expanding a written-out literal, with a reference to that literal. */
interface LiteralLeaf extends PrimitiveValue {
  container: LiteralValue;
}

/**
 * Returns the written-out literal whose expansion created the value, if any. Each value stores it,
 * because scavenges keep the values of a module-level WeakMap until a full collection.
 */
export function containerOf(value: Value): LiteralValue | undefined {
  return (value as Partial<LiteralLeaf>).container;
}

/** Creates the value of one part of a written-out literal. Nested lists and objects stay unexpanded. */
function literalValue(node: ts.Expression, container: LiteralValue): Value {
  const { file, frame } = container;
  let value: LiteralValue;
  switch (node.kind) {
    case SyntaxKind.ObjectLiteralExpression:
      value = new LiteralObject(node as ts.ObjectLiteralExpression, file, frame);
      break;
    case SyntaxKind.ArrayLiteralExpression:
      value = new LiteralArray(node as ts.ArrayLiteralExpression, file, frame);
      break;
    default: {
      const leaf: LiteralLeaf = { kind: 'primitive', value: literalPrimitive(node), node, file, frame, reads: 0, container };
      return leaf;
    }
  }
  value.container = container;
  return value;
}

/** Measures a literal known to be written out. */
function literalShape(node: ts.Expression): LiteralShape {
  const shape = { values: 0, steps: 0, height: 0 };
  const visit = (part: ts.Expression, depth: number): void => {
    shape.values += 1;
    shape.steps += 1;
    if (depth > shape.height) shape.height = depth;
    if (part.kind === SyntaxKind.PrefixUnaryExpression) shape.steps += 1;
    if (part.kind === SyntaxKind.ObjectLiteralExpression) {
      for (const member of (part as ts.ObjectLiteralExpression).properties) {
        shape.steps += 1;
        visit((member as ts.PropertyAssignment).initializer, depth + 1);
      }
    } else if (part.kind === SyntaxKind.ArrayLiteralExpression) {
      for (const element of (part as ts.ArrayLiteralExpression).elements) visit(element, depth + 1);
    }
  };
  visit(node, 0);
  return shape;
}

/** Returns the value of a leaf of a written-out literal. */
function literalPrimitive(node: ts.Expression): Primitive {
  switch (node.kind) {
    case SyntaxKind.NumericLiteral:
      return Number((node as ts.NumericLiteral).text);
    case SyntaxKind.PrefixUnaryExpression:
      return -Number(((node as ts.PrefixUnaryExpression).operand as ts.NumericLiteral).text);
    case SyntaxKind.TrueKeyword:
      return true;
    case SyntaxKind.FalseKeyword:
      return false;
    case SyntaxKind.NullKeyword:
      return null;
    default:
      return (node as ts.StringLiteral).text;
  }
}

/** Converts a written-out literal straight to the plain value that validation reads. */
function plainOfLiteral(node: ts.Expression): unknown {
  switch (node.kind) {
    case SyntaxKind.ObjectLiteralExpression: {
      const object: Record<string, unknown> = {};
      for (const member of (node as ts.ObjectLiteralExpression).properties) {
        const property = member as ts.PropertyAssignment;
        object[(property.name as ts.Identifier | ts.StringLiteral).text] = plainOfLiteral(property.initializer);
      }
      return object;
    }
    case SyntaxKind.ArrayLiteralExpression:
      return (node as ts.ArrayLiteralExpression).elements.map(plainOfLiteral);
    default:
      return literalPrimitive(node);
  }
}
