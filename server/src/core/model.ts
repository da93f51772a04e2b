// The analysed form of a model file: blocks as DAGs of edges carrying resolved ops, layers that
// point at blocks, every part with its text range and its location in the source value. Named
// paths become edges from "in" to "out"; a plain layer becomes an anonymous one-edge block.
import { CATALOG, INIT_GAINS, type CatalogOp } from './catalog';
import type { z } from 'zod';
import type { AnalysisSettings, Block, Init, Layer, Op, PathSpec, UserOp } from './schema';
import { listedNames, locateNearest, quotedName, unknownKeyProblem, type Problem, type SourceDocument, type Span, type ValuePath } from './source';
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
  /**
   * True when an op of the block could not be resolved or a part of it could not be evaluated
   * (`incomplete`). Such a block is not analysed.
   */
  unresolved: boolean;
  /**
   * True when a *.arch.ts block lost a path, an op or an op's value to an expression that could not
   * be evaluated. Any W_l computed without it could be one the model does not have.
   */
  incomplete?: boolean;
  /**
   * The first user op the block uses whose definition failed validation. The error is at that
   * definition, so the layers that W leaves out for it name the op.
   */
  invalidOp?: string;
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
  /**
   * True when a *.arch.ts layer's repeat could not be evaluated. W then leaves the layer out,
   * since any count taken in its place would give a W the model may not have.
   */
  repeatUnevaluated?: boolean;
}

export interface ModelIR {
  name?: string;
  settings: AnalysisSettings;
  blocks: Map<string, BlockNode>;
  /** Blocks that were named in the file but failed validation or evaluation. References to them are not "unknown". */
  invalidBlocks: Set<string>;
  /** The user ops under "ops" that passed validation, by name. */
  userOps: ReadonlyMap<string, UserOp>;
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
 * `earlierLayers` are that analysis's layers, passed when the text of "layers" is unchanged and
 * had no problem. They are taken over when every block they name is still defined.
 */
export function buildModel(
  doc: SourceDocument,
  file: ValidFile,
  carried?: { get(name: string): BlockNode | undefined },
  earlierLayers?: readonly (LayerNode | undefined)[],
): { model: ModelIR; problems: Problem[] } {
  const problems: Problem[] = [];
  const userOps = new Map(Object.entries(file.ops ?? {}));
  const fileBlocks = file.blocks ?? {};
  const rawBlocks = (doc.value as { blocks?: Record<string, unknown> } | undefined)?.blocks;
  // Validation keeps a subset of the blocks the document names, so the names are the known blocks.
  // A "blocks" list is a schema error; its indices are not block names.
  const knownBlocks = new Set(rawBlocks && typeof rawBlocks === 'object' && !Array.isArray(rawBlocks) ? Object.keys(rawBlocks) : []);
  // A *.arch.ts block whose value could not be evaluated is defined too, and its own finding explains it.
  for (const name of doc.skippedKeysAt?.(['blocks']) ?? []) knownBlocks.add(name);
  const invalidBlocks = new Set<string>();
  for (const name of knownBlocks) if (!Object.hasOwn(fileBlocks, name)) invalidBlocks.add(name);
  // User ops that failed validation already have a problem; uses of them are not "unknown".
  const rawOps = (doc.value as { ops?: Record<string, unknown> } | undefined)?.ops;
  const invalidOps = new Set(rawOps && typeof rawOps === 'object' ? Object.keys(rawOps).filter((name) => !userOps.has(name)) : []);
  // A *.arch.ts op definition that could not be evaluated, in part or whole, has its own finding.
  const unevaluatedOps = new Set(doc.skippedKeysAt?.(['ops']) ?? []);
  for (const name of rawOps && typeof rawOps === 'object' ? Object.keys(rawOps) : []) if (doc.partialAt?.(['ops', name])) unevaluatedOps.add(name);
  // An "ops" that could not be read, or that a spread not evaluated may add to, may define or
  // replace any op, catalog ops too.
  const opsUnread = (doc.unreadKeys?.has('ops') ?? false) || (doc.partialAt?.(['ops']) ?? false);
  const resolver = new OpResolver(doc, userOps, knownBlocks, problems, invalidOps, unevaluatedOps, opsUnread);

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

  const carriedLayers = earlierLayers && takeOverLayers(earlierLayers, doc, blocks, knownBlocks);
  const layersPlace = new Place(doc);
  const layers =
    carriedLayers ??
    (file.layers ?? []).map((layer, index) =>
      layer === undefined ? undefined : buildLayer(layersPlace, doc, resolver, blocks, knownBlocks, layer, index, problems),
    );

  const model: ModelIR = {
    name: file.name,
    settings: file.settings ?? {},
    blocks,
    invalidBlocks,
    userOps,
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
  const named = block.paths ? Object.entries(block.paths).map(([pathName, spec]) => buildNamedPath(place, resolver, pathName, spec, path)) : [];
  const graph = (block.graph ?? []).map((spec, index): EdgeNode => {
    const edge = new SourceEdge(place, path, index, resolver.edgeName(spec.from, spec.to), spec.from, spec.to, spec.scale ?? 1, 'edge');
    edge.ops = resolver.resolveList(spec.ops ?? [], edge, 'ops');
    edge.shortcut = spec.from === INPUT_NODE && spec.to === OUTPUT_NODE && edge.ops.every((op) => op.trivial);
    return edge;
  });
  let edges = named;
  if (named.length === 0) edges = graph;
  else if (graph.length > 0) edges = [...named, ...graph];
  const afterSum = resolver.resolveList(block.afterSum ?? [], path, 'afterSum');
  const invalidOp = resolver.invalidOp;
  const incomplete = resolver.unevaluatedOp || lostPart(doc, path, ['paths', 'graph', 'afterSum']);
  const built = new SourceBlock(place, name, path, block.paths ? 'paths' : 'graph', edges, afterSum, resolver.takeFailed() || incomplete);
  built.invalidOp = invalidOp;
  built.incomplete = incomplete;
  return built;
}

/** Tests whether the object at `path` lost one of `keys`, or a part under one, that could not be evaluated. */
function lostPart(doc: SourceDocument, path: ValuePath, keys: readonly string[]): boolean {
  if (!doc.incompleteAt?.(path)) return false;
  if (doc.partialAt?.(path)) return true;
  const skipped = doc.skippedKeysAt?.(path);
  return keys.some((key) => skipped?.includes(key) || doc.incompleteAt?.([...path, key]));
}

function buildNamedPath(place: Place, resolver: OpResolver, name: string, spec: PathSpec, blockPath: ValuePath): EdgeNode {
  const isList = Array.isArray(spec);
  const edge = new SourceEdge(place, blockPath, -1, name, INPUT_NODE, OUTPUT_NODE, isList ? 1 : spec.scale ?? 1, isList ? 'op-list' : 'path-object');
  edge.ops = resolver.resolveList(isList ? spec : spec.ops, edge, isList ? undefined : 'ops');
  edge.shortcut = SHORTCUT_NAMES.has(name.toLowerCase()) || edge.ops.every((op) => op.trivial);
  return edge;
}

function buildLayer(
  place: Place,
  doc: SourceDocument,
  resolver: OpResolver,
  blocks: Map<string, BlockNode>,
  knownBlocks: Set<string>,
  layer: Layer,
  index: number,
  problems: Problem[],
): LayerNode {
  const layerPath = ['layers', index];
  // A spread that could not be evaluated may have set the repeat as well as left it out.
  const repeatUnevaluated =
    (doc.skippedKeysAt?.(layerPath)?.includes('repeat') ?? false) || (!Array.isArray(layer) && layer.repeat === undefined && (doc.partialAt?.(layerPath) ?? false));
  if (Array.isArray(layer) || 'ops' in layer) {
    const node = new SourceLayer(place, index, undefined, undefined, Array.isArray(layer) ? 1 : layer.repeat ?? 1, true, repeatUnevaluated);
    const path = node.path;
    const opsPath = Array.isArray(layer) ? path : extendPath(path, 'ops');
    resolver.takeFailed();
    resolver.place = place;
    const ops = resolver.resolveList(Array.isArray(layer) ? layer : layer.ops, path, Array.isArray(layer) ? undefined : 'ops');
    const edges: EdgeNode[] = [new PlainLayerEdge(node, ops, opsPath)];
    const invalidOp = resolver.invalidOp;
    // A layer written as a list is its ops, and its repeat is 1.
    const incomplete = resolver.unevaluatedOp || (Array.isArray(layer) ? doc.incompleteAt?.(layerPath) === true : lostPart(doc, layerPath, ['ops']));
    const block = new PlainLayerBlock(node, path, edges, resolver.takeFailed() || incomplete);
    block.invalidOp = invalidOp;
    block.incomplete = incomplete;
    if (!repeatUnevaluated) node.block = block;
    return node;
  }
  const block = blocks.get(layer.block);
  if (!block && !knownBlocks.has(layer.block)) {
    problems.push(unknownBlockProblem(doc, layer.block, ['layers', index, 'block'], knownBlocks));
  }
  return new SourceLayer(place, index, repeatUnevaluated ? undefined : block, layer.block, layer.repeat ?? 1, false, repeatUnevaluated);
}

/**
 * The one edge of a plain layer's block, located where the layer is, when first asked. A class,
 * because in Node 20 (V8 11.3) scavenges keep an object literal's getter until a full collection.
 */
class PlainLayerEdge implements EdgeNode {
  readonly name = 'layer';
  readonly from = INPUT_NODE;
  readonly to = OUTPUT_NODE;
  readonly scale = 1;
  readonly form = 'op-list';
  readonly shortcut = false;

  constructor(
    private readonly layer: SourceLayer,
    readonly ops: OpNode[],
    readonly path: ValuePath,
  ) {}

  get span(): Span {
    return this.layer.span;
  }
}

/** The anonymous block of a plain layer, located where the layer is, when first asked. */
class PlainLayerBlock implements BlockNode {
  readonly name: string;
  readonly form = 'plain';
  readonly afterSum: OpNode[] = NO_OPS;
  readonly nested: readonly OpNode[];
  invalidOp: string | undefined = undefined;
  incomplete = false;

  constructor(
    private readonly layer: SourceLayer,
    readonly path: ValuePath,
    readonly edges: EdgeNode[],
    readonly unresolved: boolean,
  ) {
    this.name = `layers[${layer.index}]`;
    this.nested = nestingOps(edges, NO_OPS);
  }

  get span(): Span {
    return this.layer.span;
  }
}

/**
 * Returns an earlier analysis's layers for `doc`, with each layer pointing at the block of that
 * name in `blocks`. Returns undefined, and changes nothing, when a layer names a block that is
 * no longer defined, because that layer needs a problem. Building 10,000 layers again took about 2 MB
 * on every keystroke.
 */
function takeOverLayers(
  earlier: readonly (LayerNode | undefined)[],
  doc: SourceDocument,
  blocks: Map<string, BlockNode>,
  knownBlocks: Set<string>,
): (LayerNode | undefined)[] | undefined {
  let place: Place | undefined;
  for (const layer of earlier) {
    if (!(layer instanceof SourceLayer) || (place !== undefined && layer.place !== place)) return undefined;
    place = layer.place;
    if (!layer.plain && !knownBlocks.has(layer.blockName as string)) return undefined;
    if (layer.plain && layer.block?.nested.some((op) => !knownBlocks.has(op.name as string))) return undefined;
  }
  for (const layer of earlier as SourceLayer[]) if (!layer.plain && !layer.repeatUnevaluated) layer.block = blocks.get(layer.blockName as string);
  place?.moveTo(doc);
  return earlier as (LayerNode | undefined)[];
}

/** A layer read from a document, located when first asked, like blocks. Every layer of a model shares one place. */
class SourceLayer implements LayerNode, LocatedPart {
  located?: Span;
  locatedAt = 0;
  private fullPath?: ValuePath;

  constructor(
    readonly place: Place,
    readonly index: number,
    /** Written when the layer is built, and when a later analysis takes it over. */
    public block: BlockNode | undefined,
    readonly blockName: string | undefined,
    readonly repeat: number,
    readonly plain: boolean,
    readonly repeatUnevaluated = false,
  ) {}

  get path(): ValuePath {
    this.fullPath ??= ['layers', this.index];
    return this.fullPath;
  }

  get span(): Span {
    return this.place.rangeOf(this, this.path, 'value');
  }
}

function unknownBlockProblem(doc: SourceDocument, name: string, path: ValuePath, knownBlocks: Set<string>): Problem {
  const suggestion = closest(name, knownBlocks);
  // In a *.arch.ts file the block may be defined by an expression that could not be evaluated.
  // That is already reported, so this is information rather than a second error.
  if (!suggestion && doc.problems.some((problem) => problem.code === 'not-evaluated')) {
    return {
      code: 'unknown-block',
      message: `Block ${quotedName(name)} is not defined, or its definition could not be evaluated (see the not-evaluated findings); the layers that use it are left out of W.`,
      span: locateNearest(doc, path),
      severity: 'information',
    };
  }
  let hint = ' Define it under "blocks".';
  if (suggestion) {
    hint = ` Did you mean "${suggestion}"?`;
  } else if (knownBlocks.size > 0) {
    hint = ` Defined blocks: ${listedNames(knownBlocks).join(', ')}.`;
  }
  return { code: 'unknown-block', message: `Unknown block ${quotedName(name)}.${hint}`, span: locateNearest(doc, path), suggestion };
}

/** Turns op specs into resolved ops, reporting names that are neither in the catalog nor user ops. */
class OpResolver {
  constructor(
    private readonly doc: SourceDocument,
    private readonly userOps: Map<string, UserOp>,
    private readonly knownBlocks: Set<string>,
    private readonly problems: Problem[],
    private readonly invalidOps: Set<string>,
    private readonly unevaluatedOps: Set<string>,
    private readonly opsUnread: boolean,
  ) {
    this.place = new Place(doc);
  }

  private readonly strings = new Map<string, string>();
  /** The resolved fields of each op written as a string: most ops are a bare name, and "relu" repeats by the thousand. */
  private readonly namedOps = new Map<string, OpFields>();

  /** Returns the first copy of an equal label: labels repeat across thousands of ops. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** Graph edge names ("from -> to") by their two nodes: the lookup makes no string for a name that repeats. */
  private readonly edgeNames = new Map<string, Map<string, string>>();

  /** Returns the name of the graph edge from one node to another, shared by the edges between the same two nodes. */
  edgeName(from: string, to: string): string {
    let byTarget = this.edgeNames.get(from);
    if (!byTarget) {
      byTarget = new Map();
      this.edgeNames.set(from, byTarget);
    }
    let name = byTarget.get(to);
    if (name === undefined) {
      name = `${from} -> ${to}`;
      byTarget.set(to, name);
    }
    return name;
  }

  /** Set when an op fails to resolve; the block builder reads and clears it. */
  failed = false;
  /** The first op since the last takeFailed() that names a user op whose definition is invalid. */
  invalidOp: string | undefined = undefined;
  /** Set when an op since the last takeFailed() names a user op whose definition could not be evaluated. */
  unevaluatedOp = false;

  /** The place of the block or layer being built, where the ops resolved next are located. */
  place: Place;

  /** Resolves the op list at `parent` (or at `parent`.`key`); ops that fail are left out. */
  resolveList(specs: Op[], parent: ValuePath | { readonly path: ValuePath }, key?: string): OpNode[] {
    if (specs.length === 0) return NO_OPS;
    const list = new OpList(this.place, parent, key);
    const ops = specs.map((spec, index) => this.resolve(spec, list, index));
    if (!ops.includes(undefined)) return ops as OpNode[];
    this.failed = true;
    return ops.filter((op): op is OpNode => op !== undefined);
  }

  /** Reports slope or alpha given to an op that does not take it, since the value would be ignored. The op is at `index` in `list`. */
  private checkParameters(name: string, catalog: CatalogOp | undefined, object: { slope?: number; alpha?: number }, list: OpList, index: number): void {
    for (const parameter of ['slope', 'alpha'] as const) {
      if (object[parameter] === undefined) continue;
      if (catalog?.parameters && Object.hasOwn(catalog.parameters, parameter)) continue;
      const takes = catalog?.parameters ? `takes ${Object.keys(catalog.parameters).map((p) => `"${p}"`).join(', ')}` : 'takes no parameters';
      this.problems.push(unknownKeyProblem(this.doc, [...list.path, index, parameter], `Op ${quotedName(name)} ${takes}, not ${quotedName(parameter)}; the value is ignored.`));
    }
  }

  /** Returns whether any op failed since the last call, and starts a new count, clearing invalidOp and unevaluatedOp too. */
  takeFailed(): boolean {
    const failed = this.failed;
    this.failed = false;
    this.invalidOp = undefined;
    this.unevaluatedOp = false;
    return failed;
  }

  /** Returns the resolved op, or undefined (with a problem) when it names nothing known. */
  private resolve(spec: Op, list: OpList, index: number): OpNode | undefined {
    // An op written as a string has no parameters, so every op written as the same string is alike.
    const named = typeof spec === 'string' ? this.namedOps.get(spec) : undefined;
    if (named) return new SourceOp(list, index, named);
    const object = typeof spec === 'string' ? { op: spec } : spec;
    const repeat = object.repeat ?? 1;
    let kind: OpNode['kind'];
    let name: string | undefined;
    let label: string;
    let user: UserOp | undefined;
    let catalog: CatalogOp | undefined;
    let trivial = false;
    if (object.block !== undefined) {
      if (!this.knownBlocks.has(object.block)) {
        this.problems.push(unknownBlockProblem(this.doc, object.block, [...list.path, index, 'block'], this.knownBlocks));
        return undefined;
      }
      kind = 'block';
      name = object.block;
      label = `block ${object.block}${repeat > 1 ? ` x${repeat}` : ''}`;
    } else if (object.op !== undefined) {
      name = object.op;
      user = this.userOps.get(name);
      // A definition under "ops" that failed replaces a catalog op of the same name too, since the
      // model meant its own numbers ("tanh" with its own statistics).
      if (this.opsUnread || this.unevaluatedOps.has(name)) {
        this.unevaluatedOp = true;
        return undefined;
      }
      if (!user && this.invalidOps.has(name)) {
        this.invalidOp ??= name;
        return undefined;
      }
      // Own keys only: a name such as "toString" must not find Object.prototype's method.
      catalog = user || !Object.hasOwn(CATALOG, name) ? undefined : CATALOG[name];
      if (!user && !catalog) {
        this.reportUnknownOp(name, typeof spec === 'string' ? [...list.path, index] : [...list.path, index, 'op']);
        return undefined;
      }
      if (object.slope !== undefined || object.alpha !== undefined) this.checkParameters(name, catalog, object, list, index);
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
    if (kind !== 'block' && object.repeat !== undefined) {
      this.problems.push(unknownKeyProblem(this.doc, [...list.path, index, 'repeat'], `"repeat" applies to a nested block ({"block": name, "repeat": n}), not to op "${label}"; it is ignored. Repeat the op in the list, or make a layer {"ops": [...], "repeat": n}.`));
    }
    const fields: OpFields = {
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
    };
    if (typeof spec === 'string') this.namedOps.set(spec, fields);
    return new SourceOp(list, index, fields);
  }

  private reportUnknownOp(name: string, path: ValuePath): void {
    const suggestion = closest(name, [...Object.keys(CATALOG), ...this.userOps.keys()]);
    const hint = suggestion
      ? ` Did you mean "${suggestion}"?`
      : ' Define it under "ops" with a "gain", or use {"gain": g} for an anonymous op.';
    this.problems.push({ code: 'unknown-op', message: `Unknown op ${quotedName(name)}.${hint}`, span: locateNearest(this.doc, path), suggestion });
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
  invalidOp: string | undefined = undefined;
  incomplete = false;

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
 * An edge read from a document. Its path and range are made when first read: the analysis reads
 * an edge's range only for the few findings on it, and a model has tens of thousands of edges.
 */
class SourceEdge implements EdgeNode, LocatedPart {
  /** Set by the builder once the edge exists, because the ops' list finds its path through the edge. */
  ops: OpNode[] = NO_OPS;
  shortcut = false;
  private fullPath?: ValuePath;
  located?: Span;
  locatedAt = 0;

  /** `index` is the edge's position under "graph", or -1 for a named path, whose key is its name. */
  constructor(
    private readonly place: Place,
    private readonly blockPath: ValuePath,
    private readonly index: number,
    readonly name: string,
    readonly from: string,
    readonly to: string,
    /** Written by the fix check, which tries a scale in place and restores it. */
    public scale: number,
    readonly form: EdgeNode['form'],
  ) {}

  get path(): ValuePath {
    this.fullPath ??= this.index < 0 ? extendPath(this.blockPath, 'paths', this.name) : extendPath(this.blockPath, 'graph', this.index);
    return this.fullPath;
  }

  get span(): Span {
    return this.place.rangeOf(this, this.path, this.index < 0 ? 'key' : 'value');
  }
}

/**
 * Returns `path` followed by `keys`, at its final size. A spread into an array literal leaves
 * room for about 16 more items (a 4-item path took 208 bytes instead of 80), and a model of
 * 10,000 blocks keeps over 30,000 edge paths.
 */
function extendPath(path: ValuePath, ...keys: (string | number)[]): ValuePath {
  return path.concat(keys);
}

/** The ops of a block, edge or layer that has none; shared, and never written to. */
const NO_OPS: OpNode[] = [];

/**
 * The list that contains some ops, shared by those ops: its document and its path, made from the
 * parent's path on first use, since the ops themselves are located only on request.
 */
class OpList {
  private fullPath?: ValuePath;

  /** `parent` is a path, or the edge whose path is made on request. */
  constructor(
    readonly place: Place,
    private readonly parent: ValuePath | { readonly path: ValuePath },
    private readonly key: string | undefined,
  ) {}

  get path(): ValuePath {
    if (!this.fullPath) {
      const parent = isValuePath(this.parent) ? this.parent : this.parent.path;
      this.fullPath = this.key === undefined ? parent : extendPath(parent, this.key);
    }
    return this.fullPath;
  }
}

function isValuePath(parent: ValuePath | { readonly path: ValuePath }): parent is ValuePath {
  return Array.isArray(parent);
}

/**
 * An op read from a document. Its path and text range are made when first read: a model has
 * tens of thousands of ops, and only hovers, hints and a few findings ask where one is. Its fields
 * apart from the location (name, gain, parameters) are one object shared by the ops written alike.
 */
class SourceOp implements OpNode, LocatedPart {
  private fullPath?: ValuePath;
  located?: Span;
  locatedAt = 0;

  /** `fields` is shared by the equal ops of a model. */
  constructor(
    private readonly list: OpList,
    private readonly index: number,
    private readonly fields: OpFields,
  ) {}

  get label(): string {
    return this.fields.label;
  }
  get kind(): OpNode['kind'] {
    return this.fields.kind;
  }
  get name(): string | undefined {
    return this.fields.name;
  }
  get catalog(): CatalogOp | undefined {
    return this.fields.catalog;
  }
  get user(): UserOp | undefined {
    return this.fields.user;
  }
  get parameters(): Record<string, number | undefined> {
    return this.fields.parameters;
  }
  get gain(): number | undefined {
    return this.fields.gain;
  }
  get initFactor(): number | undefined {
    return this.fields.initFactor;
  }
  get initLabel(): string | undefined {
    return this.fields.initLabel;
  }
  get scale(): number | undefined {
    return this.fields.scale;
  }
  get repeat(): number {
    return this.fields.repeat;
  }
  get trivial(): boolean {
    return this.fields.trivial;
  }

  get path(): ValuePath {
    this.fullPath ??= extendPath(this.list.path, this.index);
    return this.fullPath;
  }

  get span(): Span {
    return this.list.place.rangeOf(this, this.path, 'value');
  }
}

/** The fields of an op apart from its location: name, kind, gain and parameters. */
type OpFields = Omit<OpNode, 'span' | 'path'>;

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
