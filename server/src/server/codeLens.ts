// Code lenses: the network W and its verdict above "layers", and above each repeated layer how
// deep its block can be stacked before W_l^n leaves the band. Layers that share one range in a
// *.arch.ts model (see LayerGroup) share one lens. The lenses only show text.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { rangeOf } from './diagnostics';
import { hasSyntaxErrors } from '../core/analysis';
import { depthVerdict, groupVerdict, networkVerdict, SYNTAX_ERROR_NOTE } from './format';
import { layerGroupOf } from './locate';
import type { Workspace } from './workspace';

/** A lens command with an empty id renders as plain text that does nothing when clicked. */
const NO_COMMAND = '';

export async function codeLenses(workspace: Workspace, params: CodeLensParams): Promise<CodeLens[]> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document || !document.settings.codeLens.enabled) return [];
  const { analysis, lines } = document;
  const lenses: CodeLens[] = [];
  const layersSpan = analysis.model.layersSpan;
  if (hasSyntaxErrors(analysis)) {
    return layersSpan ? [{ range: rangeOf(lines, layersSpan), command: { title: SYNTAX_ERROR_NOTE, command: NO_COMMAND } }] : [];
  }
  // With every layer left out the lens states it, because no lens would look like a model without layers.
  if (layersSpan && (analysis.network.layers.length > 0 || analysis.network.skippedLayers.length > 0)) {
    lenses.push({ range: rangeOf(lines, layersSpan), command: { title: networkVerdict(analysis, true), command: NO_COMMAND } });
  }
  const selected = analysis.network.model.name;
  for (const entry of analysis.network.layers) {
    const group = layerGroupOf(analysis, entry.layer);
    if (group) {
      // The layers at one range get one lens, where one per layer would stack.
      if (group.entries[0] === entry) {
        lenses.push({ range: rangeOf(lines, entry.layer.span), command: { title: groupVerdict(group, analysis), command: NO_COMMAND } });
      }
      continue;
    }
    if (entry.layer.repeat <= 1) continue;
    const log10Wl = entry.byModel[selected].log10Wl;
    lenses.push({
      range: rangeOf(lines, entry.layer.span),
      command: { title: depthVerdict(entry, analysis, log10Wl), command: NO_COMMAND },
    });
  }
  return lenses;
}
