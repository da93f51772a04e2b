// The JSON report of one analysed file: the contract that `reslint --format json` prints and that
// tools parse. Fields may be added; none may be renamed. Lines and columns are 1-based, columns
// count UTF-16 code units.
import type { Analysis } from './analysis';
import { fixesFor } from './analysis';
import type { Severity } from './codes';
import { LineIndex } from './lines';
import { linearOrNull, MAX_LOG } from './logmath';
import type { ModelName } from './schema';

export interface PathReport {
  /** The path's name, or for a graph its nodes. Beyond 24 nodes or edges, only the first and last ones are listed. */
  name: string;
  /** w_p, or null when a double cannot hold it (then log10w has it). */
  w: number | null;
  log10w: number | null;
  length: number;
  /** Labels of the ops along the path. Beyond 24, only the first and last ones are listed, around "... n more ops ...". */
  ops: string[];
}

export interface BlockReport {
  name: string;
  /** Index of the layer in "layers". */
  layer: number;
  repeat: number;
  Wl: number | null;
  log10Wl: number | null;
  paths: PathReport[];
  pathsTruncated: boolean;
  /** Largest repeat count that stays inside the band; null when no repeat count up to 2^53 - 1 leaves it (W_l = 1, or within rounding of 1). */
  maxStableDepth: number | null;
  /** W_l under each of the three models. */
  byModel: Record<ModelName, number | null>;
}

export interface FindingReport {
  code: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixes?: { title: string; scale: number; Wl: number | null; W: number | null; log10W: number | null }[];
}

export interface FileReport {
  path: string;
  model: ModelName;
  band: [number, number];
  /** null when no layer could be analysed, or when a double cannot hold W (then log10W has it). */
  W: number | null;
  /** null when W is 0 (a blocked gradient), when W overflows log space, or when nothing was analysed. */
  log10W: number | null;
  /** True when log10 W reached the largest double (nested blocks with huge repeats), so W is only a bound. */
  overflow: boolean;
  /** Indices of layers left out of W because they could not be analysed. */
  skippedLayers: number[];
  bandExit: { layer: number; repeat: number; side: 'low' | 'high'; log10W: number | null } | null;
  spectrum: { meanLength: number; stdLength: number; coefficients: (number | null)[] | null } | null;
  blocks: BlockReport[];
  findings: FindingReport[];
}

/** JSON has no -Infinity: a zero magnitude's log10 is reported as null next to a value of 0. */
function jsonLog(log: number): number | null {
  return Number.isFinite(log) ? log : null;
}

export function fileReport(path: string, text: string, analysis: Analysis, options: { fixes?: boolean } = {}): FileReport {
  const lines = new LineIndex(text);
  const { network, settings } = analysis;
  const model = network.model.name;
  const blocks: BlockReport[] = network.layers.map((entry) => {
    const result = entry.byModel[model];
    return {
      name: entry.layer.plain ? `layers[${entry.layer.index}]` : entry.block.name,
      layer: entry.layer.index,
      repeat: entry.layer.repeat,
      Wl: linearOrNull(result.log10Wl),
      log10Wl: jsonLog(result.log10Wl),
      paths: result.paths.map((path) => ({
        name: path.name,
        w: linearOrNull(path.log10w),
        log10w: jsonLog(path.log10w),
        length: path.length,
        ops: path.ops,
      })),
      pathsTruncated: result.pathsTruncated,
      maxStableDepth: entry.maxStableDepth,
      byModel: {
        seed: linearOrNull(entry.byModel.seed.log10Wl),
        variance: linearOrNull(entry.byModel.variance.log10Wl),
        bound: linearOrNull(entry.byModel.bound.log10Wl),
      },
    };
  });
  const findings: FindingReport[] = analysis.findings.map((finding) => {
    const start = lines.positionAt(finding.span.start);
    const end = lines.positionAt(finding.span.end);
    const report: FindingReport = {
      code: finding.code,
      severity: finding.severity,
      message: finding.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
    if (options.fixes && finding.subject) {
      report.fixes = fixesFor(analysis, finding).fixes.map((fix) => ({
        title: fix.title,
        scale: fix.solution.scale,
        Wl: linearOrNull(fix.solution.log10Wl),
        W: linearOrNull(fix.log10W),
        log10W: jsonLog(fix.log10W),
      }));
    }
    return report;
  });
  const spectrum = network.spectrum;
  return {
    path,
    model,
    band: settings.band,
    W: network.layers.length === 0 ? null : linearOrNull(network.log10W),
    log10W: network.layers.length === 0 ? null : jsonLog(network.log10W),
    overflow: Number.isFinite(network.log10W) && Math.abs(network.log10W) >= MAX_LOG,
    skippedLayers: network.skippedLayers,
    bandExit: network.bandExit
      ? {
          layer: network.bandExit.layerIndex,
          repeat: network.bandExit.repeat,
          side: network.bandExit.side,
          log10W: jsonLog(network.bandExit.log10W),
        }
      : null,
    spectrum: spectrum
      ? {
          meanLength: spectrum.meanLength,
          stdLength: spectrum.stdLength,
          coefficients: spectrum.coefficients ? spectrum.coefficients.map(linearOrNull) : null,
        }
      : null,
    blocks,
    findings,
  };
}
