// The server's state: open documents, settings per document and the analysis of each document,
// cached per uri, version and settings, so every request on one version shares one analysis.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageType, ShowMessageNotification, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, sourceKindOf, type Analysis } from '../core/analysis';
import { LineIndex } from '../core/lines';
import type { SourceDocument } from '../core/source';
import { readTypeScriptLazily } from '../typescriptFrontEndLoader';
import { isModelFile } from './modelFiles';
import { analysisSettingsOf, DEFAULT_SERVER_SETTINGS, parseServerSettings, SETTINGS_SECTION, type ServerSettings } from './settings';

/** One analysed version of a document, with the text and settings it was analysed with. */
export interface AnalyzedDocument {
  uri: string;
  version: number;
  text: string;
  lines: LineIndex;
  analysis: Analysis;
  settings: ServerSettings;
  /** The analysis settings as JSON: a change to them, and only to them, forces a new analysis. */
  settingsKey: string;
  /** Numbers the analyses this server made, so a publish can tell a new analysis of the same version. */
  analysisId: number;
  /** Files the TypeScript front end read for imports, found or not; a change to one makes this analysis stale. */
  imports: ReadonlySet<string>;
}

/** Client capabilities from `initialize` that change which messages the server sends. */
export interface ClientSupport {
  /** `workspace/configuration` requests (settings per document). */
  configuration: boolean;
  /** Dynamic registration of `workspace/didChangeConfiguration`. */
  configurationRegistration: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
  /** Versioned `documentChanges` in a WorkspaceEdit. */
  documentChanges: boolean;
  /** codeAction/resolve that fills in `edit`, with `data` kept between the two requests. */
  codeActionResolve: boolean;
}

export class Workspace {
  support: ClientSupport = {
    configuration: false,
    configurationRegistration: false,
    inlayHintRefresh: false,
    codeLensRefresh: false,
    documentChanges: false,
    codeActionResolve: false,
  };
  private readonly settingsByUri = new Map<string, Promise<ServerSettings>>();
  /** The `reslint` section pushed by a client without `workspace/configuration`. */
  private pushedSettings: unknown = undefined;
  private readonly analyses = new Map<string, AnalyzedDocument>();
  private readonly shownSettingsProblems = new Set<string>();
  /** Documents opened without a text, logged once each. */
  private readonly textlessDocuments = new Set<string>();
  private analysisCount = 0;
  /** Unsaved editor text of files that are not synced documents, by file name; it takes the place of the file on disk. */
  private readonly unsaved = new Map<string, string>();

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
  ) {}

  /** Logs an error that was caught and not re-raised, with its stack, once. */
  logError(what: string, uri: string | undefined, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`${what} failed${uri ? ` for ${uri}` : ''}: ${detail}`);
  }

  /** Returns the settings of one document: `workspace/configuration` scoped to it, or the pushed section. */
  settingsFor(uri: string): Promise<ServerSettings> {
    let settings = this.settingsByUri.get(uri);
    if (!settings) {
      settings = this.fetchSettings(uri);
      this.settingsByUri.set(uri, settings);
    }
    return settings;
  }

  private async fetchSettings(uri: string): Promise<ServerSettings> {
    let raw: unknown = this.pushedSettings;
    if (this.support.configuration) {
      try {
        raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
      } catch (error) {
        this.logError('Reading the settings', uri, error);
        return DEFAULT_SERVER_SETTINGS;
      }
    }
    const { settings, problems } = parseServerSettings(raw);
    for (const problem of problems) {
      // Settings are read per document, so each problem is logged and shown to the user once, for
      // the first document that has it, until the settings change.
      if (this.shownSettingsProblems.has(problem)) continue;
      this.shownSettingsProblems.add(problem);
      this.connection.console.warn(`${uri}: ${problem}`);
      // A problem that ends in a question ("Did you mean ...?") gets no full stop after it.
      const sentence = /[.!?]$/.test(problem) ? problem : `${problem}.`;
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `ResLint: ${sentence}` });
    }
    return settings;
  }

  /** Drops every document's settings, so the next request reads them again; `pushed` replaces the pushed section. */
  configurationChanged(pushed: unknown): void {
    if (pushed && typeof pushed === 'object' && SETTINGS_SECTION in pushed) {
      this.pushedSettings = (pushed as Record<string, unknown>)[SETTINGS_SECTION];
    }
    this.settingsByUri.clear();
    // A problem entered again after a fix is shown again.
    this.shownSettingsProblems.clear();
  }

  /**
   * Returns the analysis of the document's current version under its current settings, from the
   * cache or computed now. Returns undefined when the document is not open or is not a model file
   * (see isModelFile), such as a TypeScript file that a model imports.
   */
  async analysisOf(uri: string): Promise<AnalyzedDocument | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const settings = await this.settingsFor(uri);
    const current = this.documents.get(uri);
    if (!current) return undefined;
    if (!isModelFile(fileNameOf(uri), settings.files)) {
      // The document was a model file under an earlier reslint.files.
      this.analyses.delete(uri);
      return undefined;
    }
    // A client that breaks the protocol can open a document with a null text.
    const text: unknown = current.getText();
    if (typeof text !== 'string') {
      if (!this.textlessDocuments.has(uri)) this.connection.console.warn(`${uri}: the client opened this document without a text (${text === null ? 'null' : typeof text}), so it is not analysed.`);
      this.textlessDocuments.add(uri);
      return undefined;
    }
    const cached = this.analyses.get(uri);
    const settingsKey = JSON.stringify(analysisSettingsOf(settings));
    // The text is compared too, because a client can open a document again without closing it,
    // with other text at the same version. getText() returns the document's own string, so an
    // unchanged document compares by identity.
    if (cached && cached.version === current.version && cached.text === current.getText() && cached.settingsKey === settingsKey) {
      // Settings that only change hints or lenses need no new analysis, but requests must see them.
      if (cached.settings !== settings) this.analyses.set(uri, { ...cached, settings });
      return this.analyses.get(uri);
    }
    // The cached analysis is of an earlier version (or other settings): the new one takes over its
    // unchanged blocks, and it is replaced here, so nothing reads it afterwards.
    const analyzed = this.analyze(current, settings, cached?.analysis);
    this.analyses.set(uri, analyzed);
    return analyzed;
  }

  /**
   * Drops the analyses that read any of these files as imports, and returns their uris, so the
   * caller can publish them again. A file is named by its path, as fileNameOf gives it.
   */
  filesChanged(paths: readonly string[]): string[] {
    const stale: string[] = [];
    for (const [uri, analyzed] of this.analyses) {
      if (paths.some((path) => analyzed.imports.has(path))) {
        this.analyses.delete(uri);
        stale.push(uri);
      }
    }
    return stale;
  }

  /**
   * Records the unsaved text of a file, or with `text` null drops it so the file on disk is read
   * again. Returns the uris of the analyses that read the file, which are now stale.
   */
  unsavedSource(path: string, text: string | null): string[] {
    if (text === null) {
      if (!this.unsaved.delete(path)) return [];
    } else {
      if (this.unsaved.get(path) === text) return [];
      this.unsaved.set(path, text);
    }
    return this.filesChanged([path]);
  }

  /** Drops what the server keeps about a closed document. */
  forget(uri: string): void {
    this.analyses.delete(uri);
    this.settingsByUri.delete(uri);
    this.textlessDocuments.delete(uri);
  }

  private analyze(document: TextDocument, settings: ServerSettings, previous: Analysis | undefined): AnalyzedDocument {
    const text = document.getText();
    const fileName = fileNameOf(document.uri);
    const imports = new Set<string>();
    const readImport = (path: string): string | undefined => {
      imports.add(path);
      return this.readSource(path);
    };
    const analysis = analyzeText(text, sourceKindOf(fileName), {
      settings: analysisSettingsOf(settings),
      // The TypeScript front end reads the files a model imports; it never executes them.
      readTypeScript: (source) => readTypeScriptLazily(source, { fileName, readFile: readImport }),
      previous,
    });
    const settingsKey = JSON.stringify(analysisSettingsOf(settings));
    this.analysisCount += 1;
    return {
      uri: document.uri,
      version: document.version,
      text,
      lines: new LineIndex(text),
      analysis,
      settings,
      settingsKey,
      analysisId: this.analysisCount,
      imports,
    };
  }

  /** Reads a *.arch.ts text as the analysis of the document at `uri` does, with the files it imports. */
  readTypeScript(uri: string, text: string): SourceDocument {
    return readTypeScriptLazily(text, { fileName: fileNameOf(uri), readFile: (path) => this.readSource(path) });
  }

  /** Reads an imported file: the editor's text when the file is open here or has unsaved text, else the file on disk. */
  private readSource(path: string): string | undefined {
    for (const open of this.documents.all()) if (fileNameOf(open.uri) === path) return open.getText();
    return this.unsaved.get(path) ?? readFileOrUndefined(path);
  }
}

/** Returns the file system path of a file: uri, or the uri's path for other schemes. */
export function fileNameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

function readFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
