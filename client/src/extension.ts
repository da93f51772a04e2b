// The VS Code extension: starts the ResLint language server (dist/server.js) over Node IPC for
// *.arch.json, *.arch.ts and the files matched by `reslint.files`, and restarts it on request.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { EXPLAIN_METHOD, type ExplainParams, type ExplainResult } from '../../server/src/server/explain';
import { STATUS_METHOD, type StatusParams, type StatusResult } from '../../server/src/server/status';
import { UNSAVED_SOURCE_METHOD, type UnsavedSourceParams } from '../../server/src/server/unsavedSources';

const CLIENT_ID = 'reslint';
const CLIENT_NAME = 'ResLint';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('reslint.showReport', () => showReport()),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reportProvider),
    reportChanges,
    vscode.commands.registerCommand('reslint.restartServer', async () => {
      log('Restarting the language server on request');
      await restart(context);
    }),
    // Models read the TypeScript files they import, so unsaved text there changes their findings.
    vscode.workspace.onDidChangeTextDocument((event) => unsavedSources.changed(event.document)),
    vscode.workspace.onDidSaveTextDocument((document) => unsavedSources.changed(document)),
    vscode.workspace.onDidCloseTextDocument((document) => unsavedSources.closed(document)),
    { dispose: () => unsavedSources.dispose() },
    // The status follows the active model, and its findings after each analysis.
    vscode.window.onDidChangeActiveTextEditor(() => status.update()),
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (event.uris.some((uri) => uri.toString() === active)) status.update();
    }),
    { dispose: () => status.dispose() },
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // The document selector is fixed when the client starts, so new patterns need a new client.
      if (event.affectsConfiguration('reslint.files')) {
        log('reslint.files changed; restarting the language server');
        await restart(context);
      }
    }),
  );

  await start(context);
}

/**
 * The language status item of a model (the {} entry in the status bar): its gain model and band,
 * which its own settings or the reslint.* settings choose, and its findings; a click shows the
 * report. When the server is not running, the item shows that, and a click restarts the server.
 */
class ModelStatus {
  private item: vscode.LanguageStatusItem | undefined;
  /** Counts the updates, so that the response to an earlier request does not overwrite a later one. */
  private generation = 0;

  async update(): Promise<void> {
    const generation = ++this.generation;
    const item = this.itemFor(unsavedSources.selector);
    const document = vscode.window.activeTextEditor?.document;
    if (!document || vscode.languages.match(unsavedSources.selector, document) === 0) return;
    if (!client?.isRunning()) {
      this.show(item, 'ResLint is not running', 'The language server stopped', vscode.LanguageStatusSeverity.Error, { title: 'Restart', command: 'reslint.restartServer' });
      return;
    }
    item.busy = true;
    let result: StatusResult = null;
    try {
      const params: StatusParams = { uri: document.uri.toString() };
      result = await client.sendRequest<StatusResult>(STATUS_METHOD, params);
    } catch (error) {
      log(`The status request failed: ${String(error)}`);
    }
    if (generation !== this.generation) return;
    item.busy = false;
    if (!result) {
      this.show(item, 'ResLint', 'No analysis of this file yet', vscode.LanguageStatusSeverity.Information, undefined);
      return;
    }
    const detail = result.syntaxErrors ? `${result.findings}; W waits for the syntax errors to be fixed` : result.findings;
    this.show(item, result.text, detail, vscode.LanguageStatusSeverity.Information, { title: 'Show Report', command: 'reslint.showReport' });
  }

  dispose(): void {
    this.item?.dispose();
    this.item = undefined;
  }

  private itemFor(selector: DocumentSelector): vscode.LanguageStatusItem {
    if (!this.item) {
      this.item = vscode.languages.createLanguageStatusItem('reslint.status', selector as vscode.DocumentSelector);
      this.item.name = CLIENT_NAME;
    }
    this.item.selector = selector as vscode.DocumentSelector;
    return this.item;
  }

  private show(item: vscode.LanguageStatusItem, text: string, detail: string, severity: vscode.LanguageStatusSeverity, command: vscode.Command | undefined): void {
    item.text = text;
    item.detail = detail;
    item.severity = severity;
    item.command = command;
  }
}

const status = new ModelStatus();

export async function deactivate(): Promise<void> {
  await stop();
}

function documentSelector(): DocumentSelector {
  const selector: DocumentSelector = [];
  // Desktop files, and the virtual file systems of remote repositories.
  for (const scheme of ['file', 'vscode-vfs']) {
    selector.push({ scheme, language: 'jsonc', pattern: '**/*.arch.json' });
    selector.push({ scheme, language: 'json', pattern: '**/*.arch.json' });
    selector.push({ scheme, language: 'typescript', pattern: '**/*.arch.ts' });
    for (const pattern of extraPatterns()) selector.push({ scheme, pattern });
  }
  return selector;
}

/** File names a model can import: TypeScript sources. */
const IMPORTABLE = /\.[mc]?ts$/;
/** Typing sends the text of an imported file after this pause, not on every keystroke. */
const UNSAVED_SEND_DELAY_MS = 100;

/**
 * Passes the server the unsaved text of TypeScript files that are not models (those are synced
 * as documents), and null once a file is saved, reverted or closed, so the server reads the file
 * on disk again.
 */
class UnsavedSources {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Uris whose unsaved text the server holds, so closing or saving one clears it there. */
  private readonly sent = new Set<string>();
  selector: DocumentSelector = [];

  changed(document: vscode.TextDocument): void {
    if (!this.isImportable(document)) return;
    const uri = document.uri.toString();
    clearTimeout(this.timers.get(uri));
    if (!document.isDirty) {
      this.timers.delete(uri);
      this.send(uri, null);
      return;
    }
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        if (!document.isClosed && document.isDirty) this.send(uri, document.getText());
      }, UNSAVED_SEND_DELAY_MS),
    );
  }

  closed(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.send(uri, null);
  }

  /** Sends every unsaved importable file, for a server that has just started. */
  sendAll(): void {
    this.sent.clear();
    for (const document of vscode.workspace.textDocuments) if (this.isImportable(document) && document.isDirty) this.send(document.uri.toString(), document.getText());
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private isImportable(document: vscode.TextDocument): boolean {
    const { scheme, path } = document.uri;
    return (scheme === 'file' || scheme === 'vscode-vfs') && IMPORTABLE.test(path) && vscode.languages.match(this.selector, document) === 0;
  }

  private send(uri: string, text: string | null): void {
    if (text === null && !this.sent.has(uri)) return;
    if (!client?.isRunning()) return;
    if (text === null) this.sent.delete(uri);
    else this.sent.add(uri);
    const params: UnsavedSourceParams = { uri, text };
    client.sendNotification(UNSAVED_SOURCE_METHOD, params).catch((error: unknown) => log(`Sending the unsaved text of ${uri} failed: ${String(error)}`));
  }
}

const unsavedSources = new UnsavedSources();

function extraPatterns(): string[] {
  const patterns = vscode.workspace.getConfiguration('reslint').get<unknown>('files');
  if (!Array.isArray(patterns)) return [];
  return patterns.filter((pattern): pattern is string => typeof pattern === 'string' && pattern.trim() !== '');
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6009'] } },
  };
  // Models import TypeScript files. The server reads them from disk, or from UnsavedSources while
  // they have unsaved edits. Saving, creating or deleting one re-analyses the models that import it.
  const importWatcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,mts,cts}');
  context.subscriptions.push(importWatcher);
  unsavedSources.selector = documentSelector();
  const clientOptions: LanguageClientOptions = {
    documentSelector: unsavedSources.selector,
    synchronize: { fileEvents: importWatcher },
    outputChannel: output,
    // `reslint.trace.server` is read by the client library under this id.
    traceOutputChannel: output,
  };
  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await client.start();
    log(`Language server started from ${module}`);
    unsavedSources.sendAll();
    client.onDidChangeState(() => void status.update());
    void status.update();
  } catch (error) {
    log(`Starting the language server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void vscode.window.showErrorMessage(`ResLint: the language server failed to start. See the "${CLIENT_NAME}" output channel.`);
    void status.update();
  }
}

/**
 * Opens the report that `reslint explain` prints for the model in the active editor, made from
 * the editor's text, beside it.
 */
async function showReport(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || vscode.languages.match(unsavedSources.selector, document) === 0) {
    void vscode.window.showInformationMessage('ResLint: open a model file (*.arch.json or *.arch.ts) to show its report.');
    return;
  }
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('ResLint: the language server is not running. Run "ResLint: Restart Language Server".');
    return;
  }
  const params: ExplainParams = { uri: document.uri.toString() };
  const result = await client.sendRequest<ExplainResult>(EXPLAIN_METHOD, params);
  if (!result) {
    void vscode.window.showWarningMessage(`ResLint: no report for ${document.uri.fsPath}; see the "${CLIENT_NAME}" output channel.`);
    return;
  }
  // A read-only document of its own scheme: an untitled one would ask to be saved when closed.
  const reportUri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `${document.uri.path}.report.txt` });
  reports.set(reportUri.toString(), result.text);
  reportChanges.fire(reportUri);
  const report = await vscode.workspace.openTextDocument(reportUri);
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

/** The URI scheme of report documents, which reportProvider serves from `reports`. */
const REPORT_SCHEME = 'reslint-report';
const reports = new Map<string, string>();
const reportChanges = new vscode.EventEmitter<vscode.Uri>();
const reportProvider: vscode.TextDocumentContentProvider = {
  onDidChange: reportChanges.event,
  provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '',
};

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    await running.stop();
    log('Language server stopped');
  } catch (error) {
    log(`Stopping the language server failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

function log(message: string): void {
  output?.appendLine(`[${new Date().toISOString()}] ${message}`);
}
