// An analysis that takes over the unchanged blocks of the previous version's analysis must be
// indistinguishable from a fresh analysis of the same text: findings, numbers under every model,
// listed paths, spectra, ranges of every part and the offered fixes. Checked on chains of edits,
// each analysis handing its blocks on to the next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { analyzeText, fixesFor, type Analysis } from '../server/src/core/analysis';
import type { BlockResult } from '../server/src/core/analyze';
import { MODEL_NAMES } from '../server/src/core/schema';
import { modelArbitrary } from './fuzzing';

// The retention test collects garbage on demand; the flag takes effect for functions made after it.
setFlagsFromString('--expose-gc');

/** Everything a user can see of an analysis, as plain data. Reads the lazily computed parts too. */
function observable(analysis: Analysis): unknown {
  const result = (value: BlockResult | undefined) =>
    value && {
      log10Wl: value.log10Wl,
      log10AfterSum: value.log10AfterSum,
      paths: value.paths,
      pathsTruncated: value.pathsTruncated,
      spectrum: value.spectrum,
    };
  const blocks = [...analysis.model.blocks.values()].map((block) => ({
    name: block.name,
    span: block.span,
    unresolved: block.unresolved,
    edges: block.edges.map((edge) => ({ name: edge.name, span: edge.span, scale: edge.scale, ops: edge.ops.map((op) => [op.label, op.span, op.path]) })),
    afterSum: block.afterSum.map((op) => [op.label, op.span]),
    results: MODEL_NAMES.map((name) => result(analysis.blocks.get(block)?.[name])),
  }));
  const network = analysis.network;
  return JSON.parse(
    JSON.stringify(
      {
        findings: analysis.findings.map((finding) => ({
          code: finding.code,
          severity: finding.severity,
          span: finding.span,
          message: finding.message,
          fixes: fixesFor(analysis, finding).fixes.map((fix) => [fix.title, fix.log10W, fix.edits]),
        })),
        log10W: network.log10W,
        skipped: network.skippedLayers,
        bandExit: network.bandExit,
        spectrum: network.spectrum,
        layers: network.layers.map((layer) => ({
          index: layer.layer.index,
          span: layer.layer.span,
          block: layer.block.name,
          log10Layer: layer.log10Layer,
          log10Running: layer.log10Running,
          maxStableDepth: layer.maxStableDepth,
          byModel: MODEL_NAMES.map((name) => result(layer.byModel[name])),
        })),
        blocks,
        modelLayers: analysis.model.layers.map(
          (layer) =>
            layer && {
              span: layer.span,
              path: layer.path,
              block: layer.block?.name,
              blockSpan: layer.plain ? layer.block?.span : undefined,
              ops: layer.plain ? layer.block?.edges.flatMap((edge) => edge.ops.map((op) => [op.label, op.span, op.path])) : undefined,
            },
        ),
      },
      // JSON has no infinities; a blocked gradient is log10 0 = -Infinity.
      (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    ),
  );
}

/** Text edits a person makes while working on a model, some of which break it for a while. */
type Edit = (text: string, pick: number) => string;

function nthMatch(text: string, pattern: RegExp, pick: number): RegExpExecArray | undefined {
  const matches = [...text.matchAll(pattern)];
  return matches.length === 0 ? undefined : matches[pick % matches.length];
}

function replaceMatch(text: string, match: RegExpExecArray | undefined, replacement: string): string {
  if (!match) return text;
  return text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length);
}

const EDITS: Record<string, Edit> = {
  // A digit of any number, so later blocks keep their offsets.
  digit: (text, pick) => {
    const match = nthMatch(text, /\d/g, pick);
    return replaceMatch(text, match, match ? String((Number(match[0]) + 1) % 10) : '');
  },
  // A longer number, which moves every later block.
  longerNumber: (text, pick) => replaceMatch(text, nthMatch(text, /"scale": [\d.e-]+/g, pick), '"scale": 0.12345'),
  nestBlock: (text, pick) => replaceMatch(text, nthMatch(text, /"ops": \[/g, pick), `"ops": [{ "block": "block${pick % 4}" }, `),
  nestTwice: (text, pick) => replaceMatch(text, nthMatch(text, /"ops": \[/g, pick), `"ops": [{ "block": "block${pick % 3}", "repeat": 3 }, `),
  renameBlock: (text, pick) => replaceMatch(text, nthMatch(text, /"block\d": \{/g, pick), `"block${(pick % 5) + 1}": {`),
  removeOp: (text, pick) => replaceMatch(text, nthMatch(text, /"[a-z_]+", /g, pick), ''),
  userOps: (text, pick) => text.replace('"reslint": 1,', `"reslint": 1, "ops": { "relu": { "gain": ${(pick % 3) + 0.5} } },`),
  unknownOp: (text, pick) => replaceMatch(text, nthMatch(text, /"(relu|gelu|tanh|linear|conv)"/g, pick), '"relux"'),
  unknownKey: (text, pick) => replaceMatch(text, nthMatch(text, /"paths": \{/g, pick), '"pathz": {'),
  breakSyntax: (text, pick) => {
    const at = pick % (text.length + 1);
    return text.slice(0, at) + '{' + text.slice(at);
  },
  deleteSpan: (text, pick) => {
    const at = pick % (text.length + 1);
    return text.slice(0, at) + text.slice(at + 7);
  },
  severityOff: (text) => text.replace('"reslint": 1,', '"reslint": 1, "settings": { "severity": { "unknown-key": "off", "block-vanishing": "off" } },'),
  modelChange: (text, pick) => text.replace('"reslint": 1,', `"reslint": 1, "settings": { "model": "${MODEL_NAMES[pick % 3]}" },`),
};

const editArbitrary = fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat({ max: 10_000 }));

test('previous: analyses along a chain of edits equal fresh analyses', () => {
  fc.assert(
    fc.property(modelArbitrary, fc.array(editArbitrary, { minLength: 1, maxLength: 8 }), (model, edits) => {
      let text = JSON.stringify(model, null, 2);
      let previous = analyzeText(text, 'json');
      observable(previous);
      for (const [name, pick] of edits) {
        text = EDITS[name](text, pick);
        const fresh = analyzeText(text, 'json');
        const carried = analyzeText(text, 'json', { previous });
        assert.deepEqual(observable(carried), observable(fresh), `after ${name} ${pick}:\n${text}`);
        previous = carried;
      }
    }),
    { seed: 7, numRuns: 1500 },
  );
});

test('previous: unchanged blocks kept, containers recomputed', () => {
  const text = JSON.stringify({
    reslint: 1,
    blocks: {
      a: { paths: { shortcut: [], residual: { ops: ['relu', 'linear'], scale: 0.5 } } },
      b: { paths: { shortcut: [], residual: { ops: ['gelu'], scale: 0.25 } } },
      outer: { paths: { shortcut: [], inner: [{ block: 'a' }] } },
    },
    layers: [{ block: 'a' }, { block: 'b' }, { block: 'outer' }],
  }, null, 2);
  const first = analyzeText(text, 'json');
  const blocksBefore = new Map(first.model.blocks);
  const resultBefore = first.blocks.get(blocksBefore.get('b')!)?.seed;
  // Read before the next analysis takes the first one over, since it is not read afterwards.
  const outerBefore = first.blocks.get(blocksBefore.get('outer')!)?.seed?.log10Wl;
  // Widens a's scale by one character: b and outer move, a changes.
  const edited = text.replace('"scale": 0.5', '"scale": 0.55');
  const second = analyzeText(edited, 'json', { previous: first });
  assert.notEqual(second.model.blocks.get('a'), blocksBefore.get('a'));
  assert.equal(second.model.blocks.get('b'), blocksBefore.get('b'));
  assert.equal(second.model.blocks.get('outer'), blocksBefore.get('outer'));
  // b's result is taken over; outer nests the changed a, so its W_l is computed again.
  assert.equal(second.blocks.get(second.model.blocks.get('b')!)?.seed?.log10Wl, resultBefore?.log10Wl);
  const fresh = analyzeText(edited, 'json');
  assert.equal(second.blocks.get(second.model.blocks.get('outer')!)?.seed?.log10Wl, fresh.blocks.get(fresh.model.blocks.get('outer')!)?.seed?.log10Wl);
  assert.notEqual(second.blocks.get(second.model.blocks.get('outer')!)?.seed?.log10Wl, outerBefore);
  // The block taken over is located in the new text, one character further on.
  const bKey = edited.indexOf('"b"');
  assert.deepEqual(second.model.blocks.get('b')!.span, { start: bKey, end: bKey + 3 });
});

test('previous: a chain of analyses keeps no earlier document alive', async () => {
  const collect = runInNewContext('gc') as () => void;
  let text = JSON.stringify({
    reslint: 1,
    blocks: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`b${i}`, { paths: { shortcut: [], residual: { ops: ['relu', 'linear'], scale: 0.5 } } }])),
    layers: Array.from({ length: 20 }, (_, i) => ({ block: `b${i}` })),
  });
  let analysis = analyzeText(text, 'json');
  const earlier: WeakRef<object>[] = [];
  for (let version = 0; version < 5; version++) {
    // Every part is located in this version's text, as hovers and hints do.
    observable(analysis);
    earlier.push(new WeakRef(analysis.doc), new WeakRef(analysis), new WeakRef(analysis.model), new WeakRef(analysis.analyzer));
    text = text.replace(/"scale":0\.5/, '"scale":0.25');
    analysis = analyzeText(text, 'json', { previous: analysis });
  }
  // A WeakRef keeps its target alive until the current job ends. In full test runs a collection
  // has now and then left two targets alive, for a reason not found, so up to five collections
  // run, each in a new job. An object that an analysis keeps stays alive through all of them.
  const alive = () => earlier.filter((ref) => ref.deref() !== undefined).length;
  for (let attempt = 0; attempt < 5 && (attempt === 0 || alive() > 0); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    collect();
  }
  assert.equal(alive(), 0);
  assert.equal(analysis.model.blocks.get('b0')?.edges[1].ops[0].label, 'relu');
});

test('previous: an edit inside an element of a "blocks" list gives the findings of a fresh analysis', () => {
  const text = '{\n  "reslint": 1,\n  "blocks": [\n    { "paths": { "s": [], "r": ["relu"] } }\n  ],\n  "layers": [{ "block": "undefined" }, { "block": "missing" }]\n}';
  const edited = text.replace('["relu"]', '["relu", "gelu"]');
  const carried = analyzeText(edited, 'json', { previous: analyzeText(text, 'json') });
  assert.deepEqual(observable(carried), observable(analyzeText(edited, 'json')));
  assert.deepEqual(
    carried.findings.map((finding) => finding.code),
    ['schema', 'unknown-block', 'unknown-block'],
  );
});
