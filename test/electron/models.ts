// The models that the editor tests open, and what ResLint shows for them. Both the code-server
// scenarios (test/e2e/reslint.e2e.test.ts) and the extension host suite (test/electron/suite/)
// use this module, so it imports only Node.js modules.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The ResNet-50 example, relative to the workspace. It sits in examples/, so its "$schema" resolves. */
export const RESNET50 = path.join('examples', 'resnet50.arch.json');
/** A small *.arch.ts model, relative to the workspace. */
export const TS_MODEL = 'residual-mlp.arch.ts';

/**
 * Creates a temporary workspace folder with copies of the ResNet-50 example, the JSON Schema that
 * its "$schema" names, and the TypeScript model. Returns its absolute path. The caller deletes it.
 */
export function makeModelWorkspace(repoRoot: string): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reslint-workspace-'));
  const copies: [string, string][] = [
    ['examples/resnet50.arch.json', RESNET50],
    ['schemas/arch.schema.json', path.join('schemas', 'arch.schema.json')],
    ['test/fixtures/workspace/residual-mlp.arch.ts', TS_MODEL],
  ];
  for (const [from, to] of copies) {
    const target = path.join(workspace, to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, from), target);
  }
  return workspace;
}

// --- the CLI ------------------------------------------------------------------------------

export interface CliFinding {
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  /** 1-based, columns in UTF-16 code units. */
  line: number;
  column: number;
}

export interface CliBlock {
  name: string;
  layer: number;
  repeat: number;
  Wl: number;
}

export interface CliFileReport {
  path: string;
  model: string;
  W: number | null;
  blocks: CliBlock[];
  findings: CliFinding[];
}

/**
 * Runs `reslint check --format json FILE ...extraArgs` with the built CLI and returns the file's
 * report. Inside desktop VS Code's extension host, process.execPath is the Electron binary, which
 * ELECTRON_RUN_AS_NODE makes act as Node.js. Node.js itself ignores the variable.
 */
export function checkWithCli(cliPath: string, file: string, extraArgs: string[] = []): CliFileReport {
  const result = spawnSync(process.execPath, [cliPath, 'check', '--format', 'json', ...extraArgs, file], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  });
  // Exit code 1 means an error-level finding, which is still a report.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`reslint check ${file} failed (exit code ${result.status}, ${result.error?.message ?? 'no spawn error'}):\n${result.stderr}`);
  }
  const report = JSON.parse(result.stdout) as { files: CliFileReport[] };
  return report.files[0];
}

/** Returns W_l of the first layer that uses `blockName`, from a CLI report. */
export function wlOf(report: CliFileReport, blockName: string): number {
  const block = report.blocks.find((entry) => entry.name === blockName);
  if (!block) {
    throw new Error(`The CLI report of ${report.path} has no block "${blockName}"; it has ${report.blocks.map((entry) => entry.name).join(', ')}.`);
  }
  return block.Wl;
}

/** Formats a W_l as hovers and messages show it: three significant digits (0.625, 1.00, 0.0954). */
export function formatWl(value: number): string {
  return value.toPrecision(3);
}

// --- finding lines in a model's text --------------------------------------------------------

/**
 * Returns the 1-based line numbers of `snippets`, searched in order, each from the line after the
 * previous match, so a snippet that occurs twice resolves to its next occurrence.
 */
export function locateLines(text: string, snippets: readonly string[]): number[] {
  const lines = text.split('\n');
  const found: number[] = [];
  let from = 0;
  for (const snippet of snippets) {
    const index = lines.findIndex((line, lineIndex) => lineIndex >= from && line.includes(snippet));
    if (index < 0) {
      throw new Error(`No line from line ${from + 1} on contains ${JSON.stringify(snippet)}.`);
    }
    found.push(index + 1);
    from = index + 1;
  }
  return found;
}

/** Returns the 1-based line and column of the first character of the first occurrence of `snippet`. */
export function positionOf(text: string, snippet: string, after = 0): { line: number; column: number } {
  const offset = text.indexOf(snippet, after);
  if (offset < 0) {
    throw new Error(`The text does not contain ${JSON.stringify(snippet)}.`);
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

// --- what the editor shows for ResNet-50 under the seed model --------------------------------

/** A line of "layers" (a snippet of its text) and the inlay hints after it, left to right. */
export interface LineHints {
  line: string;
  hints: string[];
}

export const RESNET50_HINTS: readonly LineHints[] = [
  { line: '["conv", "batchnorm", "relu", "maxpool"]', hints: ['W_l = 0.500'] },
  { line: '{ "block": "bottleneck_down", "repeat": 1 }', hints: ['W_l = 0.625'] },
  { line: '{ "block": "bottleneck", "repeat": 2 }', hints: ['W_l = 0.625', 'W = 0.625^2 = 0.391'] },
  { line: '{ "block": "bottleneck_down", "repeat": 1 }', hints: ['W_l = 0.625'] },
  { line: '{ "block": "bottleneck", "repeat": 3 }', hints: ['W_l = 0.625', 'W = 0.625^3 = 0.244'] },
  { line: '{ "block": "bottleneck_down", "repeat": 1 }', hints: ['W_l = 0.625'] },
  { line: '{ "block": "bottleneck", "repeat": 5 }', hints: ['W_l = 0.625', 'W = 0.625^5 = 0.0954'] },
  { line: '{ "block": "bottleneck_down", "repeat": 1 }', hints: ['W_l = 0.625'] },
  { line: '{ "block": "bottleneck", "repeat": 2 }', hints: ['W_l = 0.625', 'W = 0.625^2 = 0.391'] },
  { line: '["avgpool", "linear"]', hints: ['W_l = 1.00'] },
];

/** A line (a snippet of its text) and the code lens titles above it. */
export interface LineLenses {
  line: string;
  lenses: string[];
}

export const RESNET50_LENSES: readonly LineLenses[] = [
  {
    line: '"layers": [',
    lenses: [
      'Network W = 2.71e-4 (seed model), vanishing: below 0.01 from layers[6], repeat 1 of 5',
    ],
  },
  { line: '{ "block": "bottleneck", "repeat": 2 }', lenses: ['Vanishes past 9 repeats; 2 repeats give W = 0.625^2 = 0.391, inside the band'] },
  { line: '{ "block": "bottleneck", "repeat": 3 }', lenses: ['Vanishes past 9 repeats; 3 repeats give W = 0.625^3 = 0.244, inside the band'] },
  { line: '{ "block": "bottleneck", "repeat": 5 }', lenses: ['Vanishes past 9 repeats; 5 repeats give W = 0.625^5 = 0.0954, inside the band'] },
  { line: '{ "block": "bottleneck", "repeat": 2 }', lenses: ['Vanishes past 9 repeats; 2 repeats give W = 0.625^2 = 0.391, inside the band'] },
];

/** The layer whose hover the tests read: the first stage of "bottleneck" blocks. */
export const RESNET50_HOVER_LAYER = '{ "block": "bottleneck", "repeat": 2 }';

/** Lines of the Markdown hover on RESNET50_HOVER_LAYER under the seed model. */
export const RESNET50_HOVER_MARKDOWN = [
  '**layers[2]: block `bottleneck` x 2**: W = 0.625^2 = 0.391 under the seed model',
  "`W_l = relu' x (w_shortcut + w_residual) = 0.500 x (1.00 + 0.250) = 0.625`",
  '| path | ops | w_p (before the ops after the sum) |',
  '| shortcut | none (identity) | 1.00 |',
  '| residual | conv, batchnorm, relu, conv, batchnorm, relu, conv, batchnorm | 0.250 |',
];

/** The preferred quick fix of the block-vanishing finding on "bottleneck". */
export const RESNET50_FIX_TITLE = 'Set the scale of branch "residual" of "bottleneck" to 4 (W_l = 1.00)';

/** Returns the ResNet-50 text after RESNET50_FIX_TITLE: the residual list of "bottleneck" wrapped with its scale. */
export function resnet50AfterFix(text: string): string {
  const list = '["conv", "batchnorm", "relu", "conv", "batchnorm", "relu", "conv", "batchnorm"]';
  const block = text.indexOf('"bottleneck": {');
  const offset = text.indexOf(`"residual": ${list}`, block);
  if (block < 0 || offset < 0) {
    throw new Error('The ResNet-50 example no longer has the residual list of "bottleneck" that the fix wraps.');
  }
  const before = `"residual": ${list}`;
  const after = `"residual": { "ops": ${list}, "scale": 4 }`;
  return text.slice(0, offset) + after + text.slice(offset + before.length);
}

// --- what the editor shows for the TypeScript model under the seed model ----------------------

export const TS_MODEL_LAYER = "{ block: 'res', repeat: depth }";

// The repeat comes from `const depth = 20`, outside the layer object, so its hint follows the
// object on the layer line instead of the constant.
export const TS_MODEL_HINTS: readonly LineHints[] = [{ line: TS_MODEL_LAYER, hints: ['W_l = 0.750', 'W = 0.750^20 = 0.00317'] }];

export const TS_MODEL_LENSES: readonly LineLenses[] = [
  {
    line: TS_MODEL_LAYER,
    lenses: [
      'Network W = 0.00317 (seed model), vanishing: below 0.01 from layers[0], repeat 17 of 20',
      'Vanishes past 16 repeats: W = 0.750^20 = 0.00317 is below 0.01',
    ],
  },
];

export const TS_MODEL_HOVER_MARKDOWN = [
  '**layers[0]: block `res` x 20**: W = 0.750^20 = 0.00317 under the seed model',
  "`W_l = relu' x (w_shortcut + w_residual) = 0.500 x (1.00 + 0.500) = 0.750`",
  '| shortcut | none (identity) | 1.00 |',
  '| residual | linear, relu, linear | 0.500 |',
];

export const TS_MODEL_FIX_TITLE = 'Set the scale of branch "residual" of "res" to 2 (W_l = 1.00)';

/** Returns the TypeScript model's text after TS_MODEL_FIX_TITLE. */
export function tsModelAfterFix(text: string): string {
  const before = "residual: ['linear', 'relu', 'linear']";
  if (!text.includes(before)) {
    throw new Error(`The TypeScript model no longer contains ${before}, which the fix wraps.`);
  }
  return text.replace(before, "residual: { ops: ['linear', 'relu', 'linear'], scale: 2 }");
}
