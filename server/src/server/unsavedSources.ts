// The notification by which the client passes the unsaved text of TypeScript files that are not
// models themselves. A model reads the files it imports, and a researcher edits a helper file
// and watches the model's findings before saving it. Model documents are synced by LSP itself.

/** Method name of the notification; the client and the server share it. */
export const UNSAVED_SOURCE_METHOD = 'reslint/unsavedSource';

/** The unsaved text of a file, or `text: null` once the editor's text equals the file on disk again. */
export interface UnsavedSourceParams {
  uri: string;
  text: string | null;
}

/** Returns the params when they have this shape, so a malformed notification changes nothing. */
export function unsavedSourceParams(params: unknown): UnsavedSourceParams | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const { uri, text } = params as Record<string, unknown>;
  if (typeof uri !== 'string' || (text !== null && typeof text !== 'string')) return undefined;
  return { uri, text };
}
