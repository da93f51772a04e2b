// Smoothness of blocks and of the network. A block's W_l is a sum over its gradient paths, done
// by dynamic programming over the block DAG in topological order. That equals enumerating every
// path, without the exponential cost. Every magnitude is a base-10 logarithm, so repeat counts
// multiply logarithms instead of being unrolled.
import { GAIN_MODELS, type GainContext, type GainModel } from './gain';
import { clampLog, LOG_ZERO, log10Abs, log10Add, log10Multiply, log10Times } from './logmath';
import { INPUT_NODE, OUTPUT_NODE, type BlockNode, type EdgeNode, type LayerNode, type ModelIR, type OpNode } from './model';
import { MAX_REPEAT, type ModelName } from './schema';
import { quotedName, type Problem } from './source';

/** log10 W_l closer to 0 than this (about ten units in the last place of 1) is taken as W_l = 1. */
const ROUNDING_OF_ONE = 1e-15;

/** At most this many paths are listed per block; W_l always covers all of them. */
export const MAX_LISTED_PATHS = 256;
/** Exact network spectra are computed up to this total path length; beyond it, moments only. */
export const MAX_SPECTRUM_DEGREE = 1024;
/** Block spectra are computed for blocks with at most this many edges. */
const MAX_SPECTRUM_EDGES = 5000;

export interface PathResult {
  name: string;
  /** log10 of w_p, the absolute product of the gains on the path (afterSum included). */
  log10w: number;
  /** Number of edges on the path that carry an op other than identity or scale. */
  length: number;
  /** Labels of the ops along the path, afterSum last. */
  ops: string[];
  /** How many of `ops` lie on the path's edges, before the ops after the sum. */
  opsBeforeSum: number;
}

/** A block's smoothness under one gain model. */
export interface BlockResult {
  log10Wl: number;
  /** log10 of the product of the afterSum gains. */
  log10AfterSum: number;
  paths: PathResult[];
  /** True when the block has more paths than MAX_LISTED_PATHS. */
  pathsTruncated: boolean;
  /**
   * Path-length spectrum: entry m is log10 of sum over paths of length m of w_p^power (power 2
   * in the variance model). Undefined for blocks too large to expand.
   */
  spectrum?: number[];
}

export interface Band {
  log10Min: number;
  log10Max: number;
}

export interface LayerResult {
  layer: LayerNode;
  block: BlockNode;
  /** Results under every model, for hovers that show them side by side. */
  byModel: Record<ModelName, BlockResult>;
  /** log10 of W_l^repeat under the selected model. */
  log10Layer: number;
  /** log10 of the running product W after this layer. */
  log10Running: number;
  /** Largest repeat count that stays inside the band on its own; null when no repeat count up to 2^53 - 1 leaves it (W_l = 1). */
  maxStableDepth: number | null;
}

export interface BandExit {
  layerIndex: number;
  /** How many repeats of that layer had been applied when W left the band (1-based). */
  repeat: number;
  side: 'low' | 'high';
  log10W: number;
}

export interface SpectrumResult {
  /** log10 of the network spectrum coefficients, when the total length is small enough. */
  coefficients?: number[];
  /** Weighted mean and standard deviation of path length, exact from per-block moments. */
  meanLength: number;
  stdLength: number;
}

export interface NetworkResult {
  model: GainModel;
  band: Band;
  log10W: number;
  layers: LayerResult[];
  /** Layers that could not be analysed (invalid, unknown block, cycle); W excludes them. */
  skippedLayers: number[];
  bandExit?: BandExit;
  spectrum?: SpectrumResult;
}

/** Computes block smoothness with memoisation; structural problems are reported once. */
export class BlockAnalyzer {
  readonly problems: Problem[] = [];
  // Not readonly: takeOver adopts these maps from the analyzer it takes over.
  private orders = new Map<BlockNode, string[] | undefined>();
  private shapes = new Map<BlockNode, BlockShape>();
  private memo = new Map<ModelName, Map<BlockNode, BlockResult | undefined>>();
  private readonly inProgress = new Set<BlockNode>();
  private readonly reportedCycles = new Set<OpNode>();
  private records = new Map<BlockNode, ModelResults>();
  private readonly spectra = new Map<ModelName, Map<BlockNode, number[] | undefined>>();
  /** Per block, the blocks that nest it directly; made on first use, since the model does not change. */
  private parents?: Map<BlockNode, BlockNode[]>;
  /**
   * Set on an analyzer made by afterChangeTo: the analyzer it was made from, which lends its
   * results, orders and shapes of the blocks that the change does not affect.
   */
  private base?: { analyzer: BlockAnalyzer; affected: Set<BlockNode> };

  constructor(private readonly model: ModelIR) {}

  /**
   * Returns a new analyzer of the model after a change inside `changed` that keeps the block's structure
   * (a scale). It reads this analyzer's results of every block that neither is nor contains
   * `changed`, so a fix is checked without analysing the whole model again. Nothing is copied,
   * because a fix check on a model of 10,000 blocks had copied every block's result.
   */
  afterChangeTo(changed: BlockNode): BlockAnalyzer {
    const next = new BlockAnalyzer(this.model);
    next.base = { analyzer: this, affected: this.containersOf([changed]) };
    return next;
  }

  /** Returns whether the base analyzer lends its work on the block, which the change does not affect. */
  private lends(block: BlockNode): boolean {
    return this.base !== undefined && !this.base.affected.has(block);
  }

  /**
   * Starts with an earlier analyzer's work on the blocks that this model took over from that
   * analyzer's model unchanged, for which `taken` returns true. Their orders and shapes are
   * kept. Results are kept for the blocks whose nested blocks, at any depth, were taken over
   * too, because a result depends on nothing else. The earlier analyzer must not be used
   * afterwards: this one adopts its maps.
   */
  takeOver(previous: BlockAnalyzer, taken: (block: BlockNode) => boolean): void {
    const changed: BlockNode[] = [];
    for (const block of this.model.blocks.values()) {
      if (!taken(block) || block.nested.some((op) => op.name === undefined || !this.model.blocks.has(op.name))) changed.push(block);
    }
    const affected = this.containersOf(changed);
    // The previous analyzer is not read again, so its maps are adopted and pruned rather than
    // copied, because copies of 10,000 entries on every keystroke were a fifth of an edit's garbage.
    // Only graph blocks have orders and shapes.
    this.orders = previous.orders;
    this.shapes = previous.shapes;
    this.memo = previous.memo;
    this.records = previous.records;
    for (const block of this.orders.keys()) if (!taken(block)) this.orders.delete(block);
    for (const block of this.shapes.keys()) if (!taken(block)) this.shapes.delete(block);
    // Keys and lookups, not entries: an entry is a new pair for each of 10,000 blocks.
    for (const cache of this.memo.values()) {
      for (const block of cache.keys()) {
        if (!taken(block) || affected.has(block)) cache.delete(block);
        else {
          const result = cache.get(block);
          if (result instanceof ComputedBlock) result.moveTo(this);
        }
      }
    }
    for (const block of this.records.keys()) {
      if (!taken(block) || affected.has(block)) this.records.delete(block);
      else this.records.get(block)?.moveTo(this);
    }
  }

  /** Returns the blocks and every block that contains one of them, directly or through nested blocks. */
  private containersOf(blocks: readonly BlockNode[]): Set<BlockNode> {
    const parents = this.parentsOf();
    const found = new Set<BlockNode>(blocks);
    const stack = [...blocks];
    while (stack.length > 0) {
      for (const parent of parents.get(stack.pop() as BlockNode) ?? []) {
        if (found.has(parent)) continue;
        found.add(parent);
        stack.push(parent);
      }
    }
    return found;
  }

  private parentsOf(): Map<BlockNode, BlockNode[]> {
    if (this.parents) return this.parents;
    const parents = new Map<BlockNode, BlockNode[]>();
    for (const candidate of this.model.blocks.values()) {
      for (const op of candidate.nested) {
        const nested = op.name === undefined ? undefined : this.model.blocks.get(op.name);
        if (!nested) continue;
        const list = parents.get(nested);
        if (list) list.push(candidate);
        else parents.set(nested, [candidate]);
      }
    }
    this.parents = parents;
    return parents;
  }

  /**
   * Returns the block's results under every gain model, each computed when first read. Analysis reads
   * only the selected model's; hovers and reports read the others for a few blocks.
   */
  results(block: BlockNode): Record<ModelName, BlockResult | undefined> {
    let record = this.records.get(block);
    if (!record) {
      record = new ModelResults(this, block);
      this.records.set(block, record);
    }
    return record;
  }

  /**
   * Returns the block's results under one model, or undefined when it cannot be analysed. Nested
   * blocks are computed first, in post-order with an explicit stack, so a chain of thousands of
   * nested blocks cannot overflow the call stack. A nested block still on the stack closes a cycle.
   */
  analyze(block: BlockNode, gainModel: GainModel): BlockResult | undefined {
    const cache = modelCache(this.memo, gainModel.name);
    if (cache.has(block)) return cache.get(block);
    // Not stored here: a fix check reads every layer's block once.
    if (this.base && this.lends(block)) return this.base.analyzer.analyze(block, gainModel);
    // A block that nests none cannot close a cycle, and most blocks are such, so they skip the stack.
    if (block.nested.length === 0) {
      const result = this.compute(block, gainModel);
      cache.set(block, result);
      return result;
    }
    // Computed while still marked in progress, so a reference back to it reads as a cycle.
    // Blocks the base lends are read through opLog when their container is computed.
    const done = (nested: BlockNode): boolean => cache.has(nested) || this.lends(nested);
    this.postOrder(block, done, this.inProgress, (top) => cache.set(top, this.compute(top, gainModel)));
    return cache.get(block);
  }

  /**
   * Calls `finish` on every nested block that `block` reaches and `done` lacks, nested blocks
   * first, then on `block`. An explicit stack is used, so a chain of thousands of nested blocks
   * cannot overflow the call stack; `onStack` holds the blocks on it.
   */
  private postOrder(block: BlockNode, done: (block: BlockNode) => boolean, onStack: Set<BlockNode>, finish: (top: BlockNode) => void): void {
    const stack: BlockNode[] = [block];
    onStack.add(block);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const pending = this.pendingNested(top, done, onStack);
      if (pending) {
        stack.push(pending);
        onStack.add(pending);
        continue;
      }
      finish(top);
      stack.pop();
      onStack.delete(top);
    }
  }

  /** Returns a nested block of `block` that is neither done nor on the stack, if any. */
  private pendingNested(block: BlockNode, done: (block: BlockNode) => boolean, onStack: Set<BlockNode>): BlockNode | undefined {
    for (const op of block.nested) {
      const pending = this.pendingBlock(op, done, onStack);
      if (pending) return pending;
    }
    return undefined;
  }

  private pendingBlock(op: OpNode, done: (block: BlockNode) => boolean, onStack: Set<BlockNode>): BlockNode | undefined {
    const nested = op.name === undefined ? undefined : this.model.blocks.get(op.name);
    return nested && !done(nested) && !onStack.has(nested) ? nested : undefined;
  }

  /** Topological order of the block's nodes; undefined (and a problem) when it has a cycle. */
  order(block: BlockNode): string[] | undefined {
    // Named paths and plain layers are edges from "in" to "out", so their order is fixed.
    if (block.form !== 'graph') return TWO_NODE_ORDER;
    if (this.orders.has(block)) return this.orders.get(block);
    // A change of scale keeps every order, so the base's orders are still valid.
    if (this.base?.analyzer.orders.has(block)) return this.base.analyzer.orders.get(block);
    const order = topologicalOrder(block, this.problems);
    this.orders.set(block, order);
    return order;
  }

  /** log10 gain of one edge raised to the model's power; undefined when a nested block fails. */
  edgeLog(edge: EdgeNode, gainModel: GainModel, context: GainContext): number | undefined {
    let log = log10Abs(edge.scale);
    for (const op of edge.ops) {
      const opLog = this.opLog(op, gainModel, context);
      if (opLog === undefined) return undefined;
      log = log10Multiply(log, opLog);
    }
    return log === LOG_ZERO ? LOG_ZERO : clampLog(gainModel.power * log);
  }

  /** log10 gain of one op (not raised to the power). */
  opLog(op: OpNode, gainModel: GainModel, context: GainContext): number | undefined {
    if (op.kind !== 'block') return gainModel.opLog10(op, context);
    const blockName = context.blockName;
    const nested = op.name === undefined ? undefined : this.model.blocks.get(op.name);
    if (!nested) return undefined;
    if (this.inProgress.has(nested)) {
      if (!this.reportedCycles.has(op)) {
        this.reportedCycles.add(op);
        const message =
          nested.name === blockName
            ? `Block ${quotedName(blockName)} contains itself; a block cannot contain itself. Remove the nested reference.`
            : `Block ${quotedName(blockName)} contains block ${quotedName(String(nested.name))}, which leads back to ${quotedName(blockName)} through nested blocks; a block cannot contain itself. Remove one of the nested references.`;
        this.problems.push({
          code: 'cycle',
          message,
          span: op.span,
        });
      }
      return undefined;
    }
    const result = this.analyze(nested, gainModel);
    if (!result) return undefined;
    let log = log10Times(op.repeat, result.log10Wl);
    if (op.scale !== undefined) log = log10Multiply(log, log10Abs(op.scale));
    return log;
  }

  private compute(block: BlockNode, gainModel: GainModel): BlockResult | undefined {
    if (block.unresolved) return undefined;
    const order = this.order(block);
    if (!order) return undefined;
    // In a block of named paths every edge goes from "in" to "out", so W is the sum of the edge
    // terms, added in the order forwardSums uses, and no list or map is needed. A graph block
    // keeps its terms in a list for forwardSums.
    const edgeLogs = order === TWO_NODE_ORDER ? undefined : new Array<number>(block.edges.length);
    const context: GainContext = { blockName: block.name };
    let total = LOG_ZERO;
    for (let index = 0; index < block.edges.length; index++) {
      const log = this.edgeLog(block.edges[index], gainModel, context);
      if (log === undefined) return undefined;
      if (edgeLogs) edgeLogs[index] = log;
      else total = log10Add(total, log);
    }
    let log10AfterSum = 0;
    for (const op of block.afterSum) {
      const log = this.opLog(op, gainModel, context);
      if (log === undefined) return undefined;
      log10AfterSum = log10Multiply(log10AfterSum, log);
    }

    if (edgeLogs) total = forwardSums(block, order, edgeLogs, -1, this.shape(block, order).incoming).get(OUTPUT_NODE) ?? LOG_ZERO;
    const summed = total === LOG_ZERO ? LOG_ZERO : log10Multiply(log10AfterSum, total / gainModel.power);
    // Paths that add up to exactly 1 (0.69 + 0.31) miss it in the last bits when summed in log10;
    // a repeat of 2^53 would turn that into a visible factor, so W_l is then 1.
    const log10Wl = Math.abs(summed) < ROUNDING_OF_ONE ? 0 : summed;
    return new ComputedBlock(log10Wl, log10AfterSum, this, block, gainModel);
  }

  /**
   * Returns, per edge of a block that has a result, log10 of its gain raised to the model's power.
   * Results do not keep these lists: only paths and spectra read them, for a few blocks.
   */
  edgeLogsOf(block: BlockNode, gainModel: GainModel): number[] {
    const context: GainContext = { blockName: block.name };
    return block.edges.map((edge) => this.edgeLog(edge, gainModel, context) ?? LOG_ZERO);
  }

  /**
   * Returns the block's path-length spectrum under one model. Only reports and hovers read spectra, so
   * they are computed on request: nested blocks first, in post-order with an explicit stack, as
   * in analyze().
   */
  spectrum(block: BlockNode, gainModel: GainModel): number[] | undefined {
    const cache = modelCache(this.spectra, gainModel.name);
    if (cache.has(block)) return cache.get(block);
    this.postOrder(block, (nested) => cache.has(nested), new Set(), (top) => cache.set(top, this.computeSpectrum(top, gainModel)));
    return cache.get(block);
  }

  private computeSpectrum(block: BlockNode, gainModel: GainModel): number[] | undefined {
    const result = this.memo.get(gainModel.name)?.get(block);
    const order = this.order(block);
    if (!(result instanceof ComputedBlock) || !order || block.edges.length > MAX_SPECTRUM_EDGES) return undefined;
    const nestedLengths = this.nestedLengths(block, gainModel);
    if (!nestedLengths) return undefined;
    return blockSpectrum(block, order, this.edgeLogsOf(block, gainModel), gainModel.power * result.log10AfterSum, this.shape(block, order), nestedLengths);
  }

  /**
   * Per edge, how its nested blocks lengthen the paths through it: a distribution over extra
   * length (log10 weights summing to 1), the product of each nested spectrum, normalised, to the
   * power of its repeat. Undefined when a nested spectrum is missing or the degree grows too large.
   */
  private nestedLengths(block: BlockNode, gainModel: GainModel): number[][] | undefined {
    const result: number[][] = [];
    for (const edge of block.edges) {
      let distribution = [0];
      for (const op of edge.ops) {
        if (op.kind !== 'block') continue;
        const nested = op.name === undefined ? undefined : this.model.blocks.get(op.name);
        const spectrum = nested ? this.spectra.get(gainModel.name)?.get(nested) : undefined;
        if (!spectrum) return undefined;
        const total = spectrum.reduce(log10Add, LOG_ZERO);
        if (total === LOG_ZERO) continue;
        if ((spectrum.length - 1) * op.repeat + distribution.length > MAX_SPECTRUM_DEGREE) return undefined;
        const normalised = spectrum.map((coefficient) => coefficient - total);
        distribution = multiplyPolynomials(distribution, powerPolynomial(normalised, op.repeat));
      }
      result.push(distribution);
    }
    return result;
  }

  /** Returns the block's structure that every gain model shares, computing it on first use. */
  shape(block: BlockNode, order: string[]): BlockShape {
    let shape = this.shapes.get(block) ?? (this.base && this.lends(block) ? this.base.analyzer.shapes.get(block) : undefined);
    if (!shape) {
      shape = new BlockShape(block, order);
      this.shapes.set(block, shape);
    }
    return shape;
  }
}

/** Returns the cache of one gain model in `caches`, made on first use. */
function modelCache<T>(caches: Map<ModelName, Map<BlockNode, T>>, name: ModelName): Map<BlockNode, T> {
  let cache = caches.get(name);
  if (!cache) {
    cache = new Map();
    caches.set(name, cache);
  }
  return cache;
}

/** Reads each gain model's result through a getter that computes it once, on first use. */
class ModelResults implements Record<ModelName, BlockResult | undefined> {
  // One field per model rather than a map: there is one of these per block. null means not yet computed.
  private seedResult: BlockResult | undefined | null = null;
  private varianceResult: BlockResult | undefined | null = null;
  private boundResult: BlockResult | undefined | null = null;

  constructor(
    private analyzer: BlockAnalyzer,
    private readonly block: BlockNode,
  ) {}

  /** Computes the models not read yet with another analyzer from now on, which took over this block. */
  moveTo(analyzer: BlockAnalyzer): void {
    this.analyzer = analyzer;
  }

  get seed(): BlockResult | undefined {
    if (this.seedResult === null) this.seedResult = this.analyzer.analyze(this.block, GAIN_MODELS.seed);
    return this.seedResult;
  }

  get variance(): BlockResult | undefined {
    if (this.varianceResult === null) this.varianceResult = this.analyzer.analyze(this.block, GAIN_MODELS.variance);
    return this.varianceResult;
  }

  get bound(): BlockResult | undefined {
    if (this.boundResult === null) this.boundResult = this.analyzer.analyze(this.block, GAIN_MODELS.bound);
    return this.boundResult;
  }
}

/**
 * A block's result under one model. The listed paths are built when first read: findings need
 * them only for blocked blocks, and hovers and reports for the few blocks they show.
 */
class ComputedBlock implements BlockResult {
  private listed?: PathResult[];

  constructor(
    readonly log10Wl: number,
    readonly log10AfterSum: number,
    private analyzer: BlockAnalyzer,
    private readonly block: BlockNode,
    private readonly gainModel: GainModel,
  ) {}

  /** Reads this result through another analyzer from now on, which took over this one's block. */
  moveTo(analyzer: BlockAnalyzer): void {
    this.analyzer = analyzer;
  }

  get paths(): PathResult[] {
    const power = this.gainModel.power;
    if (!this.listed) {
      const edgeLogs = this.analyzer.edgeLogsOf(this.block, this.gainModel);
      this.listed = this.shape().listed.paths.map((path) => pathResult(path, edgeLogs, power, this.log10AfterSum));
    }
    return this.listed;
  }

  get spectrum(): number[] | undefined {
    return this.analyzer.spectrum(this.block, this.gainModel);
  }

  get pathsTruncated(): boolean {
    return this.shape().listed.truncated;
  }

  /** Returns the block's shape. A block with a result has a topological order. */
  private shape(): BlockShape {
    return this.analyzer.shape(this.block, this.analyzer.order(this.block) as string[]);
  }
}

/** The parts of a block's analysis that do not depend on the gain model. */
class BlockShape {
  /** Indices of the edges into each node, in edge order. */
  readonly incoming: Map<string, number[]>;
  /** Per edge, the value of edgeLength: 1 when the edge adds to a path's length, else 0. */
  readonly edgeLengths: number[];
  private listing?: { paths: PathShape[]; truncated: boolean };

  constructor(
    private readonly block: BlockNode,
    private readonly order: string[],
  ) {
    this.incoming = incomingEdges(block);
    this.edgeLengths = block.edges.map(edgeLength);
  }

  /** The listed paths (at most MAX_LISTED_PATHS) without their gains, built on first use. */
  get listed(): { paths: PathShape[]; truncated: boolean } {
    this.listing ??= listPaths(this.block, this.order, this.edgeLengths, afterSumLabels(this.block));
    return this.listing;
  }
}

interface PathShape {
  edgeIndices: number[];
  name: string;
  /** Op labels along the path, afterSum last. */
  ops: string[];
  /** How many of `ops` lie on the path's edges. */
  opsBeforeSum: number;
  length: number;
}

function afterSumLabels(block: BlockNode): string[] {
  return block.afterSum.map((op) => op.label);
}

/** Kahn's algorithm; reports a cycle and nodes that no in-to-out path uses. */
function topologicalOrder(block: BlockNode, problems: Problem[]): string[] | undefined {
  const nodes = new Set<string>([INPUT_NODE, OUTPUT_NODE]);
  const outgoing = new Map<string, EdgeNode[]>();
  const indegree = new Map<string, number>();
  for (const edge of block.edges) {
    nodes.add(edge.from);
    nodes.add(edge.to);
    const list = outgoing.get(edge.from) ?? [];
    list.push(edge);
    outgoing.set(edge.from, list);
    indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
  }
  const queue = [...nodes].filter((node) => (indegree.get(node) ?? 0) === 0);
  const order: string[] = [];
  while (queue.length > 0) {
    const node = queue.pop() as string;
    order.push(node);
    for (const edge of outgoing.get(node) ?? []) {
      const remaining = (indegree.get(edge.to) ?? 0) - 1;
      indegree.set(edge.to, remaining);
      if (remaining === 0) queue.push(edge.to);
    }
  }
  if (order.length < nodes.size) {
    const { cycle, edge } = findCycle(block, new Set([...nodes].filter((node) => (indegree.get(node) ?? 0) > 0)));
    const listed = cycle.length > 6 ? [...cycle.slice(0, 5), `... (${cycle.length} nodes)`] : cycle;
    problems.push({
      code: 'cycle',
      message: `The graph of block ${quotedName(block.name)} has a cycle ${[...listed, cycle[0]].map((n) => (n.startsWith('...') ? n : quotedName(n))).join(' -> ')}; a block graph must be acyclic. Remove one of these edges.`,
      span: edge?.span ?? block.span,
    });
    return undefined;
  }
  // A graph without any path from "in" to "out" is a mistake in the file, not a zero gain, so the
  // block is left unanalysed like one with a cycle.
  return checkReachability(block, outgoing, problems) ? order : undefined;
}

/**
 * Finds one cycle among the nodes Kahn's algorithm could not order. Each of them has a predecessor among
 * them, so walking predecessors must revisit a node; the walk from there is the cycle.
 */
function findCycle(block: BlockNode, remaining: Set<string>): { cycle: string[]; edge?: EdgeNode } {
  const predecessor = new Map<string, EdgeNode>();
  for (const edge of block.edges) {
    if (remaining.has(edge.from) && remaining.has(edge.to) && !predecessor.has(edge.to)) predecessor.set(edge.to, edge);
  }
  const seen = new Map<string, number>();
  const walk: string[] = [];
  let node = [...remaining].find((candidate) => predecessor.has(candidate)) ?? '';
  while (!seen.has(node) && predecessor.has(node)) {
    seen.set(node, walk.length);
    walk.push(node);
    node = (predecessor.get(node) as EdgeNode).from;
  }
  const cycle = walk.slice(seen.get(node) ?? 0).reverse();
  return { cycle: cycle.length > 0 ? cycle : [node], edge: predecessor.get(node) };
}

/** Reports edges that no in-to-out path uses; returns false when no such path exists at all. */
function checkReachability(block: BlockNode, outgoing: Map<string, EdgeNode[]>, problems: Problem[]): boolean {
  if (block.form !== 'graph') return true;
  const reached = new Set<string>([INPUT_NODE]);
  const stack = [INPUT_NODE];
  while (stack.length > 0) {
    const node = stack.pop() as string;
    for (const edge of outgoing.get(node) ?? []) {
      if (!reached.has(edge.to)) {
        reached.add(edge.to);
        stack.push(edge.to);
      }
    }
  }
  if (!reached.has(OUTPUT_NODE)) {
    problems.push({
      code: 'graph-shape',
      message: `Block ${quotedName(block.name)} has no path from "in" to "out", so no gradient passes through it. Add edges that connect "in" to "out".`,
      span: block.span,
    });
    return false;
  }
  for (const edge of block.edges) {
    if (!reached.has(edge.from)) {
      problems.push({
        code: 'graph-shape',
        message: `Edge ${edge.name} of block ${quotedName(block.name)} starts at ${quotedName(edge.from)}, which no path from "in" reaches; it carries no gradient. Add a path from "in" to ${quotedName(edge.from)}, or remove the edge.`,
        span: edge.span,
      });
    } else if (edge.to !== OUTPUT_NODE && !(outgoing.get(edge.to)?.length)) {
      problems.push({
        code: 'graph-shape',
        message: `Edge ${edge.name} of block ${quotedName(block.name)} ends at ${quotedName(edge.to)}, which has no way on to "out"; it carries no gradient. Add a path from ${quotedName(edge.to)} to "out", or remove the edge.`,
        span: edge.span,
      });
    }
  }
  return true;
}

/** log10 of the sum over paths from "in" to each node of the product of edge terms. */
export function forwardSums(
  block: BlockNode,
  order: string[],
  edgeLogs: number[],
  skipEdge = -1,
  incoming = incomingEdges(block),
): Map<string, number> {
  const values = new Map<string, number>([[INPUT_NODE, 0]]);
  for (const node of order) {
    if (node === INPUT_NODE) continue;
    let sum = LOG_ZERO;
    for (const index of incoming.get(node) ?? []) {
      if (index === skipEdge) continue;
      const source = values.get(block.edges[index].from) ?? LOG_ZERO;
      sum = log10Add(sum, source + edgeLogs[index]);
    }
    values.set(node, sum);
  }
  return values;
}

/** log10 of the sum over paths from each node to "out" of the product of edge terms. */
export function backwardSums(block: BlockNode, order: string[], edgeLogs: number[]): Map<string, number> {
  const outgoing = new Map<string, number[]>();
  block.edges.forEach((edge, index) => {
    const list = outgoing.get(edge.from) ?? [];
    list.push(index);
    outgoing.set(edge.from, list);
  });
  const values = new Map<string, number>([[OUTPUT_NODE, 0]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (node === OUTPUT_NODE) continue;
    let sum = LOG_ZERO;
    for (const index of outgoing.get(node) ?? []) {
      const target = values.get(block.edges[index].to) ?? LOG_ZERO;
      sum = log10Add(sum, target + edgeLogs[index]);
    }
    values.set(node, sum);
  }
  return values;
}

function incomingEdges(block: BlockNode): Map<string, number[]> {
  const incoming = new Map<string, number[]>();
  block.edges.forEach((edge, index) => {
    const list = incoming.get(edge.to) ?? [];
    list.push(index);
    incoming.set(edge.to, list);
  });
  return incoming;
}

/** Lists the ops of a block that use another block, on its edges and after the sum. */

/** The order of a block whose edges all go from "in" to "out". */
const TWO_NODE_ORDER = [INPUT_NODE, OUTPUT_NODE];

/** 1 when the edge carries an op other than identity, scale or a nested block, else 0. */
function edgeLength(edge: EdgeNode): number {
  return edge.ops.some((op) => !op.trivial && op.kind !== 'block') ? 1 : 0;
}

/** Lists up to MAX_LISTED_PATHS paths, following only edges that can still reach "out". */
function listPaths(
  block: BlockNode,
  order: string[],
  edgeLengths: number[],
  afterSum: string[],
): { paths: PathShape[]; truncated: boolean } {
  const reachesOut = backwardSums(
    block,
    order,
    block.edges.map(() => 0),
  );
  const outgoing = new Map<string, number[]>();
  block.edges.forEach((edge, index) => {
    if ((reachesOut.get(edge.to) ?? LOG_ZERO) === LOG_ZERO) return;
    const list = outgoing.get(edge.from) ?? [];
    list.push(index);
    outgoing.set(edge.from, list);
  });
  const parallel = parallelEdges(block);
  const paths: PathShape[] = [];
  let truncated = false;
  // Depth-first with an explicit stack of (edge, next sibling) frames: a 10,000-node chain would
  // overflow a recursive walk.
  const path: number[] = [];
  const frames: { edges: number[]; next: number }[] = [{ edges: outgoing.get(INPUT_NODE) ?? [], next: 0 }];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1];
    if (frame.next >= frame.edges.length) {
      frames.pop();
      path.pop();
      continue;
    }
    const index = frame.edges[frame.next++];
    const target = block.edges[index].to;
    path.push(index);
    if (target === OUTPUT_NODE) {
      if (paths.length >= MAX_LISTED_PATHS) {
        truncated = true;
        break;
      }
      paths.push(describePath(block, [...path], edgeLengths, parallel, afterSum));
      path.pop();
      continue;
    }
    frames.push({ edges: outgoing.get(target) ?? [], next: 0 });
  }
  return { paths, truncated };
}

/** Per edge, whether another edge of the block joins the same two nodes. */
function parallelEdges(block: BlockNode): boolean[] {
  if (block.form !== 'graph') return block.edges.map(() => false);
  const counts = new Map<string, number>();
  const keys = block.edges.map((edge) => JSON.stringify([edge.from, edge.to]));
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return keys.map((key) => (counts.get(key) ?? 0) > 1);
}

function describePath(block: BlockNode, edgeIndices: number[], edgeLengths: number[], parallel: boolean[], afterSum: string[]): PathShape {
  const edges = edgeIndices.map((index) => block.edges[index]);
  let name: string;
  if (block.form === 'graph') {
    const nodes = [INPUT_NODE, ...edges.map((edge) => edge.to)];
    // The nodes name the path except where it takes one of several edges between two nodes. Only
    // those edges are listed, so that a shortened list keeps the choice that distinguishes two such
    // paths.
    const chosen = edgeIndices.filter((index) => parallel[index]).map(String);
    const choice = chosen.length === 0 ? '' : ` (edge${chosen.length === 1 ? '' : 's'} ${elided(chosen, 'edges').join(', ')})`;
    name = elided(nodes, 'nodes').join(' -> ') + choice;
  } else {
    name = edges[0]?.name ?? 'path';
  }
  // The ops on the edges and the ops after the sum are shortened apart, so that the ones before
  // the sum are the first opsBeforeSum labels.
  const ops = elided(
    edges.flatMap((edge) => [...edge.ops.map((op) => op.label), ...(edge.scale !== 1 ? [`scale ${edge.scale}`] : [])]),
    'ops',
  );
  return {
    edgeIndices,
    name,
    ops: [...ops, ...elided(afterSum, 'ops after the sum')],
    opsBeforeSum: ops.length,
    length: edgeIndices.reduce((sum, index) => sum + edgeLengths[index], 0),
  };
}

/** Maximum number of nodes, edges or ops written out in a path's description. */
const MAX_DESCRIBED_ITEMS = 24;

/**
 * Shortens a long list for a path's description: its first and last items around one item that
 * counts the rest, such as "... 2,980 more nodes ...". A path through a long chain would
 * otherwise be described by a list as long as the chain, for each listed path and each model.
 */
export function elided(items: string[], noun: string): string[] {
  if (items.length <= MAX_DESCRIBED_ITEMS) return items;
  const head = MAX_DESCRIBED_ITEMS / 2;
  const tail = head - 1;
  const hidden = items.length - head - tail;
  return [...items.slice(0, head), `... ${hidden.toLocaleString('en-US')} more ${noun} ...`, ...items.slice(items.length - tail)];
}

/** A listed path under one gain model: its shape with w_p from that model's edge terms. */
function pathResult(path: PathShape, edgeLogs: number[], power: number, log10AfterSum: number): PathResult {
  const log = path.edgeIndices.reduce((sum, index) => sum + edgeLogs[index], 0) / power;
  return {
    name: path.name,
    log10w: log === LOG_ZERO ? LOG_ZERO : log + log10AfterSum,
    length: path.length,
    ops: [...path.ops],
    opsBeforeSum: path.opsBeforeSum,
  };
}

/** Polynomial DP: coefficient m at a node sums the terms of paths of length m reaching it. */
function blockSpectrum(
  block: BlockNode,
  order: string[],
  edgeLogs: number[],
  logFactor: number,
  shape: BlockShape,
  nestedLengths: number[][],
): number[] {
  const { incoming, edgeLengths } = shape;
  const values = new Map<string, number[]>([[INPUT_NODE, [0]]]);
  for (const node of order) {
    if (node === INPUT_NODE) continue;
    const poly: number[] = [];
    for (const index of incoming.get(node) ?? []) {
      const source = values.get(block.edges[index].from) ?? [];
      const shift = edgeLengths[index];
      const extra = nestedLengths[index];
      source.forEach((coefficient, m) => {
        if (coefficient === LOG_ZERO) return;
        extra.forEach((weight, k) => {
          const at = m + shift + k;
          while (poly.length <= at) poly.push(LOG_ZERO);
          poly[at] = log10Add(poly[at], coefficient + weight + edgeLogs[index]);
        });
      });
    }
    values.set(node, poly);
  }
  const out = values.get(OUTPUT_NODE) ?? [];
  const spectrum = out.map((coefficient) => (coefficient === LOG_ZERO ? LOG_ZERO : coefficient + logFactor));
  while (spectrum.length > 1 && spectrum[spectrum.length - 1] === LOG_ZERO) spectrum.pop();
  return spectrum;
}

/** Analyses every layer of the network under the selected model. */
export function analyzeNetwork(model: ModelIR, analyzer: BlockAnalyzer, gainModel: GainModel, band: Band, earlier?: NetworkResult): NetworkResult {
  // An earlier result of the same layers is updated in place, as the analysis that made it is
  // not read again. 10,000 new layer results took about 3 MB on every keystroke.
  const reused = earlier?.layers;
  const layers: LayerResult[] = [];
  const skippedLayers: number[] = [];
  let running = 0;
  let bandExit: BandExit | undefined;
  for (let index = 0; index < model.layers.length; index++) {
    const layer = model.layers[index];
    const block = layer?.block;
    if (!layer || !block) {
      skippedLayers.push(index);
      continue;
    }
    // Whether a block can be analysed does not depend on the gain model (unresolved ops, cycles
    // and failed nested blocks are structural), so the selected model decides for all three.
    const byModel = analyzer.results(block);
    const selected = byModel[gainModel.name];
    if (!selected) {
      skippedLayers.push(index);
      continue;
    }
    const log10Wl = selected.log10Wl;
    const log10Layer = log10Times(layer.repeat, log10Wl);
    if (!bandExit) bandExit = findBandExit(index, layer.repeat, running, log10Wl, band);
    running = log10Multiply(running, log10Layer);
    const entry = reused?.[layers.length];
    if (entry?.layer === layer) {
      entry.block = block;
      entry.byModel = byModel as Record<ModelName, BlockResult>;
      entry.log10Layer = log10Layer;
      entry.log10Running = running;
      entry.maxStableDepth = maxStableDepth(log10Wl, band);
      layers.push(entry);
    } else {
      layers.push({
        layer,
        block,
        byModel: byModel as Record<ModelName, BlockResult>,
        log10Layer,
        log10Running: running,
        maxStableDepth: maxStableDepth(log10Wl, band),
      });
    }
  }
  return new Network(gainModel, band, running, layers, skippedLayers, bandExit);
}

/**
 * A network result whose spectrum is computed when a report or hover reads it, since no finding
 * depends on it. A class, because scavenges keep an object literal's getter until a full collection.
 */
class Network implements NetworkResult {
  private computedSpectrum: SpectrumResult | undefined | null = null;

  constructor(
    readonly model: GainModel,
    readonly band: Band,
    readonly log10W: number,
    readonly layers: LayerResult[],
    readonly skippedLayers: number[],
    readonly bandExit: BandExit | undefined,
  ) {}

  get spectrum(): SpectrumResult | undefined {
    if (this.computedSpectrum === null) this.computedSpectrum = networkSpectrum(this.layers, this.model);
    return this.computedSpectrum;
  }
}

/**
 * Returns log10 of the network W as analyzeNetwork computes it, without the per-layer results. A
 * fix check needs only W, and on a model of 10,000 layers those results were most of its garbage.
 */
export function networkLog10W(model: ModelIR, analyzer: BlockAnalyzer, gainModel: GainModel): number {
  let running = 0;
  for (const layer of model.layers) {
    const selected = layer?.block ? analyzer.analyze(layer.block, gainModel) : undefined;
    if (layer && selected) running = log10Multiply(running, log10Times(layer.repeat, selected.log10Wl));
  }
  return running;
}

/** Finds where the running product, starting at `running`, first leaves the band within n repeats of W_l. */
export function findBandExit(layerIndex: number, repeat: number, running: number, log10Wl: number, band: Band): BandExit | undefined {
  const end = running + log10Times(repeat, log10Wl);
  if (log10Wl > 0 && end > band.log10Max) {
    const steps = Math.max(1, Math.min(repeat, Math.floor((band.log10Max - running) / log10Wl) + 1));
    return { layerIndex, repeat: steps, side: 'high', log10W: running + steps * log10Wl };
  }
  if (log10Wl < 0 && end < band.log10Min) {
    const steps =
      log10Wl === LOG_ZERO ? 1 : Math.max(1, Math.min(repeat, Math.floor((band.log10Min - running) / log10Wl) + 1));
    return { layerIndex, repeat: steps, side: 'low', log10W: log10Wl === LOG_ZERO ? LOG_ZERO : running + steps * log10Wl };
  }
  return undefined;
}

/**
 * Largest depth L with W_l^L inside the band: floor(ln W_max / ln W_l) for W_l > 1 and
 * floor(ln W_min / ln W_l) for W_l < 1; null (unbounded) for W_l = 1 and for a depth past the
 * largest repeat count, 0 for W_l = 0.
 */
export function maxStableDepth(log10Wl: number, band: Band): number | null {
  if (log10Wl === 0) return null;
  if (log10Wl === LOG_ZERO) return 0;
  const limit = log10Wl > 0 ? band.log10Max : band.log10Min;
  const depth = Math.max(0, Math.floor(limit / log10Wl));
  // A W_l within rounding of 1 (0.69 + 0.31 summed in log10) would give a depth of about 10^17.
  // No repeat count beyond MAX_REPEAT exists, so such a block is stable at every depth there is.
  return depth > MAX_REPEAT ? null : depth;
}

function networkSpectrum(layers: LayerResult[], gainModel: GainModel): SpectrumResult | undefined {
  // No analysable layer: there are no paths, so no lengths to report.
  if (layers.length === 0) return undefined;
  let mean = 0;
  let variance = 0;
  let degree = 0;
  for (const entry of layers) {
    const spectrum = entry.byModel[gainModel.name].spectrum;
    if (!spectrum) return undefined;
    const moments = spectrumMoments(spectrum);
    // A blocked layer (every coefficient 0) makes the whole spectrum 0: no lengths to report.
    if (!moments) return undefined;
    mean += entry.layer.repeat * moments.mean;
    variance += entry.layer.repeat * moments.variance;
    degree += entry.layer.repeat * (spectrum.length - 1);
  }
  const result: SpectrumResult = { meanLength: mean, stdLength: Math.sqrt(variance) };
  if (degree <= MAX_SPECTRUM_DEGREE) {
    let product = [0];
    for (const entry of layers) {
      const spectrum = entry.byModel[gainModel.name].spectrum as number[];
      product = multiplyPolynomials(product, powerPolynomial(spectrum, entry.layer.repeat));
    }
    result.coefficients = product;
  }
  return result;
}

/** Mean and variance of path length, weighting each length by its share of the spectrum. */
export function spectrumMoments(spectrum: number[]): { mean: number; variance: number } | undefined {
  const total = spectrum.reduce(log10Add, LOG_ZERO);
  if (total === LOG_ZERO || !Number.isFinite(total)) return undefined;
  let mean = 0;
  let second = 0;
  spectrum.forEach((coefficient, m) => {
    const share = coefficient === LOG_ZERO ? 0 : Math.pow(10, coefficient - total);
    mean += share * m;
    second += share * m * m;
  });
  return { mean, variance: Math.max(0, second - mean * mean) };
}

/** Product of two polynomials whose coefficients are log10 values. */
export function multiplyPolynomials(a: number[], b: number[]): number[] {
  const result = new Array<number>(a.length + b.length - 1).fill(LOG_ZERO);
  a.forEach((x, i) => {
    if (x === LOG_ZERO) return;
    b.forEach((y, j) => {
      if (y !== LOG_ZERO) result[i + j] = log10Add(result[i + j], x + y);
    });
  });
  return result;
}

/** p^n by repeated squaring, so the work grows with log n, not n. */
export function powerPolynomial(p: number[], n: number): number[] {
  let result = [0];
  let base = p;
  let exponent = n;
  while (exponent > 0) {
    if (exponent % 2 === 1) result = multiplyPolynomials(result, base);
    exponent = Math.floor(exponent / 2);
    if (exponent > 0) base = multiplyPolynomials(base, base);
  }
  return result;
}
