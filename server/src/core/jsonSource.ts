// The JSON-with-comments front end: reads *.arch.json text with jsonc-parser into a value with a
// range for every node, reports syntax errors and duplicate keys, and edits the text minimally.
import {
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Problem, SourceDocument, SourceEditor, Span, TextEdit, ValuePath } from './source';

/** Deepest nesting of objects and lists read; deeper text is rejected before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_JSON_DEPTH = 256;

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

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (!root && errors.length === 1 && printParseErrorCode(errors[0].error) === 'ValueExpected') {
    // Only whitespace and comments: name what a model file needs instead of "Value expected".
    problems.push({
      code: 'schema',
      message: 'The file has no JSON value. A model file is an object such as {"reslint": 1, "layers": [["conv", "relu"]]}.',
      span: { start: 0, end: Math.min(text.length, 1) },
    });
    errors.length = 0;
  }
  for (const error of errors) {
    problems.push({
      code: 'syntax-error',
      message: `${syntaxMessage(error.error)}.`,
      span: { start: error.offset, end: error.offset + Math.max(1, error.length) },
    });
  }
  if (root) reportDuplicateKeys(root, problems);
  const value = root ? nodeValue(root) : undefined;
  const findNode = root ? createNodeFinder(root) : () => undefined;
  const locate = (path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined => {
    const node = findNode(path);
    if (!node) return undefined;
    if (part === 'key' && node.parent?.type === 'property' && node.parent.children) {
      const key = node.parent.children[0];
      return { start: key.offset, end: key.offset + key.length };
    }
    return { start: node.offset, end: node.offset + node.length };
  };
  return { value, locate, problems, length: text.length, editor: new JsonEditor(text, findNode) };
}

/** Objects with more properties than this get a key index on their first lookup. */
const INDEXED_OBJECT_SIZE = 16;

/**
 * Finds the node at a path with the same result as jsonc-parser's findNodeAtLocation: the first
 * property with that key and a value. That function scans an object's properties on every call,
 * so locating each of n blocks cost O(n). Here each large object's keys are indexed once.
 */
function createNodeFinder(root: Node): (path: ValuePath) => Node | undefined {
  const keyIndexes = new Map<Node, Map<string, Node>>();
  const propertyValue = (object: Node, key: string): Node | undefined => {
    const properties = object.children as Node[];
    if (properties.length <= INDEXED_OBJECT_SIZE) {
      for (const property of properties) {
        const parts = property.children;
        if (Array.isArray(parts) && parts.length === 2 && parts[0].value === key) return parts[1];
      }
      return undefined;
    }
    let index = keyIndexes.get(object);
    if (!index) {
      index = new Map();
      for (const property of properties) {
        const parts = property.children;
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0].value !== 'string') continue;
        if (!index.has(parts[0].value)) index.set(parts[0].value, parts[1]);
      }
      keyIndexes.set(object, index);
    }
    return index.get(key);
  };

  return (path) => {
    let node: Node | undefined = root;
    for (const segment of path) {
      if (typeof segment === 'string') {
        if (node.type !== 'object' || !Array.isArray(node.children)) return undefined;
        node = propertyValue(node, segment);
      } else {
        if (node.type !== 'array' || segment < 0 || !Array.isArray(node.children) || segment >= node.children.length) return undefined;
        node = node.children[segment];
      }
      if (!node) return undefined;
    }
    return node;
  };
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
 * Converts a node to its plain value, like jsonc-parser's getNodeValue but without assigning "__proto__"
 * as a key, which would replace the object's prototype instead of adding a property. Such keys are
 * reported by reportDuplicateKeys and left out. Iterative, so deep documents cannot overflow.
 */
function nodeValue(root: Node): unknown {
  const convert = (node: Node): unknown => {
    if (node.type === 'object') return {};
    if (node.type === 'array') return [];
    return node.value;
  };
  const rootValue = convert(root);
  const stack: [Node, unknown][] = [[root, rootValue]];
  while (stack.length > 0) {
    const [node, value] = stack.pop() as [Node, unknown];
    if (node.type === 'object') {
      const object = value as Record<string, unknown>;
      for (const property of node.children ?? []) {
        const [key, child] = property.children ?? [];
        if (!key || !child || typeof key.value !== 'string' || key.value === '__proto__') continue;
        const childValue = convert(child);
        object[key.value] = childValue;
        stack.push([child, childValue]);
      }
    } else if (node.type === 'array') {
      const array = value as unknown[];
      for (const child of node.children ?? []) {
        const childValue = convert(child);
        array.push(childValue);
        stack.push([child, childValue]);
      }
    }
  }
  return rootValue;
}

function reportDuplicateKeys(root: Node, problems: Problem[]): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'object' && node.children) {
      const seen = new Set<string>();
      for (const property of node.children) {
        const key = property.children?.[0];
        if (!key || typeof key.value !== 'string') continue;
        if (key.value === '__proto__') {
          problems.push({
            code: 'schema',
            message: 'The key "__proto__" is reserved in JavaScript and cannot name a block, path, op or setting; it is ignored. Rename it.',
            span: { start: key.offset, end: key.offset + key.length },
          });
        }
        if (seen.has(key.value)) {
          problems.push({
            code: 'duplicate-key',
            message: `Duplicate key "${key.value}"; the last one is used. Remove or rename one of them.`,
            span: { start: key.offset, end: key.offset + key.length },
          });
        }
        seen.add(key.value);
      }
    }
    for (const child of node.children ?? []) stack.push(child);
  }
}

/**
 * Edits that touch only the number being set: an existing value is replaced in place, a new
 * property is inserted after the object's last property in the object's own layout.
 */
class JsonEditor implements SourceEditor {
  /** `nodeAt` finds nodes in the tree that readJsonSource parsed, instead of parsing the text again for every fix. */
  constructor(
    private readonly text: string,
    private readonly nodeAt: (path: ValuePath) => Node | undefined,
  ) {}

  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined {
    const object = this.nodeAt(path);
    if (!object || object.type !== 'object') return undefined;
    const literal = JSON.stringify(value);
    const existing = object.children?.find((property) => property.children?.[0]?.value === key)?.children?.[1];
    if (existing) return [{ span: { start: existing.offset, end: existing.offset + existing.length }, newText: literal }];

    const entry = `${JSON.stringify(key)}: ${literal}`;
    const last = object.children?.[object.children.length - 1];
    if (!last) {
      return [{ span: { start: object.offset + 1, end: object.offset + object.length - 1 }, newText: ` ${entry} ` }];
    }
    const lastEnd = last.offset + last.length;
    const lineStart = this.text.lastIndexOf('\n', last.offset) + 1;
    const onOwnLine = this.text.slice(lineStart, last.offset).trim() === '' && lineStart > object.offset;
    if (!onOwnLine) return [{ span: { start: lastEnd, end: lastEnd }, newText: `, ${entry}` }];
    const indent = this.text.slice(lineStart, last.offset);
    const eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    return [{ span: { start: lastEnd, end: lastEnd }, newText: `,${eol}${indent}${entry}` }];
  }

  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined {
    const node = this.nodeAt(path);
    if (!node || node.type !== 'array') return undefined;
    const end = node.offset + node.length;
    return [
      { span: { start: node.offset, end: node.offset }, newText: `{ ${JSON.stringify(listKey)}: ` },
      { span: { start: end, end }, newText: `, ${JSON.stringify(key)}: ${JSON.stringify(value)} }` },
    ];
  }
}
