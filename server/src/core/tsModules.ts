// The module system of the static evaluator: top-level declarations, imports and exports of the
// model file and of the files it imports, which are read through the injected readFile and
// parsed, never run.
import ts from 'typescript';
import type { Code, Severity } from './codes';
import type { Builtins } from './tsBuiltins';
import { displayPath, importCandidates, isRelativeSpecifier, isReslintSpecifier, unreadExtension } from './tsImports';
import { bindingNames } from './tsMutations';
import { markTyped, parseDiagnosticsOf, parseModule } from './tsSyntax';
import {
  Binding,
  NO_MEMBER,
  NotEvaluated,
  Scope,
  Unavailable,
  type Context,
  type FunctionNode,
  type FunctionValue,
  type ModuleFile,
  type NativeValue,
  type Primitive,
  type PrimitiveValue,
  type Value,
} from './tsValues';

/** Read once: TypeScript exports its enums through getters, which cost a call on each read. */
const SyntaxKind = ts.SyntaxKind;

/** Maximum number of imports between the model file and a file it reads. */
export const MAX_IMPORT_DEPTH = 8;
/** Maximum number of files read through imports for one model file. */
export const MAX_IMPORTED_FILES = 200;
/** Maximum length of a file read through an import, in UTF-16 code units, as for the model file itself. */
const MAX_IMPORTED_TEXT_LENGTH = 16 * 1024 * 1024;

type ExportTarget =
  | { kind: 'local'; name: string }
  | { kind: 'binding'; binding: Binding }
  | { kind: 'reexport'; specifier: ts.StringLiteral; name: string }
  | { kind: 'namespace'; specifier: ts.StringLiteral };

/** A parsed file with its top-level scope and what it exports. */
export interface ModuleRecord {
  file: ModuleFile;
  scope: Scope;
  exports: Map<string, ExportTarget>;
  starExports: ts.StringLiteral[];
}

/** The evaluator services that the module system uses. */
export interface ModuleHost {
  readonly main: ModuleFile;
  readonly builtins: Builtins;
  inContext<T>(context: Context, run: () => T): T;
  evaluate(node: ts.Expression): Value | undefined;
  bindPattern(name: ts.BindingName, value: Value | undefined, scope: Scope, container: ts.Node): void;
  functionValue(node: FunctionNode, name: string, context: Context): FunctionValue;
  primitive(value: Primitive, node: ts.Node): PrimitiveValue;
  mutationReason(name: string, container: ts.Node, file: ModuleFile): string | undefined;
  report(node: ts.Node | undefined, message: string, code?: Code, severity?: Severity): void;
  registerFile(file: ModuleFile): void;
}

export class ModuleSystem {
  /** Parsed files by path, the model file included when its path is known. */
  private readonly records = new Map<string, ModuleRecord>();

  constructor(
    private readonly host: ModuleHost,
    private readonly readFile: ((absolutePath: string) => string | undefined) | undefined,
  ) {}

  /** Sets up the model file's record, under its path so that an import of the model file finds it. */
  initMain(): ModuleRecord {
    const record = this.initModule(this.host.main);
    if (this.host.main.path) this.records.set(this.host.main.path, record);
    return record;
  }

  initModule(file: ModuleFile): ModuleRecord {
    const record: ModuleRecord = { file, scope: new Scope(undefined), exports: new Map(), starExports: [] };
    const context: Context = { file, scope: record.scope, frame: undefined };
    const sourceFile = file.sourceFile;
    const scope = record.scope;
    const exportLocal = (statement: ts.Statement, name: string): void => {
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      if (!modifiers?.some((modifier) => modifier.kind === SyntaxKind.ExportKeyword)) return;
      const isDefault = modifiers.some((modifier) => modifier.kind === SyntaxKind.DefaultKeyword);
      record.exports.set(isDefault ? 'default' : name, { kind: 'local', name });
    };

    for (const statement of sourceFile.statements) {
      if (ts.isVariableStatement(statement)) {
        const ambient = ts.getModifiers(statement)?.some((modifier) => modifier.kind === SyntaxKind.DeclareKeyword);
        for (const declaration of statement.declarationList.declarations) {
          this.declareTopLevel(declaration, context, Boolean(ambient));
          for (const name of bindingNames(declaration.name)) exportLocal(statement, name);
        }
      } else if (ts.isFunctionDeclaration(statement)) {
        if (!statement.body) continue;
        const name = statement.name?.text ?? 'default';
        scope.bindings.set(name, Binding.ready(this.host.functionValue(statement, name, context)));
        exportLocal(statement, name);
      } else if (ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
        const name = statement.name?.text ?? 'default';
        scope.bindings.set(name, Binding.unavailable(`"${name}" is ${ts.isClassDeclaration(statement) ? 'a class' : 'an enum'}, which is not evaluated`));
        exportLocal(statement, name);
      } else if (ts.isImportDeclaration(statement)) {
        this.declareImports(statement, context);
      } else if (ts.isImportEqualsDeclaration(statement)) {
        const name = statement.name.text;
        scope.bindings.set(name, Binding.unavailable(`"${name}" uses "import = require()", which is not followed; use an import declaration`));
      } else if (ts.isExportAssignment(statement)) {
        const expression = statement.expression;
        record.exports.set('default', {
          kind: 'binding',
          binding: Binding.lazy(() => this.host.inContext(context, () => this.host.evaluate(expression))),
        });
      } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
        this.declareExports(statement, record);
      }
      // Other statements (expression statements, loops, classes' side effects) are never run.
    }
    return record;
  }

  /** Binds the names of a top-level declaration to one shared computation, run on first read. */
  private declareTopLevel(declaration: ts.VariableDeclaration, context: Context, ambient: boolean): void {
    const sourceFile = context.file.sourceFile;
    let state: 'pending' | 'running' | Scope = 'pending';
    const evaluateOnce = (): Scope | undefined => {
      if (state === 'running') return undefined;
      if (state !== 'pending') return state;
      state = 'running';
      const scope = new Scope(undefined);
      this.host.inContext(context, () => {
        const value = declaration.initializer ? this.host.evaluate(declaration.initializer) : this.host.primitive(undefined, declaration);
        markTyped(value, declaration.type);
        this.host.bindPattern(declaration.name, value, scope, sourceFile);
      });
      state = scope;
      return scope;
    };
    for (const name of bindingNames(declaration.name)) {
      const mutated = this.host.mutationReason(name, sourceFile, context.file);
      if (ambient) context.scope.bindings.set(name, Binding.unavailable(`"${name}" is declared without a value`));
      else if (mutated) context.scope.bindings.set(name, Binding.unavailable(mutated));
      else {
        context.scope.bindings.set(
          name,
          Binding.lazy(() => {
            const result = evaluateOnce()?.bindings.get(name)?.read();
            if (!result) return new Unavailable(`the definition of "${name}" depends on its own value`);
            return 'reason' in result ? new Unavailable(result.reason) : result.value;
          }),
        );
      }
    }
  }

  private declareImports(declaration: ts.ImportDeclaration, context: Context): void {
    const clause = declaration.importClause;
    if (!clause || clause.isTypeOnly || !ts.isStringLiteral(declaration.moduleSpecifier)) return;
    const specifier = declaration.moduleSpecifier.text;
    const imports: { local: ts.Identifier; imported: string | '*' }[] = [];
    if (clause.name) imports.push({ local: clause.name, imported: 'default' });
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) imports.push({ local: named.name, imported: '*' });
    if (named && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        if (!element.isTypeOnly) imports.push({ local: element.name, imported: (element.propertyName ?? element.name).text });
      }
    }

    for (const { local, imported } of imports) {
      const name = local.text;
      const mutated = this.host.mutationReason(name, context.file.sourceFile, context.file);
      let binding: Binding;
      if (mutated) binding = Binding.unavailable(mutated);
      else if (isReslintSpecifier(specifier)) binding = this.reslintImport(name, imported, local, context);
      else if (!isRelativeSpecifier(specifier)) {
        binding = Binding.unavailable(`"${name}" is imported from "${specifier}", which is not a relative import ("./" or "../"); only relative imports of .ts files are followed`);
      } else {
        binding = Binding.lazy(() =>
          this.host.inContext(context, () => {
            const loaded = this.loadModule(specifier, context.file);
            if (loaded instanceof Unavailable) return new Unavailable(`"${name}" is imported from "${specifier}", but ${loaded.reason}`);
            if (imported === '*') return this.namespaceValue(loaded, local, context);
            return this.readExport(loaded, imported, new Set());
          }),
        );
      }
      context.scope.bindings.set(name, binding);
    }
  }

  /** Imports from "reslint" itself: defineModel, or a namespace that has it. */
  private reslintImport(name: string, imported: string, node: ts.Node, context: Context): Binding {
    // Lazy, so that the value's origin is made in the importing file's context.
    if (imported === 'defineModel') return Binding.lazy(() => this.host.inContext(context, () => this.host.builtins.defineModel(node)));
    if (imported === '*' || imported === 'default') {
      return Binding.lazy(() =>
        this.host.inContext(context, () =>
          this.host.builtins.native(name, node, {
            member: (key, at) => (key === 'defineModel' ? this.host.builtins.defineModel(at) : NO_MEMBER),
          }),
        ),
      );
    }
    return Binding.unavailable(`"${imported}" is not a value that "reslint" exports; only defineModel is`);
  }

  private declareExports(declaration: ts.ExportDeclaration, record: ModuleRecord): void {
    const specifier = declaration.moduleSpecifier && ts.isStringLiteral(declaration.moduleSpecifier) ? declaration.moduleSpecifier : undefined;
    const clause = declaration.exportClause;
    if (!clause) {
      if (specifier) record.starExports.push(specifier);
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      if (specifier) record.exports.set(clause.name.text, { kind: 'namespace', specifier });
      return;
    }
    for (const element of clause.elements) {
      if (element.isTypeOnly) continue;
      const local = (element.propertyName ?? element.name).text;
      const exported = element.name.text;
      record.exports.set(exported, specifier ? { kind: 'reexport', specifier, name: local } : { kind: 'local', name: local });
    }
  }

  /** Loads and parses the file an import names, or returns the reason it cannot be loaded. */
  private loadModule(specifier: string, importer: ModuleFile): ModuleRecord | Unavailable {
    const readFile = this.readFile;
    if (!readFile) return new Unavailable('no file reader was given, so imports are not followed');
    if (!importer.path) return new Unavailable("the model file's path is unknown, so relative imports cannot be resolved");
    if (importer.depth + 1 > MAX_IMPORT_DEPTH) {
      return new Unavailable(`the file is more than ${MAX_IMPORT_DEPTH} imports away from the model file, the maximum followed`);
    }
    const candidates = importCandidates(specifier, importer.path);
    for (const path of candidates) {
      const known = this.records.get(path);
      if (known) return known;
      if (this.records.size >= MAX_IMPORTED_FILES) return new Unavailable(`more than ${MAX_IMPORTED_FILES} files are imported`);
      const text = readSafely(readFile, path);
      if (text === undefined) continue;
      const displayName = displayPath(path, this.host.main.path);
      if (text.length > MAX_IMPORTED_TEXT_LENGTH) return new Unavailable(`${displayName} is larger than 16 Mi characters`);
      const parsed = parseModule(path, text);
      if (!parsed) return new Unavailable(`${displayName} is nested too deeply to parse`);
      const sourceFile = parsed.sourceFile;
      const file: ModuleFile = { sourceFile, mutations: parsed.mutations, path, displayName, isMain: false, depth: importer.depth + 1 };
      this.host.registerFile(file);
      const record = this.initModule(file);
      this.records.set(path, record);
      const diagnostics = parseDiagnosticsOf(sourceFile);
      if (diagnostics.length > 0) {
        const first = diagnostics[0];
        const line = sourceFile.getLineAndCharacterOfPosition(first.start ?? 0).line + 1;
        const more = diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : '';
        const message = ts.flattenDiagnosticMessageText(first.messageText, ' ').replace(/\.$/, '');
        // Not a syntax-error of this document: its own ranges, and so its quick fixes, stay valid.
        this.host.report(
          undefined,
          `${displayName} has a syntax error at line ${line} ("${message}"${more}); values read from it may be incomplete. Fix that file.`,
          'not-evaluated',
          'warning',
        );
      }
      return record;
    }
    const tried = candidates.map((path) => displayPath(path, this.host.main.path)).join(' or ');
    const extension = unreadExtension(specifier);
    if (extension) {
      // The named file itself is never read, so whether it exists is unknown here.
      return new Unavailable(
        `only .ts, .mts and .cts files are read, not ${extension} files, and no file was found at ${tried}; export the values from a .ts file instead`,
      );
    }
    return new Unavailable(`no file was found at ${tried}`);
  }

  /** Reads what a module exports under `name`, following re-exports and `export *`. */
  readExport(record: ModuleRecord, name: string, seen: Set<string>): Value | undefined | Unavailable {
    const key = `${record.file.path}\u0000${name}`;
    if (seen.has(key)) return new Unavailable(`the exports of ${record.file.displayName} form a cycle`);
    seen.add(key);
    const target = record.exports.get(name);
    if (target) {
      switch (target.kind) {
        case 'local': {
          const binding = record.scope.bindings.get(target.name);
          if (!binding) return new Unavailable(`${record.file.displayName} exports "${target.name}" but does not define it`);
          return readBinding(binding);
        }
        case 'binding':
          return readBinding(target.binding);
        case 'reexport':
        case 'namespace': {
          const loaded = this.loadModule(target.specifier.text, record.file);
          if (loaded instanceof Unavailable) return new Unavailable(`"${name}" is re-exported from "${target.specifier.text}", but ${loaded.reason}`);
          if (target.kind === 'namespace') return this.namespaceValue(loaded, target.specifier, { file: record.file, scope: record.scope, frame: undefined });
          return this.readExport(loaded, target.name, seen);
        }
      }
    }
    if (name !== 'default') {
      for (const specifier of record.starExports) {
        const loaded = this.loadModule(specifier.text, record.file);
        if (!(loaded instanceof Unavailable) && this.hasExport(loaded, name, new Set())) return this.readExport(loaded, name, seen);
      }
    }
    return new Unavailable(`${record.file.isMain ? 'the model file' : record.file.displayName} has no export named "${name}"`);
  }

  private hasExport(record: ModuleRecord, name: string, seen: Set<ModuleRecord>): boolean {
    if (record.exports.has(name)) return true;
    if (seen.has(record)) return false;
    seen.add(record);
    return record.starExports.some((specifier) => {
      const loaded = this.loadModule(specifier.text, record.file);
      return !(loaded instanceof Unavailable) && this.hasExport(loaded, name, seen);
    });
  }

  /** `import * as blocks from './blocks'`: an object whose properties are read from the module's exports. */
  private namespaceValue(record: ModuleRecord, node: ts.Node, context: Context): NativeValue {
    return this.host.inContext(context, () => this.host.builtins.native(record.file.displayName, node, {
      member: (name) => {
        const result = this.readExport(record, name, new Set());
        if (result instanceof Unavailable) throw new NotEvaluated(result.reason);
        return result;
      },
    }));
  }
}

function readBinding(binding: Binding): Value | undefined | Unavailable {
  const result = binding.read();
  return 'reason' in result ? new Unavailable(result.reason) : result.value;
}

/** Calls the injected reader; a reader that throws (permissions, a folder) counts as a missing file. */
function readSafely(readFile: (path: string) => string | undefined, path: string): string | undefined {
  try {
    const text = readFile(path);
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}
