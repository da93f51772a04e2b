// The core's entry point: text in, model, results and findings out. No IO and no editor types,
// so the CLI and the language server are thin adapters over these functions.
import type { FormattingOptions } from 'jsonc-parser';
import { analyzeNetwork, BlockAnalyzer, type Band, type BlockResult, type NetworkResult } from './analyze';
import { carriedParts, unchangedParts, type CarriedParts } from './carryOver';
import { canTurnOff, CODES, type Code, type Severity } from './codes';

export { canTurnOff };
import { fixesForSubject, groupedCount, smoothnessFindings, type FindingSubject, type ScaleFix, type SmoothnessProblem } from './findings';
import { GAIN_MODELS } from './gain';
import { readJsonSource, setJsonValue } from './jsonSource';
import { buildModel, type BlockNode, type ModelIR } from './model';
import { type AnalysisSettings, type ModelName, type SeverityName } from './schema';
import type { ScaleFailure } from './scale';
import { isPlainObject, listedNames, locateNearest, placeUnknownKeys, quotedName, type Problem, type SourceDocument, type Span, type TextEdit, type ValuePath } from './source';
import { Slot } from './slot';
import { describePath, fileSettingsOf, validateModelFile } from './validate';

/** Largest document analysed, in UTF-16 code units (16 Mi); larger text gets one file-too-large finding. */
export const MAX_TEXT_LENGTH = 16 * 1024 * 1024;

export const DEFAULT_SETTINGS = {
  model: 'seed' as ModelName,
  band: [0.01, 100] as [number, number],
  tolerance: 0.1,
};

/** Settings after merging defaults, the host's (CLI or editor) and the file's own, in that order. */
export interface EffectiveSettings {
  model: ModelName;
  band: [number, number];
  tolerance: number;
  severity: Partial<Record<string, SeverityName>>;
}

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  /** Set on smoothness findings, whose scale fixes are computed on request. */
  subject?: FindingSubject;
  /** Set on an unknown name with a close defined one (see Problem.suggestion). */
  suggestion?: string;
}

export interface Analysis {
  doc: SourceDocument;
  model: ModelIR;
  settings: EffectiveSettings;
  analyzer: BlockAnalyzer;
  network: NetworkResult;
  /**
   * Every named block under every model, each model computed on first read; undefined for a block
   * that is not a named block of this model. Each model's result is undefined where a block cannot
   * be analysed.
   */
  blocks: { get(block: BlockNode): Record<ModelName, BlockResult | undefined> | undefined };
  findings: Finding[];
}

export type SourceKind = 'json' | 'typescript';

export interface AnalyzeOptions {
  /** Settings from the host; the file's own "settings" take precedence over them. */
  settings?: AnalysisSettings;
  /** Reads a *.arch.ts document; the TypeScript front end plugs in here. */
  readTypeScript?: (text: string) => SourceDocument;
  /**
   * The analysis of an earlier version of the same document. An edit inside one block is read
   * alone, and blocks whose text did not change are taken over instead of being validated, built
   * and analysed again. It must not be read afterwards: the blocks taken over are located in the
   * new text from then on.
   */
  previous?: Analysis;
}

/** Picks the front end for a file name: *.arch.ts and *.ts files are TypeScript, the rest JSON. */
export function sourceKindOf(fileName: string): SourceKind {
  return /\.(m|c)?tsx?$/i.test(fileName) ? 'typescript' : 'json';
}

/**
 * Reads, validates and analyses a document. No input text makes it throw; it throws only when a
 * caller passes TypeScript without a TypeScript front end.
 */
export function analyzeText(text: string, kind: SourceKind, options: AnalyzeOptions = {}): Analysis {
  if (text.length > MAX_TEXT_LENGTH) return analyzeSource(tooLargeDocument(text.length), options);
  if (kind === 'typescript') {
    if (!options.readTypeScript) throw new Error('analyzeText: no TypeScript front end was given');
    return analyzeSource(options.readTypeScript(text), options);
  }
  return analyzeSource(readJsonSource(text, options.previous?.doc), options);
}

export function analyzeSource(doc: SourceDocument, options: AnalyzeOptions = {}): Analysis {
  const problems: Problem[] = [...doc.problems];
  const earlier = options.previous && carried.get(options.previous);
  const unchanged = earlier && unchangedParts(earlier, doc);
  const validated = validateModelFile(doc, unchanged);
  dropSupersededReadings(problems, validated.problems);
  appendAll(problems, validated.problems);
  const built = buildModel(doc, validated.file, unchanged?.blocks, unchanged?.layers ? earlier?.model.layers : undefined);
  appendAll(problems, built.problems);
  placeUnknownKeys(problems);
  const model = built.model;

  const settings = mergeSettings(options.settings ?? {}, model.settings);
  for (const [code, level] of Object.entries(model.settings.severity ?? {})) {
    if (level !== 'off' || canTurnOff(code as Code)) continue;
    problems.push({
      code: 'schema',
      message: `"off" cannot hide ${code}, which leaves part of the model unanalysed, so ${code} keeps its default severity. Lower it to "hint" instead.`,
      span: locateNearest(doc, ['settings', 'severity', code]),
      severity: 'warning',
    });
  }
  const gainModel = GAIN_MODELS[settings.model];
  const band: Band = { log10Min: Math.log10(settings.band[0]), log10Max: Math.log10(settings.band[1]) };
  const analyzer = new BlockAnalyzer(model);
  if (earlier && unchanged && unchanged.blocks.size > 0) {
    const carriedBlocks = unchanged.blocks;
    analyzer.takeOver(earlier.analyzer, (block) => model.blocks.get(block.name) === block && carriedBlocks.get(block.name) === block);
  }

  // The selected model's results, computed here so that the analyzer's problems (cycles, graph
  // shapes) are complete before they are collected below. The other models' are computed when
  // read; a map of every block's record would be rebuilt for nothing on each edit.
  for (const block of model.blocks.values()) analyzer.analyze(block, gainModel);
  const selected = (block: BlockNode): BlockResult | undefined => analyzer.analyze(block, gainModel);
  const blocks = {
    get: (block: BlockNode) => (model.blocks.get(block.name) === block ? analyzer.results(block) : undefined),
  };
  const network = analyzeNetwork(model, analyzer, gainModel, band, earlier?.network);
  // Findings about W on a document with syntax errors would judge numbers that the parser had to
  // guess (0x10 read as 0), so only the reading problems are reported until it parses.
  const syntaxBroken = problems.some((problem) => problem.code === 'syntax-error');
  if (!syntaxBroken) appendAll(problems, skippedLayerProblems(model, network, doc));
  appendAll(problems, analyzer.problems);
  const carry = carriedParts(doc, model, analyzer, network, problems);

  if (model.hasLayers && model.layers.length === 0 && !syntaxBroken) {
    problems.push({
      code: 'empty-network',
      message: 'The network has no layers, so there is nothing to analyse. Add blocks or plain layers to "layers".',
      span: model.layersSpan ?? { start: 0, end: 1 },
    });
  }
  const smoothness = syntaxBroken ? [] : smoothnessFindings(model, network, selected, settings.tolerance);

  let reported = problems;
  if (doc.nestingUnknown) reported = reported.filter(isReadingProblem);
  const guessedFrom = doc.guessedFrom;
  if (guessedFrom !== undefined) reported = reported.filter((problem) => isReadingProblem(problem) || problem.span.start < guessedFrom);
  if (syntaxBroken) reported = withoutSyntaxEchoes(reported);
  const analysis: Analysis = { doc, model, settings, analyzer, network, blocks, findings: settleSeverities(reported, smoothness, settings, doc.length) };
  if (carry) carried.set(analysis, carry);
  return analysis;
}

/**
 * Drops the reader's finding on a number that reads as 0 where validation rejects that number
 * too, because the reader advises writing 0 and validation's message states the allowed range.
 */
function dropSupersededReadings(problems: Problem[], validation: readonly Problem[]): void {
  const rejected = new Set(validation.filter((problem) => problem.code === 'invalid-number').map((problem) => `${problem.span.start} ${problem.span.end}`));
  if (rejected.size === 0) return;
  let keptCount = 0;
  for (const problem of problems) {
    if (problem.code !== 'invalid-number' || !rejected.has(`${problem.span.start} ${problem.span.end}`)) problems[keptCount++] = problem;
  }
  problems.length = keptCount;
}

/**
 * Drops the problems about a value that the parser guessed, because the syntax error there names
 * what to fix: those that start where a syntax error starts ("b\u0001" read as "b", then reported
 * as an unknown block named like a defined one), and an invalid number that a syntax error cuts
 * short, such as the 0 of 0x10.
 */
function withoutSyntaxEchoes(problems: Problem[]): Problem[] {
  const syntaxStarts = new Set(problems.filter((problem) => problem.code === 'syntax-error').map((problem) => problem.span.start));
  const cutShort = (span: Span): boolean => {
    // Number texts are short, so every offset up to the end of one is looked up.
    for (let at = span.start; at <= span.end && at - span.start <= MAX_NUMBER_TEXT; at++) if (syntaxStarts.has(at)) return true;
    return false;
  };
  const starts = [...syntaxStarts];
  // A part with a syntax error inside was read as far as the parser could guess, so a rule it
  // breaks ("needs block or ops" for { block: "b" }) may be one it keeps as written.
  const misread = (span: Span): boolean => starts.some((start) => span.start < start && start < span.end);
  return problems.filter((problem) => {
    if (problem.code === 'syntax-error') return true;
    if (syntaxStarts.has(problem.span.start) || (problem.code === 'invalid-number' && cutShort(problem.span))) return false;
    return isReadingProblem(problem) || !misread(problem.span);
  });
}

/** Tests whether a problem is about the text itself, which is true whatever the nesting of the keys. */
function isReadingProblem(problem: Problem): boolean {
  return problem.code === 'syntax-error' || problem.code === 'invalid-number';
}

/** Length beyond which a number's text is not searched for a syntax error. */
const MAX_NUMBER_TEXT = 400;

/** The parts each analysis leaves to the next analysis of its document (AnalyzeOptions.previous). */
const carried = new Slot<Analysis, CarriedParts>('parts carried to the next analysis');

/** Computes the scale fixes for a finding, preferred first, and the reasons why other levers fail. */
export function fixesFor(analysis: Analysis, finding: Finding): { fixes: ScaleFix[]; failures: ScaleFailure[] } {
  if (!finding.subject) return { fixes: [], failures: [] };
  // In a document with syntax errors or duplicate keys, a path can name a different node than the
  // one analysed, and an edit there could corrupt the document further.
  if (hasAmbiguousPaths(analysis)) return { fixes: [], failures: [] };
  return fixesForSubject(finding.subject, analysis.model, analysis.network, analysis.analyzer, analysis.doc, analysis.settings.tolerance);
}

const ambiguousPaths = new Slot<Analysis, boolean>('whether paths are ambiguous');

/**
 * Tests whether the analysed text has syntax errors. The parser then guesses some values (TypeScript
 * reads `2O` as `2`), so the numbers describe a model that was not written, and no smoothness
 * finding is reported. The editor and the CLI hold back or mark their numbers then too.
 */
export function hasSyntaxErrors(analysis: Analysis): boolean {
  return analysis.findings.some((finding) => finding.code === 'syntax-error');
}

/** Returns whether the document has syntax errors or duplicate keys, computed once per analysis because explain requests the fixes of every finding. */
export function hasAmbiguousPaths(analysis: Analysis): boolean {
  let ambiguous = ambiguousPaths.get(analysis);
  if (ambiguous === undefined) {
    ambiguous = analysis.findings.some((other) => other.code === 'syntax-error' || other.code === 'duplicate-key');
    ambiguousPaths.set(analysis, ambiguous);
  }
  return ambiguous;
}

function mergeSettings(host: AnalysisSettings, file: AnalysisSettings): EffectiveSettings {
  return {
    model: file.model ?? host.model ?? DEFAULT_SETTINGS.model,
    band: file.band ?? host.band ?? DEFAULT_SETTINGS.band,
    tolerance: file.tolerance ?? host.tolerance ?? DEFAULT_SETTINGS.tolerance,
    severity: { ...host.severity, ...file.severity },
  };
}

/**
 * Reports the layers that W leaves out because their block is invalid or cannot be analysed, whose
 * errors sit at the block. Layers that share one range in a *.arch.ts model get one finding.
 */
function skippedLayerProblems(model: ModelIR, network: NetworkResult, doc: SourceDocument): Problem[] {
  const unevaluated = doc.skippedKeysAt?.(['blocks']);
  const byRange = new Map<string, { span: Span; blocks: Map<string, string> }>();
  const problems: Problem[] = [];
  if (doc.partialAt?.(['layers'])) {
    problems.push({
      code: 'layer-skipped',
      message: 'W leaves out the layers that an element or spread of "layers" would place, because it could not be evaluated statically (see the finding there), so W covers only the layers that could be read.',
      span: model.layersSpan ?? { start: 0, end: 1 },
    });
  }
  for (const index of network.skippedLayers) {
    const layer = model.layers[index];
    if (layer?.repeatUnevaluated) {
      problems.push({
        code: 'layer-skipped',
        message: 'W leaves this layer out, because its repeat count could not be evaluated statically (see the finding at it). Write the count with literals, constants or arithmetic.',
        span: layer.span,
      });
      continue;
    }
    if (!layer) continue;
    const invalidOp = layer.block && firstReached(layer.block, model, (block) => block.invalidOp)?.found;
    const incomplete = layer.block && firstReached(layer.block, model, (block) => (block.incomplete ? block.name : undefined));
    if (layer.plain) {
      // Other ops that fail are reported at the layer itself.
      let because: string | undefined;
      if (invalidOp !== undefined) because = `it ${usesInvalidOp(invalidOp)}`;
      else if (incomplete) because = 'a part of its ops could not be evaluated statically (see the finding there)';
      if (because) problems.push({ code: 'layer-skipped', message: `W leaves this layer out, because ${because}.`, span: layer.span });
      continue;
    }
    if (layer.blockName === undefined) continue;
    let reason: string;
    if (invalidOp !== undefined) {
      reason = usesInvalidOp(invalidOp, layer.block !== undefined && layer.block.invalidOp !== invalidOp);
    } else if (incomplete) {
      const unevaluatedPart = 'a part that could not be evaluated statically (see the finding there)';
      reason = incomplete.block === layer.block ? `has ${unevaluatedPart}` : `nests block ${quotedName(incomplete.found)}, which has ${unevaluatedPart}`;
    } else if (layer.block) {
      reason = `cannot be analysed (see the errors in its definition${layer.block.nested.length > 0 ? ' or in the blocks it nests' : ''})`;
    } else if (unevaluated?.includes(layer.blockName)) {
      reason = 'could not be evaluated statically (see the finding at its definition)';
    } else if (model.invalidBlocks.has(layer.blockName)) {
      reason = 'is invalid (see the errors in its definition)';
    } else {
      continue;
    }
    const span = layer.span;
    const key = `${span.start} ${span.end}`;
    let group = byRange.get(key);
    if (!group) {
      group = { span, blocks: new Map() };
      byRange.set(key, group);
    }
    group.blocks.set(layer.blockName, reason);
  }
  for (const { span, blocks } of byRange.values()) {
    const [[name, reason]] = blocks;
    if (blocks.size === 1) {
      problems.push({ code: 'layer-skipped', message: `W leaves this layer out, because block ${quotedName(name)} ${reason}.`, span });
      continue;
    }
    const names = listedNames(blocks.keys());
    const listed = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    problems.push({
      code: 'layer-skipped',
      message: `W leaves the layers here out, because their blocks ${listed} are invalid or cannot be analysed (see the errors in their definitions).`,
      span,
    });
  }
  return problems;
}

/**
 * Returns the first of a block and the blocks it nests, at any depth, for which `find` returns a
 * value, with that value, or undefined.
 */
function firstReached(block: BlockNode, model: ModelIR, find: (block: BlockNode) => string | undefined): { block: BlockNode; found: string } | undefined {
  const seen = new Set<BlockNode>();
  const pending = [block];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const found = find(next);
    if (found !== undefined) return { block: next, found };
    seen.add(next);
    for (const op of next.nested) {
      const nested = typeof op.name === 'string' ? model.blocks.get(op.name) : undefined;
      if (nested && !seen.has(nested)) pending.push(nested);
    }
  }
  return undefined;
}

/** Says that a layer or block uses an invalid user op, and where its error is. */
function usesInvalidOp(name: string, throughNested = false): string {
  return `uses${throughNested ? ', through a block it nests,' : ''} op ${quotedName(name)}, whose definition is invalid (see the error at ${describePath(['ops', name])})`;
}

/** Appends in a loop: spreading a list of 100,000 problems into push() overflows the stack. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * Returns whether adding "off" for `code` to a model's "settings.severity" turns the code off.
 * The code must be one that can be turned off and the text must parse. "settings" and "severity"
 * must be objects or absent, and the settings valid before and after, as validation reads them.
 */
export function canDisable(analysis: Analysis, code: Code): boolean {
  const { doc } = analysis;
  if (!canTurnOff(code) || doc.problems.some((problem) => problem.code === 'syntax-error')) return false;
  if (!isPlainObject(doc.value)) return false;
  const settings = doc.value.settings;
  if (settings !== undefined && !isPlainObject(settings)) return false;
  const severity = settings?.severity;
  if (severity !== undefined && !isPlainObject(severity)) return false;
  if (!fileSettingsOf(doc, settings)) return false;
  const path = ['settings', 'severity', code];
  if (repeatsKeyOnPath(doc, path)) return false;
  if (fileSettingsOf(doc, { ...settings, severity: { ...severity, [code]: 'off' } })?.severity?.[code] !== 'off') return false;
  // A *.arch.ts model is edited only where the model file writes out the objects on the path.
  return doc.text !== undefined || doc.editor.setString?.(path, 'off') !== undefined;
}

/**
 * Tests whether a key along the path is written twice in its object. The reader keeps the last
 * one, where the duplicate is reported, but jsonc-parser's modify edits the first.
 */
function repeatsKeyOnPath(doc: SourceDocument, path: ValuePath): boolean {
  const duplicates = doc.problems.filter((problem) => problem.code === 'duplicate-key');
  if (duplicates.length === 0) return false;
  for (let length = 1; length <= path.length; length++) {
    const key = doc.locate(path.slice(0, length), 'key');
    if (key && duplicates.some((problem) => problem.span.start === key.start && problem.span.end === key.end)) return true;
  }
  return false;
}

/**
 * Returns the edits that turn `code` off in a model's "settings.severity", or undefined when
 * canDisable rules it out. A JSON model's edits are checked here to change nothing else.
 * A *.arch.ts model's edited text must be read again with its imports and compared with withValueAt.
 */
export function disableEdits(analysis: Analysis, code: Code, formatting: FormattingOptions): TextEdit[] | undefined {
  if (!canDisable(analysis, code)) return undefined;
  const path = ['settings', 'severity', code];
  if (analysis.doc.text === undefined) return analysis.doc.editor.setString?.(path, 'off');
  return setJsonValue(analysis.doc, path, 'off', formatting);
}

/** Returns a copy of `object` with the value at `path` set, making the objects missing on the way. */
export function withValueAt(object: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const base = isPlainObject(object) ? object : {};
  return { ...base, [path[0]]: withValueAt(base[path[0]], path.slice(1), value) };
}

/** Keeps a range inside the text: a parser reports an error at end of file one past the end. */
function clampSpan(span: Span, length: number): Span {
  if (span.start >= 0 && span.start <= span.end && span.end <= length) return span;
  const end = Math.max(0, Math.min(span.end, length));
  return { start: Math.max(0, Math.min(span.start, end)), end };
}

/** Returns the severity a problem is shown with under the settings, or undefined when they turn it off. */
function severityOf(problem: Problem, settings: EffectiveSettings): Severity | undefined {
  const requested = Object.hasOwn(settings.severity, problem.code) ? settings.severity[problem.code] : undefined;
  const override = requested === 'off' && !canTurnOff(problem.code) ? undefined : requested;
  if (override === 'off') return undefined;
  return override ?? problem.severity ?? CODES[problem.code].severity;
}

/**
 * Settles the severity of the problems met while reading and analysing, and of the smoothness
 * findings, in text order. Repeats among the problems are dropped: zod can report one violated
 * bound twice (a repeat of 1e308 is both above 2^53 - 1 and not a safe integer). Smoothness
 * findings name their block or layer, so none repeats another. They are made for this analysis
 * alone, and a model can have a thousand of them, so they are settled in place.
 */
function settleSeverities(problems: Problem[], smoothness: SmoothnessProblem[], settings: EffectiveSettings, length: number): Finding[] {
  const findings: Finding[] = [];
  // Messages by range and code. Thousands of problems can share one range in a *.arch.ts model,
  // so a repeat is found by lookups, not by a scan. Most ranges have one problem, whose message
  // is kept as it is, and a set is made only for a second one.
  const seen = new Map<string, string | Set<string>>();
  for (const problem of problems) {
    const key = `${problem.span.start} ${problem.span.end} ${problem.code}`;
    const messages = seen.get(key);
    if (messages === undefined) seen.set(key, problem.message);
    else if (typeof messages === 'string') {
      if (messages === problem.message) continue;
      seen.set(key, new Set([messages, problem.message]));
    } else if (messages.has(problem.message)) continue;
    else messages.add(problem.message);
    const severity = severityOf(problem, settings);
    if (severity !== undefined) findings.push({ ...problem, span: clampSpan(problem.span, length), severity });
  }
  for (const problem of smoothness) {
    const severity = severityOf(problem, settings);
    if (severity === undefined) continue;
    const finding = problem as SmoothnessProblem & Finding;
    finding.span = clampSpan(problem.span, length);
    finding.severity = severity;
    findings.push(finding);
  }
  return findings.sort((a, b) => a.span.start - b.span.start || compareCodes(a.code, b.code));
}

/** Orders codes as String.prototype.localeCompare does; one collator is much faster than a call per comparison. */
const compareCodes = new Intl.Collator().compare;

function tooLargeDocument(length: number): SourceDocument {
  return {
    value: undefined,
    locate: () => undefined,
    length,
    problems: [
      {
        code: 'file-too-large',
        message: `The file has ${groupedCount(length)} characters; ResLint analyses files up to ${groupedCount(MAX_TEXT_LENGTH)} characters (16 Mi). Split the model or generate a smaller one.`,
        span: { start: 0, end: Math.min(length, 1) },
      },
    ],
    editor: { setNumber: () => undefined, wrapList: () => undefined },
  };
}
