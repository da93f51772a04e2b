// Helpers over TypeScript syntax for the static evaluator: parsing, ranges, the wording of
// not-evaluated reasons, type annotations and JavaScript's operators on primitives.
import ts from 'typescript';
import type { Span } from './source';
import { ENVIRONMENT_GLOBALS } from './tsBuiltins';
import { MutationIndex, mutationTargets, type Mutation } from './tsMutations';
import { NotEvaluated, shorten, type Primitive, type Value } from './tsValues';

/** Read once: TypeScript exports its enums through getters, which cost a call on each read. */
const SyntaxKind = ts.SyntaxKind;

/**
 * TypeScript's own node numbering, which its checker uses to index per-node arrays. It is not in
 * the public typings of TypeScript 5.9. Without it, NodeCounts keeps every count in a Map.
 */
const getNodeId = (ts as unknown as { getNodeId?: (node: ts.Node) => number }).getNodeId;

/** A parsed file, with the parents of its nodes set and the modifications of its variables indexed. */
export interface ParsedModule {
  sourceFile: ts.SourceFile;
  mutations: MutationIndex;
  /** The range of node ids that the walk in parseModule gave the file's nodes, or undefined without getNodeId. */
  nodeIds: { first: number; last: number } | undefined;
}

/**
 * Parses a TypeScript file; undefined when the parser runs out of stack on deeply nested text.
 * The parser runs without setParentNodes, because one walk over every node here sets the
 * parents, numbers the nodes for NodeCounts and finds the modified variables together.
 */
export function parseModule(fileName: string, text: string): ParsedModule | undefined {
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(fileName || 'model.arch.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }

  const mutations: Mutation[] = [];
  const first = getNodeId ? getNodeId(sourceFile) : 0;
  let last = first;
  // An explicit stack instead of recursion, because the tree may be as deep as the parser allows.
  const stack: ts.Node[] = [sourceFile];
  let parent: ts.Node = sourceFile;
  const visitChild = (child: ts.Node): void => {
    (child as { parent: ts.Node }).parent = parent;
    if (getNodeId) last = Math.max(last, getNodeId(child));
    // Tokens, identifiers and literals have no children (forEachChild skips them) and modify
    // nothing, so they stay off the stack.
    if (child.kind > SyntaxKind.LastToken) stack.push(child);
  };
  const visitChildren = (children: readonly ts.Node[]): void => {
    for (let index = 0; index < children.length; index++) visitChild(children[index]);
  };
  while (stack.length > 0) {
    parent = stack.pop() as ts.Node;
    // Object and array literals and their properties make up nearly all nodes of a model and
    // modify nothing. Their children are visited here without forEachChild's dispatch, in the
    // order forEachChild visits them (TypeScript 5.9).
    switch (parent.kind) {
      case SyntaxKind.ObjectLiteralExpression:
        visitChildren((parent as ts.ObjectLiteralExpression).properties);
        continue;
      case SyntaxKind.ArrayLiteralExpression:
        visitChildren((parent as ts.ArrayLiteralExpression).elements);
        continue;
      case SyntaxKind.PropertyAssignment: {
        const property = parent as ts.PropertyAssignment & { modifiers?: unknown; questionToken?: unknown; exclamationToken?: unknown };
        // Modifiers and the two tokens appear only in invalid code; forEachChild handles those.
        if (!property.modifiers && !property.questionToken && !property.exclamationToken) {
          visitChild(property.name);
          visitChild(property.initializer);
          continue;
        }
        break;
      }
    }
    for (const target of mutationTargets(parent)) mutations.push({ target, node: parent });
    ts.forEachChild(parent, visitChild);
  }
  return { sourceFile, mutations: new MutationIndex(sourceFile, mutations), nodeIds: getNodeId ? { first, last } : undefined };
}

/**
 * Counts per node of one parsed file. The nodes that parseModule numbered have consecutive ids,
 * so their counts sit in a typed array indexed by id, which costs less than a Map keyed by nodes
 * (the 10,000-block benchmark model has about 490,000 nodes). Any other node falls back to a Map.
 */
export class NodeCounts {
  private readonly first: number;
  private readonly counts: Uint32Array;
  private readonly others = new Map<ts.Node, number>();
  /** Written-out literals, evaluated as a whole: each evaluation of one evaluates every node inside it once. */
  private readonly literals = new Set<ts.Node>();

  constructor(ids: ParsedModule['nodeIds']) {
    this.first = ids?.first ?? 0;
    this.counts = new Uint32Array(ids ? ids.last - ids.first + 1 : 0);
  }

  add(node: ts.Node): void {
    const index = this.indexOf(node);
    if (index >= 0) this.counts[index] += 1;
    else this.others.set(node, (this.others.get(node) ?? 0) + 1);
  }

  /** Marks a node counted by add as a written-out literal, whose count the nodes inside it share. */
  markLiteral(node: ts.Node): void {
    this.literals.add(node);
  }

  /** Returns how many times the node was evaluated: its own count, or that of the written-out literal around it. */
  get(node: ts.Node): number {
    const own = this.countOf(node);
    if (own > 0 || this.literals.size === 0) return own;
    for (let outer = node.parent; outer; outer = outer.parent) {
      if (this.literals.has(outer)) return this.countOf(outer);
    }
    return 0;
  }

  private countOf(node: ts.Node): number {
    const index = this.indexOf(node);
    return index >= 0 ? this.counts[index] : (this.others.get(node) ?? 0);
  }

  private indexOf(node: ts.Node): number {
    // `id` is 0 until getNodeId numbers the node.
    const id = (node as { id?: number }).id ?? 0;
    const index = id - this.first;
    return id > 0 && index >= 0 && index < this.counts.length ? index : -1;
  }
}

/**
 * Returns the parser's syntax errors. `parseDiagnostics` is not in TypeScript's public typings (5.9), but
 * it is what Program.getSyntacticDiagnostics returns for a .ts file, without building a program.
 */
export function parseDiagnosticsOf(sourceFile: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/**
 * Returns the range of a node without its leading trivia. Passing the node's source file saves
 * getStart the walk up the parents to find it.
 */
export function nodeSpan(node: ts.Node, sourceFile?: ts.SourceFile): Span {
  return { start: node.getStart(sourceFile), end: node.end };
}

export function lineOf(node: ts.Node): number {
  const sourceFile = node.getSourceFile();
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
}

/** Names an expression in a message: `call to "f()"` for calls, the quoted text otherwise. */
export function subjectOf(node: ts.Node): string {
  if (ts.isCallExpression(node)) return `call to "${shorten(node.expression.getText(), 50)}()"`;
  // The parser puts an empty name where a value is missing, as in `const g = ;`.
  if (node.getText() === '') return 'the missing value';
  return `"${shorten(node.getText(), 60)}"`;
}

/**
 * Describes what the model loses when the value of `node` is skipped, from where the expression
 * is written. An element of a list literal is left out of that list, and a property value leaves
 * out its key. A value that first goes elsewhere (a variable, an argument, a return value) can
 * end up in either.
 */
export function skipConsequence(node: ts.Node): string {
  let expression = node;
  while (expression.parent && passesSkipUp(expression.parent, expression)) expression = expression.parent;
  // A spread element is skipped with its expression, or on its own when the value is not a list.
  if (expression.parent && ts.isSpreadElement(expression.parent)) expression = expression.parent;
  const parent = expression.parent;
  if (ts.isSpreadElement(expression) && ts.isArrayLiteralExpression(parent)) {
    return `The elements it spreads are left out of ${listName(parent)}.`;
  }
  if (parent && ts.isArrayLiteralExpression(parent)) {
    return `The element is left out of ${listName(parent)}, so that list is one element shorter than written.`;
  }
  if (parent && ((ts.isPropertyAssignment(parent) && parent.initializer === expression) || ts.isShorthandPropertyAssignment(parent))) {
    return 'The value is left out, so the key it sets is missing, and W leaves out any block or layer that needs it.';
  }
  return 'The value is left out. A key set from it is missing, a list element made from it is left out of its list, and W leaves out any block or layer that needs it.';
}

/** Tests whether the evaluator skips `parent` when its operand `child` is skipped. */
function passesSkipUp(parent: ts.Node, child: ts.Node): boolean {
  switch (parent.kind) {
    case SyntaxKind.ParenthesizedExpression:
    case SyntaxKind.NonNullExpression:
    case SyntaxKind.AsExpression:
    case SyntaxKind.SatisfiesExpression:
    case SyntaxKind.TypeAssertionExpression:
    case SyntaxKind.ExpressionWithTypeArguments:
    case SyntaxKind.PropertyAccessExpression:
    case SyntaxKind.ElementAccessExpression:
    case SyntaxKind.ConditionalExpression:
    case SyntaxKind.PrefixUnaryExpression:
    case SyntaxKind.TypeOfExpression:
    case SyntaxKind.TemplateSpan:
    case SyntaxKind.TemplateExpression:
      return true;
    case SyntaxKind.BinaryExpression:
      return !isAssignmentOperator((parent as ts.BinaryExpression).operatorToken.kind);
    case SyntaxKind.CallExpression:
      // A skipped argument of a function written in a model file is bound as a skipped parameter,
      // which the result may not use, so only a skipped callee surely skips the call.
      return (parent as ts.CallExpression).expression === child;
    default:
      return false;
  }
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}

/**
 * Names a list literal by the keys and positions that lead to it in the text: `"afterSum" of
 * block "post"`, `path "r" of block "b"`, `"layers[2]"`, or "its list" when no key leads to it.
 */
function listName(list: ts.ArrayLiteralExpression): string {
  const segments = literalPath(list);
  const blocks = segments.lastIndexOf('blocks');
  const block = segments[blocks + 1];
  if (blocks >= 0 && typeof block === 'string' && segments.length > blocks + 2) {
    const inner = segments.slice(blocks + 2);
    if (inner[0] === 'paths' && typeof inner[1] === 'string') return `path "${inner[1]}" of block "${block}"`;
    return `"${formatPath(inner)}" of block "${block}"`;
  }
  return segments.length > 0 ? `"${formatPath(segments)}"` : 'its list';
}

/**
 * Lists the property names and list positions from the outermost object or list literal down to
 * `node`. A position is undefined after a spread element, whose length the text does not show.
 */
function literalPath(node: ts.Node): (string | number | undefined)[] {
  const segments: (string | number | undefined)[] = [];
  let current = node;
  for (;;) {
    while (isTypeWrapper(current.parent)) current = current.parent;
    const parent = current.parent;
    if (parent && ts.isPropertyAssignment(parent) && parent.initializer === current) {
      const key = literalPropertyName(parent.name);
      if (key === undefined) break;
      segments.unshift(key);
      current = parent.parent;
    } else if (parent && ts.isArrayLiteralExpression(parent)) {
      const index = parent.elements.indexOf(current as ts.Expression);
      const spread = parent.elements.slice(0, index).some((element) => ts.isSpreadElement(element));
      segments.unshift(spread ? undefined : index);
      current = parent;
    } else break;
  }
  return segments;
}

function isTypeWrapper(node: ts.Node | undefined): boolean {
  return (
    node !== undefined &&
    (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node))
  );
}

/** Writes path segments as in other messages: `blocks.b.graph[0]`, with `[]` for an unknown position. */
function formatPath(segments: (string | number | undefined)[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'string') text += text === '' ? segment : `.${segment}`;
    else text += segment === undefined ? '[]' : `[${segment}]`;
  }
  return text;
}

export function unknownNameReason(name: string): string {
  if (name === '') return 'a value is missing there; see the syntax error';
  return ENVIRONMENT_GLOBALS[name] ?? `"${name}" is not defined in this file or its imports`;
}

export function unsupportedReason(node: ts.Node): string {
  switch (node.kind) {
    case SyntaxKind.ThisKeyword:
      return '"this" is not evaluated';
    case SyntaxKind.ClassExpression:
      return 'classes are not evaluated';
    case SyntaxKind.TaggedTemplateExpression:
      return 'tagged templates are not evaluated';
    case SyntaxKind.RegularExpressionLiteral:
      return 'regular expressions are not evaluated';
    case SyntaxKind.BigIntLiteral:
      return 'BigInt values are not part of the model format';
    case SyntaxKind.AwaitExpression:
    case SyntaxKind.YieldExpression:
      return 'await and yield are not evaluated';
    case SyntaxKind.MetaProperty:
      return 'import.meta and new.target belong to a running program';
    default:
      return `${SyntaxKind[node.kind]} is not evaluated`;
  }
}

export function unsupportedStatementReason(statement: ts.Statement): string {
  switch (statement.kind) {
    case SyntaxKind.ForStatement:
    case SyntaxKind.ForOfStatement:
    case SyntaxKind.ForInStatement:
    case SyntaxKind.WhileStatement:
    case SyntaxKind.DoStatement:
      return 'loops are not evaluated; build lists with Array.from, map or a recursive helper';
    case SyntaxKind.ExpressionStatement:
      return 'statements run for their side effects are not evaluated';
    case SyntaxKind.ThrowStatement:
      return 'it throws an error';
    case SyntaxKind.SwitchStatement:
      return 'switch statements are not evaluated; use if or a lookup object';
    case SyntaxKind.TryStatement:
      return 'try statements are not evaluated';
    default:
      return `${SyntaxKind[statement.kind]} is not evaluated`;
  }
}

export function functionName(node: ts.ArrowFunction | ts.FunctionExpression): string {
  if (ts.isFunctionExpression(node) && node.name) return node.name.text;
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return 'anonymous function';
}

/** Returns the key of a property name written out literally (not computed from an expression). */
export function literalPropertyName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

export function isOptionalChain(node: ts.Node): boolean {
  return (node.flags & ts.NodeFlags.OptionalChain) !== 0;
}

/** Marks a list that passes through an array-typed annotation; see ArrayValue.typedAsArray. */
export function markTyped(value: Value | undefined, type: ts.TypeNode | undefined): void {
  if (value?.kind === 'array' && type && isArrayType(type)) value.typedAsArray = true;
}

/** Tests whether a type annotation admits only arrays (string[], readonly Op[], Array<T>, tuples, unions of them). */
export function isArrayType(type: ts.TypeNode): boolean {
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type)) return true;
  if (ts.isTypeOperatorNode(type) || ts.isParenthesizedTypeNode(type)) return isArrayType(type.type);
  if (ts.isTypeReferenceNode(type)) return ts.isIdentifier(type.typeName) && (type.typeName.text === 'Array' || type.typeName.text === 'ReadonlyArray');
  if (ts.isUnionTypeNode(type)) {
    const members = type.types.filter((member) => !isNullishType(member));
    return members.length > 0 && members.every(isArrayType);
  }
  return false;
}

function isNullishType(type: ts.TypeNode): boolean {
  if (type.kind === SyntaxKind.UndefinedKeyword) return true;
  return ts.isLiteralTypeNode(type) && type.literal.kind === SyntaxKind.NullKeyword;
}

/** Applies a binary operator to primitives with JavaScript's semantics; the coercions run no user code. */
export function applyOperator(operator: ts.SyntaxKind, a: Primitive, b: Primitive): Primitive {
  const x = a as any;
  const y = b as any;
  switch (operator) {
    case SyntaxKind.PlusToken:
      return x + y;
    case SyntaxKind.MinusToken:
      return x - y;
    case SyntaxKind.AsteriskToken:
      return x * y;
    case SyntaxKind.SlashToken:
      return x / y;
    case SyntaxKind.PercentToken:
      return x % y;
    case SyntaxKind.AsteriskAsteriskToken:
      return x ** y;
    case SyntaxKind.LessThanToken:
      return x < y;
    case SyntaxKind.LessThanEqualsToken:
      return x <= y;
    case SyntaxKind.GreaterThanToken:
      return x > y;
    case SyntaxKind.GreaterThanEqualsToken:
      return x >= y;
    case SyntaxKind.EqualsEqualsToken:
      return x == y;
    case SyntaxKind.ExclamationEqualsToken:
      return x != y;
    case SyntaxKind.AmpersandToken:
      return x & y;
    case SyntaxKind.BarToken:
      return x | y;
    case SyntaxKind.CaretToken:
      return x ^ y;
    case SyntaxKind.LessThanLessThanToken:
      return x << y;
    case SyntaxKind.GreaterThanGreaterThanToken:
      return x >> y;
    case SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
      return x >>> y;
    default:
      throw new NotEvaluated(`the operator "${ts.tokenToString(operator)}" is not evaluated`);
  }
}
