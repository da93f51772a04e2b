// The JSON-with-comments front end: reads *.arch.json text with jsonc-parser's visitor into a
// plain value and a compact layout of where each part of it is, reports syntax errors and
// duplicate keys, and edits the text minimally.
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import type { Problem, SourceDocument, SourceEditor, Span, TextEdit, ValuePath } from './source';

/** Deepest nesting of objects and lists read; deeper text is rejected before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_JSON_DEPTH = 256;

/**
 * Where the children of one object or list are in the text. Only containers get a layout; a
 * number or string is found through its parent's spans, so leaves cost no object of their own.
 */
interface Layout {
  start: number;
  end: number;
  /** Four offsets per child that has a value: key start, key end, value start, value end (keys -1 in lists). */
  spans: number[];
  /** Object keys in source order, one per child; undefined for lists. */
  keys?: string[];
  /** Child index by key (the last child with that key, whose value the object holds), kept for large objects. */
  keyIndex?: Map<string, number>;
  /** Layouts of the children that are objects or lists, by child index. */
  children?: Layout[];
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
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== undefined) {
    problems.push({
      code: 'syntax-error',
      message: `Objects and lists are nested more than ${MAX_JSON_DEPTH} levels deep; the file is not analysed. Flatten the structure.`,
      span: { start: tooDeep, end: tooDeep + 1 },
    });
    return { value: undefined, locate: () => undefined, problems, length: text.length, editor: new JsonEditor(text, () => undefined) };
  }

  const read = new ValueReader(problems).read(text);
  const find = (path: ValuePath): Located | undefined => (read.root ? findPart(read.root, path) : undefined);
  const locate = (path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined => {
    const found = find(path);
    if (!found) return undefined;
    if (part === 'key' && found.keyStart >= 0) return { start: found.keyStart, end: found.keyEnd };
    return { start: found.start, end: found.end };
  };
  return { value: read.value, locate, problems, length: text.length, editor: new JsonEditor(text, find) };
}

/**
 * Builds the value, the layouts and the problems in one pass of jsonc-parser's visitor. The
 * values are those of parseTree followed by getNodeValue, except that a "__proto__" key is
 * reported and left out instead of replacing the object's prototype. For a duplicate key the last
 * property wins, and the layout points at that property. The open containers are kept in arrays
 * indexed by depth rather than in an object per container, since the reader allocates little
 * else.
 */
class ValueReader {
  private readonly values: (Record<string, unknown> | unknown[])[] = [];
  private readonly layouts: Layout[] = [];
  /** Per open container, the index of its value-end offset in the parent's spans, or -1. */
  private readonly endSlots: number[] = [];
  /** Per open object, the key whose value comes next, and the key's offsets. */
  private readonly pendingKeys: (string | undefined)[] = [];
  private readonly pendingKeyStarts: number[] = [];
  private readonly pendingKeyEnds: number[] = [];
  private depth = 0;
  private rootValue: unknown;
  private root?: Located;
  private errors = 0;
  private firstError?: ParseErrorCode;

  constructor(private readonly problems: Problem[]) {}

  read(text: string): { value: unknown; root?: Located } {
    visit(
      text,
      {
        onObjectBegin: (offset) => this.begin({}, offset, true),
        onObjectEnd: (offset, length) => this.end(offset + length),
        onArrayBegin: (offset) => this.begin([], offset, false),
        onArrayEnd: (offset, length) => this.end(offset + length),
        onObjectProperty: (key, offset, length) => this.property(key, offset, offset + length),
        onLiteralValue: (value, offset, length) => {
          this.attach(value, offset, offset + length, undefined);
        },
        onError: (error, offset, length) => {
          this.errors += 1;
          this.firstError ??= error;
          this.problems.push({
            code: 'syntax-error',
            message: `${syntaxMessage(error)}.`,
            span: { start: offset, end: offset + Math.max(1, length) },
          });
        },
      },
      { allowTrailingComma: true, disallowComments: false },
    );
    if (!this.root && this.errors === 1 && this.firstError !== undefined && printParseErrorCode(this.firstError) === 'ValueExpected') {
      // Only whitespace and comments: name what a model file needs instead of "Value expected".
      const index = this.problems.findIndex((problem) => problem.code === 'syntax-error');
      this.problems.splice(index, 1, {
        code: 'schema',
        message: 'The file has no JSON value. A model file is an object such as {"reslint": 1, "layers": [["conv", "relu"]]}.',
        span: { start: 0, end: Math.min(text.length, 1) },
      });
    }
    return { value: this.rootValue, root: this.root };
  }

  /** Attaches a value to the innermost open container; returns the slot of its end offset, or -1 when it is not attached. */
  private attach(value: unknown, start: number, end: number, layout: Layout | undefined): number {
    const depth = this.depth;
    if (depth === 0) {
      if (this.root) return -1;
      this.rootValue = value;
      this.root = { start, end, keyStart: -1, keyEnd: -1, layout };
      return -1;
    }
    const parent = this.layouts[depth - 1];
    const keys = parent.keys;
    const index = parent.spans.length / 4;
    if (keys) {
      const key = this.pendingKeys[depth - 1];
      if (key === undefined) return -1;
      this.pendingKeys[depth - 1] = undefined;
      if (key === '__proto__') return -1;
      (this.values[depth - 1] as Record<string, unknown>)[key] = value;
      keys.push(key);
      parent.keyIndex?.set(key, index);
      if (!parent.keyIndex && keys.length > INDEXED_OBJECT_SIZE) parent.keyIndex = new Map(keys.map((name, at) => [name, at]));
      parent.spans.push(this.pendingKeyStarts[depth - 1], this.pendingKeyEnds[depth - 1], start, end);
    } else {
      (this.values[depth - 1] as unknown[]).push(value);
      parent.spans.push(-1, -1, start, end);
    }
    if (layout) (parent.children ??= [])[index] = layout;
    return parent.spans.length - 1;
  }

  private begin(value: Record<string, unknown> | unknown[], offset: number, isObject: boolean): void {
    const layout: Layout = { start: offset, end: offset + 1, spans: [], keys: isObject ? [] : undefined };
    const endSlot = this.attach(value, offset, offset + 1, layout);
    const depth = this.depth++;
    this.values[depth] = value;
    this.layouts[depth] = layout;
    this.endSlots[depth] = endSlot;
    this.pendingKeys[depth] = undefined;
  }

  private end(close: number): void {
    if (this.depth === 0) return;
    const depth = --this.depth;
    this.layouts[depth].end = close;
    const endSlot = this.endSlots[depth];
    if (depth > 0 && endSlot >= 0) this.layouts[depth - 1].spans[endSlot] = close;
    else if (depth === 0 && this.root?.layout === this.layouts[0]) this.root.end = close;
    // Drop the references, so a finished container is not kept alive by the reader.
    this.values[depth] = [];
    this.layouts[depth] = EMPTY_LAYOUT;
  }

  /** Records the key of the next value, reporting "__proto__" and keys the object already has. */
  private property(key: string, start: number, end: number): void {
    const depth = this.depth - 1;
    const layout = this.layouts[depth];
    if (depth < 0 || !layout.keys) return;
    if (key === '__proto__') {
      this.problems.push({
        code: 'schema',
        message: 'The key "__proto__" is reserved in JavaScript and cannot name a block, path, op or setting; it is ignored. Rename it.',
        span: { start, end },
      });
    } else if (layout.keyIndex ? layout.keyIndex.has(key) : layout.keys.includes(key)) {
      this.problems.push({
        code: 'duplicate-key',
        message: `Duplicate key "${key}"; the last one is used. Remove or rename one of them.`,
        span: { start, end },
      });
    }
    this.pendingKeys[depth] = key;
    this.pendingKeyStarts[depth] = start;
    this.pendingKeyEnds[depth] = end;
  }
}

const EMPTY_LAYOUT: Layout = { start: 0, end: 0, spans: [] };

/** Finds the part of the value at a path, walking the layouts from the root. */
function findPart(root: Located, path: ValuePath): Located | undefined {
  if (path.length === 0) return root;
  let layout = root.layout;
  let parent: Layout | undefined;
  let at = 0;
  for (const segment of path) {
    if (!layout) return undefined;
    let child: number;
    if (typeof segment === 'string') {
      if (!layout.keys) return undefined;
      child = layout.keyIndex ? (layout.keyIndex.get(segment) ?? -1) : layout.keys.lastIndexOf(segment);
    } else {
      if (layout.keys || !Number.isInteger(segment)) return undefined;
      child = segment;
    }
    if (child < 0 || child * 4 >= layout.spans.length) return undefined;
    parent = layout;
    at = child * 4;
    layout = layout.children?.[child];
  }
  const spans = (parent as Layout).spans;
  return { start: spans[at + 2], end: spans[at + 3], keyStart: spans[at], keyEnd: spans[at + 1], layout };
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
 * Offset of the first bracket past MAX_JSON_DEPTH, without recursion. Strings and comments are
 * skipped as jsonc-parser's scanner skips them: a string ends at its closing quote or at a line
 * break, and a backslash escapes the next character. One pass over the characters is used because
 * running the scanner for this cost a quarter of the parse itself.
 */
function findExcessiveNesting(text: string): number | undefined {
  const length = text.length;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) return i;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
    } else if (code === QUOTE) {
      i = stringEnd(text, i + 1);
    } else if (code === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) i = lineEnd(text, i + 2) - 1;
      else if (next === ASTERISK) {
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? length : close + 1;
      }
    }
  }
  return undefined;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const ASTERISK = 0x2a;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Offset of a string's closing quote, or of the character before the line break or end that cuts it off. */
function stringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i;
    if (code === BACKSLASH) i++;
    else if (code === LINE_FEED || code === CARRIAGE_RETURN) return i - 1;
  }
  return text.length;
}

/** Offset of the first line break at or after `start`, or the text length. */
function lineEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LINE_FEED || code === CARRIAGE_RETURN) return i;
  }
  return text.length;
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
  ) {}

  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined {
    const object = this.find(path);
    const layout = object?.layout;
    if (!object || !layout?.keys) return undefined;
    const literal = JSON.stringify(value);
    const existing = layout.keys.lastIndexOf(key);
    if (existing >= 0) {
      return [{ span: { start: layout.spans[existing * 4 + 2], end: layout.spans[existing * 4 + 3] }, newText: literal }];
    }

    const entry = `${JSON.stringify(key)}: ${literal}`;
    const count = layout.keys.length;
    if (count === 0) {
      return [{ span: { start: object.start + 1, end: object.end - 1 }, newText: ` ${entry} ` }];
    }
    const lastStart = layout.spans[(count - 1) * 4];
    const lastEnd = layout.spans[(count - 1) * 4 + 3];
    const lineStart = this.text.lastIndexOf('\n', lastStart) + 1;
    const onOwnLine = this.text.slice(lineStart, lastStart).trim() === '' && lineStart > object.start;
    if (!onOwnLine) return [{ span: { start: lastEnd, end: lastEnd }, newText: `, ${entry}` }];
    const indent = this.text.slice(lineStart, lastStart);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    return [{ span: { start: lastEnd, end: lastEnd }, newText: `,${eol}${indent}${entry}` }];
  }

  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined {
    const list = this.find(path);
    if (!list?.layout || list.layout.keys) return undefined;
    return [
      { span: { start: list.start, end: list.start }, newText: `{ ${JSON.stringify(listKey)}: ` },
      { span: { start: list.end, end: list.end }, newText: `, ${JSON.stringify(key)}: ${JSON.stringify(value)} }` },
    ];
  }
}
