// Writes the benchmark workloads. They are explicit ResLint models of 100, 1,000 and 10,000
// distinct blocks, each in JSON with comments and in the TypeScript DSL. Three copies of the
// 1,000-block model repeat every layer 1, 10^6 and 10^12 times, and one model is a single block
// with a 1,000-node DAG. The output depends only on the seeds below (a mulberry32 PRNG, never
// Math.random), so every run measures the same text.
//
//   node bench/generate.mjs [folder]     (default: bench/workloads)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BLOCK_COUNTS = [100, 1_000, 10_000];
export const HUGE_REPEAT = 1e12;
/** A repeat count that takes almost every layer out of the band, as HUGE_REPEAT does. */
export const LARGE_REPEAT = 1e6;
export const DAG_NODES = 1_000;
const SEED = 0x5eed_2024;

/** Deterministic PRNG (mulberry32): 32-bit state, period 2^32, enough to vary block shapes. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (probability) => next() < probability,
  };
}

// Seed-model gains (E|s'| under N(0, 1)) of the catalog ops used below, copied from
// server/src/core/catalog.ts. The generator uses them only to choose branch scales that keep most
// blocks inside the default tolerance, so a stale value changes how many findings appear, not
// what is measured.
const ACTIVATION_MEANS = {
  relu: 0.5,
  gelu: 0.5393,
  silu: 0.5116,
  tanh: 0.6057,
  sigmoid: 0.2066,
  mish: 0.5797,
  selu: 0.9852,
  softplus: 0.5,
  hardswish: 0.5179,
};
const WEIGHT_OPS = ['linear', 'conv', 'conv1d', 'conv2d', 'depthwise_conv', 'attention', 'mlp'];
const NORM_OPS = ['batchnorm', 'layernorm', 'rmsnorm', 'groupnorm'];
const UNIT_OPS = ['dropout', 'avgpool', 'maxpool'];
const USER_OPS = {
  gated_unit: { mean: 0.61, rms: 0.72, peak: 1.1, description: 'Gated linear unit at initialisation.' },
  fixed_gain: { gain: 0.9, description: 'A layer with a measured gain of 0.9.' },
};
const USER_OP_MEANS = { gated_unit: 0.61, fixed_gain: 0.9 };
const ELU_MEAN_PER_ALPHA = Math.exp(0.5) * 0.15865525393145707;

/** Returns an op (a name or an object) and its seed-model gain. */
function randomOp(random) {
  const roll = random.next();
  if (roll < 0.3) {
    const name = random.pick(WEIGHT_OPS);
    if (random.chance(0.25)) return { op: { op: name, init: 'he' }, gain: Math.SQRT2 };
    return { op: name, gain: 1 };
  }
  if (roll < 0.6) {
    const name = random.pick(Object.keys(ACTIVATION_MEANS));
    return { op: name, gain: ACTIVATION_MEANS[name] };
  }
  if (roll < 0.68) {
    const slope = random.pick([0.01, 0.1, 0.2, 0.3]);
    return { op: { op: 'leaky_relu', slope }, gain: (1 + slope) / 2 };
  }
  if (roll < 0.72) {
    const alpha = random.pick([0.5, 1, 1.5]);
    return { op: { op: 'elu', alpha }, gain: 0.5 + alpha * ELU_MEAN_PER_ALPHA };
  }
  if (roll < 0.76) {
    const name = random.pick(Object.keys(USER_OPS));
    return { op: name, gain: USER_OP_MEANS[name] };
  }
  if (roll < 0.8) {
    const gain = roundTo(0.5 + random.next(), 3);
    return { op: { gain }, gain };
  }
  if (roll < 0.92) return { op: random.pick(NORM_OPS), gain: 1 };
  return { op: random.pick(UNIT_OPS), gain: 1 };
}

function randomOps(random, minCount, maxCount) {
  const count = random.int(minCount, maxCount);
  const ops = [];
  let gain = 1;
  for (let i = 0; i < count; i++) {
    const chosen = randomOp(random);
    ops.push(chosen.op);
    gain *= chosen.gain;
  }
  return { ops, gain };
}

function roundTo(value, significantDigits) {
  return Number(value.toPrecision(significantDigits));
}

/**
 * Chooses the shortcut scale and the gain that the block's other paths should add up to. About
 * one block in 50 is made vanishing (a shortcut scaled below 1) or exploding (a large branch), so
 * the model has smoothness findings with quick fixes. The rest stay inside the default tolerance
 * of 0.1.
 */
function chooseHealth(random) {
  const roll = random.next();
  if (roll < 0.01) return { shortcutScale: 0.6, branchTarget: roundTo(0.01 + 0.05 * random.next(), 2) };
  if (roll < 0.02) return { shortcutScale: 1, branchTarget: roundTo(0.3 + 0.3 * random.next(), 2) };
  return { shortcutScale: 1, branchTarget: roundTo(0.005 + 0.05 * random.next(), 2) };
}

/** Builds a block with named paths: a shortcut and one or two residual branches, some with a nested block. */
function pathBlock(random, index, healthyBlocks) {
  const health = chooseHealth(random);
  const branchCount = random.int(1, 2);
  const paths = {};
  paths.shortcut = health.shortcutScale === 1 ? [] : { ops: [], scale: health.shortcutScale };
  for (let b = 0; b < branchCount; b++) {
    const { ops, gain } = randomOps(random, 1, 3);
    let branchGain = gain;
    if (healthyBlocks.length > 0 && random.chance(0.05)) {
      const nested = random.pick(healthyBlocks);
      ops.unshift({ block: nested.name });
      branchGain *= nested.gain;
    }
    const share = health.branchTarget / branchCount;
    const name = branchCount === 1 ? 'residual' : `branch_${b + 1}`;
    paths[name] = { ops, scale: roundTo(share / branchGain, 3) };
  }
  const block = {};
  if (random.chance(0.1)) {
    block.description = `Residual block ${index}: ${branchCount} branch${branchCount > 1 ? 'es' : ''} beside an identity shortcut.`;
  }
  block.paths = paths;
  if (random.chance(0.3)) block.afterSum = [random.pick([...NORM_OPS, 'dropout'])];
  return { block, gain: health.shortcutScale + health.branchTarget, healthy: health.shortcutScale === 1 && health.branchTarget < 0.08 };
}

/**
 * Builds a graph block with 2 to 6 nodes ("in", "out" and up to four internal nodes). Internal node i has
 * an edge from an earlier node and one to a later node, so every node lies on an in-to-out path.
 * The scales on the edges into "out" set the branch gain, found by a forward sum in node order.
 */
function graphBlock(random, index) {
  const health = chooseHealth(random);
  const internal = random.pick([0, 1, 1, 2, 2, 3, 4]);
  const nodes = ['in', ...Array.from({ length: internal }, (_, i) => `n${i + 1}`), 'out'];
  const edges = [];
  const shortcut = health.shortcutScale === 1 ? { from: 'in', to: 'out' } : { from: 'in', to: 'out', scale: health.shortcutScale };
  edges.push(shortcut);
  for (let i = 1; i < nodes.length - 1; i++) {
    edges.push({ from: nodes[random.int(0, i - 1)], to: nodes[i] });
    edges.push({ from: nodes[i], to: nodes[random.int(i + 1, nodes.length - 1)] });
    if (random.chance(0.15)) edges.push({ from: nodes[random.int(0, i - 1)], to: nodes[i] });
  }
  if (internal === 0 || random.chance(0.3)) edges.push({ from: 'in', to: 'out', branch: true });
  if (!edges.some((edge) => edge.to === 'out' && edge !== shortcut)) edges.push({ from: nodes[nodes.length - 2], to: 'out' });

  const gains = new Map();
  for (const edge of edges) {
    if (edge === shortcut) continue;
    const { ops, gain } = randomOps(random, 1, 2);
    edge.ops = ops;
    gains.set(edge, gain);
  }
  const reach = new Map([['in', 1]]);
  for (const node of nodes.slice(1, -1)) {
    let sum = 0;
    for (const edge of edges) if (edge.to === node) sum += (reach.get(edge.from) ?? 0) * gains.get(edge);
    reach.set(node, sum);
  }
  const intoOut = edges.filter((edge) => edge.to === 'out' && edge !== shortcut);
  const branchGain = intoOut.reduce((sum, edge) => sum + (reach.get(edge.from) ?? 0) * gains.get(edge), 0);
  const factor = health.branchTarget / branchGain;
  for (const edge of intoOut) edge.scale = roundTo(factor, 3);

  const block = {};
  if (random.chance(0.1)) block.description = `DAG block ${index} with ${nodes.length} nodes.`;
  block.graph = edges.map(({ from, to, ops, scale }) => {
    const edge = { from, to };
    if (ops) edge.ops = ops;
    if (scale !== undefined) edge.scale = scale;
    return edge;
  });
  return { block, gain: health.shortcutScale + health.branchTarget, healthy: health.shortcutScale === 1 && health.branchTarget < 0.08 };
}

/**
 * Builds a model of `count` distinct blocks, each applied by one layer. `repeatAll` writes "repeat" on
 * every block layer (for the repeat comparison); otherwise about one layer in 20 repeats 2 to 6 times.
 */
export function explicitModel(count, { seed = SEED + count, repeatAll } = {}) {
  const random = createRandom(seed);
  const blocks = {};
  const notes = new Map();
  const healthyBlocks = [];
  const layers = [['embedding', 'dropout']];
  const width = String(count - 1).length;
  for (let index = 0; index < count; index++) {
    const graph = random.chance(0.3);
    const name = `${graph ? 'dag' : 'res'}_${String(index).padStart(width, '0')}`;
    const built = graph ? graphBlock(random, index) : pathBlock(random, index, healthyBlocks);
    blocks[name] = built.block;
    if (built.healthy && healthyBlocks.length < 64) healthyBlocks.push({ name, gain: built.gain });
    if (index % 50 === 0) notes.set(name, `Stage ${index / 50 + 1}: blocks ${index} to ${Math.min(index + 49, count - 1)}.`);
    const layer = { block: name };
    if (repeatAll !== undefined) layer.repeat = repeatAll;
    else if (random.chance(0.05)) layer.repeat = random.int(2, 6);
    layers.push(layer);
  }
  layers.push(['layernorm', 'linear']);
  const model = {
    reslint: 1,
    name: `Generated model with ${count} distinct blocks`,
    description: `Benchmark workload: named-path and graph blocks with varied catalog ops (seed ${seed}).`,
    ops: USER_OPS,
    blocks,
    layers,
  };
  COMMENTS.set(blocks, notes);
  return model;
}

/** Builds a model of one block whose graph has `nodeCount` nodes and about 2.5 edges per node. */
export function dagModel(nodeCount, seed = SEED + 7) {
  const random = createRandom(seed);
  const nodes = ['in', ...Array.from({ length: nodeCount - 2 }, (_, i) => `v${i + 1}`), 'out'];
  const graph = [];
  for (let i = 1; i < nodes.length - 1; i++) {
    const fanIn = random.int(1, 2);
    for (let k = 0; k < fanIn; k++) {
      const from = nodes[Math.max(0, i - random.int(1, 8))];
      graph.push({ from, to: nodes[i], ops: [random.pick(WEIGHT_OPS), random.pick(Object.keys(ACTIVATION_MEANS))], scale: 0.5 });
    }
    const to = nodes[Math.min(nodes.length - 1, i + random.int(1, 8))];
    graph.push({ from: nodes[i], to, ops: [random.pick(NORM_OPS)] });
  }
  graph.push({ from: 'in', to: 'out' });
  return {
    reslint: 1,
    name: `One block with a ${nodeCount}-node DAG`,
    blocks: { wide_dag: { description: `${nodeCount} nodes, ${graph.length} edges.`, graph } },
    layers: [{ block: 'wide_dag' }],
  };
}

// Line comments written before a key, per object: WeakMap<object, Map<key, text>>.
const COMMENTS = new WeakMap();
const MAX_LINE = 120;

const JSON_DIALECT = {
  key: (key) => JSON.stringify(key),
  string: (value) => JSON.stringify(value),
  trailingComma: '',
};
const TS_DIALECT = {
  key: (key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : tsString(key)),
  string: (value) => tsString(value),
  trailingComma: ',',
};

function tsString(value) {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Renders a value on one line, or returns undefined when it carries comments. */
function renderFlat(value, dialect) {
  if (typeof value === 'string') return dialect.string(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (COMMENTS.has(value)) return undefined;
  const parts = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = renderFlat(item, dialect);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return `[${parts.join(', ')}]`;
  }
  for (const [key, item] of Object.entries(value)) {
    const text = renderFlat(item, dialect);
    if (text === undefined) return undefined;
    parts.push(`${dialect.key(key)}: ${text}`);
  }
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

/** Renders a value Prettier-style: on one line when it fits in MAX_LINE columns, else one entry per line. */
function render(value, dialect, indent, column) {
  const flat = renderFlat(value, dialect);
  const primitive = typeof value !== 'object' || value === null;
  if (primitive || (flat !== undefined && column + flat.length <= MAX_LINE)) return flat;
  const inner = `${indent}  `;
  const notes = COMMENTS.get(value);
  const lines = [];
  const entries = Array.isArray(value) ? value.map((item) => [undefined, item]) : Object.entries(value);
  entries.forEach(([key, item], position) => {
    const note = key === undefined ? undefined : notes?.get(key);
    if (note) lines.push(`${inner}// ${note}`);
    const prefix = key === undefined ? '' : `${dialect.key(key)}: `;
    const comma = position < entries.length - 1 ? ',' : dialect.trailingComma;
    lines.push(`${inner}${prefix}${render(item, dialect, inner, inner.length + prefix.length)}${comma}`);
  });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('\n')}\n${indent}${close}`;
}

const HEADER = [
  '// Generated by bench/generate.mjs for the ResLint benchmarks; do not edit.',
  '// Every block is a distinct small DAG; "layers" applies each block once.',
];

export function toJsonText(model) {
  return `${HEADER.join('\n')}\n/* Format: JSON with comments (*.arch.json). */\n${render(model, JSON_DIALECT, '', 0)}\n`;
}

export function toTypeScriptText(model) {
  return [
    ...HEADER,
    "import { defineModel } from 'reslint';",
    '',
    `export default defineModel(${render(model, TS_DIALECT, '', 'export default defineModel('.length)});`,
    '',
  ].join('\n');
}

/** Writes every workload into `folder` and returns their file paths by name. */
export function generateWorkloads(folder) {
  mkdirSync(folder, { recursive: true });
  const files = {};
  const write = (name, text) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    files[name] = path;
  };
  for (const count of BLOCK_COUNTS) {
    const model = explicitModel(count);
    write(`blocks-${count}.arch.json`, toJsonText(model));
    write(`blocks-${count}.arch.ts`, toTypeScriptText(model));
  }
  write('repeat-1.arch.json', toJsonText(explicitModel(1_000, { repeatAll: 1 })));
  write('repeat-1e6.arch.json', toJsonText(explicitModel(1_000, { repeatAll: LARGE_REPEAT })));
  write('repeat-1e12.arch.json', toJsonText(explicitModel(1_000, { repeatAll: HUGE_REPEAT })));
  write(`dag-${DAG_NODES}.arch.json`, toJsonText(dagModel(DAG_NODES)));
  return files;
}

export const DEFAULT_FOLDER = join(dirname(fileURLToPath(import.meta.url)), 'workloads');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2] ?? DEFAULT_FOLDER;
  const files = generateWorkloads(folder);
  for (const path of Object.values(files)) console.log(path);
}
