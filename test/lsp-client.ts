// A test client for the protocol tests. It starts the built server (dist/server.js --stdio) as a
// child process and speaks JSON-RPC to it as VS Code does: it returns settings and accepts
// refreshes on the server's requests, and records what the server publishes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  ShowMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentEdit,
  type CodeAction,
  type CodeLens,
  type Command,
  type DataCallback,
  type Diagnostic,
  type Disposable,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type LogMessageParams,
  type ShowMessageParams,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type ResponseMessage,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../server/src/core/lines';

export const ROOT = join(__dirname, '..', '..');
export const SERVER_PATH = join(ROOT, 'dist', 'server.js');

/** Max wait for one expected message; a healthy server responds in well under a second. */
export const WAIT_MS = 15_000;

/**
 * Reads the server's messages and passes them to the connection, except the responses to requests
 * that `LspClient.requestRaw` sent, which the connection has no record of.
 */
class TappedMessageReader extends StreamMessageReader {
  readonly rawResponseWaiters = new Map<string, (response: ResponseMessage) => void>();

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      const id = (message as ResponseMessage).id;
      const waiter = typeof id === 'string' ? this.rawResponseWaiters.get(id) : undefined;
      if (!waiter) {
        callback(message);
        return;
      }
      this.rawResponseWaiters.delete(id as string);
      waiter(message as ResponseMessage);
    });
  }
}

interface DiagnosticsWaiter {
  uri: string;
  matches: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class LspClient {
  /** The `reslint` section returned for `workspace/configuration`; tests replace it. */
  settings: Record<string, unknown> = {};
  /** Every publishDiagnostics notification, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  /** Every window/showMessage notification, in arrival order. */
  readonly shownMessages: ShowMessageParams[] = [];
  readonly refreshes = { inlayHint: 0, codeLens: 0 };
  configurationRequests = 0;
  stderr = '';
  initializeResult: InitializeResult | undefined;
  /** Set when the server process ends; before `stop()` that is a crash. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private readonly waiters: DiagnosticsWaiter[] = [];
  private readonly logListeners = new Set<(params: LogMessageParams) => void>();
  private stopping = false;

  private rawRequestCount = 0;

  private constructor(
    private readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    private readonly reader: TappedMessageReader,
  ) {}

  /**
   * Starts the server, with `nodeArgs` before its path on node's command line, and completes the
   * initialize handshake. With `codeActionResolve` the client declares codeAction/resolve support
   * for `edit`, as VS Code does.
   */
  static async start(
    settings: Record<string, unknown> = {},
    options: { codeActionResolve?: boolean; nodeArgs?: string[] } = {},
  ): Promise<LspClient> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_PATH, '--stdio'], { stdio: 'pipe' });
    const reader = new TappedMessageReader(child.stdout);
    const connection = createProtocolConnection(reader, new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection, reader);
    client.settings = settings;
    client.listen();
    connection.listen();

    client.initializeResult = await client.withTimeout(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: {
            configuration: true,
            didChangeConfiguration: { dynamicRegistration: false },
            workspaceEdit: { documentChanges: true },
            inlayHint: { refreshSupport: true },
            codeLens: { refreshSupport: true },
          },
          textDocument: {
            publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            inlayHint: {},
            codeLens: {},
            codeAction: {
              codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
              isPreferredSupport: true,
              dataSupport: true,
              resolveSupport: options.codeActionResolve ? { properties: ['edit'] } : undefined,
            },
          },
        },
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private listen(): void {
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.process.on('exit', (code, signal) => {
      this.exit = { code, signal };
      if (this.stopping) return;
      const error = new Error(`the server exited unexpectedly (code ${code}, signal ${signal}); stderr:\n${this.stderr}`);
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests += 1;
      return params.items.map((item) => (item.section === 'reslint' ? this.settings : null));
    });
    this.connection.onRequest(InlayHintRefreshRequest.type, () => {
      this.refreshes.inlayHint += 1;
    });
    this.connection.onRequest(CodeLensRefreshRequest.type, () => {
      this.refreshes.codeLens += 1;
    });
    this.connection.onNotification(ShowMessageNotification.type, (params) => {
      this.shownMessages.push(params);
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
      for (const listener of [...this.logListeners]) listener(params);
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri !== params.uri || !waiter.matches(params)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(params);
      }
    });
  }

  /**
   * Waits for the next publishDiagnostics of `uri` that satisfies `matches`, counting those that
   * arrived already since `since` (an index into `published`).
   */
  waitForPublish(uri: string, what: string, matches: (params: PublishDiagnosticsParams) => boolean, since = 0): Promise<PublishDiagnosticsParams> {
    const earlier = this.published.slice(since).find((params) => params.uri === uri && matches(params));
    if (earlier) return Promise.resolve(earlier);
    if (this.exit) return Promise.reject(new Error(`the server has exited; stderr:\n${this.stderr}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.findIndex((waiter) => waiter.timer === timer);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what} of ${uri}`));
      }, WAIT_MS);
      this.waiters.push({ uri, matches, resolve, reject, timer });
    });
  }

  /** Waits for a window/logMessage whose message matches `pattern`, counting those already received. */
  waitForLog(pattern: RegExp): Promise<LogMessageParams> {
    const earlier = this.logs.find((log) => pattern.test(log.message));
    if (earlier) return Promise.resolve(earlier);
    let listener: ((params: LogMessageParams) => void) | undefined;
    const found = new Promise<LogMessageParams>((resolve) => {
      listener = (params) => {
        if (pattern.test(params.message)) resolve(params);
      };
      this.logListeners.add(listener);
    });
    return this.withTimeout(found, `a log message matching ${pattern}`).finally(() => {
      if (listener) this.logListeners.delete(listener);
    });
  }

  /** The diagnostics published for one version of a document. */
  async diagnostics(uri: string, version: number): Promise<Diagnostic[]> {
    const params = await this.waitForPublish(uri, `diagnostics of version ${version}`, (candidate) => candidate.version === version);
    return params.diagnostics;
  }

  async open(uri: string, text: string, languageId = 'jsonc', version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  /** Replaces the whole text, as a full-document change. */
  async change(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Sends didOpen for an open document again, as a client that skips didClose does, and returns the next publish of `version`. */
  async reopen(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    const since = this.published.length;
    await this.open(uri, text, 'jsonc', version);
    return this.waitForPublish(uri, 'diagnostics of the reopened text', (params) => params.version === version, since);
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Replaces the `reslint` settings and notifies the server, as VS Code does in the pull model. */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.withTimeout(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 'hover');
  }

  async inlayHints(uri: string, range: Range): Promise<InlayHint[]> {
    const hints = await this.withTimeout(this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }), 'inlayHint');
    return hints ?? [];
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    const lenses = await this.withTimeout(this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), 'codeLens');
    return lenses ?? [];
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const actions = await this.withTimeout(
      this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } }),
      'codeAction',
    );
    return (actions ?? []).filter((action): action is CodeAction => !isCommand(action));
  }

  resolveCodeAction(action: CodeAction): Promise<CodeAction> {
    return this.withTimeout(this.connection.sendRequest(CodeActionResolveRequest.type, action), 'codeAction/resolve');
  }

  /**
   * Writes JSON-RPC messages to the server's stdin in one write, so the server reads all of them
   * before it dispatches the first, however the two processes are scheduled. Responses to requests
   * sent this way are dropped.
   */
  writeAtOnce(messages: object[]): void {
    const frames = messages.map((message) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    });
    this.process.stdin.write(frames.join(''));
  }

  /**
   * Sends a request with `params` written as given, which the connection's sendRequest cannot do
   * for null, and returns the server's response. Leaving `params` undefined sends none.
   */
  requestRaw(method: string, params?: unknown): Promise<ResponseMessage> {
    this.rawRequestCount += 1;
    const id = `raw-${this.rawRequestCount}`;
    const response = new Promise<ResponseMessage>((resolve) => this.reader.rawResponseWaiters.set(id, resolve));
    this.writeAtOnce([{ id, method, params }]);
    return this.withTimeout(response, `the response to ${method}`);
  }

  /** Shuts the server down and checks that it exited cleanly without an unhandled error. */
  async stop(): Promise<void> {
    if (this.exit) throw new Error(`the server had already exited (code ${this.exit.code}); stderr:\n${this.stderr}`);
    this.stopping = true;
    // 'close' comes after 'exit' once stdout and stderr have ended, so `stderr` is complete.
    const exited = new Promise<void>((resolve) => this.process.once('close', () => resolve()));
    await this.withTimeout(this.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    await this.connection.sendNotification(ExitNotification.type);
    await this.withTimeout(exited, 'exit');
    this.connection.dispose();
    if (/Unhandled/i.test(this.stderr)) throw new Error(`the server wrote an unhandled error to stderr:\n${this.stderr}`);
  }

  /** Ends the process without the protocol's shutdown, for cleanup after a failed test. */
  kill(): void {
    this.stopping = true;
    if (!this.exit) this.process.kill();
    this.connection.dispose();
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

function isCommand(action: CodeAction | Command): action is Command {
  return typeof (action as Command).command === 'string';
}

/** Returns a didChange notification with one incremental change, for `LspClient.writeAtOnce`. */
export function didChangeMessage(uri: string, version: number, range: Range, text: string): object {
  return {
    method: DidChangeTextDocumentNotification.method,
    params: { textDocument: { uri, version }, contentChanges: [{ range, text }] },
  };
}

/** Applies the edits of a WorkspaceEdit for one document to its text. */
export function applyWorkspaceEdit(text: string, edit: WorkspaceEdit, uri: string): string {
  const edits = (edit.documentChanges ?? [])
    .filter((change): change is TextDocumentEdit => TextDocumentEdit.is(change) && change.textDocument.uri === uri)
    .flatMap((change) => change.edits)
    .concat(edit.changes?.[uri] ?? []);
  const lines = new LineIndex(text);
  // Applied from the end of the text. Inserts at one position keep the order of the list (as the
  // protocol specifies), so among equal starts the later edit is applied first.
  const spans = edits
    .map((textEdit, index) => ({ start: lines.offsetAt(textEdit.range.start), end: lines.offsetAt(textEdit.range.end), newText: textEdit.newText, index }))
    .sort((a, b) => b.start - a.start || b.index - a.index);
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  return result;
}

/** Returns the position of the `occurrence`-th match of `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0, occurrence = 1): Position {
  let offset = -1;
  for (let i = 0; i < occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in the text`);
  }
  return new LineIndex(text).positionAt(offset + shift);
}

/** Writes each inlay hint into the text as a comment at its position, for whole-text comparison. */
export function renderInlayHints(text: string, hints: InlayHint[]): string {
  const lines = new LineIndex(text);
  const inserts = hints
    .map((hint) => ({ offset: lines.offsetAt(hint.position), label: typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('') }))
    .sort((a, b) => b.offset - a.offset);
  let result = text;
  for (const insert of inserts) result = `${result.slice(0, insert.offset)} /* ${insert.label} */${result.slice(insert.offset)}`;
  return result;
}

export function readFixture(name: string): string {
  return readFileSync(join(ROOT, 'test', 'fixtures', 'lsp', name), 'utf8');
}

export function wholeRange(text: string): Range {
  const lines = new LineIndex(text);
  return { start: { line: 0, character: 0 }, end: lines.positionAt(text.length) };
}
