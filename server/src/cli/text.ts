// Text output of the CLI: one line per finding for `check`, and tables of blocks, paths,
// stability, spectrum and suggested scales for `explain`.
import { fixesFor, hasSyntaxErrors, type Analysis } from '../core/analysis';
import { exitPlace, fmtLogWAgainstBand, fmtW, fmtWAgainstBand, groupedCount, powerText, timesText } from '../core/findings';
import { LineIndex } from '../core/lines';
import { LOG_ZERO, log10Multiply, log10Times } from '../core/logmath';
import { MODEL_NAMES } from '../core/schema';
import { quotedName } from '../core/source';

export interface Counts {
  error: number;
  warning: number;
  information: number;
  hint: number;
}

export function countFindings(analyses: Analysis[]): Counts {
  const counts: Counts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const analysis of analyses) for (const finding of analysis.findings) counts[finding.severity] += 1;
  return counts;
}

/** `path:line:col severity message code`, one line per finding, 1-based like compilers print. */
export function findingLines(path: string, text: string, analysis: Analysis): string[] {
  const lines = new LineIndex(text);
  return analysis.findings.map((finding) => {
    const start = lines.positionAt(finding.span.start);
    return `${path}:${start.line + 1}:${start.character + 1} ${finding.severity} ${finding.message} ${finding.code}`;
  });
}

/** Formats the closing line, in ESLint's style: "✖ 5 problems (1 error, 3 warnings, 1 info)". */
export function summaryLine(counts: Counts, files: number): string {
  const total = counts.error + counts.warning + counts.information + counts.hint;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (total === 0) return `✔ 0 problems in ${plural(files, 'file')}`;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.information > 0) parts.push(plural(counts.information, 'info'));
  if (counts.hint > 0) parts.push(plural(counts.hint, 'hint'));
  return `${counts.error > 0 ? '✖' : '⚠'} ${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(files, 'file')}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => rows.reduce((width, row) => Math.max(width, row[column].length), 0));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

/** Formats the full report of one file for `reslint explain`. */
export function explainText(path: string, text: string, analysis: Analysis): string[] {
  const { network, settings, model } = analysis;
  const selected = network.model.name;
  const out: string[] = [];
  out.push(`${path}${model.name ? ` - ${model.name}` : ''}`);
  out.push(`model: ${selected} (${network.model.summary}); band [${settings.band[0]}, ${settings.band[1]}]`);
  if (hasSyntaxErrors(analysis)) {
    // The parser guesses values around an error (TypeScript reads `2O` as `2`).
    out.push('The file has syntax errors: the numbers below come from the text as far as it could be read, and may not be the model you wrote.');
  }
  out.push('');

  if (network.layers.length > 0) {
    const rows = [['layer', 'block', 'repeat', 'W_l', 'W_l^n', 'running W', 'max stable depth']];
    for (const entry of network.layers) {
      const wl = entry.byModel[selected].log10Wl;
      rows.push([
        String(entry.layer.index),
        entry.layer.plain ? '(plain layer)' : entry.block.name,
        groupedCount(entry.layer.repeat),
        fmtW(wl),
        fmtWAgainstBand(entry.log10Layer, network.band),
        fmtWAgainstBand(entry.log10Running, network.band),
        entry.maxStableDepth === null ? 'unbounded' : groupedCount(entry.maxStableDepth),
      ]);
    }
    for (const line of table(rows)) out.push(`  ${line}`);
    out.push('');
    out.push('paths (w_p under the selected model; length counts the edges with an op other than identity, scale or a nested block, and not the ops after the sum):');
    const shown = new Set<string>();
    for (const entry of network.layers) {
      const key = entry.layer.plain ? `layers[${entry.layer.index}]` : entry.block.name;
      if (shown.has(key)) continue;
      shown.add(key);
      const result = entry.byModel[selected];
      out.push(`  ${key}: W_l = ${fmtW(result.log10Wl)}`);
      for (const path of result.paths) {
        out.push(`    w = ${fmtW(path.log10w).padEnd(9)} length ${String(path.length).padEnd(3)} ${path.name}  [${path.ops.join(', ')}]`);
      }
      if (result.pathsTruncated) out.push(`    ... more paths than listed; W_l sums all of them`);
    }
    out.push('');
  }

  if (network.layers.length === 0) {
    // An empty product is 1, which would read as a perfectly stable network.
    out.push('network: no layer could be analysed, so W is not defined');
  } else {
    // log10 of a blocked W is -Infinity, which is no number to show.
    const log = network.log10W === LOG_ZERO ? 'blocked: a layer has W_l = 0' : `log10 W = ${fmtLogWAgainstBand(network.log10W, network.band)}`;
    out.push(`network: W = ${fmtWAgainstBand(network.log10W, network.band)} (${log})`);
    const others = MODEL_NAMES.filter((name) => name !== selected).map((name) => {
      // The same clamped products as the selected model's W, so an underflow reads as one, not as 0.
      const log = network.layers.reduce((product, entry) => log10Multiply(product, log10Times(entry.layer.repeat, entry.byModel[name].log10Wl)), 0);
      return `${name} W = ${fmtWAgainstBand(log, network.band)}`;
    });
    out.push(`  other models: ${others.join(', ')}`);
  }
  if (network.skippedLayers.length > 0) {
    const skipped = network.skippedLayers;
    out.push(`  W leaves out ${skipped.length === 1 ? 'layer' : 'layers'} ${skipped.join(', ')}, which could not be analysed (see the findings below)`);
  }
  const exit = network.bandExit;
  if (exit) {
    const layer = model.layers[exit.layerIndex];
    // The running W can leave the band on one side and end inside it or on the other side.
    let turn = '';
    if (network.log10W < network.band.log10Min) turn = exit.side === 'low' ? '' : ', and ends below it';
    else if (network.log10W > network.band.log10Max) turn = exit.side === 'high' ? '' : ', and ends above it';
    else turn = ', and ends inside it';
    const place = exitPlace(exit.layerIndex, exit.repeat, layer?.repeat ?? 1);
    out.push(`  the running W first ${exit.side === 'low' ? 'falls below' : 'rises above'} the band at ${place} (W = ${fmtWAgainstBand(exit.log10W, network.band)})${turn}`);
  } else if (network.layers.length > 0) {
    out.push('  the running W stays inside the band');
  }

  const stability = network.layers.filter((entry) => entry.layer.repeat > 1 || !entry.layer.plain);
  if (stability.length > 0) {
    out.push('');
    out.push('depth stability (each layer repeated on its own):');
    for (const entry of stability) {
      const wl = entry.byModel[selected].log10Wl;
      const name = entry.layer.plain ? `layers[${entry.layer.index}]` : entry.block.name;
      const depth = entry.maxStableDepth;
      const verdict =
        depth === null
          ? 'W_l = 1: stable at any depth'
          : `${wl > 0 ? 'explodes' : 'vanishes'} ${depth === 0 ? 'even at 1 repeat' : `past ${groupedCount(depth)} ${depth === 1 ? 'repeat' : 'repeats'}`}`;
      out.push(`  ${name} ${timesText(entry.layer.repeat)}: ${powerText(wl, entry.layer.repeat, network.band)} = ${fmtWAgainstBand(entry.log10Layer, network.band)}; ${verdict}`);
    }
  }

  const spectrum = network.spectrum;
  if (spectrum) {
    out.push('');
    out.push(`path-length spectrum: mean length ${lengthText(spectrum.meanLength)}, standard deviation ${lengthText(spectrum.stdLength)}`);
    // In the variance model the coefficients add up to W^2, the squared gradient norm.
    const total = network.model.power === 2 ? 'W^2' : 'W';
    if (spectrum.coefficients) {
      const shares = spectrumShares(spectrum.coefficients);
      const [low, high] = shares ?? [0, spectrum.coefficients.length - 1];
      const first = Math.max(0, Math.min(low, spectrum.coefficients.length - 24));
      const shown = spectrum.coefficients.slice(first, first + 24).map((c, i) => `${first + i}: ${fmtW(c)}`);
      const before = first > 0 ? '..., ' : '';
      const after = first + 24 < spectrum.coefficients.length ? ', ...' : '';
      out.push(`  coefficients by length m (their sum is ${total}): ${before}${shown.join(', ')}${after}`);
      if (shares) out.push(`  90% of ${total} flows through paths of length ${low} to ${high}`);
    }
  }

  const fixLines: string[] = [];
  const lines = new LineIndex(text);
  for (const finding of analysis.findings) {
    if (!finding.subject) continue;
    const { fixes, failures } = fixesFor(analysis, finding);
    if (fixes.length === 0 && failures.length === 0) continue;
    const position = lines.positionAt(finding.span.start);
    fixLines.push(`  for ${finding.code} at line ${position.line + 1}:`);
    for (const fix of fixes) fixLines.push(`    ${fix.preferred ? '*' : '-'} ${fix.title}`);
    for (const failure of failures) fixLines.push(`    x ${failure.role} ${quotedName(failure.label)} of ${quotedName(failure.block)}: ${failure.reason}`);
  }
  if (fixLines.length > 0) {
    out.push('');
    out.push('suggested scales (* preferred):');
    for (const line of fixLines) out.push(line);
  } else if (analysis.findings.some((finding) => finding.subject) && analysis.findings.some((finding) => finding.code === 'syntax-error' || finding.code === 'duplicate-key')) {
    // fixesFor gives none here, because a path could name either of two properties.
    out.push('');
    out.push('suggested scales: none while the file has syntax errors or duplicate keys; fix those first.');
  }

  out.push('');
  const findings = findingLines(path, text, analysis);
  out.push(findings.length > 0 ? 'findings:' : 'findings: none');
  for (const line of findings) out.push(`  ${line}`);
  return out.map(oneLine);
}

/**
 * Escapes the line breaks and other control characters that names from the model bring into a
 * line (a path named "p\nq"), so that each line of the report stays one line.
 */
function oneLine(line: string): string {
  return line.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The shortest range of lengths around the largest coefficients that contains 90% of the total. */
function spectrumShares(coefficients: number[]): [number, number] | undefined {
  const max = Math.max(...coefficients);
  if (!Number.isFinite(max)) return undefined;
  const weights = coefficients.map((c) => (c === LOG_ZERO ? 0 : Math.pow(10, c - max)));
  const total = weights.reduce((a, b) => a + b, 0);
  let low = weights.indexOf(Math.max(...weights));
  let high = low;
  let sum = weights[low];
  while (sum < 0.9 * total) {
    const left = low > 0 ? weights[low - 1] : -1;
    const right = high < weights.length - 1 ? weights[high + 1] : -1;
    if (left >= right) sum += weights[--low];
    else sum += weights[++high];
  }
  return [low, high];
}

/** Writes a path length with two decimals, or in scientific notation from 10^6 on, where a repeat count of 10^12 would give a long row of digits. */
function lengthText(length: number): string {
  return length < 1e6 ? length.toFixed(2) : length.toExponential(2);
}
