// What a front end (JSON with comments, or the TypeScript DSL) hands to the core: the plain value
// it read, a way to find the text range of any part of it, and the problems it met while reading.
import { Slot } from './slot';
import type { Code, Severity } from './codes';

/**
 * A half-open range of UTF-16 code unit offsets into the document text, as LSP and JS strings
 * count. Read-only, because one span object is shared: a part of the model keeps its range, and
 * a finding about it can hold the same object.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A location inside the value: object keys and array indices, outermost first. */
export type ValuePath = readonly (string | number)[];

/** A problem found while reading, validating or analysing, before severities are settled. */
export interface Problem {
  code: Code;
  message: string;
  span: Span;
  /** Overrides the code's default severity for this one problem. */
  severity?: Severity;
  /** The defined name that a misspelt one probably means; a quick fix writes it in place of the quoted name at `span`. */
  suggestion?: string;
}

export interface SourceDocument {
  /** The value read from the document; undefined where nothing could be read. */
  value: unknown;
  /** Range of the value at a path, or of its key when part is 'key'; undefined when absent. */
  locate(path: ValuePath, part?: 'key' | 'value'): Span | undefined;
  /** Problems met while reading (syntax errors, duplicate keys, expressions not evaluated). */
  problems: Problem[];
  /** Length of the document text. */
  length: number;
  /**
   * Set when the text ends inside an object or list and the indentation shows that a closing
   * bracket earlier was written for an outer one. Everything after that bracket is then read one
   * level too deep, so problems about the structure would describe a nesting not written.
   */
  nestingUnknown?: boolean;
  /**
   * Offset of a *.arch.ts model's first syntax error. The parser guesses the structure of what
   * follows (`blocks: {}` after a missing `]` becomes an element of "layers"), so problems about
   * the structure after it would describe a model not written.
   */
  guessedFrom?: number;
  /**
   * The text, where the text of each part alone decides that part's value (JSON). Absent where a
   * part can depend on text elsewhere, as a TypeScript value can on a variable declared above it.
   */
  text?: string;
  /** Set when the document was read from an earlier version's by reading one block again. */
  patch?: BlockPatch;
  /**
   * A token for this read, which a patch made from it names. A token rather than the document,
   * so that a chain of versions does not keep every earlier document alive.
   */
  revision?: object;
  /** Text edits in this document's own syntax, for quick fixes. */
  editor: SourceEditor;
  /**
   * Top-level keys written in the document whose values could not be read (a TypeScript
   * expression not evaluated), so they are absent from `value` but not missing from the text.
   */
  unreadKeys?: ReadonlySet<string>;
  /** The keys of the object at a path whose values could not be read, as unreadKeys for the top level. */
  skippedKeysAt?(path: ValuePath): readonly string[] | undefined;
  /**
   * Whether the object or list at a path had a spread or an element that could not be read, so any
   * key or element may be missing from it.
   */
  partialAt?(path: ValuePath): boolean;
  /**
   * Returns the string literal at an offset, with the text it writes and whether it sets a "block"
   * key. Only TypeScript models have it.
   */
  blockLiteralAt?(offset: number): { name: string; span: Span; setsBlock: boolean } | undefined;
  /**
   * Returns the ranges of the string literals that set a `block:` key to `name`, in branches that
   * were not evaluated too. Only TypeScript models have it.
   */
  blockLiteralsNamed?(name: string): readonly Span[];
  /** Returns the range of a `block:` key when an offset is on it. Only TypeScript models have it. */
  blockKeyAt?(offset: number): Span | undefined;
  /**
   * Whether the value at a path, or a value inside it, lost a key or an element that could not be
   * read (a *.arch.ts expression not evaluated). Only TypeScript models have it.
   */
  incompleteAt?(path: ValuePath): boolean;
  /**
   * Returns the range of the expression that placed the value at a path in its container, when
   * that is not the value's own range: a spread (`...stem`) or a constant's name in a list. Only
   * TypeScript models have it.
   */
  placedAt?(path: ValuePath): Span | undefined;
  /**
   * Returns the range of the expression that created the value at a path, or its key, even where
   * that expression made other values too. Only TypeScript models have it.
   */
  originOf?(path: ValuePath, part?: 'key' | 'value'): Span | undefined;
  /**
   * Returns where the model file writes the key at a path: the key or string the evaluation ran,
   * or for a key written in an imported file, the object that this file places (a helper's call).
   * Undefined for a computed key. Only TypeScript models have it.
   */
  writtenKey?(path: ValuePath): WrittenKey | undefined;
  /**
   * True where several parts can share one range: values that one TypeScript expression makes,
   * or one literal used twice. In JSON every part has its own range.
   */
  sharedRanges?: boolean;
}

/** The record of a read made from an earlier version's read by reading one block again. */
export interface BlockPatch {
  /**
   * The `revision` of the earlier version's document. That document's value and tables were
   * updated in place, so it must not be read afterwards.
   */
  from: object;
  /** The block whose value was read again; every other part has the same text as before. */
  block: string;
  /** End of that block's value in the new text. Offsets from here on moved by `delta`. */
  end: number;
  delta: number;
}

/** A replacement of a range of the document text. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** Minimal edits that keep the rest of the text, comments and formatting as they are. */
export interface SourceEditor {
  /** Sets (adds or replaces) a numeric property of the object at `path`. */
  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined;
  /** Turns the list at `path` into an object { [listKey]: list, [key]: value }. */
  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined;
  /** Sets a string at an object path, adding the objects missing on the way. JSON models use setJsonValue instead. */
  setString?(path: ValuePath, value: string): TextEdit[] | undefined;
}

/** Returns the text with non-overlapping edits applied. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let result = '';
  let from = 0;
  for (const edit of sorted) {
    result += text.slice(from, edit.span.start) + edit.newText;
    from = edit.span.end;
  }
  return result + text.slice(from);
}

/** Finds the range of a path, falling back to the nearest enclosing value that has one. */
export function locateNearest(doc: SourceDocument, path: ValuePath, part: 'key' | 'value' = 'value'): Span {
  // Almost every path exists, so the path itself is tried before any shorter copy of it is made.
  const found = doc.locate(path, part);
  if (found) return found;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const span = doc.locate(path.slice(0, depth), depth === path.length ? part : 'key');
    if (span) return span;
  }
  return { start: 0, end: Math.min(doc.length, 1) };
}

/** The range of a key written in a *.arch.ts model, and how many times the evaluation ran it (0 where it is written in an imported file). */
export interface WrittenKey {
  span: Span;
  evaluations: number;
}

/** The path of an unknown-key problem and where its key is written, kept for placeUnknownKeys. */
const unknownKeys = new Slot<Problem, { path: string; written: WrittenKey }>('where an unknown key is written');

/**
 * Makes the problem for a key that the format does not define, at the key's range. In a *.arch.ts
 * model placeUnknownKeys may move it to where a helper writes the key.
 */
export function unknownKeyProblem(doc: SourceDocument, path: ValuePath, message: string): Problem {
  const problem: Problem = { code: 'unknown-key', message, span: locateNearest(doc, path, 'key') };
  const written = doc.writtenKey?.(path);
  if (written && (written.span.start !== problem.span.start || written.span.end !== problem.span.end)) {
    unknownKeys.set(problem, { path: JSON.stringify(path), written });
  }
  return problem;
}

/**
 * Shows the unknown-key problems of a key that a *.arch.ts helper writes once at that key, instead
 * of at each call, when the key is unknown at every place the helper's runs put it, for the same
 * reason. Where one run puts it where it is defined, deleting it would change the model, and
 * where the reasons differ ("relu" takes no parameters, "elu" takes "alpha"), only the calls tell
 * which is which, so the calls keep them.
 */
export function placeUnknownKeys(problems: readonly Problem[]): void {
  const byKey = new Map<string, { written: WrittenKey; problems: Problem[]; paths: Set<string>; message: string; sameMessage: boolean }>();
  for (const problem of problems) {
    const entry = unknownKeys.get(problem);
    if (!entry) continue;
    const at = `${entry.written.span.start} ${entry.written.span.end}`;
    let group = byKey.get(at);
    if (!group) {
      group = { written: entry.written, problems: [], paths: new Set(), message: problem.message, sameMessage: true };
      byKey.set(at, group);
    }
    group.problems.push(problem);
    group.paths.add(entry.path);
    if (problem.message !== group.message) group.sameMessage = false;
  }
  for (const { written, problems: group, paths, sameMessage } of byKey.values()) {
    if (paths.size < written.evaluations || !sameMessage) continue;
    for (const problem of group) problem.span = written.span;
  }
}

/** Deep equality of two values read from a model: plain objects, lists and primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

/** Returns whether a value read from JSON is an object, not a list or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns how many characters from `offset` on, up to `end`, belong to a name being typed inside a
 * string: up to a space, or a bracket, comma or colon. In a string that runs on past what was meant
 * (a quote typed before `}, ["relu"]`), a completed name then replaces the word, not the rest.
 */
export function nameRunAfter(text: string, offset: number, end: number): number {
  let at = offset;
  while (at < end && !/[\s{}[\],:]/.test(text[at])) at++;
  return at - offset;
}

/**
 * Quotes a name from the model for a message, escaped as a JSON string, so that a quote, a
 * control character or a line separator in it cannot break the message: "we\"ird".
 */
export function quotedName(name: string): string {
  const quoted = JSON.stringify(name);
  // JSON.stringify leaves the two line separators as they are, which most names do not contain.
  if (!quoted.includes('\u2028') && !quoted.includes('\u2029')) return quoted;
  return quoted.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Names listed in a message, such as the defined blocks; the rest are counted. */
const MAX_LISTED_NAMES = 8;

/**
 * Quotes the first names for a message, so that a name such as "" or "a, b" reads as one name,
 * and counts the rest ("3 more").
 */
export function listedNames(names: Iterable<string>): string[] {
  const all = [...names];
  const listed = all.slice(0, MAX_LISTED_NAMES).map(quotedName);
  if (all.length > MAX_LISTED_NAMES) listed.push(`${all.length - MAX_LISTED_NAMES} more`);
  return listed;
}
