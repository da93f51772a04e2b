// The one wrapper around every handler. It traces the request, honours cancellation and rejects
// params that lack a field the handler reads. It turns an exception into a logged stack and the
// empty result, so one bad document never stops the server.
import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import { invalidParams } from './requestParams';
import type { Workspace } from './workspace';

export type RequestHandler<P, R> = (params: P, token: CancellationToken) => R | Promise<R>;

/**
 * Wraps a request handler. A request cancelled before or during the work returns `empty`. So does
 * one whose handler throws, and the exception is logged once with its stack and the document's uri.
 * A ResponseError goes back to the client as the request's error, for the user to read. Params
 * that lack a field the handler reads (see requestParams.ts) get an InvalidParams error, and a
 * warning without a stack in the log, since the fault is the client's.
 */
export function guardRequest<P, R>(
  workspace: Workspace,
  method: string,
  empty: R,
  handler: RequestHandler<P, R>,
): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    const uri = uriOf(params);
    workspace.connection.tracer.log(`${method}${uri ? ` ${uri}` : ''}`);
    if (token.isCancellationRequested) return empty;
    const invalid = invalidParams(method, params);
    if (invalid) {
      warnRejected(workspace, `${method} ${invalid.field}`, invalid.message);
      throw new ResponseError(ErrorCodes.InvalidParams, invalid.message);
    }
    try {
      const result = await handler(params, token);
      return token.isCancellationRequested ? empty : result;
    } catch (error) {
      // A ResponseError is a result for the user (a rename the model rejects), not a fault.
      if (error instanceof ResponseError) throw error;
      workspace.logError(method, uri, error);
      return empty;
    }
  };
}

/** Runs work that no request waits for (notifications, timers), logging any exception it throws. */
export function runGuarded(workspace: Workspace, what: string, uri: string | undefined, work: () => void | Promise<void>): void {
  const fail = (error: unknown): void => workspace.logError(what, uri, error);
  try {
    const pending = work();
    if (pending) pending.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** Rejected requests per method and field, so that a client that repeats one mistake does not flood the log. */
const rejectedCounts = new Map<string, number>();

/** Logs a rejected request the first time, and then with the count at the 10th, 100th, 1000th... time. */
function warnRejected(workspace: Workspace, key: string, message: string): void {
  const count = (rejectedCounts.get(key) ?? 0) + 1;
  rejectedCounts.set(key, count);
  if (count === 1) workspace.connection.console.warn(message);
  else if (/^10+$/.test(String(count))) workspace.connection.console.warn(`${message} (${count} requests with this problem so far)`);
}

function uriOf(params: unknown): string | undefined {
  const document = (params as { textDocument?: { uri?: unknown } } | null | undefined)?.textDocument;
  return typeof document?.uri === 'string' ? document.uri : undefined;
}
