// Quick-fix edits for *.arch.ts files: minimal text edits to the object or list literal that
// produced a value, keeping the rest of the text, its comments and layout as they are.
//
// An edit is offered only when the literal produced this one value (see ModelTree.editableNode).
// A value made by a literal that also makes other values (a helper called twice, a map callback)
// or read by another computation gets no edit (undefined): changing the literal would change those
// too. A list passed as an argument is edited at the call site, where its literal is.
import ts from 'typescript';
import { indentAt, lineBreakOf, lineStartOf } from './lines';
import type { SourceEditor, TextEdit, ValuePath } from './source';
import type { ModelTree } from './tsSource';
import { literalPropertyName } from './tsSyntax';
import { propertyName, quoted, quoteStyle } from './tsText';

export class TypeScriptEditor implements SourceEditor {
  constructor(
    private readonly text: string,
    private readonly tree: ModelTree,
  ) {}

  setNumber(path: ValuePath, key: string, value: number): TextEdit[] | undefined {
    if (!Number.isFinite(value)) return undefined;
    return this.setProperty(path, key, () => JSON.stringify(value), '"');
  }

  /**
   * Sets a string at an object path. Objects missing on the way are written as nested literals
   * into the deepest object that exists, in the quote style of the file's first import.
   */
  setString(path: ValuePath, value: string): TextEdit[] | undefined {
    for (let depth = path.length - 1; depth >= 0; depth--) {
      if (!this.tree.resolve(path.slice(0, depth))) continue;
      const quote = quoteStyle(this.text);
      const valueText = (literal: ts.ObjectLiteralExpression): string => {
        // An object outside the model's literal has no contextual type: its strings widen to string.
        let text = quoted(value, quote) + (this.inModelLiteral(literal) ? '' : ' as const');
        for (let at = path.length - 1; at > depth; at--) text = `{ ${propertyName(String(path[at]), quote)}: ${text} }`;
        return text;
      };
      return this.setProperty(path.slice(0, depth), String(path[depth]), valueText, quote, depth < path.length - 1);
    }
    return undefined;
  }

  /**
   * Sets the property `key` of the object at `path` to the text `valueText` makes for its literal.
   * A `nested` value adds an object the model lacks, so it is not written where the literal has
   * that key in a form the evaluation skipped, or where a skipped spread may have set it.
   */
  private setProperty(
    path: ValuePath,
    key: string,
    valueText: (literal: ts.ObjectLiteralExpression) => string,
    quote: string,
    nested = false,
  ): TextEdit[] | undefined {
    const target = this.tree.resolve(path)?.value;
    if (target?.kind !== 'object' || (nested && target.partial)) return undefined;
    const literal = this.tree.editableNode(target);
    if (!literal || !ts.isObjectLiteralExpression(literal)) return undefined;

    const members = literal.properties;
    // A computed key (`[CODE]: ...`) has no static name, but the evaluation recorded its member. A
    // key from a spread has no member here, and a property added after the spread overrides it.
    const evaluated = target.entries.get(key)?.member;
    const computed = evaluated && ts.isPropertyAssignment(evaluated) && ts.isComputedPropertyName(evaluated.name) ? evaluated : undefined;
    const index = findLastIndex(members, (member) => staticName(member) === key || member === computed);
    if (index >= 0) {
      // A spread after the property may override it, and a second property of that name would not type-check.
      if (nested || members.slice(index + 1).some(ts.isSpreadAssignment)) return undefined;
      const member = members[index];
      if (ts.isPropertyAssignment(member)) return [{ span: spanOf(member.initializer), newText: valueText(literal) }];
      if (ts.isShorthandPropertyAssignment(member)) return [{ span: spanOf(member), newText: `${member.name.text}: ${valueText(literal)}` }];
      return undefined;
    }
    return this.insertProperty(literal, `${propertyName(key, quote)}: ${valueText(literal)}`);
  }

  /** Tests whether a literal is the model's own object literal or nested in it through properties. */
  private inModelLiteral(literal: ts.Node): boolean {
    const root = this.tree.resolve([])?.value.node;
    let node: ts.Node = literal;
    while (node !== root) {
      const parent = node.parent;
      if (parent && ts.isPropertyAssignment(parent) && parent.initializer === node) node = parent.parent;
      else if (parent && (ts.isParenthesizedExpression(parent) || ts.isSatisfiesExpression(parent))) node = parent;
      else return false;
    }
    return true;
  }

  wrapList(path: ValuePath, listKey: string, key: string, value: number): TextEdit[] | undefined {
    if (!Number.isFinite(value)) return undefined;
    const target = this.tree.resolve(path)?.value;
    // A list typed as an array (a parameter `ops: string[]`) would not type-check as { ops, scale }.
    if (target?.kind !== 'array' || target.typedAsArray) return undefined;
    const node = this.tree.editableNode(target);
    if (!node || !ts.isExpression(node)) return undefined;
    const start = node.getStart();
    const end = node.getEnd();
    // `() => { ops: ... }` would read as a function body, so an arrow's body gets parentheses.
    const parens = startsArrowBody(node);
    return [
      { span: { start, end: start }, newText: `${parens ? '(' : ''}{ ${propertyName(listKey)}: ` },
      { span: { start: end, end }, newText: `, ${propertyName(key)}: ${JSON.stringify(value)} }${parens ? ')' : ''}` },
    ];
  }

  /** Inserts a property after the last member, on its own line when the members are on their own lines. */
  private insertProperty(literal: ts.ObjectLiteralExpression, property: string): TextEdit[] {
    const text = this.text;
    const members = literal.properties;
    const last = members[members.length - 1];
    if (!last) {
      const open = literal.getStart() + 1;
      const close = literal.getEnd() - 1;
      if (text.slice(open, close).trim() === '') return [{ span: { start: open, end: close }, newText: ` ${property} ` }];
      return [{ span: { start: open, end: open }, newText: ` ${property},` }];
    }

    const lastStart = last.getStart();
    const lastEnd = last.getEnd();
    const lineStart = lineStartOf(text, lastStart);
    const ownLine = lineStart > literal.getStart() && text.slice(lineStart, lastStart).trim() === '';
    if (!ownLine) return [{ span: { start: lastEnd, end: lastEnd }, newText: `, ${property}` }];

    // The comments after the last member on its line stay with it. The new member starts a line
    // after them, with a trailing comma where the last member has one.
    const indent = text.slice(lineStart, lastStart);
    const eol = lineBreakOf(text);
    const after = commaAndCommentsAfter(text, lastEnd);
    const edits: TextEdit[] = after.comma ? [] : [{ span: { start: lastEnd, end: lastEnd }, newText: ',' }];
    const member = `${eol}${indent}${property}${after.comma ? ',' : ''}`;
    let rest = after.end;
    while (text[rest] === ' ' || text[rest] === '\t') rest++;
    // A closing brace left on the line moves to a line of its own, indented as the literal's line.
    if (text[rest] === '}' && rest === literal.getEnd() - 1) {
      edits.push({ span: { start: after.end, end: rest }, newText: `${member}${eol}${indentAt(text, literal.getStart())}` });
    } else {
      edits.push({ span: { start: after.end, end: after.end }, newText: member });
    }
    return edits;
  }
}

/**
 * Scans the spaces, the comma and the comments that follow a member on its line. Returns where
 * they end and whether the comma was there. A block comment that spans lines ends the scan before it.
 */
function commaAndCommentsAfter(text: string, offset: number): { end: number; comma: boolean } {
  const found = { end: offset, comma: false };
  for (let at = offset; at < text.length; ) {
    const char = text[at];
    if (char === ' ' || char === '\t') {
      at++;
    } else if (char === ',' && !found.comma) {
      found.comma = true;
      found.end = ++at;
    } else if (text.startsWith('//', at)) {
      const breaks = [text.indexOf('\n', at), text.indexOf('\r', at)].filter((index) => index >= 0);
      found.end = breaks.length > 0 ? Math.min(...breaks) : text.length;
      return found;
    } else if (text.startsWith('/*', at)) {
      const close = text.indexOf('*/', at + 2);
      if (close < 0 || /[\r\n]/.test(text.slice(at, close))) return found;
      found.end = at = close + 2;
    } else {
      return found;
    }
  }
  return found;
}

function spanOf(node: ts.Node): { start: number; end: number } {
  return { start: node.getStart(), end: node.getEnd() };
}

/** Returns the key of an object literal member when it is written out literally. */
function staticName(member: ts.ObjectLiteralElementLike): string | undefined {
  return ts.isSpreadAssignment(member) ? undefined : literalPropertyName(member.name);
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index])) return index;
  return -1;
}

/** Whether the node's text begins the expression body of an arrow function (also through `as`). */
function startsArrowBody(node: ts.Node): boolean {
  const start = node.getStart();
  let current = node;
  while (current.parent && !ts.isArrowFunction(current.parent) && current.parent.getStart() === start) current = current.parent;
  return ts.isArrowFunction(current.parent) && current.parent.body === current;
}
