// In-process measurements of the analysis core (a to d): full analysis against jsonc-parser's
// parseTree, JSON.parse, vscode-json-languageservice and ts.createSourceFile on the same text,
// growth with block count, and repeat 10^12 against repeat 1.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BLOCK_COUNTS, DAG_NODES } from './generate.mjs';
import { fitExponent, median, sampleInterleaved } from './stats.mjs';

const require = createRequire(import.meta.url);

/** Sampling effort per block count: larger models get fewer rounds and a larger time budget. */
const SAMPLING = {
  100: { minRounds: 20, budgetMs: 3000 },
  1000: { minRounds: 10, budgetMs: 6000 },
  10000: { warmupRounds: 1, minRounds: 5, budgetMs: 15000 },
};

export async function measureCore({ root, workloads }) {
  const core = loadCore(root);
  const rows = [];
  const notes = [];
  const analysisMedians = [];
  const parseTreeMedians = [];
  const fullMedians = { analysis: [], parseTree: [] };

  const jsonService = createJsonService(root);
  notes.push(jsonService ? await jsonService.checkSchemaApplies() : MISSING_LANGUAGE_SERVICE);

  let typeScriptStatus;
  for (const count of BLOCK_COUNTS) {
    const sampling = SAMPLING[count];
    const jsonPath = workloads[`blocks-${count}.arch.json`];
    const jsonText = readFileSync(jsonPath, 'utf8');
    const strippedText = core.jsonc.stripComments(jsonText);
    const jsonAnalysis = core.analyzeText(jsonText, 'json');

    const candidates = [
      { name: 'analysis', run: () => core.analyzeText(jsonText, 'json') },
      { name: 'parseTree', run: () => core.jsonc.parseTree(jsonText, [], { allowTrailingComma: true }) },
      { name: 'JSON.parse', run: () => JSON.parse(strippedText) },
    ];
    if (jsonService) candidates.push({ name: 'languageService', run: () => jsonService.validate(jsonPath, jsonText) });
    const json = await sampleInterleaved(candidates, sampling);
    const analysisMs = median(json.get('analysis'));
    const parseTreeMs = median(json.get('parseTree'));
    analysisMedians.push({ x: count, y: analysisMs });
    parseTreeMedians.push({ x: count, y: parseTreeMs });
    const jsonFull = await sampleInterleaved(candidates.slice(0, 2), afterFullCollectionSampling(sampling));
    fullMedians.analysis.push({ x: count, y: median(jsonFull.get('analysis')) });
    fullMedians.parseTree.push({ x: count, y: median(jsonFull.get('parseTree')) });
    const size = `${count} blocks, ${(jsonText.length / 1e6).toFixed(2)} MB`;
    rows.push({
      id: `a-${count}`,
      measure: `a. JSON full analysis / parseTree (${size})`,
      ...ratioOf(json, 'analysis', 'parseTree'),
      target: count === 10000 ? { max: 2.0 } : undefined,
    });
    rows.push({
      id: `a-json-${count}`,
      measure: `a. JSON full analysis / JSON.parse of the comment-free text (${size})`,
      ...ratioOf(json, 'analysis', 'JSON.parse'),
    });
    if (jsonService) {
      rows.push({
        id: `b-${count}`,
        measure: `b. JSON full analysis / vscode-json-languageservice parse + schema validation (${size})`,
        ...ratioOf(json, 'analysis', 'languageService'),
        target: { max: 0.5 },
      });
    }
    rows.push({ id: `findings-${count}`, info: `${count} blocks: ${describeFindings(jsonAnalysis)}` });

    const tsPath = workloads[`blocks-${count}.arch.ts`];
    const tsText = readFileSync(tsPath, 'utf8');
    const analyzeTypeScript = () => core.analyzeText(tsText, 'typescript', { readTypeScript: core.typeScriptReader(tsPath) });
    typeScriptStatus ??= compareFrontEnds(analyzeTypeScript(), jsonAnalysis);
    const readTypeScript = core.typeScriptReader(tsPath);
    // Without parent pointers, TypeScript's default and how the front end parses the file.
    const createSourceFile = () => core.ts.createSourceFile(tsPath, tsText, core.ts.ScriptTarget.Latest, false, core.ts.ScriptKind.TS);
    const ts = await sampleInterleaved(
      [
        { name: 'analysis', run: analyzeTypeScript },
        { name: 'frontEnd', run: () => readTypeScript(tsText) },
        { name: 'createSourceFile', run: createSourceFile },
      ],
      sampling,
    );
    rows.push({
      id: `c-${count}`,
      measure: `c. TypeScript DSL full analysis / ts.createSourceFile (${count} blocks, ${(tsText.length / 1e6).toFixed(2)} MB)`,
      ...ratioOf(ts, 'analysis', 'createSourceFile'),
      target: { max: 2.0 },
      caveat: typeScriptStatus.usable ? undefined : 'front end not usable yet',
    });
    const tsFull = await sampleInterleaved(
      [
        { name: 'analysis', run: analyzeTypeScript },
        { name: 'createSourceFile', run: createSourceFile },
      ],
      afterFullCollectionSampling(sampling),
    );
    rows.push(afterFullCollection(`c-full-${count}`, `c. The same (${count} blocks)`, tsFull, 'analysis', 'createSourceFile'));
    // The front end's own share of c: its parse, evaluation and conversion, without validation and analysis.
    rows.push({
      id: `c-front-end-${count}`,
      measure: `c. TypeScript DSL front end (readTypeScriptSource) alone / ts.createSourceFile (${count} blocks)`,
      ...ratioOf(ts, 'frontEnd', 'createSourceFile'),
    });
    if (count === BLOCK_COUNTS[0] && globalThis.gc) {
      const leftByRun = [
        ['the JSON analysis', () => core.analyzeText(jsonText, 'json')],
        ['the TypeScript DSL analysis', analyzeTypeScript],
        ['createSourceFile', createSourceFile],
      ].map(([name, run]) => `${name} ${mbLeftByScavenges(run).toFixed(2)} MB`);
      rows.push({
        id: 'kept-by-scavenges',
        info: `Heap left by 10 runs in a row on the ${count}-block model, each dropping its result, after two young-generation collections: ${leftByRun.join(', ')}. What a scavenge finds reachable from an earlier run, it moves to the old generation, which only a full collection frees.`,
      });
    }
  }
  notes.push(`TypeScript DSL: ${typeScriptStatus.message}`);

  const growth = fitExponent(analysisMedians);
  const parseGrowth = fitExponent(parseTreeMedians);
  rows.push({
    id: 'd-growth',
    measure: 'd. Growth exponent of JSON full analysis time vs block count (100, 1,000, 10,000)',
    exponent: growth.exponent,
    detail: `R^2 ${growth.r2.toFixed(3)}; parseTree on the same texts grows with exponent ${parseGrowth.exponent.toFixed(2)}`,
    target: { max: 1.1 },
  });
  const fullGrowth = fitExponent(fullMedians.analysis);
  rows.push({
    id: 'd-growth-full',
    measure: 'd. The same, each sample after a forced full collection',
    exponent: fullGrowth.exponent,
    detail: `R^2 ${fullGrowth.r2.toFixed(3)}; parseTree grows with exponent ${fitExponent(fullMedians.parseTree).exponent.toFixed(2)}`,
  });

  const repeatOne = readFileSync(workloads['repeat-1.arch.json'], 'utf8');
  const repeatHuge = readFileSync(workloads['repeat-1e12.arch.json'], 'utf8');
  const repeatCandidates = [
    { name: 'huge', run: () => core.analyzeText(repeatHuge, 'json') },
    { name: 'one', run: () => core.analyzeText(repeatOne, 'json') },
  ];
  const repeat = await sampleInterleaved(repeatCandidates, SAMPLING[1000]);
  rows.push({
    id: 'd-repeat',
    measure: 'd. Every layer repeated 10^12 times / repeated once (1,000 blocks)',
    ...ratioOf(repeat, 'huge', 'one'),
    detail: `findings: ${describeFindings(core.analyzeText(repeatHuge, 'json'))} vs ${describeFindings(core.analyzeText(repeatOne, 'json'))}`,
    target: { max: 1.1 },
  });
  rows.push(afterFullCollection('d-repeat-full', 'd. The same', await sampleInterleaved(repeatCandidates, afterFullCollectionSampling(SAMPLING[1000])), 'huge', 'one'));
  // Repeated 10^6 times, almost every layer leaves the band too: the two models differ in the
  // count alone, not in their findings.
  const repeatLarge = readFileSync(workloads['repeat-1e6.arch.json'], 'utf8');
  const sameFindings = await sampleInterleaved(
    [repeatCandidates[0], { name: 'large', run: () => core.analyzeText(repeatLarge, 'json') }],
    SAMPLING[1000],
  );
  rows.push({
    id: 'd-repeat-count',
    measure: 'd. Every layer repeated 10^12 times / 10^6 times (1,000 blocks)',
    ...ratioOf(sameFindings, 'huge', 'large'),
    detail: `findings: ${describeFindings(core.analyzeText(repeatLarge, 'json'))}`,
  });

  const dagText = readFileSync(workloads[`dag-${DAG_NODES}.arch.json`], 'utf8');
  const dag = await sampleInterleaved(
    [
      { name: 'analysis', run: () => core.analyzeText(dagText, 'json') },
      { name: 'parseTree', run: () => core.jsonc.parseTree(dagText, [], { allowTrailingComma: true }) },
    ],
    SAMPLING[1000],
  );
  rows.push({
    id: 'd-dag',
    measure: `d. One block with a ${DAG_NODES}-node DAG: full analysis / parseTree`,
    ...ratioOf(dag, 'analysis', 'parseTree'),
    detail: describeFindings(core.analyzeText(dagText, 'json')),
  });

  return { rows, notes };
}

/**
 * Returns the MB of heap that two young-generation collections leave after 10 runs in a row, from a
 * heap just collected in full. A run that leaves nothing reachable leaves about 0.
 */
function mbLeftByScavenges(run) {
  for (let warm = 0; warm < 3; warm++) run();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < 10; index++) run();
  globalThis.gc({ type: 'minor' });
  globalThis.gc({ type: 'minor' });
  return Math.max(0, process.memoryUsage().heapUsed - before) / 1e6;
}

/**
 * Returns the sampling for the rows after a forced full collection, with a third of the time
 * budget, since they are reported without a verdict.
 */
function afterFullCollectionSampling(sampling) {
  return { ...sampling, budgetMs: sampling.budgetMs / 3, collect: 'full' };
}

/**
 * Returns a row without a target for samples that each follow a forced full collection. That
 * collection throws away the code compiled against the shapes of the previous sample's results,
 * as V8's memory reducer does in a server that has been idle for a few seconds.
 */
function afterFullCollection(id, measure, samples, valueName, baselineName) {
  return { id, measure: `${measure}, each sample after a forced full collection`, ...ratioOf(samples, valueName, baselineName) };
}

/** Returns the medians of two candidates of one sampling, as a row's value and baseline. */
function ratioOf(samples, valueName, baselineName) {
  return { value: median(samples.get(valueName)), baseline: median(samples.get(baselineName)), samples: samples.get(valueName).length };
}

function loadCore(root) {
  const { analyzeText } = require(join(root, 'out/server/src/core/analysis.js'));
  const { readTypeScriptSource } = require(join(root, 'out/server/src/core/tsSource.js'));
  return {
    analyzeText,
    // The same options the language server passes; imports are not followed, the workloads have none.
    typeScriptReader: (fileName) => (text) => readTypeScriptSource(text, { fileName, readFile: () => undefined }),
    jsonc: require('jsonc-parser'),
    ts: require('typescript'),
  };
}

const MISSING_LANGUAGE_SERVICE =
  'vscode-json-languageservice is not installed, so b was not measured. Install the devDependencies (npm install) and run again.';

/**
 * Sets up vscode-json-languageservice as VS Code's JSON support uses it for *.arch.json files.
 * Returns undefined when the package is not installed.
 */
function createJsonService(root) {
  let getLanguageService;
  try {
    ({ getLanguageService } = require('vscode-json-languageservice'));
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  const { TextDocument } = require('vscode-languageserver-textdocument');
  const schema = JSON.parse(readFileSync(join(root, 'schemas/arch.schema.json'), 'utf8'));
  const service = getLanguageService({});
  service.configure({
    allowComments: true,
    validate: true,
    schemas: [{ uri: 'reslint-bench://schemas/arch.schema.json', fileMatch: ['*.arch.json'], schema }],
  });
  const validate = async (path, text) => {
    const document = TextDocument.create(`file://${path}`, 'jsonc', 1, text);
    const parsed = service.parseJSONDocument(document);
    return service.doValidation(document, parsed, { comments: 'ignore', trailingCommas: 'ignore' });
  };
  return {
    validate,
    /** Validates a model with a wrong "reslint" value, to show that the schema is applied. */
    async checkSchemaApplies() {
      const diagnostics = await validate('/bench/check.arch.json', '{ "reslint": 2, "layers": [] }');
      const applied = diagnostics.length > 0;
      return applied
        ? `vscode-json-languageservice applies schemas/arch.schema.json (a model with "reslint": 2 gets ${diagnostics.length} diagnostic).`
        : 'WARNING: vscode-json-languageservice reported nothing for "reslint": 2, so the schema was not applied and its timing is too low.';
    },
  };
}

/** Checks that the TypeScript front end reads the DSL workload into the same model as the JSON one. */
function compareFrontEnds(tsAnalysis, jsonAnalysis) {
  if (tsAnalysis.doc.value === undefined) {
    const first = tsAnalysis.findings[0];
    return {
      usable: false,
      message: `not usable yet: it read no value (first finding: ${first ? `${first.code}: ${first.message}` : 'none'}). The times measure that placeholder, not an evaluator.`,
    };
  }
  const same =
    tsAnalysis.findings.length === jsonAnalysis.findings.length &&
    tsAnalysis.network.log10W === jsonAnalysis.network.log10W &&
    tsAnalysis.model.blocks.size === jsonAnalysis.model.blocks.size;
  return same
    ? { usable: true, message: `reads the DSL workload into the same model as the JSON one (${jsonAnalysis.model.blocks.size} blocks, ${jsonAnalysis.findings.length} findings, equal W).` }
    : {
        usable: false,
        message: `reads a different model from the DSL workload than from the JSON one: ${tsAnalysis.model.blocks.size} blocks and ${describeFindings(tsAnalysis)}, against ${jsonAnalysis.model.blocks.size} blocks and ${describeFindings(jsonAnalysis)}.`,
      };
}

export function describeFindings(analysis) {
  const counts = new Map();
  for (const finding of analysis.findings) counts.set(finding.code, (counts.get(finding.code) ?? 0) + 1);
  if (counts.size === 0) return 'no findings';
  return [...counts].map(([code, count]) => `${count} ${code}`).join(', ');
}
