// Entry of the ResLint language server. `createConnection` picks the transport from the command
// line: --stdio, --node-ipc (the VS Code client's default), --socket=<port> or --pipe=<name>.
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerFeatures } from './features';
import { MessageQueueMonitor } from './messageQueue';
import { Workspace } from './workspace';

// V8 grows its young generation while a program allocates fast, up to 16 MB per semi-space,
// and keeps it. An editor process lives long and spends most of its time idle: after opening a
// model of 10,000 blocks the server held about 30 MB more than with a young generation that does
// not grow. The price is a first analysis about a tenth slower; edits analyse only what changed.
setFlagsFromString('--semi-space-growth-factor=1');

const messageQueue = new MessageQueueMonitor();
const connection = createConnection(ProposedFeatures.all, { messageStrategy: messageQueue });
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace(connection, documents);

// Each handler has its own guard. These two catch what escapes them (a timer, a library
// callback), so the server logs the error and keeps serving the other documents.
process.on('uncaughtException', (error) => workspace.logError('An uncaught exception', undefined, error));
process.on('unhandledRejection', (reason) => workspace.logError('A promise rejection without a handler', undefined, reason));

registerFeatures(workspace, messageQueue);
documents.listen(connection);
connection.listen();
