// Completion of names in models: the defined blocks where a "block" value is written, and the
// catalog and user ops where an op name is written. In *.arch.json, jsonc-parser's getLocation
// finds the place in the text as typed, also while the document does not parse. In *.arch.ts, the
// place is the path of a string literal written inside the default export's object literal.
import { createScanner, getLocation, SyntaxKind, type Node as JsonNode } from 'jsonc-parser';
import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { CATALOG } from '../core/catalog';
import { MAX_TEXT_LENGTH, sourceKindOf } from '../core/analysis';
import { isPlainObject, nameRunAfter } from '../core/source';
import { blockResults } from './blockResults';
import { fmtW } from '../core/findings';
import { stringLiteralPathLazily } from '../typescriptFrontEndLoader';
import { fileNameOf, type AnalyzedDocument, type Workspace } from './workspace';

type Segment = string | number;

export async function completion(workspace: Workspace, params: CompletionParams): Promise<CompletionItem[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  // A file over the size limit is not analysed, and its names are not offered either.
  if (!document || document.text.length > MAX_TEXT_LENGTH) return [];
  const offset = document.lines.offsetAt(params.position);
  if (sourceKindOf(fileNameOf(document.uri)) === 'typescript') return typeScriptCompletion(document, offset);
  const { text } = document;
  const location = getLocation(text, offset);
  if (location.isAtPropertyKey || !nameKind(location.path)) return [];
  const replaced = replacedRange(text, offset, location.previousNode);
  if (!replaced) return [];
  const range = { start: document.lines.positionAt(replaced.start), end: document.lines.positionAt(replaced.end) };
  const items = nameKind(location.path) === 'block' ? blockItems(document, location.path) : opItems(document.analysis);
  // The name is written as a JSON string: inside quotes as its escaped content, elsewhere quoted.
  return items.map((item) => {
    const quoted = JSON.stringify(item.label);
    return { ...item, textEdit: { range, newText: replaced.inString ? quoted.slice(1, -1) : quoted } };
  });
}

/**
 * Returns the range that a chosen name replaces. Inside a string it runs from the string's start
 * to the end of the word at the cursor (see nameRunAfter), or to the cursor in a string not closed
 * yet. Where a value is still to be written (after ":", "[" or ",") it is empty, at the cursor.
 * Elsewhere, such as inside a number or a comment, or before or after a finished string, it is
 * undefined.
 */
function replacedRange(text: string, offset: number, node: JsonNode | undefined): { start: number; end: number; inString: boolean } | undefined {
  if (node?.type === 'string') {
    const closed = node.length >= 2 && text[node.offset + node.length - 1] === '"';
    const end = closed ? node.offset + node.length - 1 : node.offset + node.length;
    if (offset <= node.offset || offset > end) return undefined;
    return { start: node.offset + 1, end: closed ? offset + nameRunAfter(text, offset, end) : offset, inString: true };
  }
  if (node) return undefined;
  // No value yet: only whitespace may separate the cursor from the token that expects one.
  const scanner = createScanner(text, false);
  let last: SyntaxKind | undefined;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF && scanner.getTokenOffset() < offset; token = scanner.scan()) {
    if (scanner.getTokenOffset() + scanner.getTokenLength() > offset) return undefined;
    if (token !== SyntaxKind.Trivia && token !== SyntaxKind.LineBreakTrivia) last = token;
  }
  const asksForValue = last === SyntaxKind.ColonToken || last === SyntaxKind.OpenBracketToken || last === SyntaxKind.CommaToken;
  return asksForValue ? { start: offset, end: offset, inString: false } : undefined;
}

/** Returns whether the value at a path names a block or an op, or neither. */
function nameKind(path: Segment[]): 'block' | 'op' | undefined {
  // Names are written inside a block's paths, graph or afterSum, or inside "layers".
  const inBlock = path[0] === 'blocks' && path.length >= 4 && (path[2] === 'paths' || path[2] === 'graph' || path[2] === 'afterSum');
  if (!inBlock && path[0] !== 'layers') return undefined;
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === 'block') return 'block';
  if (last === 'op') return 'op';
  if (typeof last !== 'number') return undefined;
  // An element of an op list: "ops", "afterSum", a named path, or a plain layer.
  if (parent === 'ops' || parent === 'afterSum') return 'op';
  if (path[0] === 'blocks' && path[2] === 'paths' && path.length === 5) return 'op';
  if (path[0] === 'layers' && path.length === 3) return 'op';
  return undefined;
}

/** Returns the defined blocks, except the one the name is written in, which would nest itself. */
function blockItems(document: AnalyzedDocument, path: Segment[]): CompletionItem[] {
  const { analysis } = document;
  const blocks = isPlainObject(analysis.doc.value) ? analysis.doc.value.blocks : undefined;
  if (!isPlainObject(blocks)) return [];
  const enclosing = path[0] === 'blocks' ? path[1] : undefined;
  return Object.keys(blocks).filter((name) => name !== '' && name !== enclosing).map((name) => {
    const block = analysis.model.blocks.get(name);
    const result = block && blockResults(analysis, block)?.[analysis.network.model.name];
    return { label: name, kind: CompletionItemKind.Class, detail: result ? `block, W_l = ${fmtW(result.log10Wl)}` : 'block' };
  });
}

function opItems(analysis: Analysis): CompletionItem[] {
  const ops = isPlainObject(analysis.doc.value) ? analysis.doc.value.ops : undefined;
  const userOps = isPlainObject(ops) ? Object.keys(ops) : [];
  const items: CompletionItem[] = userOps.map((name) => ({ label: name, kind: CompletionItemKind.Function, detail: 'user op', sortText: `0${name}` }));
  for (const [name, op] of Object.entries(CATALOG)) {
    // A user op of the same name replaces the catalog op.
    if (userOps.includes(name)) continue;
    items.push({ label: name, kind: CompletionItemKind.Function, detail: op.summary, sortText: `1${name}` });
  }
  return items;
}

/** Completes a block or op name inside a quoted string of a *.arch.ts model written out as a literal. */
function typeScriptCompletion(document: AnalyzedDocument, offset: number): CompletionItem[] {
  // The TypeScript front end is loaded already: the document was analysed.
  const place = stringLiteralPathLazily(document.text, offset);
  const kind = place && nameKind(place.path);
  if (!place || !kind) return [];
  const range = { start: document.lines.positionAt(place.start), end: document.lines.positionAt(place.end) };
  const items = kind === 'block' ? blockItems(document, place.path) : opItems(document.analysis);
  return items.map((item) => ({ ...item, textEdit: { range, newText: escapedFor(item.label, place.quote) } }));
}

/** Returns a name escaped as the content of a string literal with the given quote: double, single or backtick. */
function escapedFor(name: string, quote: string): string {
  const json = JSON.stringify(name).slice(1, -1);
  if (quote === '"') return json;
  const unquoted = json.replace(/\\"/g, '"');
  return quote === "'" ? unquoted.replace(/'/g, "\\'") : unquoted.replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}
