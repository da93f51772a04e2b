// The TypeScript DSL front end (*.arch.ts): parses the file with the TypeScript compiler API and
// evaluates its default export statically (tsEvaluator.ts), without ever running the file.
//
// Locating values made by helper functions: a value is shown at the literal that created it when
// that literal was evaluated once (a constant, a literal at the call site, a helper called once).
// A literal evaluated several times (in a helper called twice, a map callback) is shared, so the
// value is shown at the innermost call in this file that ran once: `sub(['relu'])` rather than the
// object literal inside `sub`. Quick fixes follow the same rule; see tsEditor.ts.
import { MAX_JSON_DEPTH } from './jsonSource';
import type { Problem, SourceDocument, Span, ValuePath, WrittenKey } from './source';
import { TypeScriptEditor } from './tsEditor';
import { containerOf, isLiteralValue } from './tsLiterals';
import { EvaluationStopped, Evaluator } from './tsEvaluator';
import { literalPropertyName, nodeSpan, parseDiagnosticsOf, parseModule, type NodeCounts } from './tsSyntax';
import { isArrayIndex, keyOrigin, orderedKeys, type Entry, type Origin, type Value } from './tsValues';
import ts from 'typescript';

export interface TypeScriptSourceOptions {
  /** Reads a file that the model imports; undefined when it does not exist. Imports are not followed without it. */
  readFile?: (absolutePath: string) => string | undefined;
  /** Path of the model file, against which relative imports resolve. */
  fileName?: string;
}

/** Maximum number of values in the evaluated model; a shared subtree counts once per place it appears. */
export const MAX_MODEL_VALUES = 1_000_000;

/**
 * The syntax tree of the model file read last, kept so that a request on the same text (completion
 * after the analysis of that version) does not parse it again: 80 ms for an 850 KB model.
 */
let lastModelFile: { text: string; sourceFile: ts.SourceFile } | undefined;

/** Returns the syntax tree of the model file read last when its text is `text`. */
export function lastModelSyntax(text: string): ts.SourceFile | undefined {
  return lastModelFile?.text === text ? lastModelFile.sourceFile : undefined;
}

/**
 * Returns the string literal at an offset, with whether it gives a "block" key its value, directly
 * or as a branch of a conditional or logical expression (`block: first ? 'gamma' : 'beta'`). On the
 * key or the colon of `block: 'name'`, the literal after them is returned. A literal in a callback
 * that runs several times makes several layers, so it cannot be found from the layers.
 */
function blockLiteralAt(sourceFile: ts.SourceFile, offset: number): { name: string; span: Span; setsBlock: boolean } | undefined {
  let node = nodeAt(sourceFile, offset);
  // On the key or the colon of `block: 'name'`, the literal after them is meant.
  const around = ts.isPropertyAssignment(node) ? node : node.parent && ts.isPropertyAssignment(node.parent) && node.parent.name === node ? node.parent : undefined;
  if (around && ts.isStringLiteralLike(around.initializer)) node = around.initializer;
  if (!ts.isStringLiteralLike(node)) return undefined;
  return { name: node.text, span: nodeSpan(node, sourceFile), setsBlock: setsBlockKey(node) };
}

/** Tests whether a string literal is the value of a `block:` key, directly or as a branch of a conditional or logical expression. */
function setsBlockKey(literal: ts.StringLiteralLike): boolean {
  let value: ts.Node = literal;
  for (;;) {
    const parent = value.parent;
    const branch = ts.isConditionalExpression(parent) && parent.condition !== value;
    const logical = ts.isBinaryExpression(parent) && LOGICAL_OPERATORS.has(parent.operatorToken.kind);
    if (!ts.isParenthesizedExpression(parent) && !branch && !logical) break;
    value = parent;
  }
  const property = value.parent;
  const key = ts.isPropertyAssignment(property) && property.initializer === value ? property.name : undefined;
  return literalPropertyName(key) === 'block';
}

/**
 * Returns, by name, the ranges of every string literal of the file that sets a `block:` key, also
 * in a branch the evaluation did not take (`deep ? 'head' : 'ident'`), so that a rename edits it too.
 */
function blockLiteralsByName(sourceFile: ts.SourceFile): Map<string, Span[]> {
  const byName = new Map<string, Span[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && setsBlockKey(node)) {
      const spans = byName.get(node.text);
      if (spans) spans.push(nodeSpan(node, sourceFile));
      else byName.set(node.text, [nodeSpan(node, sourceFile)]);
    }
    node.forEachChild(visit);
  };
  visit(sourceFile);
  return byName;
}

/** Keys whose value enters W: an edge's or op's numbers and names, and the parts of a block. */
const W_KEYS: ReadonlySet<string> = new Set(['paths', 'graph', 'afterSum', 'ops', 'scale', 'from', 'to', 'op', 'gain', 'init', 'slope', 'alpha', 'block', 'repeat', 'mean', 'rms', 'peak']);

/**
 * Tests whether the key of the object at `path` can change W: every key of "paths" or "ops" names
 * a path or an op, and elsewhere the keys of W_KEYS do. A description or an unknown key does not.
 */
function changesW(path: readonly (string | number)[], key: string): boolean {
  const last = path[path.length - 1];
  const namesKeys = (last === 'paths' && path.length >= 3) || (last === 'ops' && path.length === 1);
  return namesKeys || W_KEYS.has(key);
}

/** Returns the innermost node whose text, without the trivia before it, contains `offset`. */
function nodeAt(sourceFile: ts.SourceFile, offset: number): ts.Node {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child = node.forEachChild((candidate) => (candidate.getStart(sourceFile) <= offset && offset < candidate.end ? candidate : undefined));
    if (!child) return node;
    node = child;
  }
}

/** Returns the range of the key of a `block:` property when `offset` is on that key or its colon. */
function blockKeyAt(sourceFile: ts.SourceFile, offset: number): Span | undefined {
  const node = nodeAt(sourceFile, offset);
  const property = ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) ? node : node.parent;
  if (!property || !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property))) return undefined;
  if (ts.isPropertyAssignment(property) && offset >= property.initializer.getStart(sourceFile)) return undefined;
  const key = property.name;
  return literalPropertyName(key) === 'block' ? nodeSpan(key, sourceFile) : undefined;
}

const LOGICAL_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken]);

export function readTypeScriptSource(text: string, options: TypeScriptSourceOptions = {}): SourceDocument {
  const problems: Problem[] = [];
  const parsed = parseModule(options.fileName ?? '', text);
  if (parsed) lastModelFile = { text, sourceFile: parsed.sourceFile };
  if (!parsed) {
    problems.push({
      code: 'syntax-error',
      message: 'The file is nested too deeply for the TypeScript parser; the file is not analysed. Flatten the structure.',
      span: { start: 0, end: Math.min(1, text.length) },
    });
    return emptyDocument(text, problems);
  }
  const sourceFile = parsed.sourceFile;
  // Made on navigation's first request, since an analysis alone never reads it.
  let blockLiterals: Map<string, Span[]> | undefined;
  let guessedFrom: number | undefined;
  for (const diagnostic of parseDiagnosticsOf(sourceFile)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    const span = clampedSpan(diagnostic, text.length);
    problems.push({ code: 'syntax-error', message: sentence, span });
    guessedFrom = Math.min(guessedFrom ?? span.start, span.start);
  }

  const evaluator = new Evaluator(parsed, options);
  let root: Value | undefined;
  try {
    root = evaluator.evaluateModel();
  } catch (error) {
    const stopped = stoppedBy(error);
    if (!stopped) throw error;
    problems.push(...evaluator.problems, {
      code: 'not-evaluated',
      message: `Evaluation stopped: ${stopped.reason}; the model is not analysed.`,
      span: stopped.at ? nodeSpan(stopped.at, sourceFile) : { start: 0, end: Math.min(1, text.length) },
      severity: 'error',
    });
    return emptyDocument(text, problems);
  }
  problems.push(...evaluator.problems);

  const tree = new ModelTree(root, evaluator);
  problems.push(...tree.problems);
  if (tree.plain === undefined && evaluator.hasDefaultExport) {
    // The not-evaluated finding names the expression; without a model nothing else would be an
    // error, and the file would pass a check.
    const cause = problems.find((problem) => problem.code === 'not-evaluated');
    problems.push({
      code: 'not-evaluated',
      message: 'The model (the default export) could not be evaluated statically, so nothing is analysed. Write it with literals, constants and helper functions that ResLint can follow.',
      span: cause?.span ?? { start: 0, end: Math.min(1, text.length) },
      severity: 'error',
    });
  }
  return {
    value: tree.plain,
    locate: (path, part) => tree.locate(path, part),
    problems,
    length: text.length,
    editor: new TypeScriptEditor(text, tree),
    unreadKeys: root?.kind === 'object' ? root.skippedKeys : undefined,
    skippedKeysAt: (path) => tree.skippedKeys.get(JSON.stringify(path)),
    partialAt: (path) => tree.partialObjects.has(JSON.stringify(path)),
    guessedFrom,
    blockLiteralAt: (offset) => blockLiteralAt(sourceFile, offset),
    blockKeyAt: (offset) => blockKeyAt(sourceFile, offset),
    blockLiteralsNamed: (name) => (blockLiterals ??= blockLiteralsByName(sourceFile)).get(name) ?? [],
    incompleteAt: (path) => tree.incompleteParts.has(JSON.stringify(path)),
    placedAt: (path) => tree.placedAt(path),
    originOf: (path, part = 'value') => tree.originOf(path, part),
    writtenKey: (path) => tree.writtenKey(path),
    sharedRanges: true,
  };
}

/** Returns the EvaluationStopped for an error that ends evaluation (a limit, or the stack running out); undefined for other errors. */
function stoppedBy(error: unknown): EvaluationStopped | undefined {
  if (error instanceof EvaluationStopped) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new EvaluationStopped('the expressions are nested too deeply for the available stack', undefined);
  }
  return undefined;
}

/**
 * Returns the range of a parser diagnostic, at least one character long and inside the text: an
 * error at the end of the file ("'}' expected") covers the last character.
 */
function clampedSpan(diagnostic: ts.DiagnosticWithLocation, length: number): Span {
  const end = Math.min(length, diagnostic.start + Math.max(1, diagnostic.length));
  return { start: Math.max(0, Math.min(diagnostic.start, end - 1)), end };
}

function emptyDocument(text: string, problems: Problem[]): SourceDocument {
  return {
    value: undefined,
    locate: () => undefined,
    problems,
    length: text.length,
    editor: { setNumber: () => undefined, wrapList: () => undefined },
  };
}

/** A value found at a path, with the entry that contains it (none for the root) and its range. */
export interface Resolved {
  value: Value;
  entry: Entry | undefined;
  span: Span | undefined;
}

/**
 * The evaluated model: its plain JSON-like value for validation, the ranges of its parts, and
 * which values a quick fix may edit.
 */
export class ModelTree {
  readonly plain: unknown;
  readonly problems: Problem[] = [];
  /**
   * How many times each value appears in the model, so a value shared by two places counts twice.
   * Only quick fixes need the counts, so editableNode makes them on its first call.
   */
  private occurrences: Map<Value, number> | undefined;
  private count = 0;
  private readonly rootSpan: Span | undefined;
  private readonly sourceFile: ts.SourceFile;
  private readonly evaluations: NodeCounts;
  /** Keys and indices from the root to the value that toPlain is converting. */
  private readonly path: (string | number)[] = [];
  /** The keys whose values could not be evaluated, by the path of their object (JSON text of the path). */
  readonly skippedKeys = new Map<string, string[]>();
  /** The paths of objects and lists that a spread or an element not evaluated may have left keys or elements out of, as JSON texts. */
  readonly partialObjects = new Set<string>();
  /** The paths, as JSON texts, at or under which an object or list lost a part that could not be evaluated. */
  readonly incompleteParts = new Set<string>();
  /** The segments of the last resolved path and the entries they led to, valid up to resolvedDepth. */
  private readonly resolvedSegments: (string | number)[] = [];
  private readonly resolvedEntries: Entry[] = [];
  private resolvedDepth = 0;

  constructor(
    private readonly root: Value | undefined,
    evaluator: Evaluator,
  ) {
    this.sourceFile = evaluator.main.sourceFile;
    this.evaluations = evaluator.evaluations;
    const exported = evaluator.defaultExportNode();
    this.rootSpan = (root && this.spanOf(root, undefined)) ?? (exported ? nodeSpan(exported, this.sourceFile) : undefined);
    this.plain = root ? this.toPlain(root, 0) : undefined;
    if (this.count > MAX_MODEL_VALUES) {
      this.plain = undefined;
      this.problems.push({
        code: 'not-evaluated',
        message: `The evaluated model has more than ${MAX_MODEL_VALUES.toLocaleString('en-US')} values; it is not analysed.`,
        span: this.rootSpan ?? { start: 0, end: 1 },
        severity: 'error',
      });
    }
  }

  /** Finds the value at a path; undefined when the model has no such part. */
  resolve(path: ValuePath): Resolved | undefined {
    if (!this.root) return undefined;
    // The pipeline locates many paths that share a prefix (a block, then its edges and ops), so
    // the entries along the previous path are reused as far as the segments are the same.
    const segments = this.resolvedSegments;
    const entries = this.resolvedEntries;
    let depth = 0;
    const shared = Math.min(path.length, this.resolvedDepth);
    while (depth < shared && segments[depth] === path[depth]) depth++;
    let value = depth === 0 ? this.root : entries[depth - 1].value;
    for (; depth < path.length; depth++) {
      const next = childEntry(value, path[depth]);
      if (!next) {
        this.resolvedDepth = depth;
        return undefined;
      }
      segments[depth] = path[depth];
      entries[depth] = next;
      value = next.value;
    }
    this.resolvedDepth = depth;

    // Values from imported files have no range here; they take the range of the nearest enclosing
    // value. Only the values from the end of the path up to the first one with a range are looked at.
    let span: Span | undefined;
    for (let index = depth - 1; index >= 0 && !span; index--) span = this.spanOf(entries[index].value, entries[index]);
    return { value, entry: depth > 0 ? entries[depth - 1] : undefined, span: span ?? this.rootSpan };
  }

  locate(path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined {
    const resolved = this.resolve(path);
    if (!resolved) return undefined;
    const key = part === 'key' && resolved.entry ? keyOrigin(resolved.entry) : undefined;
    if (key && this.isUnique(key.node, key)) {
      return nodeSpan(key.node, this.sourceFile);
    }
    return resolved.span;
  }

  /**
   * Returns the model-file node that created the value, when a quick fix may edit it: the node ran once,
   * no operation read the value's contents, and the value appears once in the model. Editing it
   * then changes this one part of the model and nothing else.
   */
  editableNode(value: Value): ts.Node | undefined {
    if (!this.isUnique(value.node, value)) return undefined;
    this.occurrences ??= this.countOccurrences();
    // A value created by expanding a literal after the count appears wherever the literal does.
    let occurrences = this.occurrences.get(value);
    for (let outer = containerOf(value); occurrences === undefined && outer; outer = containerOf(outer)) {
      occurrences = this.occurrences.get(outer);
    }
    if (value.reads > 0 || occurrences !== 1) return undefined;
    if (this.reachedByOtherCode(value.node)) return undefined;
    return value.node;
  }

  /** The identifiers of the model file that refer to a name, by name, made on first use. */
  private references: Map<string, ts.Identifier[]> | undefined;

  /**
   * Tests whether code that the evaluation did not run refers to a constant or function that
   * contains the node: another export that uses the same object, or a call of the same helper
   * outside the model. An edit there would change that code's value too. A name that a parameter
   * or a declaration between the reference and the constant's scope binds again refers to that
   * binding instead. A binding that this misses (a var in a sibling block) can only refuse an edit.
   */
  private reachedByOtherCode(node: ts.Node): boolean {
    for (let outer = node.parent; outer; outer = outer.parent) {
      const declared = (ts.isVariableDeclaration(outer) || ts.isFunctionDeclaration(outer)) && outer.name && ts.isIdentifier(outer.name) ? outer.name : undefined;
      if (!declared) continue;
      this.references ??= referencesByName(this.sourceFile);
      if (this.references.get(declared.text)?.some((reference) => this.evaluations.get(reference) === 0 && !boundBetween(reference, declared))) return true;
    }
    return false;
  }

  private isUnique(node: ts.Node, origin: Origin): boolean {
    return origin.file.isMain && this.evaluations.get(node) === 1;
  }

  /**
   * Chooses the range that shows a value. The first choice is the expression that created it, or
   * the one that put it into its list or object, if that expression ran once. Next comes the
   * innermost call in the model file that ran once, then the outermost call or the shared literal.
   * Values of imported files have no range here (undefined).
   */
  /**
   * Returns the range of the expression that placed the value at `path` in its list or object,
   * when that is another range than the value's own: a spread such as `...stem`, or the name of a
   * constant. Undefined when the two are the same or the place is not in the model's file.
   */
  /**
   * Returns the range of the model-file node that created the value at a path, or its key, even
   * where that node ran more than once: the string literal that names a block in every layer a
   * callback makes. Undefined for values made in other files.
   */
  originOf(path: ValuePath, part: 'key' | 'value'): Span | undefined {
    const resolved = this.resolve(path);
    if (!resolved) return undefined;
    const origin = part === 'key' ? resolved.entry && keyOrigin(resolved.entry) : resolved.value;
    return origin?.file.isMain ? nodeSpan(origin.node, this.sourceFile) : undefined;
  }

  writtenKey(path: ValuePath): WrittenKey | undefined {
    const resolved = this.resolve(path);
    const key = resolved?.entry && keyOrigin(resolved.entry);
    if (!key || ts.isComputedPropertyName(key.node)) return undefined;
    if (key.file.isMain) return { span: nodeSpan(key.node, this.sourceFile), evaluations: this.evaluations.get(key.node) };
    // A key written in an imported file is shown where this file places its object, such as the
    // helper's call, rather than at a value that this file passes in.
    const container = path.length > 0 ? this.resolve(path.slice(0, -1))?.span : undefined;
    return container && { span: container, evaluations: 0 };
  }

  placedAt(path: ValuePath): Span | undefined {
    const resolved = this.resolve(path);
    const slot = resolved?.entry?.slot;
    if (!resolved || !slot || !this.isUnique(slot.node, slot)) return undefined;
    const placed = nodeSpan(slot.node, this.sourceFile);
    return resolved.span && placed.start === resolved.span.start && placed.end === resolved.span.end ? undefined : placed;
  }

  private spanOf(value: Value, entry: Entry | undefined): Span | undefined {
    const created: Origin = value;
    const slot = entry?.slot;
    if (this.isUnique(created.node, created)) return nodeSpan(created.node, this.sourceFile);
    if (slot && this.isUnique(slot.node, slot)) return nodeSpan(slot.node, this.sourceFile);
    const call = this.innermostUniqueCall(created) ?? (slot && this.innermostUniqueCall(slot));
    if (call) return nodeSpan(call, this.sourceFile);
    const fallback = this.outermostMainNode(created) ?? (slot && this.outermostMainNode(slot));
    return fallback && nodeSpan(fallback, this.sourceFile);
  }

  private innermostUniqueCall(origin: Origin): ts.Node | undefined {
    for (let frame = origin.frame; frame; frame = frame.parent) {
      if (frame.file.isMain && this.evaluations.get(frame.node) === 1) return frame.node;
    }
    return undefined;
  }

  /** Returns the outermost call in the model file that led to the origin, or the origin's own node when it is in the model file. */
  private outermostMainNode(origin: Origin): ts.Node | undefined {
    let outermost: ts.Node | undefined;
    for (let frame = origin.frame; frame; frame = frame.parent) if (frame.file.isMain) outermost = frame.node;
    return outermost ?? (origin.file.isMain ? origin.node : undefined);
  }

  /**
   * Converts a value to the JSON-like value that validation reads. Objects drop properties whose value is undefined,
   * as JSON cannot hold them; functions are reported and left out. `this.path` is the value's path.
   */
  private toPlain(value: Value, depth: number): unknown {
    this.count += 1;
    if (this.count > MAX_MODEL_VALUES) return undefined;
    if (depth > MAX_JSON_DEPTH) {
      this.problems.push({
        code: 'not-evaluated',
        message: `The value is nested more than ${MAX_JSON_DEPTH} levels deep; it is skipped.`,
        span: this.locate(this.path) ?? this.rootSpan ?? { start: 0, end: 1 },
      });
      return undefined;
    }
    const path = this.path;
    if (isLiteralValue(value) && !value.expanded) {
      // Converted from the syntax tree when the whole literal is within the limits checked here.
      const shape = value.shape;
      if (depth + shape.height <= MAX_JSON_DEPTH && this.count - 1 + shape.values <= MAX_MODEL_VALUES) {
        this.count += shape.values - 1;
        return value.takePlain();
      }
    }
    switch (value.kind) {
      case 'primitive':
        return value.value;
      case 'array': {
        if (value.partial) {
          this.partialObjects.add(JSON.stringify(path));
          this.markIncomplete(path);
        }
        // map makes an array of the final length, while one that grows by push keeps unused room.
        return value.items.map((entry, index) => {
          path.push(index);
          const converted = this.toPlain(entry.value, depth + 1);
          path.pop();
          return converted;
        });
      }
      case 'object': {
        const object: Record<string, unknown> = {};
        const entries = value.entries;
        if (value.skippedKeys && value.skippedKeys.size > 0) {
          const skipped = [...value.skippedKeys];
          this.skippedKeys.set(JSON.stringify(path), skipped);
          if (skipped.some((key) => changesW(path, key))) this.markIncomplete(path);
        }
        if (value.partial) {
          this.partialObjects.add(JSON.stringify(path));
          this.markIncomplete(path);
        }
        // Insertion order is the enumeration order unless a key is an array index, and most
        // objects have none, so they skip sorting and the lookup of each key.
        if (hasArrayIndexKey(entries)) {
          for (const key of orderedKeys(entries.keys())) this.addPlainProperty(object, key, entries.get(key) as Entry, depth);
        } else {
          for (const [key, entry] of entries) this.addPlainProperty(object, key, entry, depth);
        }
        return object;
      }
      default:
        this.problems.push({
          code: 'schema',
          message: `${value.kind === 'function' ? `The function "${value.name}"` : `"${value.name}"`} is not a value of the model format; call it or write the value itself.`,
          span: this.locate(path) ?? this.rootSpan ?? { start: 0, end: 1 },
        });
        return undefined;
    }
  }

  /** Records that the part at `path` lost a part, for it and every part that contains it. */
  private markIncomplete(path: readonly (string | number)[]): void {
    for (let length = path.length; length >= 0; length--) {
      const key = JSON.stringify(path.slice(0, length));
      if (this.incompleteParts.has(key)) return;
      this.incompleteParts.add(key);
    }
  }

  /** Converts one property for toPlain and sets it on `object`, unless it is left out. */
  private addPlainProperty(object: Record<string, unknown>, key: string, entry: Entry, depth: number): void {
    const path = this.path;
    path.push(key);
    // Assigning "__proto__" would replace the prototype, so the key is left out, as in the JSON front end.
    if (key === '__proto__') {
      this.problems.push({
        code: 'schema',
        message: 'The key "__proto__" is reserved in JavaScript and cannot name a block, path, op or setting; it is ignored. Rename it.',
        span: this.locate(path, 'key') ?? this.rootSpan ?? { start: 0, end: 1 },
      });
    } else {
      const converted = this.toPlain(entry.value, depth + 1);
      if (converted !== undefined) object[key] = converted;
    }
    path.pop();
  }

  /**
   * Counts how many times each value appears in the plain value. It visits the values in the
   * order toPlain does and stops at the same limits, so it counts the values that toPlain converted.
   */
  private countOccurrences(): Map<Value, number> {
    const occurrences = new Map<Value, number>();
    let count = 0;
    const visit = (value: Value, depth: number): void => {
      count += 1;
      if (count > MAX_MODEL_VALUES) return;
      occurrences.set(value, (occurrences.get(value) ?? 0) + 1);
      if (depth > MAX_JSON_DEPTH) return;
      if (isLiteralValue(value) && !value.expanded) {
        // toPlain converted it whole, so its values count, but it is not expanded for them.
        count += value.shape.values - 1;
        return;
      }
      if (value.kind === 'array') {
        for (const entry of value.items) visit(entry.value, depth + 1);
      } else if (value.kind === 'object') {
        for (const key of orderedKeys(value.entries.keys())) {
          if (key !== '__proto__') visit((value.entries.get(key) as Entry).value, depth + 1);
        }
      }
    };
    if (this.root) visit(this.root, 0);
    return occurrences;
  }
}

/**
 * Lists the identifiers of a file that refer to a declared name, by name: not the names that
 * declarations, properties, imports and types introduce, but shorthand properties and exports.
 */
function referencesByName(sourceFile: ts.SourceFile): Map<string, ts.Identifier[]> {
  const references = new Map<string, ts.Identifier[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isIdentifier(node) && refersToDeclaration(node)) {
      const list = references.get(node.text);
      if (list) list.push(node);
      else references.set(node.text, [node]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return references;
}

/**
 * Tests whether a scope between `reference` and the scope of `declared` binds the same name
 * again: a parameter, a declaration in an enclosing block or function body, a loop variable or a
 * catch variable. The reference then reads that binding, not `declared`.
 */
function boundBetween(reference: ts.Identifier, declared: ts.Identifier): boolean {
  const name = reference.text;
  const other = (binding: ts.BindingName | undefined): boolean => binding !== undefined && binding !== declared && bindsName(binding, name);
  for (let scope = reference.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      if (scope.parameters.some((parameter) => other(parameter.name))) return true;
      if ((ts.isFunctionExpression(scope) || ts.isClassExpression(scope)) && scope.name && other(scope.name)) return true;
    }
    if (ts.isCatchClause(scope) && other(scope.variableDeclaration?.name)) return true;
    if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      if (scope.initializer.declarations.some((declaration) => other(declaration.name))) return true;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
      for (const statement of scope.statements) {
        const names: (ts.BindingName | undefined)[] = ts.isVariableStatement(statement)
          ? statement.declarationList.declarations.map((declaration) => declaration.name)
          : ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)
            ? [statement.name]
            : [];
        if (names.some((binding) => binding === declared)) return false;
        if (names.some(other)) return true;
      }
    }
  }
  return false;
}

/** Tests whether a binding name or pattern binds `name`. */
function bindsName(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, name));
}

/** Tests whether an identifier reads a variable or function, rather than naming a new one or a property. */
function refersToDeclaration(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return parent.name === identifier;
  if (ts.isExportSpecifier(parent)) return (parent.propertyName ?? parent.name) === identifier;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === identifier;
  const named = parent as { name?: ts.Node; propertyName?: ts.Node };
  return named.name !== identifier && named.propertyName !== identifier && !ts.isLabeledStatement(parent) && !ts.isBreakOrContinueStatement(parent);
}

function hasArrayIndexKey(entries: Map<string, Entry>): boolean {
  for (const key of entries.keys()) if (isArrayIndex(key)) return true;
  return false;
}

function childEntry(value: Value, segment: string | number): Entry | undefined {
  if (value.kind === 'object') {
    const entry = value.entries.get(String(segment));
    // A property set to undefined is absent from the plain value, so it has no location either.
    return entry && !(entry.value.kind === 'primitive' && entry.value.value === undefined) ? entry : undefined;
  }
  if (value.kind === 'array') {
    const index = typeof segment === 'number' ? segment : isArrayIndex(segment) ? Number(segment) : -1;
    return value.items[index];
  }
  return undefined;
}
