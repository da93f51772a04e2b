// The fast way through the JSON-with-comments front end, for the usual text, which has no problem.
// JSON.parse makes the value. The range of a part is found only when a caller needs it, one object
// or list at a time. At 10,000 blocks an analysis locates about 220 parts, and
// range tables for all 300,000 values had been most of the time the reading took.
//
// Any text this path cannot vouch for (a syntax error, a duplicate key, a "__proto__" key, a
// number too small for a double, nesting too deep) is left to the full reader, which reports it.

import type { ValuePath } from './source';

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const STAR = 42;
const COMMA = 44;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COLON = 58;
const UPPER_E = 69;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * A run of more digits than this can spell a number below the smallest double: without an
 * exponent, one needs at least 324 digits after the point, as 0.000...1 does. Such a number reads
 * as 0 and must be reported, so a text with a longer run goes to the full reader.
 */
const MAX_DIGIT_RUN = 300;

/** A value read by quickRead, with the offsets where its text starts and ends. */
export interface QuickRead {
  value: unknown;
  start: number;
  end: number;
  /** The children of the objects and lists nested at most `shallowDepth` levels, by start offset. */
  shallow: Map<number, Children>;
  /** The end of each object or list of at least LARGE_CONTAINER characters, by start offset. */
  largeEnds: Map<number, number>;
}

/**
 * Objects and lists this long get their end recorded by quickRead, so that listing the children
 * of a container skips them instead of scanning them. Without it, the first range located d
 * levels deep scans the text d times: 2 s for a 4 MB text nested 254 levels. At most 256 of them
 * fit side by side in a 16 MiB text, at each of the 256 levels.
 */
const LARGE_CONTAINER = 65536;

/** An object or list that quickRead lists the children of while it reads, and the child being read. */
interface OpenContainer {
  start: number;
  isObject: boolean;
  /** Four offsets per finished child, as in Children. */
  offsets: number[];
  keyStart: number;
  keyEnd: number;
  valueStart: number;
}

/**
 * Returns the value of a text that jsonc-parser reads without a problem (comments and trailing
 * commas allowed), or undefined for any other text. It also rejects text nested more than
 * `maxDepth` levels, and text with a run of more than MAX_DIGIT_RUN digits.
 *
 * One pass over the characters counts the keys, blanks out comments and trailing commas, and
 * checks the nesting. It also lists the children of the root and of the containers right inside
 * it (`shallowDepth` 2), such as "blocks" and "layers" of a model, which every located part
 * passes through. JSON.parse then reads what is left. JSON.parse keeps the last of two equal keys
 * without an error, so a value with fewer keys than the text has colons is rejected.
 */
export function quickRead(text: string, maxDepth: number, shallowDepth = 2): QuickRead | undefined {
  const length = text.length;
  let keys = 0;
  let depth = 0;
  let digits = 0;
  let first = -1;
  // The last two characters that are not space or comment: a comma before a closing bracket is
  // a trailing comma, unless it follows an opening bracket or another comma.
  let last = -1;
  let beforeLast = -1;
  // Start and end of each stretch to blank out, in text order.
  const blanks: number[] = [];
  // The open containers nested at most shallowDepth levels, outermost first, and those closed.
  const open: OpenContainer[] = [];
  const closed: OpenContainer[] = [];
  // The start of every open object or list, by depth.
  const starts: number[] = [];
  const largeEnds = new Map<number, number>();

  let at = 0;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === SPACE || code === LINE_FEED || code === CARRIAGE_RETURN || code === TAB) {
      at++;
      continue;
    }
    if (code === SLASH) {
      const end = commentEnd(text, at);
      if (end < 0) return undefined;
      blanks.push(at, end);
      at = end;
      continue;
    }
    if (first < 0) first = at;
    // The innermost open container when it is listed: each token in it starts or ends a child.
    const container = depth > 0 && depth <= shallowDepth ? open[depth - 1] : undefined;
    if (code === QUOTE) {
      const end = stringEnd(text, at);
      if (end < 0) return undefined;
      if (container) {
        if (container.isObject && container.keyStart < 0) {
          container.keyStart = at;
          container.keyEnd = end;
        } else if (container.valueStart < 0) container.valueStart = at;
      }
      beforeLast = last;
      last = end - 1;
      digits = 0;
      at = end;
      continue;
    }
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      if (++digits > MAX_DIGIT_RUN) return undefined;
      if (container && container.valueStart < 0) container.valueStart = at;
    } else {
      digits = 0;
      if (code === COLON) keys++;
      else if (code === COMMA) {
        if (container) finishChild(container, last + 1);
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (container && container.valueStart < 0) container.valueStart = at;
        if (++depth > maxDepth) return undefined;
        starts[depth - 1] = at;
        if (depth <= shallowDepth) open[depth - 1] = { start: at, isObject: code === OPEN_BRACE, offsets: [], keyStart: -1, keyEnd: -1, valueStart: -1 };
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        const trailingComma = last >= 0 && text.charCodeAt(last) === COMMA && !isOpeningOrComma(text.charCodeAt(beforeLast));
        if (trailingComma) addBlank(blanks, last);
        if (container) {
          finishChild(container, last + 1);
          closed.push(container);
        }
        if (depth > 0 && at + 1 - starts[depth - 1] >= LARGE_CONTAINER) largeEnds.set(starts[depth - 1], at + 1);
        depth--;
      } else {
        if ((code === LOWER_E || code === UPPER_E) && underflows(text, at)) return undefined;
        if (container && container.valueStart < 0) container.valueStart = at;
      }
    }
    beforeLast = last;
    last = at;
    at++;
  }
  if (first < 0) return undefined;

  let value: unknown;
  try {
    value = JSON.parse(blanked(text, blanks));
  } catch {
    return undefined;
  }
  if (countKeys(value) !== keys) return undefined;

  const shallow = new Map<number, Children>();
  for (const container of closed) {
    const keyNames: string[] = [];
    if (container.isObject) for (let index = 0; index < container.offsets.length; index += 4) keyNames.push(keyText(text, container.offsets[index], container.offsets[index + 1]));
    shallow.set(container.start, new Children(container.isObject, Int32Array.from(container.offsets), keyNames));
  }
  return { value, start: first, end: last + 1, shallow, largeEnds };
}

/** Records the child being read, which ends at `end`, if one was begun. After a trailing comma none was. */
function finishChild(container: OpenContainer, end: number): void {
  if (container.valueStart < 0) return;
  container.offsets.push(container.keyStart, container.keyEnd, container.valueStart, end);
  container.keyStart = -1;
  container.keyEnd = -1;
  container.valueStart = -1;
}

/** Returns the key that the string from `start` to `end` spells, in text that JSON.parse accepted. */
function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

function isOpeningOrComma(code: number): boolean {
  return code === OPEN_BRACE || code === OPEN_BRACKET || code === COMMA;
}

/** Adds the one character at `at` to the stretches to blank, before the comments that follow it. */
function addBlank(blanks: number[], at: number): void {
  let index = blanks.length;
  while (index > 0 && blanks[index - 2] > at) index -= 2;
  blanks.splice(index, 0, at, at + 1);
}

/** Returns the text with each stretch replaced by one space, which keeps the tokens on either side apart. */
function blanked(text: string, blanks: readonly number[]): string {
  if (blanks.length === 0) return text;
  const pieces: string[] = [];
  let from = 0;
  for (let index = 0; index < blanks.length; index += 2) {
    pieces.push(text.slice(from, blanks[index]));
    from = blanks[index + 1];
  }
  pieces.push(text.slice(from));
  return pieces.join(' ');
}

/**
 * Checks whether the exponent marker at `at` belongs to a number with a nonzero digit that reads
 * as 0, such as 1e-400. An "e" after anything but a digit or a point is part of a word.
 */
function underflows(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (!(before === DOT || (before >= DIGIT_0 && before <= DIGIT_9))) return false;
  let start = at;
  while (start > 0 && /[-0-9.]/.test(text[start - 1])) start--;
  let end = at + 1;
  while (end < text.length && /[-+0-9]/.test(text[end])) end++;
  const mantissa = text.slice(start, at);
  return Number(text.slice(start, end)) === 0 && /[1-9]/.test(mantissa);
}

/** Returns the number of keys of all objects in a value. A "__proto__" key, which the full reader reports, gives NaN. */
function countKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) count += countKeys(value[index]);
    return count;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (key === '__proto__') return Number.NaN;
    count += 1 + countKeys(object[key]);
  }
  return count;
}

/** Returns the offset after the string that starts at `at`, or -1 when it is not closed. */
function stringEnd(text: string, at: number): number {
  let close = text.indexOf('"', at + 1);
  while (close >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

/**
 * Returns the offset after the comment that starts at `at`, or -1 when none starts there or it is
 * not closed. A line comment ends before a line feed or a carriage return, as jsonc-parser reads it.
 */
function commentEnd(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (next === STAR) {
    const close = text.indexOf('*/', at + 2);
    return close < 0 ? -1 : close + 2;
  }
  return next === SLASH ? lineEnd(text, at + 2) : -1;
}

/** Returns the offset of the line feed or carriage return that ends the line at `at`, or the text's length. */
export function lineEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === LINE_FEED || code === CARRIAGE_RETURN) break;
    end++;
  }
  return end;
}

/** Returns the offset of the first character at or after `at` that is not space or comment. */
function skipTrivia(text: string, at: number): number {
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === SPACE || code === LINE_FEED || code === CARRIAGE_RETURN || code === TAB) at++;
    else if (code === SLASH) at = commentEnd(text, at);
    else break;
  }
  return at;
}

/** Returns the offset after the value that starts at `at`, in text that quickRead accepted. */
function valueEnd(text: string, at: number, largeEnds: ReadonlyMap<number, number>): number {
  const code = text.charCodeAt(at);
  if (code === QUOTE) return stringEnd(text, at);
  if (code === OPEN_BRACE || code === OPEN_BRACKET) {
    const known = largeEnds.get(at);
    if (known !== undefined) return known;
    let depth = 0;
    let index = at;
    while (index < text.length) {
      const inner = text.charCodeAt(index);
      if (inner === QUOTE) index = stringEnd(text, index);
      else if (inner === SLASH) index = commentEnd(text, index);
      else if (depth > 0 && (inner === OPEN_BRACE || inner === OPEN_BRACKET) && largeEnds.has(index)) index = largeEnds.get(index) as number;
      else {
        if (inner === OPEN_BRACE || inner === OPEN_BRACKET) depth++;
        else if ((inner === CLOSE_BRACE || inner === CLOSE_BRACKET) && --depth === 0) return index + 1;
        index++;
      }
    }
    return text.length;
  }
  // A number or a word ends at a separator, a space or a comment.
  let end = at + 1;
  while (end < text.length) {
    const next = text.charCodeAt(end);
    if (next === COMMA || next === CLOSE_BRACE || next === CLOSE_BRACKET || next === SLASH || next === SPACE || next === LINE_FEED || next === CARRIAGE_RETURN || next === TAB) break;
    end++;
  }
  return end;
}

/** A located part of a value: its offsets, and its key's when it is a property of an object (else -1). */
export interface Located {
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  /**
   * The handle the layout that found the part lists its children by: a row of the full reader's
   * tables, or the start offset for the fast read. It is -1 for a part that the full reader found
   * to have no children.
   */
  layout: number;
}

/** The ranges of the parts of a read value in its text. */
export interface Layout {
  /** The part at a path, or undefined when the value has none there. */
  find(path: ValuePath): Located | undefined;
  /** The children of a located object or list, or undefined for any other value. */
  children(part: Located): Children | undefined;
}

/** Objects with more keys than this get a map from key to position. */
const INDEXED_OBJECT_SIZE = 16;

/** The children of one object or list: where each is, and for an object, by key. */
export class Children {
  private byKey?: Map<string, number>;

  constructor(
    readonly isObject: boolean,
    /** Four offsets per child: key start, key end (-1 in lists), value start, value end. */
    readonly offsets: Int32Array,
    /** The children's keys, in text order, or none for a list. */
    readonly keys: readonly string[],
  ) {}

  get count(): number {
    return this.offsets.length / 4;
  }

  /** Position of the child with `key` (the last one, whose value the object has), or -1. */
  position(key: string): number {
    if (!this.isObject) return -1;
    if (this.keys.length > INDEXED_OBJECT_SIZE) {
      if (!this.byKey) {
        this.byKey = new Map();
        this.keys.forEach((each, index) => this.byKey?.set(each, index));
      }
      return this.byKey.get(key) ?? -1;
    }
    return this.keys.lastIndexOf(key);
  }

  /** Position of the child whose value strictly contains `offset`, or -1. */
  around(offset: number): number {
    const offsets = this.offsets;
    let low = 0;
    let high = this.count - 1;
    // Children are in text order: the last one starting before the offset is the only candidate.
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (offsets[middle * 4 + 2] < offset) low = middle;
      else high = middle - 1;
    }
    if (high < low) return -1;
    return offsets[low * 4 + 2] < offset && offset < offsets[low * 4 + 3] ? low : -1;
  }
}

/** Reads the children of the object or list that starts at `start`, in text that quickRead accepted. */
function readChildren(text: string, start: number, largeEnds: ReadonlyMap<number, number>): Children {
  const isObject = text.charCodeAt(start) === OPEN_BRACE;
  const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
  const offsets: number[] = [];
  const keys: string[] = [];
  let at = start + 1;
  while (at < text.length) {
    at = skipTrivia(text, at);
    const code = text.charCodeAt(at);
    if (code === close) break;
    if (code === COMMA) {
      at++;
      continue;
    }
    let keyStart = -1;
    let keyEnd = -1;
    if (isObject) {
      keyStart = at;
      keyEnd = stringEnd(text, at);
      keys.push(keyText(text, keyStart, keyEnd));
      // Past the colon to the value.
      at = skipTrivia(text, skipTrivia(text, keyEnd) + 1);
    }
    const end = valueEnd(text, at, largeEnds);
    offsets.push(keyStart, keyEnd, at, end);
    at = end;
  }
  return new Children(isObject, Int32Array.from(offsets), keys);
}

/**
 * The ranges of the parts of a value that quickRead read, found when first asked: the children of
 * each object or list are read once, on the first path through it, and kept.
 */
export class LazyLayout implements Layout {
  readonly root: { start: number; end: number };
  /** The children of each object or list listed so far, by the offset where it starts. */
  private readonly read: Map<number, Children>;
  /** The end of each object or list of at least LARGE_CONTAINER characters, by start offset. */
  readonly largeEnds: ReadonlyMap<number, number>;

  constructor(
    readonly text: string,
    quick: Pick<QuickRead, 'start' | 'end' | 'shallow' | 'largeEnds'>,
  ) {
    this.root = { start: quick.start, end: quick.end };
    this.read = quick.shallow;
    this.largeEnds = quick.largeEnds;
  }

  find(path: ValuePath): Located | undefined {
    let { start, end } = this.root;
    let keyStart = -1;
    let keyEnd = -1;
    for (const segment of path) {
      const children = this.childrenAt(start);
      if (!children) return undefined;
      const position = typeof segment === 'string' ? children.position(segment) : children.isObject || !Number.isInteger(segment) ? -1 : segment;
      if (position < 0 || position >= children.count) return undefined;
      const at = position * 4;
      const offsets = children.offsets;
      keyStart = offsets[at];
      keyEnd = offsets[at + 1];
      start = offsets[at + 2];
      end = offsets[at + 3];
    }
    return { start, end, keyStart, keyEnd, layout: start };
  }

  children(part: Located): Children | undefined {
    return this.childrenAt(part.start);
  }

  /** Returns the children of the object or list that starts at `start`, or undefined for any other value. */
  childrenAt(start: number): Children | undefined {
    const known = this.read.get(start);
    if (known) return known;
    const code = this.text.charCodeAt(start);
    if (code !== OPEN_BRACE && code !== OPEN_BRACKET) return undefined;
    const children = readChildren(this.text, start, this.largeEnds);
    this.read.set(start, children);
    return children;
  }

  /**
   * Returns the layout of a text made from this one by replacing one value, which spans `start` to `end`
   * in this text, with `part` (the quick read of its new text, `delta` characters longer). The
   * children listed of `holders`, the containers that hold the value, are taken over, and their
   * offsets after the value move. Any other container is listed again when asked. This layout
   * must not be used afterwards.
   */
  edited(text: string, holders: readonly number[], start: number, end: number, delta: number, part: QuickRead): LazyLayout {
    const read = new Map<number, Children>();
    for (const holder of holders) {
      const children = this.read.get(holder);
      if (!children) continue;
      const offsets = children.offsets;
      for (let index = 0; index < offsets.length; index++) if (offsets[index] >= end) offsets[index] += delta;
      read.set(holder, children);
    }
    const largeEnds = new Map<number, number>();
    for (const [from, to] of this.largeEnds) {
      // Containers before the value stay, those after it move and those around it grow. Those inside it are dropped.
      if (from >= end) largeEnds.set(from + delta, to + delta);
      else if (to <= start) largeEnds.set(from, to);
      else if (from < start && to >= end) largeEnds.set(from, to + delta);
    }
    for (const [from, to] of part.largeEnds) largeEnds.set(from + start, to + start);
    return new LazyLayout(text, { start: this.root.start, end: this.root.end + delta, shallow: read, largeEnds });
  }
}
