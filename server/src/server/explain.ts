// The request behind the extension's "Show Report" command: the text that `reslint explain` prints
// for a document, made from the analysis of its current text in the editor.

/** Method name of the request; the client and the server share it. */
export const EXPLAIN_METHOD = 'reslint/explain';

export interface ExplainParams {
  uri: string;
}

/** The report, or null for a document the server does not have open. */
export type ExplainResult = { text: string } | null;
