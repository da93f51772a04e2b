// A small interpreter over TypeScript syntax trees that computes the model a *.arch.ts file
// exports without running it: constants, literals, operators, helper functions and a few
// built-ins. What it cannot compute is reported as not-evaluated and left out.
import ts from 'typescript';
import type { Code, Severity } from './codes';
import type { Problem, Span } from './source';
import { Builtins, comparisonSteps, ENVIRONMENT_GLOBALS, MAX_ARRAY_LENGTH, MAX_STRING_LENGTH, strictEquals, type NativeHost } from './tsBuiltins';
import { LiteralArray, LiteralChecker, LiteralObject, type LiteralValue } from './tsLiterals';
import { ModuleSystem, type ModuleHost, type ModuleRecord } from './tsModules';
import { bindingNames } from './tsMutations';
import {
  applyOperator,
  functionName,
  isOptionalChain,
  lineOf,
  literalPropertyName,
  markTyped,
  nodeSpan,
  NodeCounts,
  type ParsedModule,
  skipConsequence,
  subjectOf,
  unknownNameReason,
  unsupportedReason,
  unsupportedStatementReason,
} from './tsSyntax';
import {
  Binding,
  describeValue,
  isArrayIndex,
  isNullish,
  isSkippedKey,
  isTruthy,
  isUndefined,
  keyOrigin,
  markSkippedKey,
  NO_MEMBER,
  NotEvaluated,
  Scope,
  typeOf,
  Unavailable,
  type ArrayValue,
  type CallFrame,
  type Context,
  type Entry,
  type FunctionNode,
  type FunctionValue,
  type ModuleFile,
  type ObjectValue,
  type Origin,
  type Primitive,
  type PrimitiveValue,
  type Value,
} from './tsValues';

/** Read once: TypeScript exports its enums through getters, which cost a call on each read. */
const SyntaxKind = ts.SyntaxKind;

/**
 * Evaluation steps before evaluation stops: one per expression, statement and list element built
 * or walked, and one per 10 string characters built or read.
 */
export const MAX_STEPS = 1_000_000;
/** Names of model files. Only in a file with such a name is a missing default export an error. */
const MODEL_FILE_NAME = /\.arch\.[cm]?tsx?$/i;
/** Deepest nesting of calls to functions written in model files. */
export const MAX_CALL_DEPTH = 100;
/** Deepest nesting of expressions and calls together, which bounds the interpreter's own stack. */
export const MAX_NESTING = 500;

export interface EvaluatorOptions {
  /** Reads a file for an import; undefined when it does not exist. Never called for the model file. */
  readFile?: (absolutePath: string) => string | undefined;
  /** Path of the model file, against which relative imports resolve. */
  fileName?: string;
}

/** Thrown when the step budget is spent or the host's stack runs out; the model is then not analysed. */
export class EvaluationStopped extends Error {
  constructor(
    readonly reason: string,
    /** The model-file expression under evaluation when it stopped. */
    readonly at: ts.Node | undefined,
  ) {
    super(reason);
  }
}

type Completion = { kind: 'normal' } | { kind: 'return'; value: Value | undefined } | { kind: 'skipped' };

/** Object literals with at most this many members are checked for duplicate keys without a Set. */
const SMALL_OBJECT_MEMBERS = 8;

const ASSIGNMENT_OPERATORS = new Set<ts.SyntaxKind>();
for (let kind = SyntaxKind.FirstAssignment; kind <= SyntaxKind.LastAssignment; kind++) ASSIGNMENT_OPERATORS.add(kind);

export class Evaluator implements NativeHost, ModuleHost {
  readonly problems: Problem[] = [];
  /** How many times each model-file node was evaluated: 1 means its value exists once. */
  readonly evaluations: NodeCounts;
  readonly main: ModuleFile;

  readonly builtins = new Builtins(this);
  private readonly literals = new LiteralChecker();
  private readonly modules: ModuleSystem;
  private readonly filesBySource = new Map<ts.SourceFile, ModuleFile>();
  private readonly reported = new Set<string>();
  private readonly mainRecord: ModuleRecord;
  /** The file, scope and calls of the code running now; values created now take their origin from it. */
  context: Context;
  private steps = 0;
  private callDepth = 0;
  private nesting = 0;
  /** Model-file expressions under evaluation, innermost last; problems in imported files are shown at the innermost. */
  private readonly mainStack: ts.Node[] = [];

  constructor(parsed: ParsedModule, options: EvaluatorOptions) {
    const path = options.fileName ?? '';
    const { sourceFile, mutations } = parsed;
    this.main = { sourceFile, mutations, path, displayName: path.split(/[\\/]/).pop() || 'the model file', isMain: true, depth: 0 };
    this.filesBySource.set(sourceFile, this.main);
    this.evaluations = new NodeCounts(parsed.nodeIds);
    this.context = { file: this.main, scope: new Scope(undefined), frame: undefined };
    this.modules = new ModuleSystem(this, options.readFile);
    this.mainRecord = this.modules.initMain();
  }

  /** Tests whether the model file has a default export, evaluable or not. */
  get hasDefaultExport(): boolean {
    return this.mainRecord.exports.has('default');
  }

  /** Evaluates the default export of the model file; undefined when there is none or it was skipped. */
  evaluateModel(): Value | undefined {
    if (!this.mainRecord.exports.has('default')) {
      if (MODEL_FILE_NAME.test(this.main.path) || this.main.path === '') {
        this.report(undefined, 'No model found: a *.arch.ts file must export its model with "export default defineModel({ ... })".', 'schema');
      } else {
        // A file that reslint.files matches without the *.arch.ts name may be a helper that models
        // import. A hint is shown in the editor only, and not in the Problems panel.
        this.report(
          undefined,
          `No model found: ${this.main.displayName} has no default export, so there is nothing to analyse. A model file exports its model with "export default defineModel({ ... })".`,
          'schema',
          'hint',
        );
      }
      return undefined;
    }
    const result = this.modules.readExport(this.mainRecord, 'default', new Set());
    if (result instanceof Unavailable) {
      this.report(undefined, `The model's default export cannot be evaluated statically: ${result.reason}.`);
      return undefined;
    }
    return result;
  }

  /** Finds the expression of `export default`, whose range stands for the whole model. */
  defaultExportNode(): ts.Node | undefined {
    for (const statement of this.main.sourceFile.statements) {
      if (ts.isExportAssignment(statement)) return statement.expression;
    }
    return undefined;
  }

  // NativeHost

  origin(node: ts.Node): Origin {
    return { node, file: this.context.file, frame: this.context.frame };
  }

  step(count = 1): void {
    this.steps += count;
    if (this.steps > MAX_STEPS) {
      throw new EvaluationStopped(
        `evaluation took more than ${MAX_STEPS.toLocaleString('en-US')} steps; look for unbounded recursion or very large lists`,
        this.mainStack[this.mainStack.length - 1],
      );
    }
  }

  read(value: Value): void {
    value.reads += 1;
  }

  call(callee: Value, args: Value[], node: ts.Node): Value | undefined {
    return this.invoke(callee, args, node);
  }

  // Problems

  /**
   * Reports a problem at a node. A node of an imported file cannot be shown in the model file, so
   * the problem goes to the model-file expression that led there, with the file and line in front.
   */
  report(node: ts.Node | undefined, message: string, code: Code = 'not-evaluated', severity?: Severity): void {
    let span: Span;
    const file = node ? this.filesBySource.get(node.getSourceFile()) : this.main;
    if (node && file?.isMain) {
      span = nodeSpan(node, this.main.sourceFile);
      // A node that the parser invented while recovering from a syntax error has no text; the
      // syntax error already covers it.
      if (span.start >= span.end) return;
    } else {
      const anchor = this.mainStack[this.mainStack.length - 1] ?? this.defaultExportNode();
      span = anchor ? nodeSpan(anchor, this.main.sourceFile) : { start: 0, end: Math.min(1, this.main.sourceFile.text.length) };
      if (node && file) message = `In ${file.displayName}, line ${lineOf(node) + 1}: ${message}`;
    }
    const key = `${span.start}:${span.end}:${code}:${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(severity ? { code, message, span, severity } : { code, message, span });
  }

  /** Reports that `node` was not evaluated and why; returns undefined, the skipped value. */
  private skip(node: ts.Node, reason: string): undefined {
    this.report(node, `Cannot evaluate ${subjectOf(node)} statically: ${reason}. ${skipConsequence(node)}`);
    return undefined;
  }

  registerFile(file: ModuleFile): void {
    this.filesBySource.set(file.sourceFile, file);
  }

  // Bindings

  mutationReason(name: string, container: ts.Node, file: ModuleFile): string | undefined {
    const mutation = file.mutations.find(name, container);
    if (!mutation) return undefined;
    return `"${name}" is reassigned or modified at line ${lineOf(mutation) + 1}, so its value is not constant`;
  }

  /** Binds the names of a declaration, parameter or destructuring pattern; undefined binds skipped values. */
  bindPattern(name: ts.BindingName, value: Value | undefined, scope: Scope, container: ts.Node): void {
    if (ts.isIdentifier(name)) {
      const mutated = this.mutationReason(name.text, container, this.context.file);
      scope.bindings.set(name.text, mutated ? Binding.unavailable(mutated) : Binding.ready(value));
      return;
    }
    const bindAllSkipped = (): void => {
      for (const skipped of bindingNames(name)) scope.bindings.set(skipped, Binding.ready(undefined));
    };
    if (!value) return bindAllSkipped();
    const destructurable =
      value.kind === 'object' || value.kind === 'array' || (value.kind === 'primitive' && typeof value.value === 'string');
    if (!destructurable) {
      this.skip(name, `${describeValue(value)} cannot be destructured`);
      return bindAllSkipped();
    }
    if (value.kind === 'primitive' && String(value.value).length > MAX_ARRAY_LENGTH) {
      this.skip(name, `the string is longer than ${MAX_ARRAY_LENGTH.toLocaleString('en-US')} characters, the maximum destructured`);
      return bindAllSkipped();
    }
    this.read(value);

    if (ts.isObjectBindingPattern(name)) {
      const used = new Set<string>();
      for (const element of name.elements) {
        if (element.dotDotDotToken) {
          this.bindPattern(element.name, this.restObject(value, used, element), scope, container);
          continue;
        }
        const keyNode = element.propertyName ?? element.name;
        const key = ts.isIdentifier(keyNode) ? keyNode.text : this.propertyKey(keyNode as ts.PropertyName);
        if (key === undefined) {
          for (const skipped of bindingNames(element.name)) scope.bindings.set(skipped, Binding.ready(undefined));
          continue;
        }
        used.add(key);
        this.bindElement(element, this.memberValue(value, key, element), scope, container);
      }
      return;
    }

    // Positions after a skipped element are not the source's, so nothing is bound from such a list.
    if (value.kind === 'array' && value.partial) return bindAllSkipped();
    const items = this.itemsOf(value, name);
    name.elements.forEach((element, index) => {
      if (ts.isOmittedExpression(element)) return;
      if (element.dotDotDotToken) {
        const rest = items.slice(index);
        this.bindPattern(element.name, this.builtins.arrayOfEntries(rest, element), scope, container);
        return;
      }
      const entry = items[index];
      this.bindElement(element, entry && !entry.hole ? entry.value : this.primitive(undefined, element), scope, container);
    });
  }

  private bindElement(element: ts.BindingElement, value: Value | undefined, scope: Scope, container: ts.Node): void {
    const defaulted = value && element.initializer && isUndefined(value) ? this.evaluate(element.initializer) : value;
    this.bindPattern(element.name, defaulted, scope, container);
  }

  private restObject(value: Value, used: Set<string>, node: ts.Node): ObjectValue {
    const entries = new Map<string, Entry>();
    const rest: ObjectValue = { kind: 'object', entries, node, file: this.context.file, frame: this.context.frame, reads: 0 };
    // The rest copies every property or element that the pattern does not name, a step each.
    if (value.kind === 'object') {
      this.step(value.entries.size);
      for (const [key, entry] of value.entries) if (!used.has(key)) entries.set(key, entry);
      for (const key of value.skippedKeys ?? []) if (!used.has(key)) markSkippedKey(rest, key);
      rest.partial = value.partial;
    } else {
      const items = this.itemsOf(value, node);
      this.step(items.length);
      items.forEach((entry, index) => {
        if (!used.has(String(index)) && !entry.hole) entries.set(String(index), entry);
      });
    }
    return rest;
  }

  /** Lists the entries of a list, or the characters of a string, as destructuring and spread see them. */
  private itemsOf(value: Value, node: ts.Node): Entry[] {
    if (value.kind === 'array') return value.items;
    if (value.kind === 'primitive' && typeof value.value === 'string') {
      // Checked before one value per character is made.
      this.builtins.checkLength(value.value.length);
      const slot = this.origin(node);
      return Array.from(value.value, (character) => ({ value: this.primitive(character, node), slot }));
    }
    return [];
  }

  /** Reads a property for destructuring: JavaScript's undefined where it is absent, undefined when skipped. */
  private memberValue(value: Value, key: string, node: ts.Node): Value | undefined {
    if (value.kind === 'object') {
      if (isSkippedKey(value, key)) return undefined;
      return value.entries.get(key)?.value ?? this.primitive(undefined, node);
    }
    try {
      if (value.kind === 'array' || value.kind === 'primitive') {
        const member = value.kind === 'array' ? this.builtins.arrayMember(value, key, node) : this.builtins.primitiveMember(value, key, node);
        return member === NO_MEMBER ? this.primitive(undefined, node) : member;
      }
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    }
    return this.primitive(undefined, node);
  }

  // Expressions

  /** Evaluates an expression; undefined when it was skipped, after reporting why. */
  evaluate(node: ts.Expression): Value | undefined {
    this.step();
    if (this.nesting >= MAX_NESTING) return this.skip(node, `expressions and calls are nested more than ${MAX_NESTING} levels deep`);
    const inMain = this.context.file.isMain;
    if (inMain) {
      this.countEvaluation(node);
      this.mainStack.push(node);
    }
    this.nesting += 1;
    try {
      return this.evaluateNode(node);
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    } finally {
      this.nesting -= 1;
      if (inMain) this.mainStack.pop();
    }
  }

  private countEvaluation(node: ts.Node): void {
    if (this.context.file.isMain) this.evaluations.add(node);
  }

  private evaluateNode(node: ts.Expression): Value | undefined {
    switch (node.kind) {
      case SyntaxKind.NumericLiteral:
        return this.primitive(Number((node as ts.NumericLiteral).text), node);
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
        return this.primitive((node as ts.StringLiteral).text, node);
      case SyntaxKind.TrueKeyword:
        return this.primitive(true, node);
      case SyntaxKind.FalseKeyword:
        return this.primitive(false, node);
      case SyntaxKind.NullKeyword:
        return this.primitive(null, node);
      case SyntaxKind.Identifier:
        return this.evaluateIdentifier(node as ts.Identifier);
      case SyntaxKind.TemplateExpression:
        return this.evaluateTemplate(node as ts.TemplateExpression);
      case SyntaxKind.ObjectLiteralExpression:
      case SyntaxKind.ArrayLiteralExpression: {
        const literal = this.writtenOut(node as ts.ObjectLiteralExpression | ts.ArrayLiteralExpression);
        if (literal) return literal;
        return node.kind === SyntaxKind.ObjectLiteralExpression
          ? this.evaluateObject(node as ts.ObjectLiteralExpression)
          : this.evaluateArray(node as ts.ArrayLiteralExpression);
      }
      case SyntaxKind.ParenthesizedExpression:
      case SyntaxKind.NonNullExpression:
      case SyntaxKind.ExpressionWithTypeArguments:
        return this.evaluate((node as ts.ParenthesizedExpression).expression);
      case SyntaxKind.AsExpression:
      case SyntaxKind.SatisfiesExpression:
      case SyntaxKind.TypeAssertionExpression: {
        const assertion = node as ts.AsExpression;
        const value = this.evaluate(assertion.expression);
        markTyped(value, assertion.type);
        return value;
      }
      case SyntaxKind.PrefixUnaryExpression:
        return this.evaluatePrefix(node as ts.PrefixUnaryExpression);
      case SyntaxKind.PostfixUnaryExpression:
        return this.skip(node, 'it modifies a variable');
      case SyntaxKind.TypeOfExpression:
        return this.evaluateTypeOf(node as ts.TypeOfExpression);
      case SyntaxKind.VoidExpression:
        return this.primitive(undefined, node);
      case SyntaxKind.DeleteExpression:
        return this.skip(node, 'it modifies an object');
      case SyntaxKind.BinaryExpression:
        return this.evaluateBinary(node as ts.BinaryExpression);
      case SyntaxKind.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        const condition = this.evaluate(conditional.condition);
        if (!condition) return undefined;
        return this.evaluate(isTruthy(condition) ? conditional.whenTrue : conditional.whenFalse);
      }
      case SyntaxKind.PropertyAccessExpression:
      case SyntaxKind.ElementAccessExpression:
        return this.evaluateAccess(node as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      case SyntaxKind.CallExpression:
        return this.evaluateCall(node as ts.CallExpression);
      case SyntaxKind.NewExpression:
        return this.evaluateNew(node as ts.NewExpression);
      case SyntaxKind.ArrowFunction:
      case SyntaxKind.FunctionExpression: {
        const fn = node as ts.ArrowFunction | ts.FunctionExpression;
        return this.functionValue(fn, functionName(fn), this.context);
      }
      default:
        return this.skip(node, unsupportedReason(node));
    }
  }

  private evaluateIdentifier(node: ts.Identifier): Value | undefined {
    const binding = this.context.scope.lookup(node.text);
    if (binding) {
      const result = binding.read();
      return 'reason' in result ? this.skip(node, result.reason) : result.value;
    }
    return this.builtins.global(node.text, node) ?? this.skip(node, unknownNameReason(node.text));
  }

  private evaluateTemplate(node: ts.TemplateExpression): Value | undefined {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = this.evaluate(span.expression);
      if (!value) return undefined;
      if (value.kind !== 'primitive') return this.skip(span.expression, `${describeValue(value)} cannot be put into a template string`);
      text += String(value.value) + span.literal.text;
      if (text.length > MAX_STRING_LENGTH) return this.stringTooLong(node, text.length);
    }
    return this.stringValue(text, node);
  }

  /**
   * Returns a written-out literal as one value that expands on first read, or undefined for any
   * other literal. It is charged the steps that evaluating it node by node would take.
   */
  private writtenOut(node: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression): LiteralValue | undefined {
    const literal = this.literals.read(node);
    if (!literal) return undefined;
    const { shape, plain } = literal;
    // Node by node, evaluation stops or skips at an inner node when a literal runs out of steps
    // or is nested past the limit. Such a literal is evaluated that way, so the problem is shown
    // there. evaluate() has already taken the literal's own step and nesting level.
    if (this.steps + shape.steps - 1 > MAX_STEPS || this.nesting + shape.height > MAX_NESTING) return undefined;
    this.step(shape.steps - 1);
    const { file, frame } = this.context;
    if (file.isMain) this.evaluations.markLiteral(node);
    return ts.isObjectLiteralExpression(node)
      ? new LiteralObject(node, file, frame, shape, plain)
      : new LiteralArray(node, file, frame, shape, plain);
  }

  private evaluateObject(node: ts.ObjectLiteralExpression): ObjectValue {
    const context = this.context;
    const object: ObjectValue = { kind: 'object', entries: new Map(), node, file: context.file, frame: context.frame, reads: 0 };
    this.reportDuplicateKeys(node);
    for (const member of node.properties) {
      this.step();
      if (ts.isPropertyAssignment(member)) {
        this.countEvaluation(member.name);
        const key = this.propertyKey(member.name);
        if (key === undefined) {
          object.partial = true;
          continue;
        }
        const value = this.evaluate(member.initializer);
        if (value) this.setEntry(object, key, { value, slot: this.slotOrigin(member.initializer, value), member });
        else markSkippedKey(object, key);
      } else if (ts.isShorthandPropertyAssignment(member)) {
        const key = member.name.text;
        const value = this.evaluate(member.name);
        if (value) this.setEntry(object, key, { value, slot: this.origin(member.name), member });
        else markSkippedKey(object, key);
      } else if (ts.isSpreadAssignment(member)) {
        this.countEvaluation(member);
        const value = this.evaluate(member.expression);
        if (value) this.spreadIntoObject(object, value, member);
        else object.partial = true;
      } else if (ts.isMethodDeclaration(member)) {
        this.countEvaluation(member.name);
        const key = this.propertyKey(member.name);
        if (key === undefined) {
          object.partial = true;
          continue;
        }
        const value = this.functionValue(member, key, this.context);
        this.setEntry(object, key, { value, slot: this.origin(member), member });
      } else {
        this.skip(member, 'getters and setters are not evaluated');
        const key = member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) ? member.name.text : undefined;
        if (key === undefined) object.partial = true;
        else markSkippedKey(object, key);
      }
    }
    return object;
  }

  /** Reports keys written twice in one object literal of the model file, as the JSON front end does. */
  private reportDuplicateKeys(node: ts.ObjectLiteralExpression): void {
    const members = node.properties;
    // A literal with one member has no duplicate key, and many literals of a model have one.
    if (members.length < 2 || !this.context.file.isMain) return;
    // Most literals have a few members, so each key is read once and compared with the earlier
    // ones instead of going into a Set.
    const seen = members.length > SMALL_OBJECT_MEMBERS ? new Set<string>() : undefined;
    const keys: (string | undefined)[] | undefined = seen ? undefined : new Array(members.length);
    for (let index = 0; index < members.length; index++) {
      const member = members[index];
      const key = ts.isSpreadAssignment(member) ? undefined : literalPropertyName(member.name);
      if (keys) keys[index] = key;
      if (key === undefined) continue;
      const duplicate = seen ? seen.has(key) : hasEarlierKey(keys as (string | undefined)[], index, key);
      if (duplicate) this.report(member.name, `Duplicate key "${key}"; the last one is used. Remove or rename one of them.`, 'duplicate-key');
      seen?.add(key);
    }
  }

  /** Sets a property (an existing key keeps its place, as in JavaScript) and clears an earlier skip of the key. */
  private setEntry(object: ObjectValue, key: string, entry: Entry): void {
    object.skippedKeys?.delete(key);
    object.entries.set(key, entry);
  }

  /** Copies the properties of a spread value: an object's entries, a list's or string's elements by index. */
  private spreadIntoObject(object: ObjectValue, value: Value, member: ts.SpreadAssignment): void {
    const slot = this.origin(member);
    if (value.kind === 'object') {
      this.read(value);
      this.step(value.entries.size);
      for (const key of value.skippedKeys ?? []) markSkippedKey(object, key);
      if (value.partial) object.partial = true;
      for (const [key, entry] of value.entries) this.setEntry(object, key, { value: entry.value, slot, key: keyOrigin(entry), member });
    } else if (value.kind === 'array' || (value.kind === 'primitive' && typeof value.value === 'string')) {
      this.read(value);
      if (value.kind === 'array' && value.partial) object.partial = true;
      const items = this.itemsOf(value, member);
      this.step(items.length);
      items.forEach((entry, index) => {
        if (!entry.hole) this.setEntry(object, String(index), { value: entry.value, slot, member });
      });
    }
    // Spreading null, undefined, numbers, booleans or functions adds no property, as in JavaScript.
  }

  private evaluateArray(node: ts.ArrayLiteralExpression): ArrayValue | undefined {
    const context = this.context;
    const items: Entry[] = [];
    const array: ArrayValue = { kind: 'array', items, node, file: context.file, frame: context.frame, reads: 0, typedAsArray: false };
    for (const element of node.elements) {
      if (ts.isOmittedExpression(element)) {
        items.push({ value: this.primitive(undefined, element), slot: this.origin(element), hole: true });
      } else if (ts.isSpreadElement(element)) {
        this.countEvaluation(element);
        const value = this.evaluate(element.expression);
        if (!value) {
          array.partial = true;
          continue;
        }
        if (value.kind !== 'array' && !(value.kind === 'primitive' && typeof value.value === 'string')) {
          this.skip(element, `${describeValue(value)} cannot be spread into a list`);
          array.partial = true;
          continue;
        }
        if (value.kind === 'array' && value.partial) array.partial = true;
        this.read(value);
        const slot = this.origin(element);
        const spread = this.itemsOf(value, element);
        this.step(spread.length);
        for (const entry of spread) {
          items.push({ value: entry.hole ? this.primitive(undefined, element) : entry.value, slot });
        }
      } else {
        const value = this.evaluate(element);
        if (value) items.push({ value, slot: this.slotOrigin(element, value) });
        else array.partial = true;
      }
      if (items.length > MAX_ARRAY_LENGTH) {
        return this.skip(node, `the list has more than ${MAX_ARRAY_LENGTH.toLocaleString('en-US')} elements, the maximum evaluated`);
      }
    }
    // V8 gives an array that grows by push room for 16 more elements, and every list lives until
    // the analysis ends, so the list keeps an exact copy. new Array(n) would stay holey in V8.
    if (items.length > 0) array.items = items.slice();
    return array;
  }

  /** Evaluates a property name to its key: identifiers, strings, canonical numbers and computed keys. */
  private propertyKey(name: ts.PropertyName): string | undefined {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
    if (ts.isNumericLiteral(name)) return String(Number(name.text));
    if (ts.isComputedPropertyName(name)) {
      const value = this.evaluate(name.expression);
      if (!value) return undefined;
      if (value.kind !== 'primitive') return this.skip(name, `a computed key must be a string or a number, not ${describeValue(value)}`);
      return String(value.value);
    }
    return this.skip(name, 'this kind of property name is not evaluated');
  }

  private evaluatePrefix(node: ts.PrefixUnaryExpression): Value | undefined {
    if (node.operator === SyntaxKind.PlusPlusToken || node.operator === SyntaxKind.MinusMinusToken) {
      return this.skip(node, 'it modifies a variable');
    }
    const operand = this.evaluate(node.operand);
    if (!operand) return undefined;
    if (node.operator === SyntaxKind.ExclamationToken) return this.primitive(!isTruthy(operand), node);
    if (operand.kind !== 'primitive') return this.skip(node, `arithmetic on ${describeValue(operand)} is not evaluated`);
    // The operand is a primitive, so JavaScript's conversions run no user code. Converting a string reads its characters.
    this.step(comparisonSteps(operand, undefined));
    const value = operand.value as number;
    switch (node.operator) {
      case SyntaxKind.MinusToken:
        return this.primitive(-value, node);
      case SyntaxKind.PlusToken:
        return this.primitive(+value, node);
      default:
        return this.primitive(~value, node);
    }
  }

  private evaluateTypeOf(node: ts.TypeOfExpression): Value | undefined {
    // typeof of an undeclared name is "undefined" in JavaScript, not an error.
    if (ts.isIdentifier(node.expression) && !this.context.scope.lookup(node.expression.text)) {
      const global = this.builtins.global(node.expression.text, node.expression);
      return this.primitive(global ? typeOf(global) : 'undefined', node);
    }
    const operand = this.evaluate(node.expression);
    return operand && this.primitive(typeOf(operand), node);
  }

  private evaluateBinary(node: ts.BinaryExpression): Value | undefined {
    const operator = node.operatorToken.kind;
    if (ASSIGNMENT_OPERATORS.has(operator)) return this.skip(node, 'assignments are not evaluated; declare a new const instead');

    const left = this.evaluate(node.left);
    if (!left) return undefined;
    switch (operator) {
      case SyntaxKind.AmpersandAmpersandToken:
        return isTruthy(left) ? this.evaluate(node.right) : left;
      case SyntaxKind.BarBarToken:
        return isTruthy(left) ? left : this.evaluate(node.right);
      case SyntaxKind.QuestionQuestionToken:
        return isNullish(left) ? this.evaluate(node.right) : left;
      case SyntaxKind.CommaToken:
        return this.evaluate(node.right);
    }

    const right = this.evaluate(node.right);
    if (!right) return undefined;
    // Comparing or converting a string walks its characters. A string result is charged when it is made.
    if (operator !== SyntaxKind.PlusToken) this.step(comparisonSteps(left, right));
    switch (operator) {
      case SyntaxKind.EqualsEqualsEqualsToken:
        return this.primitive(strictEquals(left, right), node);
      case SyntaxKind.ExclamationEqualsEqualsToken:
        return this.primitive(!strictEquals(left, right), node);
      case SyntaxKind.InKeyword: {
        if (left.kind !== 'primitive' || (right.kind !== 'object' && right.kind !== 'array')) {
          return this.skip(node, '"in" is evaluated only for a string or number key and an object or list');
        }
        this.read(right);
        const key = String(left.value);
        if (right.kind === 'object' ? isSkippedKey(right, key) : right.partial) return undefined;
        const has = right.kind === 'object' ? right.entries.has(key) : key === 'length' || (isArrayIndex(key) && Number(key) < right.items.length);
        return this.primitive(has, node);
      }
      case SyntaxKind.InstanceOfKeyword:
        return this.skip(node, 'instanceof is not evaluated');
    }

    if (left.kind !== 'primitive' || right.kind !== 'primitive') {
      const operand = left.kind !== 'primitive' ? left : right;
      return this.skip(node, `the operator "${ts.tokenToString(operator)}" is evaluated only on numbers, strings, booleans, null and undefined, not on ${describeValue(operand)}`);
    }
    let result: Primitive;
    try {
      result = applyOperator(operator, left.value, right.value);
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    }
    if (typeof result === 'string') {
      if (result.length > MAX_STRING_LENGTH) return this.stringTooLong(node, result.length);
      return this.stringValue(result, node);
    }
    return this.primitive(result, node);
  }

  private evaluateAccess(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): Value | undefined {
    const receiver = this.evaluate(node.expression);
    if (!receiver) return undefined;
    if (isNullish(receiver) && isOptionalChain(node)) return this.primitive(undefined, node);
    let key: string;
    if (ts.isPropertyAccessExpression(node)) {
      if (!ts.isIdentifier(node.name)) return this.skip(node, 'private names are not evaluated');
      key = node.name.text;
    } else {
      const keyValue = this.evaluate(node.argumentExpression);
      if (!keyValue) return undefined;
      if (keyValue.kind !== 'primitive') return this.skip(node, `a computed property name must be a string or a number, not ${describeValue(keyValue)}`);
      key = String(keyValue.value);
    }
    return this.member(receiver, key, node);
  }

  /** Reads the property `key` of a value, with JavaScript's undefined for absent properties of data. */
  private member(receiver: Value, key: string, node: ts.Node): Value | undefined {
    this.read(receiver);
    try {
      switch (receiver.kind) {
        case 'object':
          // A key whose value was skipped is skipped too (silently: its own problem was reported).
          if (isSkippedKey(receiver, key)) return undefined;
          return receiver.entries.get(key)?.value ?? this.primitive(undefined, node);
        case 'array': {
          const member = this.builtins.arrayMember(receiver, key, node);
          return member === NO_MEMBER ? this.primitive(undefined, node) : member;
        }
        case 'primitive': {
          if (isNullish(receiver)) return this.skip(node, `the value is ${String(receiver.value)}, which has no property "${key}"`);
          const member = this.builtins.primitiveMember(receiver, key, node);
          return member === NO_MEMBER ? this.primitive(undefined, node) : member;
        }
        case 'function':
          if (key === 'name') return this.primitive(receiver.name, node);
          if (key === 'length') return this.primitive(receiver.node.parameters.length, node);
          return this.skip(node, `the property "${key}" of a function is not evaluated`);
        case 'native': {
          const member = receiver.member ? receiver.member(key, node) : NO_MEMBER;
          // undefined is an export whose value was skipped, and that was reported already.
          return member === NO_MEMBER ? this.skip(node, `"${receiver.name}.${key}" is not evaluated`) : member;
        }
      }
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    }
  }

  private evaluateCall(node: ts.CallExpression): Value | undefined {
    const callee = node.expression;
    if (callee.kind === SyntaxKind.ImportKeyword) {
      return this.skip(node, 'import() loads code at run time, and ResLint reads model files without running them');
    }
    if (callee.kind === SyntaxKind.SuperKeyword) return this.skip(node, 'classes are not evaluated');
    const unresolved = this.unresolvedCallee(callee);
    if (unresolved) return this.skip(node, unresolved);
    const fn = this.evaluate(callee);
    if (!fn) return undefined;
    if (isNullish(fn) && isOptionalChain(node)) return this.primitive(undefined, node);
    const args = this.evaluateArguments(node.arguments);
    if (!args) return undefined;
    return this.invoke(fn, args, node);
  }

  private evaluateNew(node: ts.NewExpression): Value | undefined {
    if (!ts.isIdentifier(node.expression) || node.expression.text !== 'Array' || this.context.scope.lookup('Array')) {
      return this.skip(node, '"new" is evaluated only for Array');
    }
    const fn = this.evaluate(node.expression);
    const args = this.evaluateArguments(node.arguments ?? ts.factory.createNodeArray());
    return fn && args ? this.invoke(fn, args, node) : undefined;
  }

  /** Returns why a callee's root name has no value (unknown, or a run-time global), checked before evaluating it. */
  private unresolvedCallee(callee: ts.Expression): string | undefined {
    let root = callee;
    while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root) || ts.isParenthesizedExpression(root) || ts.isNonNullExpression(root)) {
      root = root.expression;
    }
    if (!ts.isIdentifier(root)) return undefined;
    const name = root.text;
    const binding = this.context.scope.lookup(name);
    if (binding) return binding.unavailableReason;
    if (this.builtins.global(name, root)) return undefined;
    if (ENVIRONMENT_GLOBALS[name]) return ENVIRONMENT_GLOBALS[name];
    if (name === '') return 'a value is missing there; see the syntax error';
    return root === callee ? 'it is not a function defined in this file or its imports' : `"${name}" is not defined in this file or its imports`;
  }

  /** Evaluates call arguments with spreads; undefined when a spread is not a list (reported) or lost an element. */
  private evaluateArguments(nodes: ts.NodeArray<ts.Expression>): (Value | undefined)[] | undefined {
    const args: (Value | undefined)[] = [];
    for (const node of nodes) {
      if (!ts.isSpreadElement(node)) {
        args.push(this.evaluate(node));
        continue;
      }
      const value = this.evaluate(node.expression);
      if (!value) return undefined;
      if (value.kind !== 'array') return this.skip(node, `${describeValue(value)} cannot be spread into arguments`);
      // Arguments after a skipped element would shift to other parameters.
      if (value.partial) return undefined;
      this.read(value);
      for (const entry of value.items) args.push(entry.hole ? this.primitive(undefined, node) : entry.value);
      this.step(value.items.length);
    }
    return args;
  }

  /** Calls a function or built-in; a skipped argument skips a built-in call silently (it was reported). */
  private invoke(fn: Value, args: (Value | undefined)[], node: ts.Node): Value | undefined {
    if (fn.kind === 'function') return this.callFunction(fn, args, node);
    if (fn.kind !== 'native' || !fn.call) return this.skip(node, `${describeValue(fn)} is not a function`);
    if (args.some((arg) => arg === undefined)) return undefined;
    try {
      return fn.call(args as Value[], node);
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    }
  }

  private callFunction(fn: FunctionValue, args: (Value | undefined)[], node: ts.Node): Value | undefined {
    const declaration = fn.node;
    if (declaration.asteriskToken || ts.getModifiers(declaration)?.some((modifier) => modifier.kind === SyntaxKind.AsyncKeyword)) {
      return this.skip(node, `"${fn.name}" is a generator or async function, which is not evaluated`);
    }
    if (!declaration.body) return this.skip(node, `"${fn.name}" has no body`);
    if (this.callDepth >= MAX_CALL_DEPTH) {
      return this.skip(node, `calls are nested more than ${MAX_CALL_DEPTH} deep, which suggests unbounded recursion`);
    }
    const scope = new Scope(fn.scope);
    if (ts.isFunctionExpression(declaration) && declaration.name) scope.bindings.set(declaration.name.text, Binding.ready(fn));
    const frame: CallFrame = { node, file: this.context.file, parent: this.context.frame };
    const body = declaration.body;

    return this.inContext({ file: fn.file, scope, frame }, () => {
      this.callDepth += 1;
      try {
        const parameters = declaration.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));
        parameters.forEach((parameter, index) => {
          let value: Value | undefined;
          if (parameter.dotDotDotToken) {
            const rest = args.slice(index);
            value = this.builtins.array(rest.filter((arg): arg is Value => arg !== undefined), parameter);
            if (rest.includes(undefined)) value.partial = true;
          } else {
            value = index < args.length ? args[index] : this.primitive(undefined, parameter);
            if (value && parameter.initializer && isUndefined(value)) value = this.evaluate(parameter.initializer);
          }
          markTyped(value, parameter.type);
          this.bindPattern(parameter.name, value, scope, declaration);
        });

        let result: Value | undefined;
        if (ts.isBlock(body)) {
          const completion = this.runBlock(body, scope);
          if (completion.kind === 'skipped') return undefined;
          result = completion.kind === 'return' ? completion.value : this.primitive(undefined, body);
        } else {
          result = this.evaluate(body);
        }
        markTyped(result, declaration.type);
        return result;
      } catch (error) {
        if (error instanceof NotEvaluated) return this.skip(node, error.reason);
        throw error;
      } finally {
        this.callDepth -= 1;
      }
    });
  }

  // Statements (in function bodies; top-level statements other than declarations never run)

  private runBlock(block: ts.Block | ts.SourceFile, scope: Scope): Completion {
    for (const statement of block.statements) {
      // Hoisting: functions are usable anywhere in their block, let and const only after their declaration.
      if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
        scope.bindings.set(statement.name.text, Binding.ready(this.functionValue(statement, statement.name.text, this.context)));
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          for (const name of bindingNames(declaration.name)) {
            scope.bindings.set(name, Binding.unavailable(`"${name}" is used before its declaration`));
          }
        }
      }
    }
    for (const statement of block.statements) {
      const completion = this.runStatement(statement, scope, block);
      if (completion.kind !== 'normal') return completion;
    }
    return { kind: 'normal' };
  }

  private runStatement(statement: ts.Statement, scope: Scope, container: ts.Node): Completion {
    this.step();
    if (this.context.file.isMain) this.mainStack.push(statement);
    try {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          const value = declaration.initializer ? this.evaluate(declaration.initializer) : this.primitive(undefined, declaration);
          markTyped(value, declaration.type);
          this.bindPattern(declaration.name, value, scope, container);
        }
        return { kind: 'normal' };
      }
      if (ts.isReturnStatement(statement)) {
        return { kind: 'return', value: statement.expression ? this.evaluate(statement.expression) : this.primitive(undefined, statement) };
      }
      if (ts.isIfStatement(statement)) {
        const condition = this.evaluate(statement.expression);
        if (!condition) return { kind: 'skipped' };
        const branch = isTruthy(condition) ? statement.thenStatement : statement.elseStatement;
        if (!branch) return { kind: 'normal' };
        return this.runNested(branch, scope);
      }
      if (ts.isBlock(statement)) return this.runNested(statement, scope);
      if (
        ts.isFunctionDeclaration(statement) ||
        ts.isEmptyStatement(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement)
      ) {
        return { kind: 'normal' };
      }
      this.report(statement, `Cannot evaluate ${subjectOf(statement)} statically: ${unsupportedStatementReason(statement)}; the call that runs it is skipped.`);
      return { kind: 'skipped' };
    } finally {
      if (this.context.file.isMain) this.mainStack.pop();
    }
  }

  private runNested(statement: ts.Statement, scope: Scope): Completion {
    const nested = new Scope(scope);
    return this.inContext({ ...this.context, scope: nested }, () =>
      ts.isBlock(statement) ? this.runBlock(statement, nested) : this.runStatement(statement, nested, statement),
    );
  }

  // Helpers

  /** A function created by `node` in `context`, which may be another file's than the one running now. */
  functionValue(node: FunctionNode, name: string, context: Context): FunctionValue {
    return { kind: 'function', node, file: context.file, frame: context.frame, reads: 0, name, scope: context.scope };
  }

  primitive(value: Primitive, node: ts.Node): PrimitiveValue {
    return this.builtins.primitive(value, node);
  }

  /**
   * Returns the origin of the expression `node` that put `value` into an object or list. A value
   * that this expression created here is itself an equal origin, which is used instead of
   * making a second one for every literal.
   */
  private slotOrigin(node: ts.Node, value: Value): Origin {
    if (value.node === node && value.file === this.context.file && value.frame === this.context.frame) return value;
    return this.origin(node);
  }

  private stringValue(text: string, node: ts.Node): Value | undefined {
    try {
      return this.builtins.string(text, node);
    } catch (error) {
      if (error instanceof NotEvaluated) return this.skip(node, error.reason);
      throw error;
    }
  }

  private stringTooLong(node: ts.Node, length: number): undefined {
    return this.skip(node, `the string would have ${length} characters, more than the maximum of ${MAX_STRING_LENGTH.toLocaleString('en-US')}`);
  }

  inContext<T>(context: Context, run: () => T): T {
    const saved = this.context;
    this.context = context;
    try {
      return run();
    } finally {
      this.context = saved;
    }
  }

}

function hasEarlierKey(keys: readonly (string | undefined)[], index: number, key: string): boolean {
  for (let earlier = 0; earlier < index; earlier++) if (keys[earlier] === key) return true;
  return false;
}
