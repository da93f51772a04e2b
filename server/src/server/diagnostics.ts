// Findings as LSP diagnostics: converted with the code, a link to the code's docs and the data a
// quick fix needs, and published per document version after a short debounce.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { Finding } from '../core/analysis';
import type { Code, Severity } from '../core/codes';
import type { FindingSubject } from '../core/findings';
import type { LineIndex } from '../core/lines';
import type { Span } from '../core/source';
import { runGuarded } from './guard';
import { codeHref } from './packageInfo';
import type { AnalyzedDocument, Workspace } from './workspace';

/** Delay between the last edit and the analysis it starts, so a burst of edits is analysed once. */
export const DIAGNOSTICS_DELAY_MS = 150;

export const DIAGNOSTIC_SOURCE = 'reslint';

/** `Diagnostic.data`: which finding of which document version the diagnostic shows. */
export interface FindingData {
  uri: string;
  version: number;
  /** Index of the finding in that version's analysis. */
  index: number;
  subject?: FindingSubject;
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

export function toDiagnostic(document: AnalyzedDocument, finding: Finding, index: number): Diagnostic {
  const data: FindingData = { uri: document.uri, version: document.version, index, subject: finding.subject };
  return {
    range: rangeOf(document.lines, finding.span),
    severity: SEVERITIES[finding.severity],
    code: finding.code,
    codeDescription: { href: codeHref(finding.code as Code) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
}

/** Analyses open documents after edits and publishes their diagnostics, tagged with the version. */
export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly workspace: Workspace) {}

  /** Publishes the document's diagnostics after `delayMs`; a later call for the same uri replaces this one. */
  schedule(uri: string, delayMs = DIAGNOSTICS_DELAY_MS): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      runGuarded(this.workspace, 'Publishing diagnostics', uri, () => this.publish(uri));
    }, delayMs);
    this.timers.set(uri, timer);
  }

  /** Publishes the diagnostics of every open document again, for example after a settings change. */
  publishAll(): void {
    for (const document of this.workspace.documents.all()) this.schedule(document.uri, 0);
  }

  /** Publishes an empty list, so the client drops the document's diagnostics. */
  clear(uri: string): void {
    this.cancel(uri);
    runGuarded(this.workspace, 'Clearing diagnostics', uri, () => this.workspace.connection.sendDiagnostics({ uri, diagnostics: [] }));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }

  private async publish(uri: string): Promise<void> {
    const document = await this.workspace.analysisOf(uri);
    // A document closed or changed meanwhile has its own publish scheduled (or none is due).
    if (!document || this.workspace.documents.get(uri)?.version !== document.version) return;
    const diagnostics = document.analysis.findings.map((finding, index) => toDiagnostic(document, finding, index));
    await this.workspace.connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  }
}
