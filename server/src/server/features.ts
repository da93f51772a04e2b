// Registers every handler of the server in one place: capabilities, document events, settings
// and the feature requests, each request behind the one guard in guard.ts.
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type InitializeResult,
} from 'vscode-languageserver';
import { codeActions, resolveCodeAction } from './codeActions';
import { codeLenses } from './codeLens';
import { explainText } from '../cli/text';
import { completion } from './completion';
import { EXPLAIN_METHOD, type ExplainParams } from './explain';
import { STATUS_METHOD, statusOf, type StatusParams } from './status';
import { DiagnosticsPublisher } from './diagnostics';
import { guardRequest, runGuarded } from './guard';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { definition, documentSymbols, prepareRename, references, rename } from './navigation';
import type { MessageQueueMonitor } from './messageQueue';
import { extensionVersion } from './packageInfo';
import { SETTINGS_SECTION } from './settings';
import { UNSAVED_SOURCE_METHOD, unsavedSourceParams } from './unsavedSources';
import { fileNameOf, type ClientSupport, type Workspace } from './workspace';

/** Registers every handler; `messageQueue` must be the connection's MessageStrategy. */
export function registerFeatures(workspace: Workspace, messageQueue: MessageQueueMonitor): void {
  const { connection, documents } = workspace;
  const diagnostics = new DiagnosticsPublisher(workspace, messageQueue);
  const version = extensionVersion();

  connection.onInitialize((params): InitializeResult => {
    workspace.support = clientSupport(params.capabilities);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['"', "'", '`'] },
        documentSymbolProvider: { label: 'ResLint' },
      },
      serverInfo: { name: 'reslint', version },
    };
  });

  connection.onInitialized(() => {
    connection.console.info(`ResLint language server ${version} started (Node ${process.version}, pid ${process.pid})`);
    if (workspace.support.configurationRegistration) {
      runGuarded(workspace, 'Registering for settings changes', undefined, () =>
        connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).then(() => undefined),
      );
    }
  });

  connection.onHover(guardRequest(workspace, 'textDocument/hover', null, (params) => hover(workspace, params)));
  connection.languages.inlayHint.on(guardRequest(workspace, 'textDocument/inlayHint', [], (params) => inlayHints(workspace, params)));
  connection.onCodeLens(guardRequest(workspace, 'textDocument/codeLens', [], (params) => codeLenses(workspace, params)));
  connection.onCodeAction(guardRequest(workspace, 'textDocument/codeAction', [], (params) => codeActions(workspace, params)));
  connection.onRequest(
    EXPLAIN_METHOD,
    guardRequest(workspace, EXPLAIN_METHOD, null, async (params: ExplainParams) => {
      const document = typeof params?.uri === 'string' ? await workspace.analysisOf(params.uri) : undefined;
      return document ? { text: explainText(fileNameOf(document.uri), document.text, document.analysis).join('\n') } : null;
    }),
  );
  connection.onRequest(
    STATUS_METHOD,
    guardRequest(workspace, STATUS_METHOD, null, async (params: StatusParams) => {
      const document = typeof params?.uri === 'string' ? await workspace.analysisOf(params.uri) : undefined;
      return document ? statusOf(document.analysis) : null;
    }),
  );
  connection.onCompletion(guardRequest(workspace, 'textDocument/completion', [], (params) => completion(workspace, params)));
  connection.onReferences(guardRequest(workspace, 'textDocument/references', null, (params) => references(workspace, params)));
  connection.onPrepareRename(guardRequest(workspace, 'textDocument/prepareRename', null, (params) => prepareRename(workspace, params)));
  connection.onRenameRequest(guardRequest(workspace, 'textDocument/rename', null, (params) => rename(workspace, params)));
  connection.onDefinition(guardRequest(workspace, 'textDocument/definition', null, (params) => definition(workspace, params)));
  connection.onDocumentSymbol(guardRequest(workspace, 'textDocument/documentSymbol', [], (params) => documentSymbols(workspace, params)));
  // A resolve that fails or is cancelled returns the action as the client sent it.
  connection.onCodeActionResolve((action, token) =>
    guardRequest(workspace, 'codeAction/resolve', action, (params: CodeAction) => resolveCodeAction(workspace, params))(action, token),
  );

  connection.onDidChangeConfiguration((change) =>
    runGuarded(workspace, 'Applying changed settings', undefined, async () => {
      workspace.configurationChanged(change.settings);
      diagnostics.publishAll();
      // Both refresh requests are sent before the re-analysis requests the new settings.
      const refreshes: Promise<void>[] = [];
      if (workspace.support.inlayHintRefresh) refreshes.push(connection.languages.inlayHint.refresh());
      if (workspace.support.codeLensRefresh) refreshes.push(connection.sendRequest(CodeLensRefreshRequest.type));
      await Promise.all(refreshes);
    }),
  );

  // Re-analyses the models that read changed files. Their hints and lenses are views of the
  // editor's own text, which did not change, so the editor is asked to request them again.
  const importsChanged = (importers: string[]): void => {
    for (const importer of importers) diagnostics.schedule(importer);
    if (importers.length === 0) return;
    if (workspace.support.inlayHintRefresh) void connection.languages.inlayHint.refresh();
    if (workspace.support.codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type);
  };

  // TextDocuments fires onDidOpen and then onDidChangeContent for an opened document; the first
  // version is analysed at once, later edits after the debounce in DiagnosticsPublisher.
  const justOpened = new Set<string>();
  documents.onDidOpen((event) => justOpened.add(event.document.uri));
  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    diagnostics.schedule(uri, justOpened.delete(uri) ? 0 : undefined);
    // An open model can be imported by another one, which then reads this text.
    importsChanged(workspace.filesChanged([fileNameOf(uri)]));
  });
  // The client reports saved, created and deleted *.ts files, which models may import.
  connection.onDidChangeWatchedFiles((params) =>
    runGuarded(workspace, 'Re-analysing models whose imports changed', undefined, () => {
      importsChanged(workspace.filesChanged(params.changes.map((change) => fileNameOf(change.uri))));
    }),
  );
  connection.onNotification(UNSAVED_SOURCE_METHOD, (raw: unknown) =>
    runGuarded(workspace, 'Reading the unsaved text of an imported file', undefined, () => {
      const params = unsavedSourceParams(raw);
      if (!params) {
        connection.console.warn(`Ignored a ${UNSAVED_SOURCE_METHOD} notification without a "uri" string and a "text" string or null.`);
        return;
      }
      importsChanged(workspace.unsavedSource(fileNameOf(params.uri), params.text));
    }),
  );
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    justOpened.delete(uri);
    workspace.forget(uri);
    diagnostics.clear(uri);
    // A model that imports the closed file read the editor's text, which may be unsaved. It reads
    // the file on disk now, and unsaved text that the client passed for the file is dropped.
    workspace.unsavedSource(fileNameOf(uri), null);
    importsChanged(workspace.filesChanged([fileNameOf(uri)]));
  });

  connection.onShutdown(() => {
    connection.console.info(`ResLint language server ${version} stopping`);
    diagnostics.dispose();
  });
}

function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  const codeAction = capabilities.textDocument?.codeAction;
  return {
    configuration: capabilities.workspace?.configuration === true,
    configurationRegistration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    codeActionResolve:
      codeAction?.dataSupport === true && Array.isArray(codeAction.resolveSupport?.properties) && codeAction.resolveSupport.properties.includes('edit'),
  };
}
