// The JSON-with-comments front end: reads *.arch.json text with jsonc-parser's visitor into a
// plain value and a compact layout of where each part of it is, reports syntax errors and
// duplicate keys, and edits the text minimally.
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import type { Problem, SourceDocument, SourceEditor, Span, TextEdit, ValuePath } from './source';

/** Deepest nesting of objects and lists read; deeper text is rejected before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_JSON_DEPTH = 256;

/**
 * Positions of every part of the value in the text, kept in typed arrays. A model of 10,000
 * blocks has about 100,000 objects and lists and 300,000 values. An object or a number array per
 * part would cost more memory than the value itself.
 *
 * A record is one child of an object or list with a value; the records of one container are
 * contiguous. A layout is one container; only containers get a layout, and a number or string is
 * found through its record.
 */
interface Records {
  /** Four offsets per record: key start, key end, value start, value end (keys -1 in lists). */
  offsets: Int32Array;
  /** The key of each record; undefined in lists. */
  keys: (string | undefined)[];
  /** Per record, the layout of the child when it is an object or list, else -1. */
  childLayouts: Int32Array;
  /** LAYOUT_FIELDS numbers per layout: first record, record count, 1 for an object. Offsets are in the container's own record. */
  layouts: Int32Array;
  /** Child position by key (the last child with that key, whose value the object holds), for large objects, by layout. */
  keyIndexes: Map<number, Map<string, number>>;
}

const LAYOUT_FIELDS = 3;
const FIRST = 0;
const COUNT = 1;
const IS_OBJECT = 2;
const NO_LAYOUT = -1;
/** Longer strings (descriptions, long names) rarely repeat and are not interned. */
const MAX_INTERNED_LENGTH = 32;

/** A located part of the value: its offsets in the text, and its layout when it is a container. */
interface Located {
  start: number;
  end: number;
  /** The key's offsets when the value is a property of an object, else -1. */
  keyStart: number;
  keyEnd: number;
  /** The value's layout, or NO_LAYOUT. */
  layout: number;
}

/** Objects with more keys than this keep a key index, for duplicate checks and lookups. */
const INDEXED_OBJECT_SIZE = 16;

export function readJsonSource(text: string): SourceDocument {
  const problems: Problem[] = [];
  const read = new ValueReader(problems).read(text);
  if (read.tooDeep !== undefined) {
    problems.length = 0;
    problems.push({
      code: 'syntax-error',
      message: `Objects and lists are nested more than ${MAX_JSON_DEPTH} levels deep; the file is not analysed. Flatten the structure.`,
      span: { start: read.tooDeep, end: read.tooDeep + 1 },
    });
    return { value: undefined, locate: () => undefined, problems, length: text.length, editor: new JsonEditor(text, () => undefined, read.records) };
  }
  const { root, records } = read;
  const find = (path: ValuePath): Located | undefined => (root ? findPart(root, records, path) : undefined);
  const locate = (path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined => {
    const found = find(path);
    if (!found) return undefined;
    if (part === 'key' && found.keyStart >= 0) return { start: found.keyStart, end: found.keyEnd };
    return { start: found.start, end: found.end };
  };
  return { value: read.value, locate, problems, length: text.length, text, editor: new JsonEditor(text, find, records) };
}

/**
 * Builds the value, the layouts and the problems in one pass of jsonc-parser's visitor. The
 * values are those of parseTree followed by getNodeValue, except that a "__proto__" key is
 * reported and left out instead of replacing the object's prototype. For a duplicate key the last
 * property wins, and the layout points at that property.
 *
 * A container's children wait on a scratch stack until it closes. Then its value is made at its
 * final size, and its records move to the document's table in one run. Arrays grown by push, and
 * an object per open container, had made the layouts larger than the text's parse tree.
 */
class ValueReader {
  // The record and layout tables while they grow; read() returns them trimmed to size.
  private readonly offsets = new IntBuffer();
  private readonly keys: (string | undefined)[] = [];
  private readonly childLayouts = new IntBuffer();
  private readonly layouts = new IntBuffer();
  private readonly keyIndexes = new Map<number, Map<string, number>>();
  // The scratch stack: children of the open containers, innermost last. Entries above
  // pendingCount are stale and overwritten by the next children; the values they point at are
  // part of the finished value anyway.
  private readonly pendingOffsets = new IntBuffer();
  private readonly pendingKeys: (string | undefined)[] = [];
  private readonly pendingValues: unknown[] = [];
  private readonly pendingLayouts = new IntBuffer();
  private pendingCount = 0;
  // Per open container, by depth: where its children start on the scratch stack, its start
  // offset, its kind, its key index, and the key (with offsets) whose value comes next.
  private readonly firstChild: number[] = [];
  private readonly starts: number[] = [];
  private readonly isObject: boolean[] = [];
  private readonly openKeyIndexes: (Map<string, number> | undefined)[] = [];
  private readonly nextKey: (string | undefined)[] = [];
  private readonly nextKeyStart: number[] = [];
  private readonly nextKeyEnd: number[] = [];
  /** One copy of each short string: keys such as "ops" and names such as "relu" repeat by the thousand. */
  private readonly strings = new Map<string, string>();
  private depth = 0;
  private rootValue: unknown;
  private root?: Located;
  private tooDeep?: number;
  private errors = 0;
  private firstError?: ParseErrorCode;

  constructor(private readonly problems: Problem[]) {}

  read(text: string): { value: unknown; root?: Located; records: Records; tooDeep?: number } {
    try {
      visit(
        text,
        {
          onObjectBegin: (offset) => this.begin(offset, true),
          onObjectEnd: (offset, length) => this.end(offset + length),
          onArrayBegin: (offset) => this.begin(offset, false),
          onArrayEnd: (offset, length) => this.end(offset + length),
          onObjectProperty: (key, offset, length) => this.property(this.intern(key), offset, offset + length),
          onLiteralValue: (value, offset, length) =>
            this.attach(typeof value === 'string' ? this.intern(value) : value, offset, offset + length, NO_LAYOUT),
          onError: (error, offset, length) => this.error(error, offset, length),
        },
        { allowTrailingComma: true, disallowComments: false },
      );
    } catch (error) {
      // jsonc-parser parses nested values recursively. Past MAX_JSON_DEPTH no callback runs, but
      // tens of thousands of levels still exhaust the stack; the depth problem names the cause.
      if (!(error instanceof RangeError) || this.tooDeep === undefined) throw error;
    }
    if (!this.root && this.errors === 1 && this.firstError !== undefined && printParseErrorCode(this.firstError) === 'ValueExpected') {
      // Only whitespace and comments: name what a model file needs instead of "Value expected".
      const index = this.problems.findIndex((problem) => problem.code === 'syntax-error');
      this.problems.splice(index, 1, {
        code: 'schema',
        message: 'The file has no JSON value. A model file is an object such as {"reslint": 1, "layers": [["conv", "relu"]]}.',
        span: { start: 0, end: Math.min(text.length, 1) },
      });
    }
    const records: Records = {
      offsets: this.offsets.trimmed(),
      keys: this.keys,
      childLayouts: this.childLayouts.trimmed(),
      layouts: this.layouts.trimmed(),
      keyIndexes: this.keyIndexes,
    };
    return { value: this.rootValue, root: this.root, records, tooDeep: this.tooDeep };
  }

  /**
   * Returns the first copy of a string read before. The parser makes a new string for every
   * occurrence, and in the 10,000-block model 160,000 strings held 9 MB, most of them repeats.
   */
  private intern(text: string): string {
    if (text.length > MAX_INTERNED_LENGTH) return text;
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** Adds a finished value to the innermost open container, or makes it the root. */
  private attach(value: unknown, start: number, end: number, layout: number): void {
    const depth = this.depth;
    if (depth === 0) {
      if (this.root) return;
      this.rootValue = value;
      this.root = { start, end, keyStart: -1, keyEnd: -1, layout };
      return;
    }
    const parent = depth - 1;
    let key: string | undefined;
    if (this.isObject[parent]) {
      key = this.nextKey[parent];
      if (key === undefined) return;
      this.nextKey[parent] = undefined;
      if (key === '__proto__') return;
      const index = this.openKeyIndexes[parent];
      const position = this.pendingCount - this.firstChild[parent];
      if (index) index.set(key, position);
      else if (position >= INDEXED_OBJECT_SIZE) this.openKeyIndexes[parent] = this.indexKeys(parent, key, position);
    }
    const at = this.pendingCount++;
    this.pendingKeys[at] = key;
    this.pendingValues[at] = value;
    this.pendingLayouts.truncate(at);
    this.pendingLayouts.push(layout);
    this.pendingOffsets.truncate(at * 4);
    if (key === undefined) this.pendingOffsets.push4(-1, -1, start, end);
    else this.pendingOffsets.push4(this.nextKeyStart[parent], this.nextKeyEnd[parent], start, end);
  }

  /** Returns the key index of an open object that has just grown large, with `key` at `position` added. */
  private indexKeys(depth: number, key: string, position: number): Map<string, number> {
    const index = new Map<string, number>();
    const first = this.firstChild[depth];
    for (let at = first; at < this.pendingCount; at++) index.set(this.pendingKeys[at] as string, at - first);
    index.set(key, position);
    return index;
  }

  private begin(offset: number, isObject: boolean): boolean {
    const depth = this.depth++;
    if (depth >= MAX_JSON_DEPTH) {
      this.tooDeep ??= offset;
      // No callbacks for what is inside: the document is not analysed.
      return false;
    }
    this.firstChild[depth] = this.pendingCount;
    this.starts[depth] = offset;
    this.isObject[depth] = isObject;
    this.openKeyIndexes[depth] = undefined;
    this.nextKey[depth] = undefined;
    return true;
  }

  private end(close: number): void {
    if (this.depth === 0) return;
    const depth = --this.depth;
    if (depth >= MAX_JSON_DEPTH) return;
    const first = this.firstChild[depth];
    const isObject = this.isObject[depth];
    const layout = this.layouts.length / LAYOUT_FIELDS;
    this.layouts.push3(this.keys.length, this.pendingCount - first, isObject ? 1 : 0);
    const keyIndex = this.openKeyIndexes[depth];
    if (keyIndex) this.keyIndexes.set(layout, keyIndex);
    let value: Record<string, unknown> | unknown[];
    if (isObject) {
      const object: Record<string, unknown> = {};
      for (let at = first; at < this.pendingCount; at++) object[this.pendingKeys[at] as string] = this.pendingValues[at];
      value = object;
    } else {
      value = this.pendingValues.slice(first, this.pendingCount);
    }
    for (let at = first; at < this.pendingCount; at++) this.keys.push(this.pendingKeys[at]);
    this.childLayouts.append(this.pendingLayouts, first, this.pendingCount);
    this.offsets.append(this.pendingOffsets, first * 4, this.pendingCount * 4);
    this.pendingCount = first;
    this.openKeyIndexes[depth] = undefined;
    this.attach(value, this.starts[depth], close, layout);
  }

  /** Records the key of the next value, reporting "__proto__" and keys the object already has. */
  private property(key: string, start: number, end: number): void {
    const depth = this.depth - 1;
    if (depth < 0 || depth >= MAX_JSON_DEPTH || !this.isObject[depth]) return;
    if (key === '__proto__') {
      this.problems.push({
        code: 'schema',
        message: 'The key "__proto__" is reserved in JavaScript and cannot name a block, path, op or setting; it is ignored. Rename it.',
        span: { start, end },
      });
    } else if (this.hasKey(depth, key)) {
      this.problems.push({
        code: 'duplicate-key',
        message: `Duplicate key "${key}"; the last one is used. Remove or rename one of them.`,
        span: { start, end },
      });
    }
    this.nextKey[depth] = key;
    this.nextKeyStart[depth] = start;
    this.nextKeyEnd[depth] = end;
  }

  private hasKey(depth: number, key: string): boolean {
    const index = this.openKeyIndexes[depth];
    if (index) return index.has(key);
    for (let at = this.firstChild[depth]; at < this.pendingCount; at++) if (this.pendingKeys[at] === key) return true;
    return false;
  }

  private error(error: ParseErrorCode, offset: number, length: number): void {
    this.errors += 1;
    this.firstError ??= error;
    this.problems.push({
      code: 'syntax-error',
      message: `${syntaxMessage(error)}.`,
      span: { start: offset, end: offset + Math.max(1, length) },
    });
  }
}

/** A list of 32-bit integers in an Int32Array that doubles when full; copies between lists are block copies. */
class IntBuffer {
  private data = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length + 1 > this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.reserve(3);
    const data = this.data;
    data[this.length] = a;
    data[this.length + 1] = b;
    data[this.length + 2] = c;
    this.length += 3;
  }

  push4(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.data.length) this.reserve(4);
    const data = this.data;
    data[this.length] = a;
    data[this.length + 1] = b;
    data[this.length + 2] = c;
    data[this.length + 3] = d;
    this.length += 4;
  }

  /** Drops the entries from `length` on. */
  truncate(length: number): void {
    this.length = length;
  }

  /** Appends entries [from, to) of another list. */
  append(source: IntBuffer, from: number, to: number): void {
    const count = to - from;
    if (this.length + count > this.data.length) this.reserve(count);
    // Most containers have a few children, and a subarray view per copy costs more than the loop.
    if (count > 64) this.data.set(source.data.subarray(from, to), this.length);
    else {
      const data = this.data;
      const sourceData = source.data;
      for (let index = 0; index < count; index++) data[this.length + index] = sourceData[from + index];
    }
    this.length += count;
  }

  /** Returns a copy of exactly the entries. */
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }

  private reserve(extra: number): void {
    const grown = new Int32Array(Math.max(this.data.length * 2, this.length + extra));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

/** Finds the part of the value at a path, walking the layouts from the root. */
function findPart(root: Located, records: Records, path: ValuePath): Located | undefined {
  if (path.length === 0) return root;
  let layout = root.layout;
  let record = -1;
  for (const segment of path) {
    if (layout === NO_LAYOUT) return undefined;
    const base = layout * LAYOUT_FIELDS;
    const isObject = records.layouts[base + IS_OBJECT] === 1;
    const child = typeof segment === 'string' ? keyPosition(records, layout, segment) : isObject || !Number.isInteger(segment) ? -1 : segment;
    if (child < 0 || child >= records.layouts[base + COUNT]) return undefined;
    record = records.layouts[base + FIRST] + child;
    layout = records.childLayouts[record];
  }
  const at = record * 4;
  const offsets = records.offsets;
  return { start: offsets[at + 2], end: offsets[at + 3], keyStart: offsets[at], keyEnd: offsets[at + 1], layout };
}

/** Position among an object's children of the last child with `key`, or -1. */
function keyPosition(records: Records, layout: number, key: string): number {
  const base = layout * LAYOUT_FIELDS;
  if (records.layouts[base + IS_OBJECT] !== 1) return -1;
  const index = records.keyIndexes.get(layout);
  if (index) return index.get(key) ?? -1;
  const first = records.layouts[base + FIRST];
  for (let child = records.layouts[base + COUNT] - 1; child >= 0; child--) if (records.keys[first + child] === key) return child;
  return -1;
}

function syntaxMessage(code: number): string {
  const names: Record<string, string> = {
    InvalidSymbol: 'Invalid symbol (NaN, Infinity and unquoted words are not JSON; write a number or a string)',
    InvalidNumberFormat: 'Invalid number format',
    PropertyNameExpected: 'Property name expected',
    ValueExpected: 'Value expected',
    ColonExpected: 'Colon expected',
    CommaExpected: 'Comma expected',
    CloseBraceExpected: 'Closing brace } expected',
    CloseBracketExpected: 'Closing bracket ] expected',
    EndOfFileExpected: 'End of file expected: only one top-level value is allowed',
    InvalidCommentToken: 'Invalid comment',
    UnexpectedEndOfComment: 'Unterminated block comment',
    UnexpectedEndOfString: 'Unterminated string',
    UnexpectedEndOfNumber: 'Incomplete number',
    InvalidUnicode: 'Invalid unicode escape',
    InvalidEscapeCharacter: 'Invalid escape character',
    InvalidCharacter: 'Invalid character in a string',
  };
  const name = printParseErrorCode(code);
  return names[name] ?? name;
}

/**
 * Edits that touch only the number being set: an existing value is replaced in place, a new
 * property is inserted after the object's last property in the object's own layout.
 */
class JsonEditor implements SourceEditor {
  /** `find` locates parts in the layouts that readJsonSource built, instead of parsing the text again for every fix. */
  constructor(
    private readonly text: string,
    private readonly find: (path: ValuePath) => Located | undefined,
    private readonly records: Records,
  ) {}

  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined {
    const object = this.find(path);
    if (!object || object.layout === NO_LAYOUT) return undefined;
    const { layouts, offsets } = this.records;
    const base = object.layout * LAYOUT_FIELDS;
    if (layouts[base + IS_OBJECT] !== 1) return undefined;
    const literal = JSON.stringify(value);
    const existing = keyPosition(this.records, object.layout, key);
    if (existing >= 0) {
      const at = (layouts[base + FIRST] + existing) * 4;
      return [{ span: { start: offsets[at + 2], end: offsets[at + 3] }, newText: literal }];
    }

    const entry = `${JSON.stringify(key)}: ${literal}`;
    const count = layouts[base + COUNT];
    if (count === 0) {
      return [{ span: { start: object.start + 1, end: object.end - 1 }, newText: ` ${entry} ` }];
    }
    const last = (layouts[base + FIRST] + count - 1) * 4;
    const lastStart = offsets[last];
    const lastEnd = offsets[last + 3];
    const lineStart = this.text.lastIndexOf('\n', lastStart) + 1;
    const onOwnLine = this.text.slice(lineStart, lastStart).trim() === '' && lineStart > object.start;
    if (!onOwnLine) return [{ span: { start: lastEnd, end: lastEnd }, newText: `, ${entry}` }];
    const indent = this.text.slice(lineStart, lastStart);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    return [{ span: { start: lastEnd, end: lastEnd }, newText: `,${eol}${indent}${entry}` }];
  }

  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined {
    const list = this.find(path);
    if (!list || list.layout === NO_LAYOUT || this.records.layouts[list.layout * LAYOUT_FIELDS + IS_OBJECT] === 1) return undefined;
    return [
      { span: { start: list.start, end: list.start }, newText: `{ ${JSON.stringify(listKey)}: ` },
      { span: { start: list.end, end: list.end }, newText: `, ${JSON.stringify(key)}: ${JSON.stringify(value)} }` },
    ];
  }
}
