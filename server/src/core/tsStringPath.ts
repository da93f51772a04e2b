// The value path of a quoted string in a *.arch.ts model, read from the syntax alone, for
// completing names while the file is typed.
import ts from 'typescript';
import { literalPropertyName } from './tsSyntax';

/** A string literal's place in the model: its value path, the range of its content, and its quote. */
export interface StringLiteralPath {
  path: (string | number)[];
  start: number;
  end: number;
  quote: string;
}

/** The last file parsed: while someone types, requests come for each character of the same text. */
let parsed: { text: string; file: ts.SourceFile } | undefined;

/**
 * Returns the value path of the quoted string around `offset`, with the range of its content and
 * its quote, when the string lies in the object literal of `export default` (or of
 * `export default defineModel(...)`) through object and list literals only. A string reached
 * through a variable, a spread before it in a list or a computed key has no such path.
 */
export function stringLiteralPath(text: string, offset: number): StringLiteralPath | undefined {
  if (parsed?.text !== text) parsed = { text, file: ts.createSourceFile('model.arch.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) };
  const file = parsed.file;
  // The nodes from the file down to the innermost one around the offset.
  const chain: ts.Node[] = [file];
  for (;;) {
    const next = ts.forEachChild(chain[chain.length - 1], (child) => (child.getStart(file) < offset && offset <= child.end ? child : undefined));
    if (!next) break;
    chain.push(next);
  }
  const literal = chain[chain.length - 1];
  if (!ts.isStringLiteral(literal)) return undefined;
  const start = literal.getStart(file);
  const quote = text[start];
  const closed = literal.end - start >= 2 && text[literal.end - 1] === quote;
  const end = closed ? literal.end - 1 : literal.end;
  if (offset > end) return undefined;

  const path: (string | number)[] = [];
  for (let index = chain.length - 1; index > 0; index--) {
    const node = chain[index];
    const parent = chain[index - 1];
    if (ts.isArrayLiteralExpression(parent)) {
      const position = parent.elements.indexOf(node as ts.Expression);
      if (parent.elements.slice(0, position).some(ts.isSpreadElement)) return undefined;
      path.unshift(position);
    } else if (ts.isPropertyAssignment(parent)) {
      const key = literalPropertyName(parent.name);
      if (key === undefined || parent.initializer !== node) return undefined;
      path.unshift(key);
    } else if (ts.isExportAssignment(parent)) {
      return { path, start: start + 1, end: closed ? end : offset, quote };
    } else if (ts.isCallExpression(parent)) {
      // defineModel(model) under export default: the argument is the model.
      if (parent.arguments[0] !== node || !ts.isExportAssignment(chain[index - 2])) return undefined;
    } else if (!ts.isObjectLiteralExpression(parent) && !ts.isParenthesizedExpression(parent) && !ts.isAsExpression(parent) && !ts.isSatisfiesExpression(parent)) {
      return undefined;
    }
  }
  return undefined;
}
