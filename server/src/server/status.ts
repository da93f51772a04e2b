// The request behind the extension's language status item: the settings that decide a model's
// verdicts (a file's own settings, then the editor's), and how many findings of each severity
// its current text has.
import type { Analysis } from '../core/analysis';
import { hasSyntaxErrors } from '../core/analysis';
import { bandText } from './format';

/** Method name of the request; the client and the server share it. */
export const STATUS_METHOD = 'reslint/status';

export interface StatusParams {
  uri: string;
}

/** The status, or null for a document the server does not have open. */
export type StatusResult = {
  /** "seed model, band [0.01, 100]". */
  text: string;
  /** "2 warnings, 1 info", or "no findings", in the words of the CLI's summary line. */
  findings: string;
  /** Whether the text has syntax errors, which hold back the findings about W. */
  syntaxErrors: boolean;
} | null;

const SEVERITY_WORDS = [
  ['error', 'error', 'errors'],
  ['warning', 'warning', 'warnings'],
  ['information', 'info', 'infos'],
  ['hint', 'hint', 'hints'],
] as const;

export function statusOf(analysis: Analysis): NonNullable<StatusResult> {
  const counts = new Map<string, number>();
  for (const finding of analysis.findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  const parts = SEVERITY_WORDS.filter(([severity]) => counts.has(severity)).map(([severity, one, many]) => {
    const count = counts.get(severity) as number;
    return `${count} ${count === 1 ? one : many}`;
  });
  return {
    text: `${analysis.settings.model} model, band ${bandText(analysis.settings)}`,
    findings: parts.length > 0 ? parts.join(', ') : 'no findings',
    syntaxErrors: hasSyntaxErrors(analysis),
  };
}
