// The binary searches over a JSON model's text order must find what the search over every op
// finds: the hover target at every offset of several models, and the inlay hints of many ranges.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeText, type Analysis } from '../server/src/core/analysis';
import { readTypeScriptSource } from '../server/src/core/tsSource';
import { hintsBetween } from '../server/src/server/inlayHints';
import { hoverTargetAt, type HoverTarget } from '../server/src/server/locate';
import { blocksInTextOrder, buildTextOrder, type TextOrder } from '../server/src/server/textOrder';

const ROOT = join(__dirname, '..', '..');

/** Nested block ops in blocks and in a plain layer, comments, a graph block and a layer with an unknown block. */
const MIXED = `// Mixed parts for the text order tests.
{
  "reslint": 1,
  "ops": { "probe": { "gain": 0.9 } },
  "blocks": {
    "res": {
      "paths": { "shortcut": [], "residual": [{ "op": "linear", "init": "he" }, "relu", { "gain": 0.5 }] },
      "afterSum": ["relu"]
    },
    /* a block between blocks */
    "outer": {
      "paths": { "shortcut": [], "inner": { "ops": [{ "block": "res", "repeat": 2 }, "probe"], "scale": 0.5 } }
    },
    "dag": {
      "graph": [
        { "from": "in", "to": "out" },
        { "from": "in", "to": "x", "ops": [{ "block": "outer" }] },
        { "from": "x", "to": "out", "ops": ["tanh"], "scale": 0.3 }
      ]
    }
  },
  "layers": [
    { "block": "res", "repeat": 16 },
    ["linear", { "block": "outer", "repeat": 3 }],
    { "block": "missing" },
    { "ops": ["linear", "tanh"], "repeat": 4 },
    { "block": "dag", "repeat": 2 }
  ]
}
`;

function models(): [string, string][] {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((name) => name.endsWith('.arch.json'))
    .map((name): [string, string] => [name, readFileSync(join(ROOT, 'examples', name), 'utf8')]);
  return [['mixed', MIXED], ['residual fixture', readFileSync(join(ROOT, 'test', 'fixtures', 'lsp', 'residual.arch.json'), 'utf8')], ...examples];
}

function orderOf(analysis: Analysis): TextOrder {
  const order = buildTextOrder(analysis);
  assert.ok(blocksInTextOrder(order), 'expected the blocks to be in text order');
  return order;
}

/** Returns the target's kind and the IR nodes it points at, for comparison by identity. */
function partsOf(target: HoverTarget | undefined): unknown[] {
  if (!target) return [];
  switch (target.kind) {
    case 'op':
      return [target.kind, target.op, target.block, target.edge];
    case 'block':
      return [target.kind, target.block];
    case 'layer':
      return [target.kind, target.layer, target.entry];
    case 'placed':
      return [target.kind, target.span, ...target.group.entries, ...target.group.skipped];
    case 'layers':
      return [target.kind];
    case 'userOp':
      return [target.kind, target.name, target.span.start, target.span.end, target.uses];
    case 'userOps':
      return [target.kind, target.span.start, target.span.end, ...target.ops.flatMap((op) => [op.name, op.uses])];
  }
}

describe('text order', () => {
  for (const [name, text] of models()) {
    test(`hover targets match in ${name}`, () => {
      const analysis = analyzeText(text, 'json');
      const order = orderOf(analysis);
      for (let offset = 0; offset <= text.length; offset++) {
        const fast = partsOf(hoverTargetAt(analysis, offset, order));
        const full = partsOf(hoverTargetAt(analysis, offset));
        assert.equal(fast.length, full.length, `offset ${offset}`);
        fast.forEach((part, index) => assert.equal(part, full[index], `offset ${offset}, part ${index}`));
      }
    });

    test(`inlay hints match in ${name}`, () => {
      const analysis = analyzeText(text, 'json');
      const order = orderOf(analysis);
      const all = hintsBetween(analysis, undefined, 0, text.length);
      for (const width of [0, 1, 17, 120, 600]) {
        for (let start = 0; start <= text.length; start += 7) {
          const end = start + width;
          const expected = all.filter((hint) => hint.offset >= start && hint.offset <= end);
          assert.deepEqual(hintsBetween(analysis, order, start, end), expected, `range ${start}-${end}`);
          assert.deepEqual(hintsBetween(analysis, undefined, start, end), expected, `range ${start}-${end} without the text order`);
        }
      }
    });
  }

  test('mixed model has every hint kind', () => {
    const hints = hintsBetween(analyzeText(MIXED, 'json'), undefined, 0, MIXED.length).map((hint) => hint.label.split(' = ')[0]);
    assert.ok(hints.filter((label) => label === 'W_l').length >= 6, JSON.stringify(hints));
    assert.ok(hints.includes('W'), JSON.stringify(hints));
  });

  test('integer block name breaks order', () => {
    const text = '{ "reslint": 1, "blocks": { "b": { "paths": { "r": ["relu", { "block": "7" }] } }, "7": { "paths": { "r": ["tanh"] } } }, "layers": [{ "block": "b" }, { "block": "7" }] }';
    const analysis = analyzeText(text, 'json');
    const order = buildTextOrder(analysis);
    assert.equal(blocksInTextOrder(order), false);
    const all = hintsBetween(analysis, undefined, 0, text.length);
    assert.equal(all.length, 3);
    for (let offset = 0; offset <= text.length; offset++) {
      const fast = partsOf(hoverTargetAt(analysis, offset, order));
      const full = partsOf(hoverTargetAt(analysis, offset));
      assert.equal(fast.length, full.length, `offset ${offset}`);
      fast.forEach((part, index) => assert.equal(part, full[index], `offset ${offset}, part ${index}`));
      assert.deepEqual(hintsBetween(analysis, order, offset, offset + 20), all.filter((hint) => hint.offset >= offset && hint.offset <= offset + 20));
    }
  });

  test('duplicate block key breaks order', () => {
    // "a" keeps its first place among the keys, but its range is that of the second "a".
    const text = '{ "reslint": 1, "blocks": { "a": { "paths": { "r": ["relu"] } }, "b": { "paths": { "r": ["tanh"] } }, "a": { "paths": { "r": ["gelu"] } } }, "layers": [{ "block": "a" }, { "block": "b" }] }';
    const analysis = analyzeText(text, 'json');
    const order = buildTextOrder(analysis);
    assert.deepEqual(order.blocks.map((block) => block.name), ['a', 'b']);
    assert.ok(order.blocks[0].span.start > order.blocks[1].span.start);
    assert.equal(blocksInTextOrder(order), false);
    const all = hintsBetween(analysis, undefined, 0, text.length);
    assert.deepEqual(hintsBetween(analysis, order, 0, text.length), all);
  });
});

describe('hint length', () => {
  test('long group hint keeps W in the label', () => {
    const text = `import { defineModel } from 'reslint';
export default defineModel({
  reslint: 1,
  blocks: { b: { paths: { p: [{ gain: 2 }] } } },
  layers: [...[1, 2, 3].map((n) => ({ block: 'b', repeat: 1e15 + n }))],
});`;
    const analysis = analyzeText(text, 'typescript', { readTypeScript: (source) => readTypeScriptSource(source) });
    const hints = hintsBetween(analysis, undefined, 0, text.length);
    // VS Code cuts a hint at 43 characters by default, so the power goes to the tooltip.
    assert.deepEqual(
      hints.map((hint) => [hint.label, hint.tooltip]),
      [['3 layers: W = 10^(9.03e+14)', '3 layers: W = 2.00^3,000,000,000,000,006 = 10^(9.03e+14)']],
    );
  });
});
