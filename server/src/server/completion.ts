// Completion in *.arch.json models: the defined blocks where a "block" value is written, and the
// catalog and user ops where an op name is written. jsonc-parser's getLocation finds the place in
// the text as typed, also while the document does not parse.
import { getLocation } from 'jsonc-parser';
import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { CATALOG } from '../core/catalog';
import { sourceKindOf } from '../core/analysis';
import { isPlainObject } from '../core/source';
import { blockResults } from './blockResults';
import { fmtW } from '../core/findings';
import { fileNameOf, type AnalyzedDocument, type Workspace } from './workspace';

type Segment = string | number;

export async function completion(workspace: Workspace, params: CompletionParams): Promise<CompletionItem[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document || sourceKindOf(fileNameOf(document.uri)) !== 'json') return [];
  const offset = document.lines.offsetAt(params.position);
  const location = getLocation(document.text, offset);
  if (location.isAtPropertyKey) return [];
  const kind = nameKind(location.path);
  if (!kind) return [];
  // Inside a string the name replaces the string's content; elsewhere it is inserted with quotes.
  const node = location.previousNode;
  const inString = node?.type === 'string' && node.offset < offset && offset <= node.offset + node.length;
  const range = inString && node ? { start: document.lines.positionAt(node.offset + 1), end: document.lines.positionAt(node.offset + node.length - 1) } : undefined;
  const items = kind === 'block' ? blockItems(document) : opItems(document.analysis);
  return items.map((item) => ({
    ...item,
    ...(range ? { textEdit: { range, newText: item.label } } : { insertText: JSON.stringify(item.label) }),
  }));
}

/** Returns whether the value at a path names a block or an op, or neither. */
function nameKind(path: Segment[]): 'block' | 'op' | undefined {
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

function blockItems(document: AnalyzedDocument): CompletionItem[] {
  const { analysis } = document;
  const blocks = isPlainObject(analysis.doc.value) ? analysis.doc.value.blocks : undefined;
  if (!isPlainObject(blocks)) return [];
  return Object.keys(blocks).map((name) => {
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
