// Findings as LSP diagnostics: converted with the code, a link to the code's docs and the data a
// quick fix needs, and published per document version after a debounce that adapts to bursts.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { Finding } from '../core/analysis';
import type { Code, Severity } from '../core/codes';
import type { FindingSubject } from '../core/findings';
import type { LineIndex } from '../core/lines';
import type { Span } from '../core/source';
import { runGuarded } from './guard';
import type { MessageQueueMonitor } from './messageQueue';
import { isModelFile } from './modelFiles';
import { codeHref } from './packageInfo';
import type { ServerSettings } from './settings';
import { fileNameOf, type AnalyzedDocument, type Workspace } from './workspace';

/**
 * Delay in ms between an edit that follows a quiet period (no publish of the document pending)
 * and the analysis it starts. It is the latency that the debounce adds to a single keystroke. It
 * only has to be longer than the time between the arrivals of a burst's first two edits. Edits
 * that were already read from the pipe are caught by `MessageQueueMonitor.drained()` whatever the
 * delay.
 */
export const QUIET_EDIT_DELAY_MS = 5;
/**
 * Delay in ms after an edit that arrives while a publish of the same document is still pending,
 * that is, inside a burst. Each further edit of the burst restarts it, so the burst is analysed
 * once, after its last edit. It covers pauses of the sender in the middle of a burst.
 */
export const BURST_EDIT_DELAY_MS = 50;

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

/** A publish that waits for its delay, then for the connection's message queue to empty. */
interface PendingPublish {
  timer: NodeJS.Timeout | undefined;
}

/**
 * Analyses open documents after edits and publishes their diagnostics, tagged with the version.
 *
 * Debounce: a fixed delay long enough to cover a whole burst would be added to every keystroke.
 * Here an edit after a quiet period waits QUIET_EDIT_DELAY_MS, and an edit that arrives while a
 * publish is pending (the next edit of a burst) replaces it with one that waits
 * BURST_EDIT_DELAY_MS. When the delay ends, the publish also waits until the connection has
 * dispatched every message it has already received. vscode-jsonrpc dispatches them one per event
 * loop turn, so a delay that ended while the loop was busy can fire before the burst's remaining
 * edits are handled. A burst therefore leads to one analysis and one publish, of its last version,
 * whenever its first two edits reach the server less than QUIET_EDIT_DELAY_MS apart.
 */
export class DiagnosticsPublisher {
  private readonly pending = new Map<string, PendingPublish>();
  /**
   * The analysis (by id) and settings last published per uri, so one analysis is not published
   * twice. It keeps no analysis alive, because a 10,000-block analysis takes a large part of the heap.
   */
  private readonly published = new Map<string, { analysisId: number; settings: ServerSettings }>();

  constructor(
    private readonly workspace: Workspace,
    private readonly messageQueue: MessageQueueMonitor,
  ) {}

  /**
   * Publishes the document's diagnostics after `delayMs`, or by default after the debounce delay
   * that fits the edit. A later call for the same uri replaces this one.
   */
  schedule(uri: string, delayMs?: number): void {
    const previous = this.pending.get(uri);
    if (previous?.timer) clearTimeout(previous.timer);
    const delay = delayMs ?? (previous ? BURST_EDIT_DELAY_MS : QUIET_EDIT_DELAY_MS);
    const entry: PendingPublish = { timer: undefined };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      runGuarded(this.workspace, 'Publishing diagnostics', uri, () => this.publishWhenDrained(uri, entry));
    }, delay);
    this.pending.set(uri, entry);
  }

  /** Publishes the diagnostics of every open document again, for example after a settings change. */
  publishAll(): void {
    for (const document of this.workspace.documents.all()) this.schedule(document.uri, 0);
  }

  /**
   * Publishes an empty list, so the client drops the document's diagnostics. A document that is
   * not named as a model file and had none published gets no publish.
   */
  clear(uri: string): void {
    this.cancel(uri);
    if (!this.published.delete(uri) && !isModelFile(fileNameOf(uri), [])) return;
    runGuarded(this.workspace, 'Clearing diagnostics', uri, () => this.workspace.connection.sendDiagnostics({ uri, diagnostics: [] }));
  }

  dispose(): void {
    for (const entry of this.pending.values()) if (entry.timer) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private cancel(uri: string): void {
    const entry = this.pending.get(uri);
    if (entry?.timer) clearTimeout(entry.timer);
    this.pending.delete(uri);
  }

  private async publishWhenDrained(uri: string, entry: PendingPublish): Promise<void> {
    await this.messageQueue.drained();
    // An edit or a close handled during the wait replaced or cancelled this publish.
    if (this.pending.get(uri) !== entry) return;
    this.pending.delete(uri);
    await this.publish(uri);
  }

  private async publish(uri: string): Promise<void> {
    const document = await this.workspace.analysisOf(uri);
    if (!document) {
      // An open document that is no longer a model file, after a change of reslint.files, loses
      // the diagnostics it had. A closed one was cleared when it closed.
      if (this.workspace.documents.get(uri) && this.published.delete(uri)) await this.workspace.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    // A document closed or changed meanwhile has its own publish scheduled (or none is due).
    if (this.workspace.documents.get(uri)?.version !== document.version) return;
    // Two publishes that waited for the same settings request both find the same analysis.
    const last = this.published.get(uri);
    if (last?.analysisId === document.analysisId && last.settings === document.settings) return;
    this.published.set(uri, { analysisId: document.analysisId, settings: document.settings });
    const diagnostics = document.analysis.findings.map((finding, index) => toDiagnostic(document, finding, index));
    await this.workspace.connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  }
}
