// The JSON-with-comments front end: reads *.arch.json text with jsonc-parser's visitor into a
// plain value and a compact layout of where each part of it is, reports syntax errors and
// duplicate keys, and edits the text minimally.
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import type { Problem, SourceDocument, SourceEditor, Span, TextEdit, ValuePath } from './source';

/** Deepest nesting of objects and lists read; deeper text is rejected before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_JSON_DEPTH = 256;

/**
 * Where the children of one object or list are in the text: a run of records in the document's
 * record table. Only containers get a layout; a number or string is found through its record in
 * its parent's run, so leaves cost no object of their own.
 */
interface Layout {
  start: number;
  end: number;
  /** Index of the first child's record, and the number of children that have a value. */
  first: number;
  count: number;
  isObject: boolean;
  /** Child position by key (the last child with that key, whose value the object holds), kept for large objects. */
  keyIndex?: Map<string, number>;
}

/**
 * Every child of every container, one record each, the children of one container contiguous: four
 * offsets per record (key start, key end, value start, value end; keys -1 in lists), the key,
 * and the child's layout when it is a container.
 */
interface Records {
  offsets: number[];
  keys: (string | undefined)[];
  layouts: (Layout | undefined)[];
}

/** A located part of the value: its offsets in the text, and its layout when it is a container. */
interface Located {
  start: number;
  end: number;
  /** The key's offsets when the value is a property of an object, else -1. */
  keyStart: number;
  keyEnd: number;
  layout?: Layout;
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
  return { value: read.value, locate, problems, length: text.length, editor: new JsonEditor(text, find, records) };
}

/**
 * Builds the value, the layouts and the problems in one pass of jsonc-parser's visitor. The
 * values are those of parseTree followed by getNodeValue, except that a "__proto__" key is
 * reported and left out instead of replacing the object's prototype. For a duplicate key the last
 * property wins, and the layout points at that property.
 *
 * A container's children wait on a scratch stack until it closes; then its value is made at its
 * final size and its records move to the document's table in one run. Arrays grown by push, and
 * an object per open container, had made the layouts larger than the text's parse tree.
 */
class ValueReader {
  private readonly records: Records = { offsets: [], keys: [], layouts: [] };
  // The scratch stack: children of the open containers, innermost last.
  private readonly pendingOffsets: number[] = [];
  private readonly pendingKeys: (string | undefined)[] = [];
  private readonly pendingValues: unknown[] = [];
  private readonly pendingLayouts: (Layout | undefined)[] = [];
  private pendingCount = 0;
  // Per open container, by depth: where its children start on the scratch stack, its start
  // offset, its kind, its key index, and the key (with offsets) whose value comes next.
  private readonly firstChild: number[] = [];
  private readonly starts: number[] = [];
  private readonly isObject: boolean[] = [];
  private readonly keyIndexes: (Map<string, number> | undefined)[] = [];
  private readonly nextKey: (string | undefined)[] = [];
  private readonly nextKeyStart: number[] = [];
  private readonly nextKeyEnd: number[] = [];
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
          onObjectProperty: (key, offset, length) => this.property(key, offset, offset + length),
          onLiteralValue: (value, offset, length) => this.attach(value, offset, offset + length, undefined),
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
    return { value: this.rootValue, root: this.root, records: this.records, tooDeep: this.tooDeep };
  }

  /** Adds a finished value to the innermost open container, or makes it the root. */
  private attach(value: unknown, start: number, end: number, layout: Layout | undefined): void {
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
      const index = this.keyIndexes[parent];
      const position = this.pendingCount - this.firstChild[parent];
      if (index) index.set(key, position);
      else if (position >= INDEXED_OBJECT_SIZE) this.keyIndexes[parent] = this.indexKeys(parent, key, position);
    }
    const at = this.pendingCount++;
    this.pendingKeys[at] = key;
    this.pendingValues[at] = value;
    this.pendingLayouts[at] = layout;
    const offsets = at * 4;
    this.pendingOffsets[offsets] = key === undefined ? -1 : this.nextKeyStart[parent];
    this.pendingOffsets[offsets + 1] = key === undefined ? -1 : this.nextKeyEnd[parent];
    this.pendingOffsets[offsets + 2] = start;
    this.pendingOffsets[offsets + 3] = end;
  }

  /** The key index of an open object that has just grown large, with `key` at `position` added. */
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
    this.keyIndexes[depth] = undefined;
    this.nextKey[depth] = undefined;
    return true;
  }

  private end(close: number): void {
    if (this.depth === 0) return;
    const depth = --this.depth;
    if (depth >= MAX_JSON_DEPTH) return;
    const first = this.firstChild[depth];
    const count = this.pendingCount - first;
    const { offsets, keys, layouts } = this.records;
    const layout: Layout = { start: this.starts[depth], end: close, first: keys.length, count, isObject: this.isObject[depth], keyIndex: this.keyIndexes[depth] };
    let value: Record<string, unknown> | unknown[];
    if (layout.isObject) {
      const object: Record<string, unknown> = {};
      for (let at = first; at < this.pendingCount; at++) object[this.pendingKeys[at] as string] = this.pendingValues[at];
      value = object;
    } else {
      value = this.pendingValues.slice(first, this.pendingCount);
    }
    for (let at = first; at < this.pendingCount; at++) {
      keys.push(this.pendingKeys[at]);
      layouts.push(this.pendingLayouts[at]);
      offsets.push(this.pendingOffsets[at * 4], this.pendingOffsets[at * 4 + 1], this.pendingOffsets[at * 4 + 2], this.pendingOffsets[at * 4 + 3]);
      // Drop the scratch references, so the stack does not keep finished values alive.
      this.pendingValues[at] = undefined;
      this.pendingLayouts[at] = undefined;
    }
    this.pendingCount = first;
    this.keyIndexes[depth] = undefined;
    this.attach(value, layout.start, close, layout);
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
    const index = this.keyIndexes[depth];
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

/** Finds the part of the value at a path, walking the layouts from the root. */
function findPart(root: Located, records: Records, path: ValuePath): Located | undefined {
  if (path.length === 0) return root;
  let layout = root.layout;
  let record = -1;
  for (const segment of path) {
    if (!layout) return undefined;
    const child = typeof segment === 'string' ? keyPosition(layout, records, segment) : layout.isObject || !Number.isInteger(segment) ? -1 : segment;
    if (child < 0 || child >= layout.count) return undefined;
    record = layout.first + child;
    layout = records.layouts[record];
  }
  const at = record * 4;
  const offsets = records.offsets;
  return { start: offsets[at + 2], end: offsets[at + 3], keyStart: offsets[at], keyEnd: offsets[at + 1], layout };
}

/** Position among an object's children of the last child with `key`, or -1. */
function keyPosition(layout: Layout, records: Records, key: string): number {
  if (!layout.isObject) return -1;
  if (layout.keyIndex) return layout.keyIndex.get(key) ?? -1;
  for (let child = layout.count - 1; child >= 0; child--) if (records.keys[layout.first + child] === key) return child;
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
    const layout = object?.layout;
    if (!object || !layout?.isObject) return undefined;
    const offsets = this.records.offsets;
    const literal = JSON.stringify(value);
    const existing = keyPosition(layout, this.records, key);
    if (existing >= 0) {
      const at = (layout.first + existing) * 4;
      return [{ span: { start: offsets[at + 2], end: offsets[at + 3] }, newText: literal }];
    }

    const entry = `${JSON.stringify(key)}: ${literal}`;
    if (layout.count === 0) {
      return [{ span: { start: object.start + 1, end: object.end - 1 }, newText: ` ${entry} ` }];
    }
    const last = (layout.first + layout.count - 1) * 4;
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
    if (!list?.layout || list.layout.isObject) return undefined;
    return [
      { span: { start: list.start, end: list.start }, newText: `{ ${JSON.stringify(listKey)}: ` },
      { span: { start: list.end, end: list.end }, newText: `, ${JSON.stringify(key)}: ${JSON.stringify(value)} }` },
    ];
  }
}
