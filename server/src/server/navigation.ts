// Navigation. Go to definition leads from a block reference (a layer's or a nested block op's
// "block") to the block, and from a user op's name to its entry under "ops". The outline lists the
// blocks, user ops and layers, each with its W_l or W under the selected model.
import { SymbolKind, type DefinitionParams, type DocumentSymbol, type DocumentSymbolParams, type Location } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { fmtW } from '../core/findings';
import type { BlockNode, LayerNode } from '../core/model';
import type { Span, ValuePath } from '../core/source';
import { blockResults } from './blockResults';
import { rangeOf } from './diagnostics';
import { groupCount, groupWText, hasSyntaxErrors, layerWText } from './format';
import { hoverTargetAt, layerResultOf, type HoverTarget, type LayerGroup } from './locate';
import { textOrderOf } from './textOrder';
import type { AnalyzedDocument, Workspace } from './workspace';

export async function definition(workspace: Workspace, params: DefinitionParams): Promise<Location[] | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return null;
  const { analysis, lines } = document;
  const target = hoverTargetAt(analysis, lines.offsetAt(params.position), textOrderOf(document));
  const span = target && definitionSpan(analysis, target);
  return span ? [{ uri: document.uri, range: rangeOf(lines, span) }] : null;
}

/** Returns the range of the definition that the part refers to: a block's key or a user op's key. */
function definitionSpan(analysis: Analysis, target: HoverTarget): Span | undefined {
  const { model, doc } = analysis;
  if (target.kind === 'layer') return target.layer.plain ? undefined : target.layer.block?.span;
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
 * Entries listed per section. An outline of 10,000 blocks and 10,000 layers took about 100 ms and
 * 4.6 MB of JSON per request, and VS Code requests it after edits; its own JSON outline stops at
 * 5,000 items for the same reason.
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
function listed(count: number, shown: number, noun: string): string {
  const counted = `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
  return shown < count ? `${counted}, the first ${shown.toLocaleString('en-US')} listed` : counted;
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
    detail = group.entries.length > 0 ? groupWText(group.entries, selected) : 'cannot be analysed';
  } else {
    const entry = layerResultOf(analysis, layer);
    name = layer.plain ? `layers[${layer.index}]: plain layer` : `layers[${layer.index}]: ${layer.blockName ?? '?'}`;
    detail = entry ? layerWText(entry, entry.byModel[selected].log10Wl) : 'cannot be analysed';
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
