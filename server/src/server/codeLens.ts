// Code lenses: the network W and its verdict above "layers", and above each repeated layer how
// deep its block can be stacked before W_l^n leaves the band. The lenses only show text.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { rangeOf } from './diagnostics';
import { depthVerdict, networkVerdict } from './format';
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
  for (const entry of analysis.network.layers) {
    if (entry.layer.repeat <= 1) continue;
    const log10Wl = entry.byModel[analysis.network.model.name].log10Wl;
    lenses.push({
      range: rangeOf(lines, entry.layer.span),
      command: { title: depthVerdict(entry, analysis.settings, log10Wl), command: NO_COMMAND },
    });
  }
  return lenses;
}
