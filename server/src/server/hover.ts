// Hovers. A block key or a layer shows W_l with its formula, the block's paths and W_l under the
// other models. An op, and a user op under "ops", shows its gain in each model and where the
// number comes from. The "layers" key shows the network W and where it leaves the band.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import type { Analysis } from '../core/analysis';
import { elided, type Band, type BlockResult, type LayerResult } from '../core/analyze';
import { fmtLogWAgainstBand, fmtW, fmtWAgainstBand, groupedCount } from '../core/findings';
import { GAIN_MODELS, type GainModel } from '../core/gain';
import { LOG_ZERO } from '../core/logmath';
import type { BlockNode, LayerNode, OpNode } from '../core/model';
import { MODEL_NAMES, type ModelName, type UserOp } from '../core/schema';
import { quotedName, type Span } from '../core/source';
import { blockResults } from './blockResults';
import { rangeOf } from './diagnostics';
import { textOrderOf } from './textOrder';
import { hasSyntaxErrors } from '../core/analysis';
import { bandText, depthVerdict, groupCount, groupWText, layerWText, networkVerdict, repeats } from './format';
import { hoverTargetAt, layerGroupOf, type HoverTarget, type LayerGroup, type OpSite, type PlacedUserOp } from './locate';
import type { Workspace } from './workspace';

/** Rows of a hover table; the rest is summarised in one line. */
const MAX_TABLE_ROWS = 12;
/** Up to this many paths are written out term by term in the W_l formula. */
const MAX_FORMULA_TERMS = 6;

export async function hover(workspace: Workspace, params: HoverParams): Promise<Hover | null> {
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return null;
  const target = hoverTargetAt(document.analysis, document.lines.offsetAt(params.position), textOrderOf(document));
  if (!target) return null;
  const span = targetSpan(document.analysis, target);
  const lines = hoverMarkdown(document.analysis, target);
  // The numbers come from the text as far as it could be read.
  if (hasSyntaxErrors(document.analysis)) lines.unshift('*The file has syntax errors: these numbers come from the text as far as it could be read, and may not be the model you wrote.*', '');
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: span ? rangeOf(document.lines, span) : undefined,
  };
}

function targetSpan(analysis: Analysis, target: HoverTarget): Span | undefined {
  switch (target.kind) {
    case 'op':
      return target.op.span;
    case 'block':
      return target.block.span;
    case 'layer':
      return target.layer.span;
    case 'placed':
      return target.span;
    case 'layers':
      return analysis.model.layersSpan;
    case 'userOp':
    case 'userOps':
      return target.span;
  }
}

export function hoverMarkdown(analysis: Analysis, target: HoverTarget): string[] {
  switch (target.kind) {
    case 'op':
      return opHover(analysis, target);
    case 'block':
      return blockHover(analysis, target.block, `Block ${code(target.block.name)}`);
    case 'layer':
      return layerHover(analysis, target.layer, target.entry);
    case 'placed': {
      const { entries, skipped } = target.group;
      // One layer placed here is described in full, even when its value is placed elsewhere too.
      if (entries.length === 1 && skipped.length === 0) return layerHover(analysis, entries[0].layer, entries[0], false);
      if (entries.length === 0 && skipped.length === 1) return layerHover(analysis, skipped[0], undefined, false);
      return entries.length > 0 ? groupHover(analysis, target.group) : placedSkippedHover(target.group);
    }
    case 'layers':
      return layersHover(analysis);
    case 'userOp':
      return userOpHover(analysis, target.name, target.op, target.uses);
    case 'userOps':
      return userOpsHover(analysis, target.ops);
  }
}

/** Results of a named block, or of a plain layer's anonymous block, under every model. */
function resultsOf(analysis: Analysis, block: BlockNode): Record<ModelName, BlockResult | undefined> | undefined {
  return blockResults(analysis, block) ?? analysis.network.layers.find((entry) => entry.block === block)?.byModel;
}

function blockHover(analysis: Analysis, block: BlockNode, title: string): string[] {
  const selected = analysis.network.model;
  const results = resultsOf(analysis, block);
  const result = results?.[selected.name];
  if (!results || !result) {
    return [`**${title}**`, '', 'W_l cannot be computed: the block has a problem (an unknown or invalid op or block, a cycle, or a part that could not be evaluated). See the diagnostics.'];
  }
  const lines = [
    `**${title}**: W_l = ${fmtW(result.log10Wl)} under the ${selected.name} model (${selected.summary})`,
    '',
    `\`${formula(analysis, block, result, selected)}\``,
    '',
    pathGainNote(block, result, selected),
    '',
    ...pathTable(block, result),
    '',
    ...modelTable(results, selected.name),
  ];
  return lines;
}

/** Returns the symbol of the afterSum factor: "relu'" for one op, "g_after" for several. */
function afterSumSymbol(block: BlockNode): string | undefined {
  if (block.afterSum.length === 0) return undefined;
  const label = block.afterSum[0].label;
  return block.afterSum.length === 1 && !label.includes(' ') ? `${label}'` : 'g_after';
}

function pathSymbol(block: BlockNode, name: string, index: number): string {
  return block.form === 'graph' ? `w_${index + 1}` : `w_${name}`;
}

/**
 * "W_l = relu' x (w_shortcut + w_residual) = 0.500 x (1.00 + 0.250) = 0.625", with the terms in
 * quadrature under the variance model. Path gains here exclude the ops after the sum.
 */
export function formula(analysis: Analysis, block: BlockNode, result: BlockResult, gainModel: GainModel): string {
  const after = afterSumSymbol(block);
  if (after && result.log10AfterSum === LOG_ZERO) return `W_l = ${after} x (...) = 0 x (...) = 0`;
  const quadrature = gainModel.power === 2;
  const logs = result.paths.map((path) => path.log10w - result.log10AfterSum);
  const sumLog = after ? result.log10Wl - result.log10AfterSum : result.log10Wl;

  let symbolic: string;
  let numeric: string;
  const single = block.edges.length === 1 ? opFactors(analysis, block, gainModel) : undefined;
  if (single && single.length > 0) {
    // One path: its gain is the product of its ops, which is worth showing term by term.
    symbolic = single.map((factor) => factor.label).join(' x ');
    numeric = single.map((factor) => (factor.log === undefined ? '?' : fmtW(factor.log))).join(' x ');
    if (after && single.length > 1) {
      symbolic = `(${symbolic})`;
      numeric = `(${numeric})`;
    }
  } else if (result.pathsTruncated || logs.length > MAX_FORMULA_TERMS) {
    symbolic = quadrature ? `sqrt(sum of w_p^2 over the paths)` : `(sum of w_p over the paths)`;
    numeric = fmtW(sumLog);
  } else {
    const term = (text: string): string => (quadrature ? `${text}^2` : text);
    const symbols = result.paths.map((path, index) => term(pathSymbol(block, path.name, index)));
    const numbers = logs.map((log) => term(fmtW(log)));
    const wrap = (terms: string[]): string => {
      const sum = terms.join(' + ');
      if (quadrature) return `sqrt(${sum})`;
      return terms.length > 1 && after ? `(${sum})` : sum;
    };
    symbolic = wrap(symbols);
    numeric = wrap(numbers);
  }
  if (after) {
    symbolic = `${after} x ${symbolic}`;
    numeric = `${fmtW(result.log10AfterSum)} x ${numeric}`;
  }
  // A single op prints its value as the product ("gain 0.5 = 0.500"), which is then not repeated.
  const total = fmtW(result.log10Wl);
  return numeric === total ? `W_l = ${symbolic} = ${total}` : `W_l = ${symbolic} = ${numeric} = ${total}`;
}

/** Lists the gains of the ops on a one-edge block's only path, with its scale when it is not 1. */
function opFactors(analysis: Analysis, block: BlockNode, gainModel: GainModel): { label: string; log: number | undefined }[] {
  const edge = block.edges[0];
  const context = { blockName: block.name };
  const factors = edge.ops.map((op) => ({ label: op.label, log: analysis.analyzer.opLog(op, gainModel, context) }));
  if (edge.scale !== 1) factors.push({ label: 'scale', log: Math.log10(Math.abs(edge.scale)) });
  return factors;
}

function pathGainNote(block: BlockNode, result: BlockResult, gainModel: GainModel): string {
  const combine =
    gainModel.power === 2
      ? 'The variance model adds the paths in quadrature (independent branches at random initialisation).'
      : `The ${gainModel.name} model sums the paths.`;
  const after = afterSumSymbol(block);
  const afterNote = after
    ? ` ${after} = ${fmtW(result.log10AfterSum)} is the gain of the ops after the sum (${elided(block.afterSum.map((op) => op.label), 'ops').join(', ')}), on every path.`
    : '';
  return `w_p is the product of the gains on path p.${afterNote} ${combine}`;
}

function pathTable(block: BlockNode, result: BlockResult): string[] {
  const rows = [block.afterSum.length > 0 ? '| path | ops | w_p (before the ops after the sum) |' : '| path | ops | w_p |', '|---|---|---|'];
  result.paths.slice(0, MAX_TABLE_ROWS).forEach((path, index) => {
    const ops = path.ops.slice(0, path.opsBeforeSum);
    const name = block.form === 'graph' ? `${index + 1}: ${path.name}` : path.name;
    const log = result.log10AfterSum === LOG_ZERO ? path.log10w : path.log10w - result.log10AfterSum;
    rows.push(`| ${cell(name)} | ${cell(ops.length > 0 ? ops.join(', ') : 'none (identity)')} | ${fmtW(log)} |`);
  });
  const hidden = result.paths.length - MAX_TABLE_ROWS;
  if (hidden > 0 || result.pathsTruncated) {
    const more = result.pathsTruncated ? `more than ${result.paths.length - MAX_TABLE_ROWS}` : String(hidden);
    rows.push('', `${more} more paths are not listed; W_l covers every path.`);
  }
  return rows;
}

function modelTable(results: Record<ModelName, BlockResult | undefined>, selected: ModelName): string[] {
  const rows = ['| model | W_l | paths |', '|---|---|---|'];
  for (const name of MODEL_NAMES) {
    const result = results[name];
    const label = name === selected ? `**${name}** (selected)` : name;
    const combine = GAIN_MODELS[name].power === 2 ? 'in quadrature' : 'summed';
    rows.push(`| ${label} | ${result ? fmtW(result.log10Wl) : 'n/a'} | ${combine} |`);
  }
  return rows;
}

/** Describes one layer, or with `grouped` the layers that share its range when there are several. */
function layerHover(analysis: Analysis, layer: LayerNode, entry: LayerResult | undefined, grouped = true): string[] {
  const title = layer.plain
    ? `layers[${layer.index}]: plain layer${layer.repeat > 1 ? ` x ${groupedCount(layer.repeat)}` : ''}`
    : `layers[${layer.index}]: block ${code(layer.blockName ?? '?')}${layer.repeat > 1 ? ` x ${groupedCount(layer.repeat)}` : ''}`;
  const group = grouped ? layerGroupOf(analysis, layer) : undefined;
  if (group) return group.entries.length > 0 ? groupHover(analysis, group) : placedSkippedHover(group);
  if (!entry) {
    return [`**${title}**`, '', 'This layer cannot be analysed (see its diagnostics), so the network W leaves it out.'];
  }
  const { network, settings } = analysis;
  const log10Wl = entry.byModel[network.model.name].log10Wl;
  let depth: string;
  if (entry.maxStableDepth === null) {
    depth = 'Max stable depth: unbounded, because W_l = 1.';
  } else if (entry.maxStableDepth === 0) {
    depth = `Max stable depth: 0, because one application already leaves the band ${bandText(settings)}.`;
  } else {
    const keep = entry.maxStableDepth === 1 ? 'keeps W_l^n inside the band' : 'keep W_l^n inside the band';
    const alone = entry.maxStableDepth === 1 ? 'on its own' : 'on their own';
    depth = `Max stable depth: ${repeats(entry.maxStableDepth)} ${keep} ${bandText(settings)} ${alone}.`;
  }
  const lines = [
    `**${title}**: ${layerWText(entry, log10Wl, network.band)} under the ${network.model.name} model`,
    '',
    `${depth} ${depthVerdict(entry, analysis, log10Wl)}.`,
    '',
    `Running W after this layer: ${fmtWAgainstBand(entry.log10Running, network.band)}.`,
    '',
    '---',
    '',
  ];
  const blockTitle = layer.plain ? `Plain layer ${code(`layers[${layer.index}]`)}` : `Block ${code(entry.block.name)}`;
  return [...lines, ...blockHover(analysis, entry.block, blockTitle)];
}

function opHover(analysis: Analysis, site: OpSite): string[] {
  const { op, block, edge } = site;
  const where = block.form === 'plain' ? `layer ${code(block.name)}` : `block ${code(block.name)}`;
  const place = edge ? `on path ${code(edge.name)} of ${where}` : `after the sum of ${where}`;
  const description = op.catalog?.summary ?? (op.user && 'description' in op.user ? op.user.description : undefined);
  const lines = [`**Op ${code(op.label)}** ${place}${description ? `: ${description}` : ''}`, '', '| model | gain | from |', '|---|---|---|'];
  for (const name of MODEL_NAMES) {
    const gainModel = GAIN_MODELS[name];
    const label = name === analysis.network.model.name ? `**${name}** (selected)` : name;
    if (op.kind === 'block') {
      const log = analysis.analyzer.opLog(op, gainModel, { blockName: block.name });
      const source = `W_l of block ${quotedName(String(op.name))}${op.repeat > 1 ? ` to the power ${op.repeat}` : ''}${op.scale !== undefined ? `, scale x ${op.scale}` : ''}`;
      rows(lines, label, log === undefined ? 'n/a' : fmtW(log), log === undefined ? 'the nested block cannot be analysed' : source);
    } else {
      const gain = gainModel.opGain(op, { blockName: block.name });
      rows(lines, label, fmtW(gain.log10), gain.source);
    }
  }
  lines.push('', 'A path gain w_p is the product of the gains of its ops.');
  return lines;
}

/** Describes a user op where it is defined: its gain in each model and how many ops use it. */
function userOpHover(analysis: Analysis, name: string, user: UserOp, uses: number): string[] {
  const lines = [`**User op ${code(name)}**${user.description ? `: ${user.description}` : ''}`, '', '| model | gain | from |', '|---|---|---|'];
  const op = userOpNode(name, user);
  for (const modelName of MODEL_NAMES) {
    const label = modelName === analysis.network.model.name ? `**${modelName}** (selected)` : modelName;
    const gain = GAIN_MODELS[modelName].opGain(op, { blockName: '' });
    rows(lines, label, fmtW(gain.log10), gain.source);
  }
  lines.push('', uses === 0 ? 'No block or plain layer uses it.' : `${uses} op${uses === 1 ? '' : 's'} in the model use${uses === 1 ? 's' : ''} it.`);
  return lines;
}

/** Describes the user ops that one expression under "ops" places: each op's gain under the selected model and its uses. */
function userOpsHover(analysis: Analysis, ops: readonly PlacedUserOp[]): string[] {
  const modelName = analysis.network.model.name;
  const lines = [`**${ops.length} user ops from here**`, '', `| op | gain (${modelName}) | from | uses |`, '|---|---|---|---|'];
  for (const { name, op, uses } of ops.slice(0, MAX_TABLE_ROWS)) {
    const gain = GAIN_MODELS[modelName].opGain(userOpNode(name, op), { blockName: '' });
    rows(lines, code(name), fmtW(gain.log10), gain.source, String(uses));
  }
  if (ops.length > MAX_TABLE_ROWS) lines.push('', `${ops.length - MAX_TABLE_ROWS} more user ops are not listed.`);
  return lines;
}

/** Returns the op node that an op naming the user op would have, to compute its gain. */
function userOpNode(name: string, user: UserOp): OpNode {
  return { kind: 'user', name, user, label: name, parameters: {}, repeat: 1, trivial: false, span: { start: 0, end: 0 }, path: ['ops', name] };
}

function rows(lines: string[], ...cells: string[]): void {
  lines.push(`| ${cells.map(cell).join(' | ')} |`);
}

function layersHover(analysis: Analysis): string[] {
  const { network } = analysis;
  if (network.layers.length === 0) return [`**${networkVerdict(analysis)}**`];
  const lines = [`**${networkVerdict(analysis)}**`, '', network.log10W === LOG_ZERO ? 'W = 0: a layer has W_l = 0 and blocks the gradient' : `log10 W = ${fmtLogWAgainstBand(network.log10W, network.band)}`, ''];
  return [...lines, ...layerTable(network.layers, network.model.name, network.band)];
}

/** Lists layer results in a table: W_l, W_l^n and the running W of each, up to MAX_TABLE_ROWS rows. */
function layerTable(entries: readonly LayerResult[], selected: ModelName, band: Band): string[] {
  const lines = ['| layer | block | repeat | W_l | W_l^n | running W |', '|---|---|---|---|---|---|'];
  for (const entry of entries.slice(0, MAX_TABLE_ROWS)) {
    const name = entry.layer.plain ? 'plain layer' : entry.block.name;
    rows(
      lines,
      `layers[${entry.layer.index}]`,
      name,
      groupedCount(entry.layer.repeat),
      fmtW(entry.byModel[selected].log10Wl),
      fmtWAgainstBand(entry.log10Layer, band),
      fmtWAgainstBand(entry.log10Running, band),
    );
  }
  const hidden = entries.length - MAX_TABLE_ROWS;
  if (hidden > 0) lines.push('', `${hidden} more layers are not listed.`);
  return lines;
}

/** Describes the layers that share one range: their product W and a table of them. */
function groupHover(analysis: Analysis, group: LayerGroup): string[] {
  const selected = analysis.network.model.name;
  const lines = [`**${groupCount(group)} from here**: ${groupWText(group.entries, analysis.network)} under the ${selected} model`, ''];
  if (group.skipped.length > 0) {
    const names = group.skipped.map((layer) => `layers[${layer.index}]`).join(', ');
    lines.push(`Left out because they cannot be analysed (see their diagnostics): ${names}.`, '');
  }
  return [...lines, ...layerTable(group.entries, selected, analysis.network.band)];
}

function placedSkippedHover(group: LayerGroup): string[] {
  const names = group.skipped.map((layer) => `layers[${layer.index}]`).join(', ');
  return [`**${groupCount(group)} from here**`, '', `They cannot be analysed (see their diagnostics), so the network W leaves them out: ${names}.`];
}


/** Escapes a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
