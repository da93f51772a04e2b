// Navigation. Go to definition leads from a block reference (a layer's or a nested block op's
// "block") to the block, and from a user op's name to its entry under "ops". The outline lists the
// blocks, user ops and layers, each with its W_l or W under the selected model.
import {
  LSPErrorCodes,
  ResponseError,
  SymbolKind,
  type DefinitionParams,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type Location,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { hasAmbiguousPaths, hasSyntaxErrors, sourceKindOf } from '../core/analysis';
import type { Analysis } from '../core/analysis';
import { fmtW } from '../core/findings';
import type { BlockNode, LayerNode } from '../core/model';
import { isPlainObject, type Span, type TextEdit, type ValuePath } from '../core/source';
import { isIdentifier, plainString, propertyName, quoted, quoteStyle } from '../core/tsText';
import { blockResults } from './blockResults';
import { readsEditedAs, workspaceEdit } from './codeActions';
import { rangeOf } from './diagnostics';
import { groupCount, groupWText, layerWText } from './format';
import { forEachOp, hoverTargetAt, layerGroupOf, layerResultOf, type HoverTarget, type LayerGroup } from './locate';
import { textOrderOf } from './textOrder';
import { fileNameOf, type AnalyzedDocument, type Workspace } from './workspace';

export async function definition(workspace: Workspace, params: DefinitionParams): Promise<Location[] | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return null;
  const { analysis, lines } = document;
  const offset = lines.offsetAt(params.position);
  const literal = literalBlockAt(analysis, offset) ?? (offset > 0 ? literalBlockAt(analysis, offset - 1) : undefined);
  const target = literal === undefined ? hoverTargetAt(analysis, offset, textOrderOf(document)) : undefined;
  const span = literal !== undefined ? analysis.model.blocks.get(literal)?.span : target && definitionSpan(analysis, target);
  return span ? [{ uri: document.uri, range: rangeOf(lines, span) }] : null;
}

/** Returns the range of the definition that the part refers to: a block's key or a user op's key. */
function definitionSpan(analysis: Analysis, target: HoverTarget): Span | undefined {
  const { model, doc } = analysis;
  if (target.kind === 'layer') {
    const name = target.layer.plain ? undefined : soleBlockOf(analysis, target.layer);
    return name === undefined ? undefined : model.blocks.get(name)?.span;
  }
  if (target.kind === 'placed') {
    // A spread or a constant's name in "layers" leads to the block when all its layers apply one.
    const blocks = new Set([...target.group.entries.map((entry) => entry.layer), ...target.group.skipped].map((layer) => layer.block));
    const [block] = blocks;
    return blocks.size === 1 && block?.form !== 'plain' ? block?.span : undefined;
  }
  if (target.kind !== 'op') return undefined;
  const { op } = target;
  if (op.kind === 'block' && op.name !== undefined) return model.blocks.get(op.name)?.span;
  if (op.kind === 'user' && op.name !== undefined) return doc.locate(['ops', op.name], 'key');
  return undefined;
}

/**
 * Maximum entries listed per section. An outline of 10,000 blocks and 10,000 layers took about
 * 100 ms and 4.6 MB of JSON per request, and an editor requests the outline again after edits.
 */
const MAX_OUTLINE_ENTRIES = 2000;

export async function documentSymbols(workspace: Workspace, params: DocumentSymbolParams): Promise<DocumentSymbol[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return [];
  const { analysis } = document;
  const { model } = analysis;
  const symbols: DocumentSymbol[] = [];

  const blocks: DocumentSymbol[] = [];
  for (const block of model.blocks.values()) {
    if (blocks.length === MAX_OUTLINE_ENTRIES) break;
    const symbol = partSymbol(document, block.name, blockDetail(analysis, block), SymbolKind.Class, block.path);
    if (symbol) blocks.push(symbol);
  }
  pushSection(document, symbols, 'blocks', listed(model.blocks.size, blocks.length, 'block'), SymbolKind.Namespace, blocks);

  const ops: DocumentSymbol[] = [];
  const userOps = analysis.doc.value && typeof analysis.doc.value === 'object' ? (analysis.doc.value as { ops?: unknown }).ops : undefined;
  const opNames = userOps && typeof userOps === 'object' && !Array.isArray(userOps) ? Object.keys(userOps) : [];
  for (const name of opNames) {
    if (ops.length === MAX_OUTLINE_ENTRIES) break;
    const symbol = partSymbol(document, name, 'user op', SymbolKind.Function, ['ops', name]);
    if (symbol) ops.push(symbol);
  }
  pushSection(document, symbols, 'ops', listed(opNames.length, ops.length, 'user op'), SymbolKind.Namespace, ops);

  const layers: DocumentSymbol[] = [];
  const runs = layerRuns(analysis);
  for (const run of runs.slice(0, MAX_OUTLINE_ENTRIES)) layers.push(layerSymbol(document, run));
  const network = analysis.network.layers.length > 0 ? `W = ${fmtW(analysis.network.log10W)}` : '';
  const layersDetail = runs.length > layers.length ? `${network}; the first ${layers.length.toLocaleString('en-US')} of ${runs.length.toLocaleString('en-US')} entries listed` : network;
  pushSection(document, symbols, 'layers', layersDetail, SymbolKind.Array, layers);
  // The numbers would describe values the parser guessed, which hints and lenses withhold too.
  if (hasSyntaxErrors(analysis)) withoutDetails(symbols);
  return symbols;
}

/** Describes a section's entries, and how many are listed when it has more than the outline lists. */
function listed(count: number, listedCount: number, noun: string): string {
  const counted = `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
  return listedCount < count ? `${counted}, the first ${listedCount.toLocaleString('en-US')} listed` : counted;
}

function blockDetail(analysis: Analysis, block: BlockNode): string {
  const result = blockResults(analysis, block)?.[analysis.network.model.name];
  return result ? `W_l = ${fmtW(result.log10Wl)}` : 'W_l cannot be computed';
}

/** Layers in a row that one place in the "layers" list makes, and that place. */
interface LayerRun {
  layers: LayerNode[];
  span: Span;
}

/**
 * Splits the layers into runs that share one place in the "layers" list. In JSON each layer is a
 * run of its own. In a *.arch.ts model a spread such as `...stages.flatMap(...)` places several
 * layers, whose values may be written elsewhere in the file.
 */
function layerRuns(analysis: Analysis): LayerRun[] {
  const { doc } = analysis;
  const runs: LayerRun[] = [];
  for (const layer of analysis.model.layers) {
    if (!layer) continue;
    const span = doc.placedAt?.(layer.path) ?? layer.span;
    const last = runs[runs.length - 1];
    if (last && last.span.start === span.start && last.span.end === span.end) last.layers.push(layer);
    else runs.push({ layers: [layer], span });
  }
  return runs;
}

function layerSymbol(document: AnalyzedDocument, run: LayerRun): DocumentSymbol {
  const { analysis, lines } = document;
  const selected = analysis.network.model.name;
  const [layer] = run.layers;
  let name: string;
  let detail: string;
  if (run.layers.length > 1) {
    const group: LayerGroup = { entries: [], skipped: [] };
    for (const member of run.layers) {
      const entry = layerResultOf(analysis, member);
      if (entry) group.entries.push(entry);
      else group.skipped.push(member);
    }
    name = `layers[${layer.index}] to [${run.layers[run.layers.length - 1].index}]: ${groupCount(group)}`;
    detail = group.entries.length > 0 ? groupWText(group.entries, analysis.network) : 'cannot be analysed';
  } else {
    const entry = layerResultOf(analysis, layer);
    name = layer.plain ? `layers[${layer.index}]: plain layer` : `layers[${layer.index}]: ${layer.blockName ?? '?'}`;
    detail = entry ? layerWText(entry, entry.byModel[selected].log10Wl, analysis.network.band) : 'cannot be analysed';
  }
  const range = rangeOf(lines, run.span);
  return { name, detail, kind: layer.plain || run.layers.length > 1 ? SymbolKind.Array : SymbolKind.Object, range, selectionRange: range };
}

/**
 * Returns a symbol from the key (when the part has one) to the end of its value. The selection is
 * the key, or the value for a list element. Undefined when the part has no range.
 */
function partSymbol(document: AnalyzedDocument, name: string, detail: string, kind: SymbolKind, path: ValuePath): DocumentSymbol | undefined {
  const { doc } = document.analysis;
  const value = doc.locate(path);
  if (!value) return undefined;
  const key = doc.locate(path, 'key') ?? value;
  const range = { start: Math.min(key.start, value.start), end: Math.max(key.end, value.end) };
  return { name, detail, kind, range: rangeOf(document.lines, range), selectionRange: rangeOf(document.lines, key) };
}

/** Adds a top-level key ("blocks", "ops", "layers") with its children, when the model has it. */
function pushSection(document: AnalyzedDocument, symbols: DocumentSymbol[], key: string, detail: string, kind: SymbolKind, children: DocumentSymbol[]): void {
  const symbol = partSymbol(document, key, detail, kind, [key]);
  if (!symbol) return;
  symbol.children = children;
  symbols.push(symbol);
}

function withoutDetails(symbols: DocumentSymbol[]): void {
  for (const symbol of symbols) {
    symbol.detail = '';
    if (symbol.children) withoutDetails(symbol.children);
  }
}

/**
 * Returns the block a layer applies, or undefined when other layers at its range (those one
 * *.arch.ts expression makes) apply other blocks, since the place then names no single block.
 */
function soleBlockOf(analysis: Analysis, layer: LayerNode): string | undefined {
  const group = layerGroupOf(analysis, layer);
  if (!group) return layer.blockName;
  const names = new Set([...group.entries.map((entry) => entry.layer), ...group.skipped].map((member) => (member.plain ? undefined : member.blockName)));
  return names.size === 1 ? layer.blockName : undefined;
}

/**
 * Returns the block that a *.arch.ts string literal at an offset names as a "block" value, when
 * that block is defined. Layers that one callback makes share the range of their spread, so the
 * literal, not the layer, decides which block is meant.
 */
function literalBlockAt(analysis: Analysis, offset: number): string | undefined {
  const literal = analysis.doc.blockLiteralAt?.(offset);
  if (!literal) return undefined;
  const { name, span } = literal;
  if (!analysis.model.blocks.has(name) && !analysis.model.invalidBlocks.has(name)) return undefined;
  // Elsewhere (`const names = ['a', 'b']`) the literal counts when the model took a block's name from it.
  if (literal.setsBlock || blockNameRanges(analysis, name).some((range) => range.start <= span.start && span.end <= range.end)) return name;
  return undefined;
}

/** Returns the name of the block that the part under an offset, or just before it, defines or refers to. */
function blockNameAt(document: AnalyzedDocument, offset: number): string | undefined {
  return blockNameUnder(document, offset) ?? (offset > 0 ? blockNameUnder(document, offset - 1) : undefined);
}

function blockNameUnder(document: AnalyzedDocument, offset: number): string | undefined {
  const { analysis } = document;
  const literal = literalBlockAt(analysis, offset);
  if (literal !== undefined) return literal;
  const target = hoverTargetAt(analysis, offset, textOrderOf(document));
  if (target?.kind === 'block') return target.block.name;
  if (target?.kind === 'layer' && !target.layer.plain) return soleBlockOf(analysis, target.layer);
  if (target?.kind === 'op' && target.op.kind === 'block') return target.op.name;
  return undefined;
}

/**
 * Returns the ranges of the text that names a block: its key under "blocks", the "block" of each
 * layer that applies it, and of each op that nests it, in text order and each once. In a
 * *.arch.ts model these are the expressions that created the names, which rename edits, and
 * `withUses` adds the ranges where the model places them.
 */
function blockNameRanges(analysis: Analysis, name: string, withUses = false): Span[] {
  const { doc, model } = analysis;
  const spans: Span[] = [];
  const add = (path: ValuePath, part: 'key' | 'value'): void => {
    const origin = doc.originOf ? doc.originOf(path, part) : doc.locate(path, part);
    if (origin) spans.push(origin);
    const use = withUses && doc.originOf ? doc.locate(path, part) : undefined;
    if (use) spans.push(use);
  };
  if (model.blocks.has(name)) add(['blocks', name], 'key');
  for (const layer of model.layers) {
    if (layer && !layer.plain && layer.blockName === name) add([...layer.path, 'block'], 'value');
  }
  forEachOp(analysis, (op) => {
    if (op.kind === 'block' && op.name === name) add([...op.path, 'block'], 'value');
  });
  // A literal in a branch that the evaluation did not take names the block as well.
  for (const span of doc.blockLiteralsNamed?.(name) ?? []) spans.push(span);
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const distinct = spans.filter((span, index) => index === 0 || span.start !== spans[index - 1].start || span.end !== spans[index - 1].end);
  // A call that places layers (`Array.from(..., () => ({ block: 'a' }))`) contains the literal
  // that names the block, and one place is listed once, at the literal.
  return distinct.filter((span) => !distinct.some((other) => other !== span && span.start <= other.start && other.end <= span.end));
}

export async function references(workspace: Workspace, params: ReferenceParams): Promise<Location[] | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return null;
  const name = blockNameAt(document, document.lines.offsetAt(params.position));
  if (name === undefined) return null;
  const declaration = blockNameRanges(document.analysis, name).find((span) => isDeclaration(document, name, span));
  const spans = blockNameRanges(document.analysis, name, true).filter((span) => params.context.includeDeclaration || !sameSpan(span, declaration));
  return spans.map((span) => ({ uri: document.uri, range: rangeOf(document.lines, span) }));
}

function isDeclaration(document: AnalyzedDocument, name: string, span: Span): boolean {
  const { doc } = document.analysis;
  const key = doc.originOf ? doc.originOf(['blocks', name], 'key') : doc.locate(['blocks', name], 'key');
  return sameSpan(key, span);
}

function sameSpan(a: Span | undefined, b: Span | undefined): boolean {
  return a !== undefined && b !== undefined && a.start === b.start && a.end === b.end;
}

/**
 * Returns the block name under the cursor that rename would change, with its range inside the
 * quotes (or the whole key written as an identifier). A rename is offered in models without
 * syntax errors or duplicate keys, where every name is written as a string or a key.
 */
export async function prepareRename(workspace: Workspace, params: PrepareRenameParams): Promise<{ range: Range; placeholder: string } | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return null;
  const offset = document.lines.offsetAt(params.position);
  const name = blockNameAt(document, offset);
  if (name !== undefined && !renamable(document)) throw new ResponseError(LSPErrorCodes.RequestFailed, NOT_RENAMABLE);
  // When ResLint offers no rename here, VS Code requests one from the TypeScript extension, which
  // renames the "block" key in every object literal. So the key gets a result: its block's name,
  // or the key itself, which rename then rejects with a message.
  const key = document.analysis.doc.blockKeyAt?.(offset);
  if (key) {
    const literal = name === undefined ? undefined : document.analysis.doc.blockLiteralAt?.(offset);
    const edit = literal && name !== undefined ? nameEdit(document, literal.span, name, name) : undefined;
    return edit && name !== undefined ? { range: rangeOf(document.lines, edit.span), placeholder: name } : { range: rangeOf(document.lines, key), placeholder: 'block' };
  }
  const span = name === undefined ? undefined : blockNameRanges(document.analysis, name).find((candidate) => candidate.start <= offset && offset <= candidate.end);
  if (!name || !span) return null;
  const edit = nameEdit(document, span, name, name);
  return edit ? { range: rangeOf(document.lines, edit.span), placeholder: name } : null;
}

/** Refuses a rename on a "block" key of a *.arch.ts model whose value names no single block. */
function rejectBlockKey(): never {
  throw new ResponseError(
    LSPErrorCodes.RequestFailed,
    '"block" is a key of the model format and keeps its name. To rename a block, rename it at its name: the key under "blocks" or a string that names it.',
  );
}

/** A rename that cannot be made fails the request with RequestFailed, and VS Code shows the message. */
const NOT_RENAMABLE = 'ResLint renames blocks in models without syntax errors or duplicate keys.';

export async function rename(workspace: Workspace, params: RenameParams): Promise<WorkspaceEdit | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  // A document that is not open or not a model file is another server's to rename.
  if (!document) return null;
  if (!renamable(document)) throw new ResponseError(LSPErrorCodes.RequestFailed, NOT_RENAMABLE);
  const offset = document.lines.offsetAt(params.position);
  const onKey = document.analysis.doc.blockKeyAt?.(offset) !== undefined;
  const name = blockNameAt(document, offset);
  if (onKey && (name === undefined || !document.analysis.doc.blockLiteralAt?.(offset))) rejectBlockKey();
  if (name === undefined || !document.analysis.model.blocks.has(name)) return null;
  // As prepareRename: only where the text writes the name, or on the key before the literal that
  // writes it, so that a request from elsewhere (a spread) does not rename a block the user did
  // not point at.
  if (!onKey && !blockNameRanges(document.analysis, name).some((span) => span.start <= offset && offset <= span.end)) return null;
  const newName = params.newName;
  if (newName === '' || newName === '__proto__') throw new ResponseError(LSPErrorCodes.RequestFailed, `${JSON.stringify(newName)} cannot name a block; choose another name.`);
  if (newName !== name && isPlainObject(document.analysis.doc.value) && isPlainObject(document.analysis.doc.value.blocks) && Object.hasOwn(document.analysis.doc.value.blocks, newName)) {
    throw new ResponseError(LSPErrorCodes.RequestFailed, `A block named ${JSON.stringify(newName)} already exists; choose another name.`);
  }
  const edits: TextEdit[] = [];
  for (const span of blockNameRanges(document.analysis, name)) {
    const edit = nameEdit(document, span, name, newName);
    if (!edit) return rejectTypeScriptRename(document, name);
    edits.push(edit);
  }
  // The edited text must read as the model with only the block's name changed.
  if (isTypeScript(document) && !readsEditedAs(workspace, document, edits, withBlockRenamed(document.analysis.doc.value, name, newName))) {
    return rejectTypeScriptRename(document, name);
  }
  return workspaceEdit(workspace, document, edits);
}

/** Returns null for a JSON model, and for a *.arch.ts model throws an error that explains why nothing was renamed. */
function rejectTypeScriptRename(document: AnalyzedDocument, name: string): null {
  if (!isTypeScript(document)) return null;
  throw new ResponseError(
    LSPErrorCodes.RequestFailed,
    `Block ${JSON.stringify(name)} is named by an expression that ResLint cannot rewrite (it edits strings and keys, not shorthand properties or built names), or one of its names also sets something else; rename it by hand.`,
  );
}

/**
 * Returns the edit that writes `newName` where `span` names the block: inside the quotes of a
 * string, or in place of a key written as an identifier (quoted when the new name is not one).
 * Undefined when the text there is not the name written out.
 */
function nameEdit(document: AnalyzedDocument, span: Span, name: string, newName: string): TextEdit | undefined {
  const written = document.text.slice(span.start, span.end);
  if (!isTypeScript(document)) {
    return isQuoted(document.text, span) ? { span: { start: span.start + 1, end: span.end - 1 }, newText: JSON.stringify(newName).slice(1, -1) } : undefined;
  }
  // A computed key written as a string (`['attn']: ...`) is edited inside its brackets.
  const computed = written.startsWith('[') && written.endsWith(']') ? plainString(written.slice(1, -1).trim()) : undefined;
  const string = plainString(written) ?? computed;
  if (string) {
    if (string.content !== name) return undefined;
    const start = span.start + written.indexOf(string.quote) + 1;
    const contentSpan = { start, end: start + name.length };
    // A template literal keeps a newline as it is; its backticks, backslashes and "${" are escaped.
    if (string.quote === '`') return { span: contentSpan, newText: newName.replace(/[`\\]|\$\{/g, (match) => `\\${match}`) };
    return { span: contentSpan, newText: quoted(newName, string.quote).slice(1, -1) };
  }
  if (written !== name || !isIdentifier(name)) return undefined;
  return { span, newText: propertyName(newName, quoteStyle(document.text)) };
}

/** Returns a copy of a model value with a block renamed: its key under "blocks" and every "block" property that names it. */
function withBlockRenamed(value: unknown, name: string, newName: string, root = true): unknown {
  if (Array.isArray(value)) return value.map((item) => withBlockRenamed(item, name, newName, false));
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'block' && item === name) copy[key] = newName;
    else if (root && key === 'blocks' && isPlainObject(item)) {
      const blocks: Record<string, unknown> = {};
      for (const [blockName, block] of Object.entries(item)) blocks[blockName === name ? newName : blockName] = withBlockRenamed(block, name, newName, false);
      copy[key] = blocks;
    } else copy[key] = withBlockRenamed(item, name, newName, false);
  }
  return copy;
}

function renamable(document: AnalyzedDocument): boolean {
  return !hasAmbiguousPaths(document.analysis);
}

function isTypeScript(document: AnalyzedDocument): boolean {
  return sourceKindOf(fileNameOf(document.uri)) === 'typescript';
}

/** Tests whether the text in a range is exactly one JSON string. */
function isQuoted(text: string, span: Span): boolean {
  const written = text.slice(span.start, span.end);
  return written.length >= 2 && written.startsWith('"') && written.endsWith('"');
}
