// The analysed form of a model file: blocks as DAGs of edges carrying resolved ops, layers that
// point at blocks, every part with its text range and its location in the source value. Named
// paths become edges from "in" to "out"; a plain layer becomes an anonymous one-edge block.
import { CATALOG, INIT_GAINS, type CatalogOp } from './catalog';
import type { z } from 'zod';
import type { AnalysisSettings, Block, Init, Layer, Op, PathSpec, UserOp } from './schema';
import { locateNearest, type Problem, type SourceDocument, type Span, type ValuePath } from './source';
import { closest, type ValidFile } from './validate';

export const INPUT_NODE = 'in';
export const OUTPUT_NODE = 'out';

export interface OpNode {
  span: Span;
  path: ValuePath;
  /** The op's text in hovers and tables: "relu", "conv (init he)", "gain 0.3", "block inner x2". */
  label: string;
  kind: 'catalog' | 'user' | 'anonymous' | 'scale' | 'block';
  name?: string;
  catalog?: CatalogOp;
  user?: UserOp;
  parameters: Record<string, number | undefined>;
  /** Explicit gain that replaces the op's statistic. */
  gain?: number;
  /** Factor from the weight initialisation (he: sqrt 2, zero: 0, or a number). */
  initFactor?: number;
  initLabel?: string;
  scale?: number;
  repeat: number;
  /** True for ops that only multiply (identity, scale): they do not count toward path length. */
  trivial: boolean;
}

export interface EdgeNode {
  /** The path's key for named paths; "from -> to" for graph edges. */
  name: string;
  from: string;
  to: string;
  ops: OpNode[];
  scale: number;
  /** Range of the path's key, or of the edge object. */
  span: Span;
  /** Location of the path value or edge object in the source value. */
  path: ValuePath;
  /** How the source writes it, which decides how a quick fix adds a scale. */
  form: 'op-list' | 'path-object' | 'edge';
  /** An identity-like path: the shortcut of a residual block. */
  shortcut: boolean;
}

export interface BlockNode {
  name: string;
  span: Span;
  path: ValuePath;
  form: 'paths' | 'graph' | 'plain';
  edges: EdgeNode[];
  afterSum: OpNode[];
  /** True when an op of the block could not be resolved; such a block is not analysed. */
  unresolved: boolean;
  /** The ops that nest a block, edges first, then afterSum; most blocks have none. */
  nested: readonly OpNode[];
}

export interface LayerNode {
  index: number;
  span: Span;
  path: ValuePath;
  /** The block this layer applies; undefined when the layer or its block is invalid. */
  block?: BlockNode;
  blockName?: string;
  repeat: number;
  plain: boolean;
}

export interface ModelIR {
  name?: string;
  settings: AnalysisSettings;
  blocks: Map<string, BlockNode>;
  /** Blocks that were named in the file but failed validation; references to them are not "unknown". */
  invalidBlocks: Set<string>;
  /** One entry per element of "layers", valid or not, so that layers[i] is index i. */
  layers: (LayerNode | undefined)[];
  layersSpan?: Span;
  /** Whether the file has a valid "layers" list at all. */
  hasLayers: boolean;
}

const SHORTCUT_NAMES = new Set(['shortcut', 'skip', 'identity', 'residual_shortcut']);

/**
 * Builds the IR of a validated file. `carried` holds blocks of an earlier analysis of the same
 * document whose text is unchanged. Each is taken over and moved to `doc` when every block it
 * nests is still defined, because building it again would then give the same block.
 */
export function buildModel(
  doc: SourceDocument,
  file: ValidFile,
  carried?: { get(name: string): BlockNode | undefined },
): { model: ModelIR; problems: Problem[] } {
  const problems: Problem[] = [];
  const userOps = new Map(Object.entries(file.ops ?? {}));
  const fileBlocks = file.blocks ?? {};
  const rawBlocks = (doc.value as { blocks?: Record<string, unknown> } | undefined)?.blocks;
  // Validation keeps a subset of the blocks the document names, so the names are the known blocks.
  // A "blocks" list is a schema error; its indices are not block names.
  const knownBlocks = new Set(rawBlocks && typeof rawBlocks === 'object' && !Array.isArray(rawBlocks) ? Object.keys(rawBlocks) : []);
  const invalidBlocks = new Set<string>();
  for (const name of knownBlocks) if (!Object.hasOwn(fileBlocks, name)) invalidBlocks.add(name);
  // User ops that failed validation already have a problem; uses of them are not "unknown".
  const rawOps = (doc.value as { ops?: Record<string, unknown> } | undefined)?.ops;
  const invalidOps = new Set(rawOps && typeof rawOps === 'object' ? Object.keys(rawOps).filter((name) => !userOps.has(name)) : []);
  const resolver = new OpResolver(doc, userOps, knownBlocks, problems, invalidOps);

  const blocks = new Map<string, BlockNode>();
  for (const name of Object.keys(fileBlocks)) {
    const earlier = carried?.get(name);
    if (earlier instanceof SourceBlock && earlier.nested.every((op) => knownBlocks.has(op.name as string))) {
      earlier.place.moveTo(doc);
      blocks.set(name, earlier);
    } else {
      blocks.set(name, buildBlock(doc, resolver, name, fileBlocks[name], ['blocks', name]));
    }
  }

  const layers = (file.layers ?? []).map((layer, index) =>
    layer === undefined ? undefined : buildLayer(doc, resolver, blocks, knownBlocks, layer, index, problems),
  );

  const model: ModelIR = {
    name: file.name,
    settings: file.settings ?? {},
    blocks,
    invalidBlocks,
    layers,
    layersSpan: doc.locate(['layers'], 'key'),
    hasLayers: file.layers !== undefined,
  };
  return { model, problems };
}

function buildBlock(doc: SourceDocument, resolver: OpResolver, name: string, block: Block, path: ValuePath): BlockNode {
  resolver.takeFailed();
  const place = new Place(doc);
  resolver.place = place;
  // Arrays made by map() have their final size, while lists grown by push() keep spare capacity,
  // and a model has tens of thousands of edge and op lists.
  const named = block.paths
    ? Object.entries(block.paths).map(([pathName, spec]) => buildNamedPath(place, resolver, pathName, spec, [...path, 'paths', pathName]))
    : [];
  const graph = (block.graph ?? []).map((edge, index): EdgeNode => {
    const edgePath = [...path, 'graph', index];
    const ops = resolver.resolveList(edge.ops ?? [], edgePath, 'ops');
    return new SourceEdge(place, 'value', {
      name: resolver.intern(`${edge.from} -> ${edge.to}`),
      from: edge.from,
      to: edge.to,
      ops,
      scale: edge.scale ?? 1,
      path: edgePath,
      form: 'edge',
      shortcut: edge.from === INPUT_NODE && edge.to === OUTPUT_NODE && ops.every((op) => op.trivial),
    });
  });
  let edges = named;
  if (named.length === 0) edges = graph;
  else if (graph.length > 0) edges = [...named, ...graph];
  const afterSum = resolver.resolveList(block.afterSum ?? [], path, 'afterSum');
  return new SourceBlock(place, name, path, block.paths ? 'paths' : 'graph', edges, afterSum, resolver.takeFailed());
}

function buildNamedPath(place: Place, resolver: OpResolver, name: string, spec: PathSpec, path: ValuePath): EdgeNode {
  const isList = Array.isArray(spec);
  const opSpecs = isList ? spec : spec.ops;
  const ops = resolver.resolveList(opSpecs, path, isList ? undefined : 'ops');
  return new SourceEdge(place, 'key', {
    name,
    from: INPUT_NODE,
    to: OUTPUT_NODE,
    ops,
    scale: isList ? 1 : spec.scale ?? 1,
    path,
    form: isList ? 'op-list' : 'path-object',
    shortcut: SHORTCUT_NAMES.has(name.toLowerCase()) || ops.every((op) => op.trivial),
  });
}

function buildLayer(
  doc: SourceDocument,
  resolver: OpResolver,
  blocks: Map<string, BlockNode>,
  knownBlocks: Set<string>,
  layer: Layer,
  index: number,
  problems: Problem[],
): LayerNode {
  const path: ValuePath = ['layers', index];
  const span = locateNearest(doc, path);
  if (Array.isArray(layer) || 'ops' in layer) {
    const opSpecs = Array.isArray(layer) ? layer : layer.ops;
    const opsPath = Array.isArray(layer) ? path : [...path, 'ops'];
    resolver.takeFailed();
    resolver.place = new Place(doc);
    const ops = resolver.resolveList(opSpecs, path, Array.isArray(layer) ? undefined : 'ops');
    const edges: EdgeNode[] = [
      { name: 'layer', from: INPUT_NODE, to: OUTPUT_NODE, ops, scale: 1, span, path: opsPath, form: 'op-list', shortcut: false },
    ];
    const block: BlockNode = {
      name: `layers[${index}]`,
      span,
      path,
      form: 'plain',
      edges,
      afterSum: [],
      unresolved: resolver.takeFailed(),
      nested: nestingOps(edges, NO_OPS),
    };
    return { index, span, path, block, repeat: Array.isArray(layer) ? 1 : layer.repeat ?? 1, plain: true };
  }
  const block = blocks.get(layer.block);
  if (!block && !knownBlocks.has(layer.block)) {
    problems.push(unknownBlockProblem(doc, layer.block, [...path, 'block'], knownBlocks));
  }
  return { index, span, path, block, blockName: layer.block, repeat: layer.repeat ?? 1, plain: false };
}

function unknownBlockProblem(doc: SourceDocument, name: string, path: ValuePath, knownBlocks: Set<string>): Problem {
  const suggestion = closest(name, knownBlocks);
  // In a *.arch.ts file the block may be defined by an expression that could not be evaluated.
  // That is already reported, so this is information rather than a second error.
  if (!suggestion && doc.problems.some((problem) => problem.code === 'not-evaluated')) {
    return {
      code: 'unknown-block',
      message: `Block "${name}" is not defined, or its definition could not be evaluated (see the not-evaluated findings); the layers that use it are left out of W.`,
      span: locateNearest(doc, path),
      severity: 'information',
    };
  }
  const hint = suggestion
    ? ` Did you mean "${suggestion}"?`
    : knownBlocks.size > 0
      ? ` Defined blocks: ${[...knownBlocks].slice(0, 8).join(', ')}.`
      : ' Define it under "blocks".';
  return { code: 'unknown-block', message: `Unknown block "${name}".${hint}`, span: locateNearest(doc, path) };
}

/** Turns op specs into resolved ops, reporting names that are neither in the catalog nor user ops. */
class OpResolver {
  constructor(
    private readonly doc: SourceDocument,
    private readonly userOps: Map<string, UserOp>,
    private readonly knownBlocks: Set<string>,
    private readonly problems: Problem[],
    private readonly invalidOps: Set<string>,
  ) {
    this.place = new Place(doc);
  }

  private readonly strings = new Map<string, string>();

  /** Returns the first copy of an equal label or edge name: they repeat across thousands of ops and edges. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** Set when an op fails to resolve; the block builder reads and clears it. */
  failed = false;

  /** The place of the block or layer being built, where the ops resolved next are located. */
  place: Place;

  /** Resolves the op list at `parent` (or at `parent`.`key`); ops that fail are left out. */
  resolveList(specs: Op[], parent: ValuePath, key?: string): OpNode[] {
    if (specs.length === 0) return NO_OPS;
    const list = new OpList(this.place, parent, key);
    const ops = specs.map((spec, index) => this.resolve(spec, list, index));
    if (!ops.includes(undefined)) return ops as OpNode[];
    this.failed = true;
    return ops.filter((op): op is OpNode => op !== undefined);
  }

  /** Reports slope or alpha given to an op that does not take it, since the value would be ignored. */
  private checkParameters(name: string, catalog: CatalogOp | undefined, object: { slope?: number; alpha?: number }, path: ValuePath): void {
    for (const parameter of ['slope', 'alpha'] as const) {
      if (object[parameter] === undefined) continue;
      if (catalog?.parameters && Object.hasOwn(catalog.parameters, parameter)) continue;
      const takes = catalog?.parameters ? `takes ${Object.keys(catalog.parameters).map((p) => `"${p}"`).join(', ')}` : 'takes no parameters';
      this.problems.push({
        code: 'unknown-key',
        message: `Op "${name}" ${takes}, not "${parameter}"; the value is ignored.`,
        span: locateNearest(this.doc, [...path, parameter], 'key'),
      });
    }
  }

  /** Returns whether any op failed since the last call, and starts a new count. */
  takeFailed(): boolean {
    const failed = this.failed;
    this.failed = false;
    return failed;
  }

  /** Returns the resolved op, or undefined (with a problem) when it names nothing known. */
  private resolve(spec: Op, list: OpList, index: number): OpNode | undefined {
    const object = typeof spec === 'string' ? { op: spec } : spec;
    const repeat = object.repeat ?? 1;
    const path = (): ValuePath => [...list.path, index];
    let kind: OpNode['kind'];
    let name: string | undefined;
    let label: string;
    let user: UserOp | undefined;
    let catalog: CatalogOp | undefined;
    let trivial = false;
    if (object.block !== undefined) {
      if (!this.knownBlocks.has(object.block)) {
        this.problems.push(unknownBlockProblem(this.doc, object.block, [...path(), 'block'], this.knownBlocks));
        return undefined;
      }
      kind = 'block';
      name = object.block;
      label = `block ${object.block}${repeat > 1 ? ` x${repeat}` : ''}`;
    } else if (object.op !== undefined) {
      name = object.op;
      user = this.userOps.get(name);
      // Own keys only: a name such as "toString" must not find Object.prototype's method.
      catalog = user || !Object.hasOwn(CATALOG, name) ? undefined : CATALOG[name];
      if (!user && !catalog) {
        if (!this.invalidOps.has(name)) this.reportUnknownOp(name, typeof spec === 'string' ? path() : [...path(), 'op']);
        return undefined;
      }
      if (object.slope !== undefined || object.alpha !== undefined) this.checkParameters(name, catalog, object, path());
      kind = user ? 'user' : 'catalog';
      label = labelFor(name, object);
      trivial = (catalog?.kind === 'identity' || name === 'identity') && object.gain === undefined && object.init === undefined;
    } else if (object.gain !== undefined) {
      kind = 'anonymous';
      label = labelFor('gain', object);
    } else {
      kind = 'scale';
      label = `scale ${object.scale}`;
      trivial = true;
    }
    return new SourceOp(list, index, {
      label: this.intern(label),
      kind,
      name,
      catalog,
      user,
      parameters: object.slope === undefined && object.alpha === undefined ? NO_PARAMETERS : { slope: object.slope, alpha: object.alpha },
      gain: object.gain,
      initFactor: initFactorOf(object.init),
      initLabel: object.init === undefined ? undefined : String(object.init),
      scale: object.scale,
      repeat,
      trivial,
    });
  }

  private reportUnknownOp(name: string, path: ValuePath): void {
    const suggestion = closest(name, [...Object.keys(CATALOG), ...this.userOps.keys()]);
    const hint = suggestion
      ? ` Did you mean "${suggestion}"?`
      : ' Define it under "ops" with a "gain", or use {"gain": g} for an anonymous op.';
    this.problems.push({ code: 'unknown-op', message: `Unknown op "${name}".${hint}`, span: locateNearest(this.doc, path) });
  }
}

/**
 * The document a block's parts are located in. A block whose text did not change is taken over by
 * the next analysis of its document, which points this at the new document. Ranges found in the
 * earlier document are then found again.
 */
class Place {
  /** Counts the moves, so a part can tell whether it was located in the current document without keeping an earlier one alive. */
  moves = 0;

  constructor(public doc: SourceDocument) {}

  moveTo(doc: SourceDocument): void {
    this.doc = doc;
    this.moves += 1;
  }

  /** Returns the range of a part, kept on the part until the block moves to another document. */
  rangeOf(part: LocatedPart, path: ValuePath, side: 'key' | 'value'): Span {
    if (part.locatedAt !== this.moves || !part.located) {
      part.located = locateNearest(this.doc, path, side);
      part.locatedAt = this.moves;
    }
    return part.located;
  }
}

/** A part that keeps its range, and the move of its place that the range belongs to. */
interface LocatedPart {
  located?: Span;
  locatedAt: number;
}

/** A named block read from a document, located when first asked, like its edges and ops. */
class SourceBlock implements BlockNode, LocatedPart {
  located?: Span;
  locatedAt = 0;

  constructor(
    readonly place: Place,
    readonly name: string,
    readonly path: ValuePath,
    readonly form: BlockNode['form'],
    readonly edges: EdgeNode[],
    readonly afterSum: OpNode[],
    readonly unresolved: boolean,
  ) {
    this.nested = nestingOps(edges, afterSum);
  }

  readonly nested: readonly OpNode[];

  get span(): Span {
    return this.place.rangeOf(this, this.path, 'key');
  }
}

/** Returns the ops of the edges, then of afterSum, that nest a block; NO_OPS when there are none. */
function nestingOps(edges: readonly EdgeNode[], afterSum: readonly OpNode[]): readonly OpNode[] {
  let found: OpNode[] | undefined;
  for (const edge of edges) {
    for (const op of edge.ops) {
      if (op.kind !== 'block') continue;
      found ??= [];
      found.push(op);
    }
  }
  for (const op of afterSum) {
    if (op.kind !== 'block') continue;
    found ??= [];
    found.push(op);
  }
  return found ?? NO_OPS;
}

/**
 * An edge read from a document, located when first asked: the analysis reads an edge's range
 * only for the few findings on it, and a model has tens of thousands of edges.
 */
class SourceEdge implements EdgeNode, LocatedPart {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly ops: OpNode[];
  /** Written by the fix check, which tries a scale in place and restores it. */
  scale: number;
  readonly path: ValuePath;
  readonly form: EdgeNode['form'];
  readonly shortcut: boolean;
  located?: Span;
  locatedAt = 0;

  constructor(
    private readonly place: Place,
    private readonly part: 'key' | 'value',
    fields: Omit<EdgeNode, 'span'>,
  ) {
    this.name = fields.name;
    this.from = fields.from;
    this.to = fields.to;
    this.ops = fields.ops;
    this.scale = fields.scale;
    this.path = fields.path;
    this.form = fields.form;
    this.shortcut = fields.shortcut;
  }

  get span(): Span {
    return this.place.rangeOf(this, this.path, this.part);
  }
}

/** The ops of a block, edge or layer that has none; shared, and never written to. */
const NO_OPS: OpNode[] = [];

/**
 * The list that contains some ops, shared by those ops: its document and its path, made from the
 * parent's path on first use, since the ops themselves are located only on request.
 */
class OpList {
  private fullPath?: ValuePath;

  constructor(
    readonly place: Place,
    private readonly parent: ValuePath,
    private readonly key: string | undefined,
  ) {}

  get path(): ValuePath {
    this.fullPath ??= this.key === undefined ? this.parent : [...this.parent, this.key];
    return this.fullPath;
  }
}

/**
 * An op read from a document. Its path and text range are made when first read: a model has
 * tens of thousands of ops, and only hovers, hints and a few findings ask where one is. Every
 * field is set in the constructor in one order, so all ops share one hidden class and the
 * analysis reads their fields without polymorphic lookups.
 */
class SourceOp implements OpNode, LocatedPart {
  readonly label: string;
  readonly kind: OpNode['kind'];
  readonly name: string | undefined;
  readonly catalog: CatalogOp | undefined;
  readonly user: UserOp | undefined;
  readonly parameters: Record<string, number | undefined>;
  readonly gain: number | undefined;
  readonly initFactor: number | undefined;
  readonly initLabel: string | undefined;
  readonly scale: number | undefined;
  readonly repeat: number;
  readonly trivial: boolean;
  private fullPath?: ValuePath;
  located?: Span;
  locatedAt = 0;

  constructor(
    private readonly list: OpList,
    private readonly index: number,
    fields: Omit<OpNode, 'span' | 'path'>,
  ) {
    this.label = fields.label;
    this.kind = fields.kind;
    this.name = fields.name;
    this.catalog = fields.catalog;
    this.user = fields.user;
    this.parameters = fields.parameters;
    this.gain = fields.gain;
    this.initFactor = fields.initFactor;
    this.initLabel = fields.initLabel;
    this.scale = fields.scale;
    this.repeat = fields.repeat;
    this.trivial = fields.trivial;
  }

  get path(): ValuePath {
    this.fullPath ??= [...this.list.path, this.index];
    return this.fullPath;
  }

  get span(): Span {
    return this.list.place.rangeOf(this, this.path, 'value');
  }
}

/** Returns the factor of a weight initialisation: a number as given, a name from INIT_GAINS. */
function initFactorOf(init: z.infer<typeof Init> | undefined): number | undefined {
  if (init === undefined) return undefined;
  return typeof init === 'number' ? init : INIT_GAINS[init];
}

/** The parameters of the many ops that set none; shared, and never written to. */
const NO_PARAMETERS: Readonly<Record<string, number | undefined>> = Object.freeze({});

function labelFor(name: string, object: { gain?: number; init?: unknown; slope?: number; alpha?: number; scale?: number }): string {
  if (object.slope === undefined && object.alpha === undefined && object.init === undefined && object.gain === undefined && object.scale === undefined) return name;
  const details: string[] = [];
  if (name === 'gain') return object.scale !== undefined ? `gain ${object.gain} scale ${object.scale}` : `gain ${object.gain}`;
  if (object.slope !== undefined) details.push(`slope ${object.slope}`);
  if (object.alpha !== undefined) details.push(`alpha ${object.alpha}`);
  if (object.init !== undefined) details.push(`init ${String(object.init)}`);
  if (object.gain !== undefined) details.push(`gain ${object.gain}`);
  if (object.scale !== undefined) details.push(`scale ${object.scale}`);
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}
