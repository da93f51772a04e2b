// Registers every handler of the server in one place: capabilities, document events, settings
// and the feature requests, each request behind the one guard in guard.ts.
import {
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  ParameterStructures,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  RequestType,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type InitializeResult,
} from 'vscode-languageserver';
import { codeActions, resolveCodeAction } from './codeActions';
import { codeLenses } from './codeLens';
import { explainText } from '../cli/text';
import { completion } from './completion';
import { EXPLAIN_METHOD, type ExplainParams, type ExplainResult } from './explain';
import { STATUS_METHOD, statusOf, type StatusParams, type StatusResult } from './status';
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

  // Each handler is registered with connection.onRequest and the request's type. The shorthands
  // such as connection.onHover read params.workDoneToken before the handler runs, so params of
  // null failed there with a TypeError that the guard never saw. The handlers report no progress.
  // With the type, vscode-jsonrpc itself rejects a request without params or with a list of them.
  connection.onRequest(HoverRequest.type, guardRequest(workspace, HoverRequest.method, null, (params) => hover(workspace, params)));
  connection.onRequest(InlayHintRequest.type, guardRequest(workspace, InlayHintRequest.method, [], (params) => inlayHints(workspace, params)));
  connection.onRequest(CodeLensRequest.type, guardRequest(workspace, CodeLensRequest.method, [], (params) => codeLenses(workspace, params)));
  connection.onRequest(CodeActionRequest.type, guardRequest(workspace, CodeActionRequest.method, [], (params) => codeActions(workspace, params)));
  connection.onRequest(
    new RequestType<ExplainParams, ExplainResult, void>(EXPLAIN_METHOD, ParameterStructures.byName),
    guardRequest(workspace, EXPLAIN_METHOD, null, async (params: ExplainParams) => {
      const document = await workspace.analysisOf(params.uri);
      return document ? { text: explainText(fileNameOf(document.uri), document.text, document.analysis).join('\n') } : null;
    }),
  );
  connection.onRequest(
    new RequestType<StatusParams, StatusResult, void>(STATUS_METHOD, ParameterStructures.byName),
    guardRequest(workspace, STATUS_METHOD, null, async (params: StatusParams) => {
      const document = await workspace.analysisOf(params.uri);
      return document ? statusOf(document.analysis) : null;
    }),
  );
  connection.onRequest(CompletionRequest.type, guardRequest(workspace, CompletionRequest.method, [], (params) => completion(workspace, params)));
  connection.onRequest(ReferencesRequest.type, guardRequest(workspace, ReferencesRequest.method, null, (params) => references(workspace, params)));
  connection.onRequest(PrepareRenameRequest.type, guardRequest(workspace, PrepareRenameRequest.method, null, (params) => prepareRename(workspace, params)));
  connection.onRequest(RenameRequest.type, guardRequest(workspace, RenameRequest.method, null, (params) => rename(workspace, params)));
  connection.onRequest(DefinitionRequest.type, guardRequest(workspace, DefinitionRequest.method, null, (params) => definition(workspace, params)));
  connection.onRequest(DocumentSymbolRequest.type, guardRequest(workspace, DocumentSymbolRequest.method, [], (params) => documentSymbols(workspace, params)));
  // A resolve that fails or is cancelled returns the action as the client sent it.
  connection.onRequest(CodeActionResolveRequest.type, (action, token) =>
    guardRequest(workspace, CodeActionResolveRequest.method, action, (params: CodeAction) => resolveCodeAction(workspace, params))(action, token),
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
