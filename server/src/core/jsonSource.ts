// The JSON-with-comments front end: reads *.arch.json text with jsonc-parser into a value with a
// range for every node, reports syntax errors and duplicate keys, and edits the text minimally.
import {
  createScanner,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  SyntaxKind,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import type { Problem, SourceDocument, SourceEditor, Span, TextEdit, ValuePath } from './source';

/** Deepest nesting of objects and lists read; deeper text is rejected before parsing, so the recursive parser cannot overflow the stack. */
export const MAX_JSON_DEPTH = 256;

export function readJsonSource(text: string): SourceDocument {
  const problems: Problem[] = [];
  const editor = new JsonEditor(text);
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== undefined) {
    problems.push({
      code: 'syntax-error',
      message: `Objects and lists are nested more than ${MAX_JSON_DEPTH} levels deep; the file is not analysed. Flatten the structure.`,
      span: { start: tooDeep, end: tooDeep + 1 },
    });
    return { value: undefined, locate: () => undefined, problems, length: text.length, editor };
  }

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const error of errors) {
    problems.push({
      code: 'syntax-error',
      message: `${syntaxMessage(error.error)}.`,
      span: { start: error.offset, end: error.offset + Math.max(1, error.length) },
    });
  }
  if (root) reportDuplicateKeys(root, problems);
  const value = root ? getNodeValue(root) : undefined;
  const locate = (path: ValuePath, part: 'key' | 'value' = 'value'): Span | undefined => {
    if (!root) return undefined;
    const node = findNodeAtLocation(root, path as (string | number)[]);
    if (!node) return undefined;
    if (part === 'key' && node.parent?.type === 'property' && node.parent.children) {
      const key = node.parent.children[0];
      return { start: key.offset, end: key.offset + key.length };
    }
    return { start: node.offset, end: node.offset + node.length };
  };
  return { value, locate, problems, length: text.length, editor };
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

/** Offset of the first bracket past MAX_JSON_DEPTH, found with the scanner (no recursion). */
function findExcessiveNesting(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) return scanner.getTokenOffset();
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
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
  constructor(private readonly text: string) {}

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

  private nodeAt(path: ValuePath): Node | undefined {
    const root = parseTree(this.text, [], { allowTrailingComma: true });
    return root && findNodeAtLocation(root, path as (string | number)[]);
  }
}
