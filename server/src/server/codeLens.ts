// Code lenses: the network W and its verdict above "layers", and above each repeated layer how
// deep its block can be stacked before W_l^n leaves the band. The layers that one expression of a
// *.arch.ts model makes share one lens. The lenses only show text.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { rangeOf } from './diagnostics';
import { depthVerdict, groupVerdict, networkVerdict } from './format';
import { sameRangeCount } from './locate';
import type { Workspace } from './workspace';

/** A lens command with an empty id renders as plain text that does nothing when clicked. */
const NO_COMMAND = '';

export async function codeLenses(workspace: Workspace, params: CodeLensParams): Promise<CodeLens[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document || !document.settings.codeLens.enabled) return [];
  const { analysis, lines } = document;
  const lenses: CodeLens[] = [];
  const layersSpan = analysis.model.layersSpan;
  if (layersSpan && analysis.network.layers.length > 0) {
    lenses.push({ range: rangeOf(lines, layersSpan), command: { title: networkVerdict(analysis), command: NO_COMMAND } });
  }
  const entries = analysis.network.layers;
  const selected = analysis.network.model.name;
  for (let index = 0; index < entries.length; ) {
    const entry = entries[index];
    const count = sameRangeCount(entries, index);
    if (count > 1) {
      // The layers of one expression get one lens, where one per layer would stack.
      const group = entries.slice(index, index + count);
      lenses.push({ range: rangeOf(lines, entry.layer.span), command: { title: groupVerdict(group, selected), command: NO_COMMAND } });
    } else if (entry.layer.repeat > 1) {
      const log10Wl = entry.byModel[selected].log10Wl;
      lenses.push({
        range: rangeOf(lines, entry.layer.span),
        command: { title: depthVerdict(entry, analysis.settings, log10Wl), command: NO_COMMAND },
      });
    }
    index += count;
  }
  return lenses;
}
