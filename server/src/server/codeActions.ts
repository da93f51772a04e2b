// Quick fixes: the scale fixes of a smoothness finding (the preferred one first), and "Disable
// <code> in this file" for a JSON model. A diagnostic from an older version or older settings gets
// no action. A client that resolves code actions gets each edit from codeAction/resolve, when the
// user picks the action. The server then checks that the document is still the version the action
// was offered for: VS Code's extension API drops the version of a workspace edit, so a stale edit
// would land on moved text. A request for the actions of many findings also makes no edit then.
// Other clients get the edits at once, with the document version for them to check.
import {
  CodeActionKind,
  MessageType,
  ShowMessageNotification,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { canDisable, canTurnOff, disableEdits, fixesFor, sourceKindOf, withValueAt, type Finding } from '../core/analysis';
import { CODES, type Code } from '../core/codes';
import { textLayout } from '../core/lines';
import { applyTextEdits, sameValue, type SourceDocument, type TextEdit } from '../core/source';
import { DIAGNOSTIC_SOURCE, rangeOf, type FindingData } from './diagnostics';
import { fileNameOf, type AnalyzedDocument, type Workspace } from './workspace';

export async function codeActions(workspace: Workspace, params: CodeActionParams): Promise<CodeAction[]> {
  if (!wantsQuickFixes(params.context.only)) return [];
  const document = await workspace.analysisOf(params.textDocument.uri);
  if (!document) return [];

  const fixes: CodeAction[] = [];
  const disables: CodeAction[] = [];
  const seenTitles = new Set<string>();
  const seenEdits = new Set<string>();
  const disabledCodes = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    const finding = findingOf(document, diagnostic);
    if (!finding) continue;

    for (const fix of fixesFor(document.analysis, finding).fixes) {
      // Two findings at one place (a block and its stage) can reach the same edit by two targets.
      const editKey = JSON.stringify(fix.edits);
      if (seenTitles.has(fix.title) || seenEdits.has(editKey)) continue;
      seenTitles.add(fix.title);
      seenEdits.add(editKey);
      const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred };
      if (workspace.support.codeActionResolve) {
        const data: ScaleActionData = { action: 'scale', uri: document.uri, version: document.version, analysis: document.analysisId, finding: document.analysis.findings.indexOf(finding) };
        action.data = data;
      } else {
        action.edit = workspaceEdit(workspace, document, fix.edits);
      }
      fixes.push(action);
    }

    const rename = renameAction(workspace, document, finding, diagnostic);
    if (rename) fixes.push(rename);

    if (!disabledCodes.has(finding.code)) {
      disabledCodes.add(finding.code);
      const disable = workspace.support.codeActionResolve
        ? unresolvedDisableAction(document, finding.code, diagnostic)
        : disableAction(workspace, document, finding.code, diagnostic);
      if (disable) disables.push(disable);
    }
  }
  // Preferred fixes first, then the other fixes in the core's order, then the disable actions.
  return [...fixes.filter((fix) => fix.isPreferred), ...fixes.filter((fix) => !fix.isPreferred), ...disables];
}

function wantsQuickFixes(only: string[] | undefined): boolean {
  if (!only) return true;
  return only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix || kind.startsWith(`${CodeActionKind.QuickFix}.`));
}

/**
 * Finds the finding that a diagnostic of this server shows. Returns undefined for a diagnostic
 * from another version or document, because its index no longer points at the same finding.
 */
function findingOf(document: AnalyzedDocument, diagnostic: Diagnostic): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<FindingData> | undefined;
  if (!data || data.uri !== document.uri || data.version !== document.version || typeof data.index !== 'number') return undefined;
  const finding = document.analysis.findings[data.index];
  // A settings change analyses the same version again, under another model or band. The message
  // names those, so a diagnostic shown before the change gets no fix computed after it.
  if (!finding || finding.code !== diagnostic.code || finding.message !== diagnostic.message) return undefined;
  // A client can reopen a document with other text at the same version. The index can then name
  // another finding of the same code, so the range must match too.
  const range = rangeOf(document.lines, finding.span);
  const same = (a: Position, b: Position): boolean => a.line === b.line && a.character === b.character;
  if (!same(range.start, diagnostic.range.start) || !same(range.end, diagnostic.range.end)) return undefined;
  return finding;
}

/** Returns a workspace edit of one document, as versioned document changes where the client supports them. */
export function workspaceEdit(workspace: Workspace, document: AnalyzedDocument, edits: TextEdit[]): WorkspaceEdit {
  const textEdits: LspTextEdit[] = edits.map((edit) => ({ range: rangeOf(document.lines, edit.span), newText: edit.newText }));
  if (workspace.support.documentChanges) {
    return { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, textEdits)] };
  }
  return { changes: { [document.uri]: textEdits } };
}

/** `CodeAction.data` of a scale fix whose edit codeAction/resolve computes: the fix of that title for the finding at that index. */
interface ScaleActionData {
  action: 'scale';
  uri: string;
  version: number;
  /** The analysis the action was offered from (AnalyzedDocument.analysisId). */
  analysis: number;
  finding: number;
}

/** `CodeAction.data` of a "Change to" action whose edit codeAction/resolve computes. */
interface RenameActionData {
  action: 'rename';
  uri: string;
  version: number;
  analysis: number;
  finding: number;
}

/**
 * Returns the edit that writes a finding's suggested name in place of the quoted name at its range
 * ("basix" becomes "basic"), or undefined when the range does not hold exactly one quoted string
 * without escapes. The quote character is kept.
 */
function renameEdits(document: AnalyzedDocument, finding: Finding): TextEdit[] | undefined {
  const suggestion = finding.suggestion;
  if (suggestion === undefined || (finding.code !== 'unknown-op' && finding.code !== 'unknown-block')) return undefined;
  const written = document.text.slice(finding.span.start, finding.span.end);
  const quoted = /^(["'`])([^"'`\\\n$]*)\1$/.exec(written);
  if (!quoted || /["'`\\\n$]/.test(suggestion)) return undefined;
  return [{ span: { start: finding.span.start + 1, end: finding.span.end - 1 }, newText: suggestion }];
}

function renameTitle(finding: Finding): string {
  return `Change to "${finding.suggestion}"`;
}

function renameAction(workspace: Workspace, document: AnalyzedDocument, finding: Finding, diagnostic: Diagnostic): CodeAction | undefined {
  const edits = renameEdits(document, finding);
  if (!edits) return undefined;
  const action: CodeAction = { title: renameTitle(finding), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true };
  if (workspace.support.codeActionResolve) {
    const data: RenameActionData = { action: 'rename', uri: document.uri, version: document.version, analysis: document.analysisId, finding: document.analysis.findings.indexOf(finding) };
    action.data = data;
  } else {
    action.edit = workspaceEdit(workspace, document, edits);
  }
  return action;
}

/** `CodeAction.data` of a disable action whose edit codeAction/resolve computes. */
interface DisableActionData {
  action: 'disable';
  uri: string;
  version: number;
  analysis: number;
  code: Code;
}

/**
 * Returns the disable action without its edit, or undefined when the edit could not turn the
 * code off (canDisable). Resolving it makes the edit for the version named in its data.
 */
function unresolvedDisableAction(document: AnalyzedDocument, code: Code, diagnostic: Diagnostic): CodeAction | undefined {
  if (!canDisable(document.analysis, code)) return undefined;
  const data: DisableActionData = { action: 'disable', uri: document.uri, version: document.version, analysis: document.analysisId, code };
  return { title: disableTitle(code), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], data };
}

/**
 * Handles codeAction/resolve: adds the edit to an action from `codeActions`. The action comes back
 * unchanged, so the client applies nothing, when the document closed or its analysis changed since
 * the action was offered, or when the edit can no longer be made. A document reopened with other
 * text can have the same version, so the analysis is compared too. A message then gives the reason.
 */
export async function resolveCodeAction(workspace: Workspace, action: CodeAction): Promise<CodeAction> {
  const data = action.data as Partial<ScaleActionData | RenameActionData | DisableActionData> | undefined;
  if (typeof data !== 'object' || data === null || typeof data.uri !== 'string' || (data.action !== 'scale' && data.action !== 'rename' && data.action !== 'disable')) {
    return action;
  }
  const document = await workspace.analysisOf(data.uri);
  if (!document) return rejectAction(workspace, action, 'the document is no longer open');
  if (document.version !== data.version || document.analysisId !== data.analysis) {
    return rejectAction(workspace, action, 'the model, a file it imports, or the settings changed after it was offered; open the quick fixes again');
  }
  const index = (data as Partial<ScaleActionData | RenameActionData>).finding;
  const finding = typeof index === 'number' ? document.analysis.findings[index] : undefined;
  if (data.action === 'scale') {
    const fix = finding && fixesFor(document.analysis, finding).fixes.find((candidate) => candidate.title === action.title);
    return fix ? { ...action, edit: workspaceEdit(workspace, document, fix.edits) } : rejectAction(workspace, action, 'its finding no longer offers it');
  }
  if (data.action === 'rename') {
    const edits = finding && action.title === renameTitle(finding) ? renameEdits(document, finding) : undefined;
    return edits ? { ...action, edit: workspaceEdit(workspace, document, edits) } : rejectAction(workspace, action, 'its finding no longer offers it');
  }
  return resolveDisable(workspace, document, action, data as Partial<DisableActionData>);
}

/** Tells the user that a picked action did nothing, and why; returns the action without an edit. */
function rejectAction(workspace: Workspace, action: CodeAction, reason: string): CodeAction {
  // A notification, not window/showMessageRequest: there is nothing to choose.
  void workspace.connection.sendNotification(ShowMessageNotification.type, {
    type: MessageType.Warning,
    message: `ResLint did not apply a quick fix, because ${reason}. The fix: ${action.title}`,
  });
  return action;
}

function resolveDisable(workspace: Workspace, document: AnalyzedDocument, action: CodeAction, data: Partial<DisableActionData>): CodeAction {
  // The action is offered only for codes that "off" can silence; data from a client is checked again.
  if (typeof data.code !== 'string' || !Object.hasOwn(CODES, data.code) || !canTurnOff(data.code as Code)) return action;
  const edit = disableEdit(workspace, document, data.code);
  if (!edit) return rejectAction(workspace, action, `the edit would change more than "settings.severity", or the file's settings would not be valid with ${data.code} turned off`);
  return { ...action, edit };
}

function disableTitle(code: Code): string {
  return `Disable ${code} in this file`;
}



/** Returns the disable action with the edit from `disableEdit`, or undefined when there is no edit. */
function disableAction(workspace: Workspace, document: AnalyzedDocument, code: Code, diagnostic: Diagnostic): CodeAction | undefined {
  const edit = disableEdit(workspace, document, code);
  if (!edit) return undefined;
  return { title: disableTitle(code), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit };
}

/**
 * Returns the edit that adds `"settings": {"severity": {"<code>": "off"}}` to a model, when
 * canDisable allows it and a check shows that the edit changes nothing else.
 */
function disableEdit(workspace: Workspace, document: AnalyzedDocument, code: Code): WorkspaceEdit | undefined {
  const { analysis, text } = document;
  // disableEdits checks canDisable itself, and checks the edits of a JSON model.
  const spans = disableEdits(analysis, code, textLayout(text));
  if (!spans) return undefined;
  if (sourceKindOf(fileNameOf(document.uri)) === 'typescript') {
    // The edited text must read as the model with only that severity entry added.
    const expected = withValueAt(analysis.doc.value, ['settings', 'severity', code], 'off');
    if (!readsEditedAs(workspace, document, spans, expected)) return undefined;
  }
  return workspaceEdit(workspace, document, spans);
}

/**
 * Reads a *.arch.ts model's text again with the edits applied, and tests whether its value is
 * `expected` and the problems met while reading it are the same as before.
 */
export function readsEditedAs(workspace: Workspace, document: AnalyzedDocument, edits: TextEdit[], expected: unknown): boolean {
  const after = workspace.readTypeScript(document.uri, applyTextEdits(document.text, edits));
  const problemsOf = (doc: SourceDocument): string[] => doc.problems.map((problem) => `${problem.code}: ${problem.message}`);
  return sameValue(after.value, expected) && sameValue(problemsOf(after), problemsOf(document.analysis.doc));
}

