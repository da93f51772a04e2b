// The VS Code extension: starts the ResLint language server (dist/server.js) over Node IPC for
// *.arch.json, *.arch.ts and the files matched by `reslint.files`, and restarts it on request.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

const CLIENT_ID = 'reslint';
const CLIENT_NAME = 'ResLint';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('reslint.restartServer', async () => {
      log('Restarting the language server on request');
      await restart(context);
    }),
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
  // Models import TypeScript files that the server reads from disk; saving one re-analyses the
  // models that import it.
  const importWatcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,mts,cts}');
  context.subscriptions.push(importWatcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { fileEvents: importWatcher },
    outputChannel: output,
    // `reslint.trace.server` is read by the client library under this id.
    traceOutputChannel: output,
  };
  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await client.start();
    log(`Language server started from ${module}`);
  } catch (error) {
    log(`Starting the language server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void vscode.window.showErrorMessage(`ResLint: the language server failed to start. See the "${CLIENT_NAME}" output channel.`);
  }
}

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
