// The JSON-with-comments front end: reads *.arch.json text into a plain value and a way to find
// where each part of it is, reports syntax errors and duplicate keys, and edits the text minimally.
// Text without a problem is read by JSON.parse and located when asked (jsonLazy.ts); any other
// text by jsonc-parser's visitor, into range tables.
import { createScanner, modify, printParseErrorCode, SyntaxKind, visit, type FormattingOptions, type ParseErrorCode } from 'jsonc-parser';
import { LineIndex, indentAt, lineBreakOf, lineStartOf, textLayout } from './lines';
import { Children, LazyLayout, lineEnd, quickRead, type Layout, type Located } from './jsonLazy';
import { isPlainObject, sameValue, type BlockPatch, type Problem, type SourceDocument, type SourceEditor, type Span, type TextEdit, type ValuePath } from './source';
import { Slot } from './slot';

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

/** Objects with more keys than this keep a key index, for duplicate checks and lookups. */
const INDEXED_OBJECT_SIZE = 16;

/**
 * Reads a document. Text without a problem is read by JSON.parse, and its parts are located when
 * asked (see jsonLazy.ts). Any other text is read by jsonc-parser, into range tables. `previous` is a read
 * of an earlier version of the same document. When that read had no problem and the edit lies
 * inside one block's braces, only the block's new text is read and put in the earlier value.
 */
export function readJsonSource(text: string, previous?: SourceDocument): SourceDocument {
  const earlier = previous && cleanReads.get(previous);
  const patched = previous && earlier && patchBlock(earlier, text);
  if (previous && patched && patched !== BROKEN_BLOCK) {
    // The earlier read's value and children now describe the new text.
    cleanReads.set(previous, undefined);
    const patch = patched.block === undefined ? undefined : { from: previous.revision ?? {}, block: patched.block, end: patched.end, delta: patched.delta };
    return cleanDocument(text, patched.value, patched.layout, patch);
  }
  // A byte order mark at the start is read as a space, which keeps every offset: an editor drops
  // it before sending the text, and the CLI when it reads a file, but another client may not.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  // While someone types, a text with a syntax error mostly follows a block or a version with one,
  // and the fast read would go through it for nothing.
  const likelyBroken = patched === BROKEN_BLOCK || (previous?.problems.some((problem) => problem.code === 'syntax-error') ?? false);
  const fast = likelyBroken ? undefined : fastDocument(text, source);
  if (fast) return fast;

  const problems: Problem[] = [];
  const read = readValue(source, problems);
  if (read.tooDeep !== undefined) {
    problems.length = 0;
    problems.push({
      code: 'syntax-error',
      message: `Objects and lists are nested more than ${MAX_JSON_DEPTH} levels deep; the file is not analysed. Flatten the structure.`,
      span: { start: read.tooDeep, end: read.tooDeep + 1 },
    });
    return jsonDocument(text, undefined, tableLayout(undefined, read.records), problems);
  }
  // A text read this way because an earlier version was broken may have no problem left. Read
  // the fast way, the next edit inside a block patches it instead of reading the text again.
  const clean = likelyBroken && problems.length === 0 ? fastDocument(text, source) : undefined;
  if (clean) return clean;
  const doc = jsonDocument(text, read.value, tableLayout(read.root, read.records), problems);
  if (read.misnested) doc.nestingUnknown = true;
  return doc;
}

/** Returns the document of a text that the fast read takes (see quickRead), or undefined. */
function fastDocument(text: string, source: string): SourceDocument | undefined {
  const quick = quickRead(source, MAX_JSON_DEPTH);
  return quick && cleanDocument(text, quick.value, new LazyLayout(source, quick));
}

/** Reads without problems, kept for the next version's read to patch. */
const cleanReads = new Slot<SourceDocument, CleanRead>('clean read');

interface CleanRead {
  text: string;
  value: unknown;
  layout: LazyLayout;
}

function jsonDocument(text: string, value: unknown, layout: Layout, problems: Problem[], patch?: BlockPatch): SourceDocument {
  const locate = (path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined => {
    const found = layout.find(path);
    if (!found) return undefined;
    if (part === 'key' && found.keyStart >= 0) return { start: found.keyStart, end: found.keyEnd };
    return { start: found.start, end: found.end };
  };
  return { value, locate, problems, length: text.length, text, patch, revision: {}, editor: new JsonEditor(text, layout) };
}

function cleanDocument(text: string, value: unknown, layout: LazyLayout, patch?: BlockPatch): SourceDocument {
  const doc = jsonDocument(text, value, layout, [], patch);
  cleanReads.set(doc, { text, value, layout });
  return doc;
}

/** Returned by patchBlock when the edited block's text alone has a syntax error. */
const BROKEN_BLOCK: unique symbol = Symbol('broken block');

/**
 * Returns the read of `text` made from the earlier read by reading again only the block that an
 * edit changed. The earlier read's value and the children it located are updated in place.
 * Returns undefined, and changes nothing, when the edit is not inside the braces of one block
 * under "blocks", and when that block's new text has a problem, which can change how the rest
 * parses. A syntax error there gives BROKEN_BLOCK instead.
 */
function patchBlock(earlier: CleanRead, text: string): { value: unknown; layout: LazyLayout; block?: string; end: number; delta: number } | typeof BROKEN_BLOCK | undefined {
  const before = earlier.text;
  const { layout } = earlier;
  const start = commonPrefix(before, text);
  if (start === before.length && start === text.length) return { value: earlier.value, layout, end: text.length, delta: 0 };
  const oldEnd = before.length - commonSuffix(before, text, start);
  const delta = text.length - before.length;

  const rootStart = layout.root.start;
  const rootChildren = layout.childrenAt(rootStart);
  const blocksPosition = rootChildren?.position('blocks') ?? -1;
  if (!rootChildren || blocksPosition < 0) return undefined;
  const blocksStart = rootChildren.offsets[blocksPosition * 4 + 2];
  const blocks = layout.childrenAt(blocksStart);
  // A "blocks" list is a schema error, and its elements have no names to patch by.
  if (!blocks?.isObject) return undefined;
  const position = blocks.around(start);
  if (position < 0) return undefined;
  const valueStart = blocks.offsets[position * 4 + 2];
  const valueEnd = blocks.offsets[position * 4 + 3];
  // The change must leave the block's braces in place, so that the text around it parses as before.
  if (before[valueStart] !== '{' || !(valueStart < start && oldEnd < valueEnd)) return undefined;

  // The block sits two levels below the root, which counts toward the nesting limit.
  const blockText = text.slice(valueStart, valueEnd + delta);
  const part = quickRead(blockText, MAX_JSON_DEPTH - 2, 0);
  if (!part) {
    const problems: Problem[] = [];
    readValue(blockText, problems, 2);
    return problems.some((problem) => problem.code === 'syntax-error') ? BROKEN_BLOCK : undefined;
  }
  // The block's own closing brace must close what was read. A line comment on the block's last
  // line would otherwise end with the block's text here, but run on past it in the document.
  if (part.start !== 0 || part.end !== blockText.length) return undefined;

  const name = blocks.keys[position];
  (earlier.value as { blocks: Record<string, unknown> }).blocks[name] = part.value;
  return { value: earlier.value, layout: layout.edited(text, [rootStart, blocksStart], valueStart, valueEnd, delta, part), block: name, end: valueEnd + delta, delta };
}

/** Length of the longest common prefix; compares runs of characters before single ones. */
function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let at = 0;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (at + step <= max && a.slice(at, at + step) === b.slice(at, at + step)) at += step;
  }
  return at;
}

/** Length of the longest common suffix that does not reach into the first `prefix` characters of either text. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const max = Math.min(a.length, b.length) - prefix;
  let length = 0;
  for (let step = 4096; step >= 1; step >>= 4) {
    while (length + step <= max && a.slice(a.length - length - step, a.length - length) === b.slice(b.length - length - step, b.length - length)) length += step;
  }
  return length;
}

/** Reads a text's value with its range tables, reporting every problem. */
function readValue(text: string, problems: Problem[], outerDepth = 0): ReturnType<ValueReader['read']> {
  return new ValueReader(problems, outerDepth).read(commentOutLongSpaces(text));
}

/**
 * Runs of spaces and tabs at least this long are read as a comment. jsonc-parser's scanner builds
 * the text of a run of spaces one character at a time: a 16 MiB file of spaces with one syntax
 * error took 1.8 s and 650 MB. It takes a comment's text in one piece.
 */
const LONG_SPACE_RUN = 256;

/**
 * Returns the text with each long run of spaces and tabs outside strings and comments written as
 * a block comment of the same length, so every token keeps its offset and the value and the
 * problems stay the same. Strings and comments end where jsonc-parser's scanner ends them: a
 * string at an unescaped quote or a line break, a line comment at a line break.
 * NOTE: checked against jsonc-parser 3.3.1 only, by a property test that compares both reads.
 */
export function commentOutLongSpaces(text: string): string {
  // One pass, with no search for a long run first: a regular expression for one checks a run of
  // 255 spaces again at each of its characters.
  const pieces: string[] = [];
  let copiedTo = 0;
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x22) at = scannedStringEnd(text, at);
    else if (code === 0x2f && text.charCodeAt(at + 1) === 0x2f) at = lineEnd(text, at + 2);
    else if (code === 0x2f && text.charCodeAt(at + 1) === 0x2a) {
      const close = text.indexOf('*/', at + 2);
      at = close < 0 ? text.length : close + 2;
    } else if (code === 0x20 || code === 0x09) {
      let end = at + 1;
      while (text.charCodeAt(end) === 0x20 || text.charCodeAt(end) === 0x09) end++;
      if (end - at >= LONG_SPACE_RUN) {
        // The space before the comment keeps a slash before the run from making it a line comment.
        pieces.push(text.slice(copiedTo, at), ` /*${' '.repeat(end - at - 5)}*/`);
        copiedTo = end;
      }
      at = end;
    } else at++;
  }
  if (pieces.length === 0) return text;
  pieces.push(text.slice(copiedTo));
  return pieces.join('');
}

/** Returns the offset after the string that starts at `at`, as jsonc-parser's scanner reads it. */
function scannedStringEnd(text: string, at: number): number {
  let index = at + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code === 0x0a || code === 0x0d) return index;
    // A backslash takes the next character with it, whatever it is.
    index += code === 0x5c ? 2 : 1;
  }
  return text.length;
}

/**
 * Builds the value, the layouts and the problems in one pass of jsonc-parser's visitor, which
 * recovers from syntax errors and reports them. The values are those of parseTree followed by
 * getNodeValue, except that a "__proto__" key is reported and left out instead of replacing the
 * object's prototype. For a duplicate key the last property wins, and the layout points at that
 * property.
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
  private lastError?: { name: string; start: number; end: number };
  /** End of the digits after a leading zero ("02"), which the parser reads as a second value. */
  private leadingZeroEnd?: number;
  /**
   * End of a single-quoted string, whose words the parser reads as further invalid symbols, or of
   * an unquoted key.
   */
  private singleQuotedEnd?: number;
  /** Set after a single-quoted key, whose value the parser skips and then expects. */
  private afterQuotedKey = false;
  /**
   * Offsets after which the parser's nesting is off: the unclosed brackets that an error named
   * (see unclosedBefore), and single-quoted strings with brackets or double quotes in them, which
   * the parser reads as structure.
   */
  private readonly namedOpeners = new Set<number>();
  private text = '';
  /** The first object or list, in closing order, whose closing bracket starts a line indented less than the line it opens on. */
  private misclosed?: { open: number; close: number; isObject: boolean };
  /** The first object or list, in closing order, closed on a later line indented deeper than its opening line. */
  private overclosed?: { open: number; close: number; isObject: boolean };
  /** Offset of the error for a bracket missing at the end of the text. */
  private unclosedAt?: number;

  /** `outerDepth` is how deep the text's value sits in its document, for the nesting limit. */
  constructor(
    private readonly problems: Problem[],
    private readonly outerDepth = 0,
  ) {}

  read(text: string): { value: unknown; root?: Located; records: Records; tooDeep?: number; misnested: boolean } {
    this.text = text;
    try {
      visit(
        text,
        {
          onObjectBegin: (offset) => this.begin(offset, true),
          onObjectEnd: (offset, length) => this.end(offset + length),
          onArrayBegin: (offset) => this.begin(offset, false),
          onArrayEnd: (offset, length) => this.end(offset + length),
          onObjectProperty: (key, offset, length) => this.property(this.intern(key), offset, offset + length),
          onLiteralValue: (value, offset, length) => {
            if (value === 0) this.checkUnderflow(text.slice(offset, offset + length), offset);
            this.attach(typeof value === 'string' ? this.intern(value) : value, offset, offset + length, NO_LAYOUT);
          },
          onError: (error, offset, length) => this.error(error, offset, length, text),
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
    // Another syntax error before the misplaced bracket means a bracket is missing elsewhere (a "]"
    // that a "}" then replaces), and the indentation no longer shows which.
    const misclosed = this.misclosed;
    const clear = misclosed !== undefined && !this.problems.some((problem) => problem.code === 'syntax-error' && problem.span.start < misclosed.close);
    const pointed = this.unclosedAt !== undefined && misclosed !== undefined && clear;
    if (pointed) this.pointAtMisclosed(text, this.unclosedAt as number, misclosed);
    const misnested = pointed || this.namedOpeners.size > 0;
    return { value: this.rootValue, root: this.root, records: this.records(), tooDeep: this.tooDeep, misnested };
  }

  /**
   * Returns the error that names the object or list left open, where the parser reports only a
   * missing comma or property name. Four places show one: a "}" inside a list, a "]" inside an
   * object, a key and colon inside a list, and a "{" or "[" where an object expects a key.
   */
  private unclosedBefore(text: string, name: string, offset: number): { message: string; span: Span; opener: number } | undefined {
    if (this.depth === 0) return undefined;
    const innermost = this.depth - 1;
    if (innermost + this.outerDepth >= MAX_JSON_DEPTH) return undefined;
    const inObject = this.isObject[innermost];
    const [open, close, noun] = inObject ? ['{', '}', 'brace'] : ['[', ']', 'bracket'];
    const opener = this.starts[innermost];
    const opened = (): number => new LineIndex(text).positionAt(opener).line + 1;
    const found = text[offset];
    if ((name === 'CommaExpected' || name === 'ValueExpected') && (found === '}' || found === ']') && inObject !== (found === '}')) {
      // Right after a bracket of its own kind (`[]]`), the bracket is more likely one too many.
      if (text.slice(Math.max(0, offset - MAX_KEY_SCAN), offset).trimEnd().endsWith(found)) {
        return { message: `This ${found} is probably one too many: the ${found === '}' ? '{' : '['} it would close is closed just before it. Remove it.`, span: { start: offset, end: offset + 1 }, opener };
      }
      return { message: `Closing ${noun} ${close} expected before this ${found}: the ${open} on line ${opened()} is not closed.`, span: { start: offset, end: offset + 1 }, opener };
    }
    if (name === 'CommaExpected' && found === ':' && !inObject) {
      const key = /"(?:[^"\\\r\n]|\\.)*"\s*$/.exec(text.slice(Math.max(0, offset - MAX_KEY_SCAN), offset));
      if (!key) return undefined;
      const start = offset - key[0].length;
      return { message: `Closing bracket ] expected before the key ${key[0].trimEnd()}: the [ on line ${opened()} is not closed.`, span: { start, end: offset + 1 }, opener };
    }
    if (name === 'CommaExpected' && found === '"' && !inObject) {
      // A string followed by a colon, without the comma before it, is a key as well.
      const key = /^"(?:[^"\\\r\n]|\\.)*"\s*:/.exec(text.slice(offset, offset + MAX_KEY_SCAN));
      if (!key) return undefined;
      const written = key[0].slice(0, -1).trimEnd();
      return { message: `Closing bracket ] expected before the key ${written}: the [ on line ${opened()} is not closed.`, span: { start: offset, end: offset + key[0].length }, opener };
    }
    if (name === 'PropertyNameExpected' && (found === '{' || found === '[') && inObject) {
      return { message: `Property name expected, found ${found}: the { on line ${opened()} is probably not closed before it.`, span: { start: offset, end: offset + 1 }, opener };
    }
    return undefined;
  }

  /**
   * Moves the error for a bracket missing at the end of the text to the object or list that most
   * likely lacks it. That is the first one whose closing bracket is indented less than the line
   * it opens on, because that bracket was written for an outer object.
   */
  private pointAtMisclosed(text: string, unclosedAt: number, misclosed: { open: number; close: number; isObject: boolean }): void {
    const index = this.problems.findIndex((problem) => problem.code === 'syntax-error' && problem.span.start === unclosedAt);
    if (index < 0) return;
    this.problems[index] = this.misclosedProblem(text, misclosed);
  }

  /** Makes the error at an object or list that a less indented closing bracket closed (see pointAtMisclosed). */
  private misclosedProblem(text: string, misclosed: { open: number; close: number; isObject: boolean }): Problem {
    const [open, close] = misclosed.isObject ? ['{', '}'] : ['[', ']'];
    const lines = new LineIndex(text);
    const closeLine = lines.positionAt(misclosed.close).line + 1;
    const endLine = firstOuterLine(text, lines, misclosed.open, closeLine);
    const message =
      endLine === closeLine
        ? `This ${open} is probably not closed: the ${close} on line ${closeLine}, which the parser pairs with it, is indented less than this line, so it was probably written for an outer ${open}. Everything after it is then read one level too deep. Add ${close} before line ${closeLine}.`
        : `This ${open} is probably not closed: line ${endLine} is indented no deeper than this line, so the ${open === '{' ? 'object' : 'list'} ends before it, but the parser pairs this ${open} with the ${close} on line ${closeLine} and reads the lines between one level too deep. Add ${close} before line ${endLine}.`;
    return { code: 'syntax-error', message, span: { start: misclosed.open, end: misclosed.open + 1 } };
  }

  private records(): Records {
    return {
      offsets: this.offsets.trimmed(),
      keys: this.keys,
      childLayouts: this.childLayouts.trimmed(),
      layouts: this.layouts.trimmed(),
      keyIndexes: this.keyIndexes,
    };
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
    if (depth + this.outerDepth >= MAX_JSON_DEPTH) {
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
    if (depth + this.outerDepth >= MAX_JSON_DEPTH) return;
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
    if ((!this.misclosed || !this.overclosed) && close > 0 && (this.text[close - 1] === '}' || this.text[close - 1] === ']')) {
      const closing = lineIndent(this.text, close - 1);
      const opening = lineIndent(this.text, this.starts[depth]);
      if (!this.misclosed && closing?.onlyBlanksBefore && opening && closing.indent.length < opening.indent.length && opening.indent.startsWith(closing.indent)) {
        this.misclosed = { open: this.starts[depth], close: close - 1, isObject };
      }
      // Closed on a later line that is indented deeper than the opening one: the bracket was
      // written for an inner part, and one too many before it ended this one early.
      const laterLine = /[\r\n]/.test(this.text.slice(this.starts[depth], close));
      if (!this.overclosed && laterLine && closing && opening && closing.indent.length > opening.indent.length) {
        this.overclosed = { open: this.starts[depth], close: close - 1, isObject };
      }
    }
  }

  /** Records the key of the next value, reporting "__proto__" and keys the object already has. */
  private property(key: string, start: number, end: number): void {
    const depth = this.depth - 1;
    if (depth < 0 || depth + this.outerDepth >= MAX_JSON_DEPTH || !this.isObject[depth]) return;
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

  /**
   * Reports a number written with a nonzero digit that reads as 0, such as 1e-400: below about
   * 5e-324 a double holds only 0, and a gain of 0 would block every path through it.
   */
  private checkUnderflow(raw: string, start: number): void {
    const mantissa = raw.split(/[eE]/)[0];
    if (!/[1-9]/.test(mantissa)) return;
    this.problems.push({
      code: 'invalid-number',
      message: `${raw} is too small for a double and reads as 0; write 0, or a number of at least 1e-300.`,
      span: { start, end: start + raw.length },
    });
  }

  private error(error: ParseErrorCode, offset: number, length: number, text: string): void {
    this.errors += 1;
    this.firstError ??= error;
    const name = printParseErrorCode(error);
    const previous = this.lastError;
    this.lastError = { name, start: offset, end: offset + length };
    // After an invalid symbol the parser also reports the value it failed to read, and it reads
    // "-Infinity" as two symbols. The first message covers both.
    if (previous?.name === 'InvalidSymbol' && (name === 'ValueExpected' || (name === 'InvalidSymbol' && offset === previous.end))) return;
    // Recovering from one fault, the parser reports more at the same place ("Comma expected." and
    // "Value expected." at a stray brace), as JSON's language service shows only the first.
    if (previous?.start === offset) return;
    if (this.singleQuotedEnd !== undefined) {
      const blanksBefore = text.slice(this.singleQuotedEnd, offset).trim() === '';
      if (offset < this.singleQuotedEnd) return;
      this.singleQuotedEnd = undefined;
      // A single-quoted key: the parser expects a property name at the colon, then a value after
      // the value it skipped.
      if (blanksBefore && name === 'PropertyNameExpected') {
        this.afterQuotedKey = true;
        return;
      }
    }
    if (this.afterQuotedKey) {
      this.afterQuotedKey = false;
      if (name === 'ValueExpected') return;
    }
    const word = name === 'InvalidSymbol' ? text.slice(offset, offset + length) : '';
    if (/^[A-Za-z_$][\w$]*$/.test(word) && text.slice(offset + length).trimStart().startsWith(':')) {
      // A key written as in JavaScript (`{ block: "b" }`); the parser then expects a property name at the colon.
      this.singleQuotedEnd = offset + length;
      this.problems.push({
        code: 'syntax-error',
        message: `Unquoted key ${word}: JSON keys need double quotes; write "${word}".`,
        span: { start: offset, end: offset + length },
      });
      return;
    }
    if (name === 'InvalidSymbol' && text[offset] === "'") {
      const close = singleQuoteEnd(text, offset);
      const end = close === undefined ? offset + Math.max(1, length) : close + 1;
      this.singleQuotedEnd = end;
      const inner = text.slice(offset + 1, close ?? end);
      if (/[{}[\]"]/.test(inner)) this.namedOpeners.add(offset);
      const quoted = inner.length > MAX_QUOTED_SYMBOL ? `${inner.slice(0, MAX_QUOTED_SYMBOL)}...` : inner;
      const written = inner.length > MAX_QUOTED_SYMBOL ? 'it in double quotes' : doubleQuoted(inner);
      this.problems.push({
        code: 'syntax-error',
        message: `${close === undefined ? 'Unterminated single-quoted' : 'Single-quoted'} string '${quoted}': JSON strings need double quotes; write ${written}.`,
        span: { start: offset, end },
      });
      return;
    }
    if ((name === 'CloseBraceExpected' || name === 'CloseBracketExpected') && text.slice(offset).trim() === '') this.unclosedAt = offset;
    const unclosed = this.unclosedBefore(text, name, offset);
    if (unclosed) {
      // Once one bracket is named, the parser's nesting is off, and the brackets it finds unclosed
      // further on, and the text's end, follow from that one.
      if (this.namedOpeners.size === 0) {
        // A closing bracket indented less than its opening line, met before, shows where the
        // bracket is missing better than the place where the parser noticed.
        const misclosed = this.misclosed;
        const earlier = misclosed !== undefined && misclosed.close < offset && !this.problems.some((problem) => problem.code === 'syntax-error' && problem.span.start < misclosed.close);
        this.problems.push(earlier ? this.misclosedProblem(text, misclosed) : { code: 'syntax-error', message: unclosed.message, span: unclosed.span });
      }
      this.namedOpeners.add(unclosed.opener);
      return;
    }
    const rootClose = this.root ? text[this.root.end - 1] : undefined;
    if (name === 'EndOfFileExpected' && this.root && (rootClose === '}' || rootClose === ']') && this.namedOpeners.size === 0 && this.errors === 1) {
      // One closing bracket too many ends the top-level value early, and the parser notices only
      // at the text that follows it.
      const close = this.root.end - 1;
      const lines = new LineIndex(text);
      this.namedOpeners.add(this.root.start);
      const over = this.overclosed;
      if (over) {
        const openLine = lines.positionAt(over.open).line + 1;
        this.problems.push({
          code: 'syntax-error',
          message: `This ${text[over.close]} closes the ${over.isObject ? 'object' : 'list'} that opens on line ${openLine}, but its line is indented deeper than that one, so it is probably one too many, and the top-level value ends early. Remove it.`,
          span: { start: over.close, end: over.close + 1 },
        });
        return;
      }
      const line = lines.positionAt(close).line + 1;
      this.problems.push({
        code: 'syntax-error',
        message: `This ${text[close]} closes the top-level ${text[close] === '}' ? 'object' : 'list'} on line ${line}, so the text after it is not read. A closing bracket before it is probably one too many: remove it.`,
        span: { start: close, end: close + 1 },
      });
      return;
    }
    // After a bracket is named, the parser reads the rest at the wrong depth, and its further
    // errors describe that reading rather than the text.
    if (this.namedOpeners.size > 0) return;
    // In an object the parser also expects a value at the token after such digits.
    if (this.leadingZeroEnd !== undefined && name === 'ValueExpected' && text.slice(this.leadingZeroEnd, offset).trim() === '') return;
    this.leadingZeroEnd = undefined;
    const zeroStart = (name === 'CommaExpected' || name === 'EndOfFileExpected') && leadingZeroStart(text, offset);
    if (zeroStart !== false) {
      this.leadingZeroEnd = offset + length;
      const symbol = text.slice(zeroStart, offset + length);
      const quoted = symbol.length > MAX_QUOTED_SYMBOL ? `${symbol.slice(0, MAX_QUOTED_SYMBOL)}...` : symbol;
      const written = symbol.length > MAX_QUOTED_SYMBOL ? '' : `; write ${symbol.replace(/^(-?)0+(?=\d)/, '$1')}`;
      this.problems.push({
        code: 'syntax-error',
        message: `Invalid number "${quoted}": JSON numbers have no leading zeros${written}.`,
        span: { start: zeroStart, end: offset + length },
      });
      return;
    }
    const message = name === 'InvalidSymbol' ? invalidSymbolMessage(text, offset, length) : `${syntaxMessage(error)}.`;
    // The "0" of "0x10" is read as a number of its own, but the range covers the whole literal.
    const prefixed = name === 'InvalidSymbol' && /^[xXbBoO]/.test(text[offset] ?? '') && text[offset - 1] === '0' ? 1 : 0;
    this.problems.push({
      code: 'syntax-error',
      message,
      span: { start: offset - prefixed, end: offset + Math.max(1, length) },
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

/** Returns the layout of a read by the full reader, over its tables. */
function tableLayout(root: Located | undefined, records: Records): Layout {
  return {
    find: (path) => (root ? findPart(root, records, path) : undefined),
    children: (part) => {
      if (part.layout === NO_LAYOUT) return undefined;
      const base = part.layout * LAYOUT_FIELDS;
      const first = records.layouts[base + FIRST];
      const after = first + records.layouts[base + COUNT];
      const isObject = records.layouts[base + IS_OBJECT] === 1;
      return new Children(isObject, records.offsets.slice(first * 4, after * 4), isObject ? (records.keys.slice(first, after) as string[]) : []);
    },
  };
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

/**
 * Returns edits that set the value at `path` in a JSON document, made by jsonc-parser's modify,
 * or undefined when a value on the path is not an object or the edits would change anything else.
 * modify parses all the text it is given, so it gets the document with the values beside the
 * path cut to 0: on a large model, the blocks become one character. The lines, indents and
 * nesting around the path stay as they are, so the edits are those that modify makes on the
 * whole text. When its formatting would take in a cut value, as on a model written on one line,
 * the value is inserted on one line, with a space after each comma and colon.
 */
export function setJsonValue(doc: SourceDocument, path: readonly string[], value: unknown, options: FormattingOptions): TextEdit[] | undefined {
  const levels = objectsOnPath(doc, path);
  if (!levels || doc.text === undefined) return undefined;
  // New lines end as the document's lines do, whatever the caller assumed.
  const layout = textLayout(doc.text);
  const formatting = { ...layout, ...options, eol: layout.eol };
  const cuts = levels.flatMap((level) => level.others.map((other) => ({ span: other.valueSpan, newText: '0' })));
  const skeleton = cutValues(doc.text, { start: 0, end: doc.text.length }, cuts);
  if (!skeleton) return undefined;
  const appended = appendAfterComments(doc.text, doc.value, path, value, levels, formatting);
  if (appended && editSetsOnly(doc, appended, path, value)) return appended;
  for (const options of [{ formattingOptions: formatting }, { spaced: true }, {}]) {
    let edits: ReturnType<typeof modify>;
    try {
      edits = modify(skeleton.text, [...path], value, 'spaced' in options ? {} : options);
    } catch {
      // modify throws when a value on the path is not an object, which objectsOnPath has ruled out.
      return undefined;
    }
    if ('spaced' in options) edits = edits.map((edit) => ({ ...edit, content: spacedJson(edit.content) }));
    const mapped = edits.map((edit) => {
      // Formatting widens an edit to whole lines, so it can take in the end of a cut value.
      // The text that the edit keeps is trimmed off before the edit is mapped back.
      const replaced = skeleton.text.slice(edit.offset, edit.offset + edit.length);
      const prefix = commonPrefix(replaced, edit.content);
      const suffix = commonSuffix(replaced, edit.content, prefix);
      return {
        span: { start: skeleton.toDocument(edit.offset + prefix), end: skeleton.toDocument(edit.offset + edit.length - suffix) },
        newText: edit.content.slice(prefix, edit.content.length - suffix),
      };
    });
    if (mapped.length > 0 && editSetsOnly(doc, mapped, path, value)) return mapped;
  }
  return undefined;
}

/**
 * Adds the path's first missing key as the new last member of its object, when comments follow
 * the last member's value (or the opening brace) on its line. Those comments describe that value.
 * jsonc-parser's modify would put the new member before them, or rewrite them as it formats. Here
 * the comma goes right after the value and the member after the comments: on a new line with the
 * last member's indent, or on the same line in a one-line object. Returns undefined for other edits.
 */
function appendAfterComments(
  text: string,
  root: unknown,
  path: readonly string[],
  value: unknown,
  levels: { span: Span; others: KeyRanges[] }[],
  formatting: FormattingOptions,
): TextEdit[] | undefined {
  const depth = levels.length - 1;
  const { span, others } = levels[depth];
  let object = root;
  for (const key of path.slice(0, depth)) object = (object as Record<string, unknown>)[key];
  if (!isPlainObject(object) || Object.hasOwn(object, path[depth])) return undefined;
  const unit = formatting.insertSpaces === false ? '\t' : ' '.repeat(formatting.tabSize ?? 2);
  const objectIndent = indentAt(text, span.start);
  const last = others.length === 0 ? undefined : others.reduce((latest, other) => (other.valueSpan.end > latest.valueSpan.end ? other : latest));
  // An empty object's member goes after the comments that follow its opening brace.
  const anchor = last ? last.valueSpan.end : span.start + 1;
  const lastLine = last ? lineStartOf(text, last.keySpan.start) : undefined;
  const after = commentsAfter(text, anchor, last ? lastLine !== undefined && lastLine > span.start : true);
  if (!after.comment) return undefined;
  const multiLine = last ? lastLine !== undefined && lastLine > span.start : after.lineComment;

  let member = value;
  for (let at = path.length - 1; at > depth; at--) member = { [path[at]]: member };
  const key = JSON.stringify(path[depth]);
  const comma = after.comma ? ',' : '';
  const edits: TextEdit[] = last && !after.comma ? [{ span: { start: anchor, end: anchor }, newText: ',' }] : [];
  const at = { start: after.end, end: after.end };
  if (!multiLine) return [...edits, { span: at, newText: ` ${key}: ${spacedJson(JSON.stringify(member))}${comma}` }];
  const eol = lineBreakAt(text, after.end) ?? lineBreakOf(text);
  const indent = last ? indentAt(text, last.keySpan.start) : objectIndent + unit;
  const lines = JSON.stringify(member, null, unit).split('\n');
  // Text left on the line after the comments, such as the closing brace, moves to a line of its own.
  const spaces = /^[ \t]*(?=[^\s])/.exec(text.slice(after.end, after.end + 1000))?.[0];
  const rest = spaces === undefined ? '' : `${eol}${objectIndent}`;
  const replaced = { start: after.end, end: after.end + (spaces?.length ?? 0) };
  return [...edits, { span: replaced, newText: `${eol}${indent}${key}: ${lines.join(eol + indent)}${comma}${rest}` }];
}

/**
 * Scans the spaces, comments and one comma that follow a value on its line. Returns where they
 * end, whether there was a comment, whether it ended with a line comment and whether the comma
 * was there. A line comment ends the scan and is passed only when `lineComments` is true, because
 * text after it on its line is commented out.
 */
function commentsAfter(text: string, offset: number, lineComments: boolean): { end: number; comment: boolean; lineComment: boolean; comma: boolean } {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  const found = { end: offset, comment: false, lineComment: false, comma: false };
  for (;;) {
    const kind = scanner.scan();
    const end = scanner.getTokenOffset() + scanner.getTokenLength();
    if (kind === SyntaxKind.Trivia) continue;
    if (kind === SyntaxKind.CommaToken && !found.comma) {
      found.comma = true;
      found.end = end;
    } else if (kind === SyntaxKind.BlockCommentTrivia && !/[\r\n]/.test(scanner.getTokenValue())) {
      found.comment = true;
      found.end = end;
    } else {
      if (kind === SyntaxKind.LineCommentTrivia && lineComments) return { ...found, end, comment: true, lineComment: true };
      return found;
    }
  }
}

/** Returns the line break at an offset, or undefined when none starts there. */
function lineBreakAt(text: string, offset: number): string | undefined {
  if (text.startsWith('\r\n', offset)) return '\r\n';
  if (text[offset] === '\n' || text[offset] === '\r') return text[offset];
  return undefined;
}

/**
 * Puts a space after each comma and colon and inside non-empty braces and brackets of JSON text,
 * outside its strings: `,"a": {"b":1}` becomes `, "a": { "b": 1 }`. Without formatting options
 * jsonc-parser's modify writes a value as JSON.stringify does, with no spaces.
 */
export function spacedJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s*([,:])\s*|([{[])\s*(?![}\]])|\s*([}\]])/g, (match, string, separator, open, close, offset) => {
    if (string !== undefined) return string;
    if (separator !== undefined) return `${separator} `;
    if (open !== undefined) return `${open} `;
    // A closing brace or bracket right after its opening one stays empty.
    return /[{[]\s*$/.test(text.slice(0, offset)) ? close : ` ${close}`;
  });
}

/**
 * Checks that `edits` change a document's value only by setting the value at `path` to `value`.
 * The edits must lie inside the innermost object on the path or in the spaces around it. The
 * object's edited text must read with no problem it did not have, and contain the keys it had,
 * with their text, plus the one set. The values beside the change are left out of
 * that read, so checking an edit of a large model's settings reads a few lines, not the model.
 * Returns false for anything else, including an edit that crosses another key's text.
 */
export function editSetsOnly(doc: SourceDocument, edits: readonly TextEdit[], path: readonly string[], value: unknown): boolean {
  const levels = objectsOnPath(doc, path);
  if (!levels || doc.text === undefined) return false;
  const depth = levels.length - 1;
  const { span, others } = levels[depth];
  if (edits.some((edit) => edit.span.end < edit.span.start)) return false;
  if (edits.some((edit) => others.some((other) => edit.span.start < other.valueSpan.end && edit.span.end > other.keySpan.start))) return false;
  // Formatting can take in the spaces around the object; an edit that reaches further is rejected.
  const region = {
    start: Math.min(span.start, ...edits.map((edit) => edit.span.start)),
    end: Math.max(span.end, ...edits.map((edit) => edit.span.end)),
  };
  const spaces = /^[ \t\r\n]*$/;
  if (!spaces.test(doc.text.slice(region.start, span.start)) || !spaces.test(doc.text.slice(span.end, region.end))) return false;

  const cuts = others.map((other) => ({ span: other.valueSpan, newText: '0' }));
  const edited = cutValues(doc.text, region, [...edits, ...cuts]);
  const unedited = cutValues(doc.text, span, cuts);
  if (!edited || !unedited) return false;
  const expected: Record<string, unknown> = {};
  for (const other of others) expected[other.key] = 0;
  let set = value;
  for (let at = path.length - 1; at > depth; at--) set = { [path[at]]: set };
  expected[path[depth]] = set;
  // The edit may leave a problem the object had, such as a duplicate key, but add none.
  const read = readJsonSource(edited.text);
  const problemsOf = (problems: readonly Problem[]): string[] => problems.map((problem) => `${problem.code}: ${problem.message}`);
  const before = problemsOf(readJsonSource(unedited.text).problems);
  return sameValue(read.value, expected) && problemsOf(read.problems).every((problem, index) => problem === before[index]) && read.problems.length === before.length;
}

/** A key of an object, with the ranges of the key and its value. */
interface KeyRanges {
  key: string;
  keySpan: Span;
  valueSpan: Span;
}

/**
 * Returns the objects on `path` that the document has, from the root to the innermost one (the
 * last key of the path is not followed), each with its range and its keys other than the path's
 * next one. Returns undefined when a value on the path is not an object.
 */
function objectsOnPath(doc: SourceDocument, path: readonly string[]): { span: Span; others: KeyRanges[] }[] | undefined {
  if (path.length === 0 || !isPlainObject(doc.value)) return undefined;
  const levels: { span: Span; others: KeyRanges[] }[] = [];
  let object: Record<string, unknown> = doc.value;
  for (let depth = 0; ; depth++) {
    const objectPath = path.slice(0, depth);
    const span = doc.locate(objectPath);
    if (!span) return undefined;
    const others: KeyRanges[] = [];
    for (const key of Object.keys(object)) {
      if (key === path[depth]) continue;
      const keySpan = doc.locate([...objectPath, key], 'key');
      const valueSpan = doc.locate([...objectPath, key]);
      if (!keySpan || !valueSpan) return undefined;
      others.push({ key, keySpan, valueSpan });
    }
    levels.push({ span, others });
    if (depth === path.length - 1 || !Object.hasOwn(object, path[depth])) return levels;
    const child = object[path[depth]];
    if (!isPlainObject(child)) return undefined;
    object = child;
  }
}

/**
 * Returns the text of `span` with the replacements made, and a map from offsets in that text to
 * offsets in the document. Returns undefined when a replacement lies outside the span or overlaps another.
 */
function cutValues(text: string, span: Span, replacements: readonly TextEdit[]): { text: string; toDocument: (offset: number) => number } | undefined {
  const sorted = [...replacements].sort((a, b) => a.span.start - b.span.start);
  // Runs of the document's text kept in the result: where each starts in the result and in the document.
  const runs: { at: number; from: number; to: number }[] = [];
  let result = '';
  let from = span.start;
  for (const replacement of sorted) {
    if (replacement.span.start < from || replacement.span.end > span.end) return undefined;
    runs.push({ at: result.length, from, to: replacement.span.start });
    result += text.slice(from, replacement.span.start) + replacement.newText;
    from = replacement.span.end;
  }
  runs.push({ at: result.length, from, to: span.end });
  result += text.slice(from, span.end);
  const toDocument = (offset: number): number => {
    // The last run that starts at or before the offset; an offset inside a replacement maps to its start.
    let run = runs[0];
    for (const candidate of runs) if (candidate.at <= offset) run = candidate;
    return Math.min(run.from + (offset - run.at), run.to);
  };
  return { text: result, toDocument };
}

/**
 * Returns the offset of the quote that closes the single-quoted string at `offset` on the same
 * line, skipping escaped characters (`'it\\'s'`), or undefined.
 */
function singleQuoteEnd(text: string, offset: number): number | undefined {
  for (let at = offset + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '\\') at += 1;
    else if (char === "'") return at;
    else if (char === '\n' || char === '\r') return undefined;
  }
  return undefined;
}

/**
 * Writes the body of a single-quoted string as a JSON string with the same value: its escapes stay
 * as they are, an escaped single quote needs no escape, and a double quote needs one.
 */
function doubleQuoted(body: string): string {
  let out = '"';
  for (let at = 0; at < body.length; at++) {
    const char = body[at];
    if (char === '\\' && at + 1 < body.length) {
      const next = body[at + 1];
      out += next === "'" ? "'" : `\\${next}`;
      at += 1;
    } else {
      out += char === '"' ? '\\"' : char;
    }
  }
  return `${out}"`;
}

/**
 * Returns the first line after the one of `open` that is indented no deeper than it, and so no
 * longer inside what `open` starts, up to `closeLine` (1-based). Blank and comment lines do not count.
 */
function firstOuterLine(text: string, lines: LineIndex, open: number, closeLine: number): number {
  const openLine = lines.positionAt(open).line;
  const depth = lineIndent(text, open)?.indent.length;
  if (depth === undefined) return closeLine;
  for (let line = openLine + 1; line < closeLine - 1; line++) {
    const start = lines.offsetAt({ line, character: 0 });
    const body = text.slice(start, lines.offsetAt({ line: line + 1, character: 0 }));
    const trimmed = body.trim();
    if (trimmed === '' || trimmed.startsWith('//') || trimmed.startsWith('/*')) continue;
    if (body.length - body.trimStart().length <= depth) return line + 1;
  }
  return closeLine;
}

/** Maximum number of characters scanned back for a line's indentation; a longer line counts as not indented. */
const MAX_INDENT_SCAN = 1000;

/**
 * Returns the blanks that start the line holding `offset`, and whether only blanks precede
 * `offset` on it. Returns undefined for a line longer than MAX_INDENT_SCAN before `offset`, so
 * that a minified text is not scanned once per bracket.
 */
function lineIndent(text: string, offset: number): { indent: string; onlyBlanksBefore: boolean } | undefined {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') {
    start -= 1;
    if (offset - start > MAX_INDENT_SCAN) return undefined;
  }
  let end = start;
  while (text[end] === ' ' || text[end] === '\t') end += 1;
  return { indent: text.slice(start, end), onlyBlanksBefore: end === offset };
}

/**
 * Returns where a number with a leading zero starts when the token at `offset` is its remaining
 * digits: the scanner reads "02" as the number 0 followed by the number 2. Returns false otherwise.
 */
function leadingZeroStart(text: string, offset: number): number | false {
  const digit = (at: number): boolean => text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39;
  if (!digit(offset) || text[offset - 1] !== '0') return false;
  // The zero must be a whole number token: not the end of 10, 1.0 or 1e0.
  const before = offset - 2;
  if (digit(before) || /[.eE+]/.test(text[before] ?? '')) return false;
  return text[before] === '-' ? before : offset - 1;
}

/** Maximum number of characters scanned back for the key before a colon inside a list. */
const MAX_KEY_SCAN = 200;

/** Maximum length of the invalid symbol quoted in a message. */
const MAX_QUOTED_SYMBOL = 40;

/**
 * Names an invalid symbol and how to write it in JSON: a hexadecimal number, a number without a
 * leading digit or with a plus sign, NaN or Infinity, an invisible character, or an unquoted word.
 */
function invalidSymbolMessage(text: string, offset: number, length: number): string {
  let symbol = text.slice(offset, offset + length).trim();
  if (symbol === '-' && text.startsWith('Infinity', offset + 1)) symbol = '-Infinity';
  const quoted = symbol.length > MAX_QUOTED_SYMBOL ? `${symbol.slice(0, MAX_QUOTED_SYMBOL)}...` : symbol;
  // The scanner reads the "0" of "0x10" as a number and stops at the "x".
  if (/^[xXbBoO][0-9a-fA-F]*$/.test(symbol) && text[offset - 1] === '0') {
    const value = Number(`0${symbol}`);
    return `Invalid number "0${quoted}": JSON numbers are decimal${Number.isFinite(value) ? `; write ${value}` : ''}.`;
  }
  if (/^\.\d/.test(symbol)) return `Invalid number "${quoted}": a JSON number needs a digit before the point; write 0${quoted}.`;
  if (/^\+\d/.test(symbol)) return `Invalid number "${quoted}": JSON numbers have no plus sign; write ${quoted.slice(1)}.`;
  if (/^-?(NaN|Infinity)$/.test(symbol) || symbol === '-') return `"${quoted}" is not a JSON number; write a finite number.`;
  const invisible = /[\u0000-\u001f\u007f-\u00a0\u2000-\u200f\u2028\u2029\ufeff]/.exec(text.slice(offset, offset + length));
  if (invisible) {
    const code = invisible[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `Invalid character U+${code}, which is not shown as text; delete it.`;
  }
  return `Unquoted word "${quoted}": JSON strings need double quotes, and NaN, Infinity and words are not numbers; write a string "${quoted}" or a number.`;
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
  /** `layout` locates parts where the read found them, instead of parsing the text again for every fix. */
  constructor(
    private readonly text: string,
    private readonly layout: Layout,
  ) {}

  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined {
    const object = this.layout.find(path);
    const children = object && this.layout.children(object);
    if (!object || !children?.isObject) return undefined;
    const { offsets, count } = children;
    const literal = JSON.stringify(value);
    const existing = children.position(key);
    if (existing >= 0) return [{ span: { start: offsets[existing * 4 + 2], end: offsets[existing * 4 + 3] }, newText: literal }];

    const entry = `${JSON.stringify(key)}: ${literal}`;
    if (count === 0) {
      return [{ span: { start: object.start + 1, end: object.end - 1 }, newText: ` ${entry} ` }];
    }
    const lastStart = offsets[(count - 1) * 4];
    const lastEnd = offsets[(count - 1) * 4 + 3];
    const lineStart = lineStartOf(this.text, lastStart);
    const onOwnLine = this.text.slice(lineStart, lastStart).trim() === '' && lineStart > object.start;
    if (!onOwnLine) return [{ span: { start: lastEnd, end: lastEnd }, newText: `, ${entry}` }];
    const indent = this.text.slice(lineStart, lastStart);
    return [{ span: { start: lastEnd, end: lastEnd }, newText: `,${lineBreakOf(this.text)}${indent}${entry}` }];
  }

  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined {
    const list = this.layout.find(path);
    const children = list && this.layout.children(list);
    if (!list || !children || children.isObject) return undefined;
    return [
      { span: { start: list.start, end: list.start }, newText: `{ ${JSON.stringify(listKey)}: ` },
      { span: { start: list.end, end: list.end }, newText: `, ${JSON.stringify(key)}: ${JSON.stringify(value)} }` },
    ];
  }
}
