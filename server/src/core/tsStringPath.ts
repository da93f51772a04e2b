// The value path of a quoted string in a *.arch.ts model, read from the syntax alone, for
// completing names while the file is typed.
import ts from 'typescript';
import { nameRunAfter } from './source';
import { lastModelSyntax } from './tsSource';
import { literalPropertyName } from './tsSyntax';

/** A string literal's place in the model: its value path, the range of its content, and its quote. */
export interface StringLiteralPath {
  /** Keys and list positions from the model down to the string. A position after a spread is -1. */
  path: (string | number)[];
  start: number;
  end: number;
  quote: string;
}

/** The last file parsed here, when it was not the model file the analysis read last. */
let parsed: { text: string; file: ts.SourceFile } | undefined;

/**
 * Returns the value path of the quoted string around `offset`, with the range of its content and
 * its quote, when the string lies in the default export's object literal through object and list
 * literals only. The export may be wrapped in `defineModel(...)`, parentheses, `as`, `satisfies`
 * and `<const>`. A string reached through a variable or a computed key has no such path.
 */
export function stringLiteralPath(text: string, offset: number): StringLiteralPath | undefined {
  const file = syntaxOf(text);
  // The nodes from the file down to the innermost one around the offset.
  const chain: ts.Node[] = [file];
  for (;;) {
    const next = ts.forEachChild(chain[chain.length - 1], (child) => (child.getStart(file) < offset && offset <= child.end ? child : undefined));
    if (!next) break;
    chain.push(next);
  }
  const literal = chain[chain.length - 1];
  if (!ts.isStringLiteral(literal) && !ts.isNoSubstitutionTemplateLiteral(literal)) return undefined;
  const start = literal.getStart(file);
  const closed = !literal.isUnterminated;
  const end = closed ? literal.end - 1 : literal.end;
  if (offset > end) return undefined;
  const range = { start: start + 1, end: closed ? offset + nameRunAfter(text, offset, end) : offset };

  const path: (string | number)[] = [];
  let called = false;
  for (let index = chain.length - 1; index > 0; index--) {
    const node = chain[index];
    const parent = chain[index - 1];
    if (ts.isArrayLiteralExpression(parent)) {
      const position = parent.elements.indexOf(node as ts.Expression);
      // After a spread the position is not known, and a name's kind does not depend on it.
      path.unshift(parent.elements.slice(0, position).some(ts.isSpreadElement) ? -1 : position);
    } else if (ts.isPropertyAssignment(parent)) {
      const key = literalPropertyName(parent.name);
      if (key === undefined || parent.initializer !== node) return undefined;
      path.unshift(key);
    } else if (ts.isExportAssignment(parent)) {
      return { path, ...range, quote: text[start] };
    } else if (ts.isCallExpression(parent)) {
      // defineModel(model): the argument is the model, and the call only marks it.
      if (called || parent.arguments[0] !== node || !isDefineModel(parent.expression)) return undefined;
      called = true;
    } else if (!ts.isObjectLiteralExpression(parent) && !isWrapper(parent)) {
      return undefined;
    }
  }
  return undefined;
}

/** Returns the syntax tree of `text`: the analysis's when it read this text last, else parsed here. */
function syntaxOf(text: string): ts.SourceFile {
  const analysed = lastModelSyntax(text);
  if (analysed) return analysed;
  if (parsed?.text !== text) parsed = { text, file: ts.createSourceFile('model.arch.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) };
  return parsed.file;
}

function isDefineModel(callee: ts.Expression): boolean {
  return (ts.isIdentifier(callee) && callee.text === 'defineModel') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'defineModel');
}

/** Expressions that give their operand's value: parentheses and type assertions. */
function isWrapper(node: ts.Node): boolean {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node);
}
