// Helpers that drive the VS Code workbench that code-server serves, through a
// playwright-core Page. Each helper waits on a condition in the page, with a
// bounded timeout. A wait that times out saves a screenshot to
// test/e2e/artifacts/ and throws an error that names what it waited for.
//
// The selectors match the DOM of VS Code 1.100.3 (code-server 4.100.3). A later
// VS Code may rename classes: the helpers then fail with a timeout that names
// the element they looked for.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import type { Page } from 'playwright-core';

// The functions passed to page.evaluate() run in the browser, where these
// globals exist. The project compiles without the DOM lib, so they are untyped.
declare const document: any;
declare const window: any;

export const DEFAULT_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;

export interface WaitOptions {
  /** Maximum wait in milliseconds (default DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
}

// --- paths and screenshots ------------------------------------------------

/**
 * Finds the repository root: the nearest folder above this file (or the
 * current directory) that contains scripts/e2e/install-code-server.sh. The
 * compiled file may live under out/ or a temporary folder, so the search also
 * tries process.cwd().
 */
export function findRepoRoot(): string {
  const marker = path.join('scripts', 'e2e', 'install-code-server.sh');
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, marker))) {
        return dir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) {
        break;
      }
      dir = parent;
    }
  }
  throw new Error(
    `Repository root not found: no folder above ${__dirname} or ${process.cwd()} contains ${marker}. ` +
      'Run the tests from the repository root.',
  );
}

/** Returns the screenshot folder: $RESLINT_E2E_ARTIFACTS, or test/e2e/artifacts in the repository. */
export function artifactsDir(): string {
  return process.env.RESLINT_E2E_ARTIFACTS ?? path.join(findRepoRoot(), 'test', 'e2e', 'artifacts');
}

/** Saves a PNG of the whole page as artifacts/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const safeName = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  const file = path.join(artifactsDir(), `${safeName}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

// --- waiting ----------------------------------------------------------------

/**
 * Calls `probe` every 100 ms until it returns a value other than undefined or
 * false, and returns that value. On timeout, saves a screenshot and throws an
 * error naming `description` and the last error that `probe` threw, if any.
 */
export async function pollUntil<T>(
  page: Page,
  description: string,
  probe: () => Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        return value;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }

  const detail = lastError === undefined ? '' : ` Last error: ${errorMessage(lastError)}`;
  let screenshot: string;
  try {
    screenshot = await saveScreenshot(page, `timeout-${Date.now()}-${description.slice(0, 60)}`);
  } catch (error) {
    screenshot = `not saved (${errorMessage(error)})`;
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.${detail} Screenshot: ${screenshot}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Waits until `selector` matches a visible element. */
export async function waitForVisible(
  page: Page,
  selector: string,
  description: string,
  options: WaitOptions = {},
): Promise<void> {
  await pollUntil(page, description, () => page.locator(selector).first().isVisible(), options);
}

// --- workbench and commands -------------------------------------------------

/**
 * Waits until the workbench has loaded a folder: the editor area and the
 * Explorer's first row are visible, and the window title contains
 * `titleMarker`. startCodeServer() puts that marker in the `window.title`
 * setting, so the wait also proves that the user settings were applied.
 */
export async function waitForWorkbench(
  page: Page,
  titleMarker: string,
  options: WaitOptions = { timeoutMs: 90_000 },
): Promise<void> {
  await waitForVisible(page, '.monaco-workbench .part.editor', 'the workbench editor area', options);
  await waitForVisible(page, '.explorer-folders-view .monaco-list-row', 'the Explorer to list the workspace folder', options);
  await pollUntil(
    page,
    `the window title to contain "${titleMarker}"`,
    async () => (await page.title()).includes(titleMarker),
    options,
  );
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
const QUICK_INPUT_ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

async function waitForQuickInput(page: Page, description: string, options: WaitOptions): Promise<void> {
  await pollUntil(
    page,
    description,
    () => page.evaluate((selector: string) => document.activeElement === document.querySelector(selector), QUICK_INPUT_BOX),
    options,
  );
}

async function waitForQuickInputClosed(page: Page, description: string, options: WaitOptions): Promise<void> {
  await pollUntil(page, description, async () => !(await page.locator(QUICK_INPUT).first().isVisible()), options);
}

/**
 * Runs a command from the Command Palette (F1) by its exact title as the
 * palette shows it, for example "View: Close Editor".
 */
export async function runCommand(page: Page, title: string, options: WaitOptions = {}): Promise<void> {
  await page.keyboard.press('F1');
  await waitForQuickInput(page, 'the Command Palette to open', options);
  await page.keyboard.insertText(title);
  const row = page.locator(QUICK_INPUT_ROW).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
  });
  await pollUntil(page, `the Command Palette to list "${title}"`, async () => (await row.count()) > 0, options);
  await row.first().click();
  await waitForQuickInputClosed(page, `the Command Palette to close after running "${title}"`, options);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// --- editors ------------------------------------------------------------------

const ACTIVE_EDITOR = '.editor-group-container.active .editor-instance .monaco-editor';

/**
 * Opens a file through Quick Open (Ctrl+P): types its absolute path, picks the
 * result with the file's name, and waits until its editor is the active tab
 * and shows text.
 */
export async function openFile(page: Page, absolutePath: string, options: WaitOptions = {}): Promise<void> {
  if (!path.isAbsolute(absolutePath)) {
    throw new Error(`openFile() needs an absolute path, got "${absolutePath}".`);
  }
  const fileName = path.basename(absolutePath);
  await page.keyboard.press('Control+P');
  await waitForQuickInput(page, 'Quick Open to open', options);
  await page.keyboard.insertText(absolutePath);
  const row = page.locator(QUICK_INPUT_ROW).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(fileName)}$`) }),
  });
  await pollUntil(page, `Quick Open to list ${absolutePath}`, async () => (await row.count()) > 0, options);
  await row.first().click();
  await waitForQuickInputClosed(page, `Quick Open to close after picking ${absolutePath}`, options);

  // The label gains " • 1 problem in this file" once diagnostics arrive, so it is matched by its start.
  const activeTab = `.editor-group-container.active .tab.active .monaco-icon-label[aria-label^=${JSON.stringify(absolutePath)}]`;
  await waitForVisible(page, activeTab, `the active tab to show ${absolutePath}`, options);
  await waitForVisible(page, `${ACTIVE_EDITOR} .view-lines .view-line`, `the editor of ${absolutePath} to render text`, options);
}

/** Moves keyboard focus to the active editor group (Ctrl+1) without moving the cursor. */
export async function focusEditor(page: Page, options: WaitOptions = {}): Promise<void> {
  await page.keyboard.press('Control+1');
  await pollUntil(
    page,
    'keyboard focus to enter the active editor',
    () =>
      page.evaluate((selector: string) => {
        const editor = document.querySelector(selector);
        return editor !== null && editor.contains(document.activeElement);
      }, ACTIVE_EDITOR),
    options,
  );
}

/**
 * Moves the cursor of the active editor to a 1-based line and column with
 * Go to Line (Ctrl+G), and waits until the status bar shows that position.
 */
export async function goToPosition(page: Page, line: number, column: number, options: WaitOptions = {}): Promise<void> {
  await focusEditor(page, options);
  await page.keyboard.press('Control+G');
  await waitForQuickInput(page, 'Go to Line to open', options);
  await page.keyboard.insertText(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await waitForQuickInputClosed(page, 'Go to Line to close', options);
  // The status bar counts columns as displayed, so a tab before the cursor widens the column to
  // the next tab stop, and only a column at least as far as the one asked for is accepted.
  const expected = `Ln ${line}, Col ${column}`;
  await pollUntil(
    page,
    `the status bar to show "${expected}", or a further column after tabs`,
    async () => {
      const position = /^Ln (\d+), Col (\d+)$/.exec((await page.locator('#status\\.editor\\.selection').innerText()).trim());
      return position !== null && Number(position[1]) === line && Number(position[2]) >= column;
    },
    options,
  );
}

/** Types text into the active editor key by key, as a user would, so auto-closing and auto-indent apply. */
export async function typeInEditor(page: Page, text: string, options: WaitOptions = {}): Promise<void> {
  await focusEditor(page, options);
  await page.keyboard.type(text);
}

/**
 * Replaces the whole text of the active editor with `text`, exactly: it selects
 * all and sends a paste event, so auto-closing, auto-indent and suggestions do
 * not alter the text. The editor becomes dirty; call saveActiveEditor() to
 * write it.
 */
/** The active editor's tab while it has unsaved changes. */
const DIRTY_TAB = '.editor-group-container.active .tab.active.dirty';

export async function replaceEditorText(page: Page, text: string, options: WaitOptions = {}): Promise<void> {
  await focusEditor(page, options);
  await page.keyboard.press('Control+A');
  // A synthetic paste event reaches the editor's textarea handler like a real
  // paste, without clipboard permissions.
  await page.evaluate((content: string) => {
    const data = new window.DataTransfer();
    data.setData('text/plain', content);
    document.activeElement.dispatchEvent(
      new window.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
  // The editor applies the paste a little later, and a save pressed before it saves the old text.
  // Text that differs from the file marks the tab unsaved. The same text never does, so a wait
  // that ends without the mark is not an error.
  await pollUntil(page, 'the pasted text to mark the tab unsaved', async () => (await page.locator(DIRTY_TAB).count()) > 0, {
    timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 5000),
  }).catch(() => undefined);
}

/** Saves the active editor (Ctrl+S) and waits until its tab is no longer marked dirty. */
export async function saveActiveEditor(page: Page, options: WaitOptions = {}): Promise<void> {
  await focusEditor(page, options);
  await page.keyboard.press('Control+S');
  await pollUntil(
    page,
    'the active tab to lose its unsaved-changes mark after saving',
    async () => (await page.locator(DIRTY_TAB).count()) === 0,
    options,
  );
}

/**
 * Saves the active editor and returns the file's text from disk. This is the
 * exact model text, unlike readVisibleLines(), which reads only the rendered lines.
 */
export async function saveAndReadFile(page: Page, absolutePath: string, options: WaitOptions = {}): Promise<string> {
  const before = fs.statSync(absolutePath).mtimeMs;
  const unsaved = (await page.locator(DIRTY_TAB).count()) > 0;
  await saveActiveEditor(page, options);
  // The tab loses its mark when the save is sent, and the file can change on disk a little later.
  if (unsaved) {
    await pollUntil(page, 'the saved text to reach the disk', async () => fs.statSync(absolutePath).mtimeMs !== before, options);
  }
  // Two equal reads in a row: a write that is still going on can show part of the text.
  return pollUntil(
    page,
    'the saved file to stop changing',
    async () => {
      const first = fs.readFileSync(absolutePath, 'utf8');
      await new Promise((resolve) => setTimeout(resolve, 50));
      return fs.readFileSync(absolutePath, 'utf8') === first ? first : undefined;
    },
    options,
  );
}

export interface VisibleLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/**
 * Returns the lines that the active editor renders, in order, without inlay
 * hints. The editor renders only the lines in its viewport (plus a few), so
 * for a whole file use saveAndReadFile().
 */
export async function readVisibleLines(page: Page): Promise<VisibleLine[]> {
  return page.evaluate(
    ({ editorSelector, inlayHintClasses }: { editorSelector: string; inlayHintClasses: string[] }) => {
      const editor = document.querySelector(editorSelector);
      if (!editor) {
        return [];
      }
      const lineNumberAtTop = new Map<string, number>();
      for (const lineNumber of editor.querySelectorAll('.margin-view-overlays .line-numbers')) {
        lineNumberAtTop.set(lineNumber.parentElement.style.top, Number(lineNumber.textContent));
      }
      const lines: { line: number; text: string }[] = [];
      for (const viewLine of editor.querySelectorAll('.view-lines .view-line')) {
        let text = '';
        for (const token of viewLine.querySelectorAll(':scope > span > span')) {
          if (!inlayHintClasses.some((name: string) => token.classList.contains(name))) {
            text += token.textContent;
          }
        }
        const line = lineNumberAtTop.get(viewLine.style.top);
        if (line !== undefined) {
          lines.push({ line, text: text.replace(/\u00a0/g, ' ') });
        }
      }
      return lines.sort((a, b) => a.line - b.line);
    },
    { editorSelector: ACTIVE_EDITOR, inlayHintClasses: await inlayHintClassNames(page) },
  );
}

// --- inlay hints and code lenses ----------------------------------------------

/**
 * Returns the CSS class names that the editor gives to rendered inlay hints.
 * VS Code 1.100 renders a hint as injected text whose class is a generated
 * "dyn-rule-N-M" rule that sets the editorInlayHint colors, so the helper finds
 * those rules in the page's style sheets.
 */
async function inlayHintClassNames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const names: string[] = [];
    for (const sheet of document.styleSheets) {
      let rules;
      try {
        rules = sheet.cssRules;
      } catch {
        continue; // cross-origin style sheet
      }
      for (const rule of rules) {
        const match = /^\.(dyn-rule-[\w-]+)\s*\{/.exec(rule.cssText ?? '');
        if (match && rule.cssText.includes('editorInlayHint')) {
          names.push(match[1]);
        }
      }
    }
    return names;
  });
}

export interface InlayHint {
  /** 1-based line number of the line that shows the hint. */
  line: number;
  text: string;
}

/** Returns the inlay hints that the active editor renders, in document order. */
export async function readInlayHints(page: Page): Promise<InlayHint[]> {
  const classNames = await inlayHintClassNames(page);
  return page.evaluate(
    ({ editorSelector, inlayHintClasses }: { editorSelector: string; inlayHintClasses: string[] }) => {
      const editor = document.querySelector(editorSelector);
      if (!editor) {
        return [];
      }
      const lineNumberAtTop = new Map<string, number>();
      for (const lineNumber of editor.querySelectorAll('.margin-view-overlays .line-numbers')) {
        lineNumberAtTop.set(lineNumber.parentElement.style.top, Number(lineNumber.textContent));
      }
      const hints: { line: number; text: string }[] = [];
      for (const viewLine of editor.querySelectorAll('.view-lines .view-line')) {
        const line = lineNumberAtTop.get(viewLine.style.top);
        for (const token of viewLine.querySelectorAll(':scope > span > span')) {
          const text = token.textContent.replace(/\u00a0/g, ' ').trim();
          if (line !== undefined && text !== '' && inlayHintClasses.some((name: string) => token.classList.contains(name))) {
            hints.push({ line, text });
          }
        }
      }
      return hints.sort((a, b) => a.line - b.line);
    },
    { editorSelector: ACTIVE_EDITOR, inlayHintClasses: classNames },
  );
}

/** Waits until the active editor renders an inlay hint for which `predicate` holds, and returns all hints. */
export async function waitForInlayHints(
  page: Page,
  predicate: (hints: InlayHint[]) => boolean,
  description: string,
  options: WaitOptions = {},
): Promise<InlayHint[]> {
  return pollUntil(page, `inlay hints: ${description}`, async () => {
    const hints = await readInlayHints(page);
    return predicate(hints) ? hints : undefined;
  }, options);
}

/** Returns the titles of the code lenses that the active editor renders, top to bottom. */
export async function readCodeLenses(page: Page): Promise<string[]> {
  const lenses = page.locator(`${ACTIVE_EDITOR} .codelens-decoration`);
  const titles: string[] = [];
  for (const lens of await lenses.all()) {
    // One decoration contains every lens of a line, as links separated by " | ".
    for (const part of await lens.locator('a, span').allInnerTexts()) {
      const title = part.trim();
      if (title !== '' && title !== '|') {
        titles.push(title);
      }
    }
  }
  return titles;
}

/** Waits until the code lenses of the active editor satisfy `predicate`, and returns them. */
export async function waitForCodeLenses(
  page: Page,
  predicate: (titles: string[]) => boolean,
  description: string,
  options: WaitOptions = {},
): Promise<string[]> {
  return pollUntil(page, `code lenses: ${description}`, async () => {
    const titles = await readCodeLenses(page);
    return predicate(titles) ? titles : undefined;
  }, options);
}

// --- hovers -------------------------------------------------------------------

const VISIBLE_HOVER = '.monaco-hover:not(.hidden) .monaco-hover-content';

async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(1, 1);
  await page.keyboard.press('Escape');
}

/**
 * Waits until a visible hover contains `contains` (any text when it is undefined) and returns the
 * hover's text. `beforeProbe` runs before each look.
 */
async function readHover(
  page: Page,
  contains: string | undefined,
  options: WaitOptions,
  beforeProbe: () => Promise<void> = async () => {},
): Promise<string> {
  const description = contains === undefined ? 'a hover to show' : `a hover that contains "${contains}"`;
  return pollUntil(page, description, async () => {
    await beforeProbe();
    for (const hover of await page.locator(VISIBLE_HOVER).all()) {
      if (!(await hover.isVisible())) {
        continue;
      }
      const text = (await hover.innerText()).trim();
      if (text === '' || text.startsWith('Loading')) {
        continue;
      }
      if (contains === undefined || text.includes(contains)) {
        return text;
      }
    }
    return undefined;
  }, options);
}

export interface HoverOptions extends WaitOptions {
  /** Wait until the hover text contains this string, because hovers fill in as providers respond. */
  contains?: string;
}

/**
 * Shows the hover at a 1-based line and column of the active editor (cursor
 * there, then "Show or Focus Hover", Ctrl+K Ctrl+I) and returns its text. The
 * text includes every hover part at that position, such as diagnostics.
 */
export async function hoverAtPosition(
  page: Page,
  line: number,
  column: number,
  options: HoverOptions = {},
): Promise<string> {
  await dismissHover(page);
  await goToPosition(page, line, column, options);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  return readHover(page, options.contains, options);
}

/**
 * Moves the mouse over the first visible occurrence of `text` in the active
 * editor (inlay hints excluded) and returns the hover's text.
 */
export async function hoverOverText(page: Page, text: string, options: HoverOptions = {}): Promise<string> {
  await dismissHover(page);
  const inlayHintClasses = await inlayHintClassNames(page);
  const locateText = () =>
    page.evaluate(
      ({ editorSelector, needle, inlayHintClasses }: { editorSelector: string; needle: string; inlayHintClasses: string[] }) => {
        const editor = document.querySelector(editorSelector);
        if (!editor) {
          return undefined;
        }
        for (const viewLine of editor.querySelectorAll('.view-lines .view-line')) {
          // Concatenate the line's text nodes, then map the match back to nodes.
          const nodes: { node: any; start: number }[] = [];
          let lineText = '';
          for (const token of viewLine.querySelectorAll(':scope > span > span')) {
            if (inlayHintClasses.some((name: string) => token.classList.contains(name))) {
              continue;
            }
            for (const node of token.childNodes) {
              if (node.nodeType === 3) {
                nodes.push({ node, start: lineText.length });
                lineText += node.textContent.replace(/\u00a0/g, ' ');
              }
            }
          }
          const index = lineText.indexOf(needle);
          if (index < 0) {
            continue;
          }
          // nodes[0].start is 0, so every offset in the line has an entry.
          const locate = (offset: number) => {
            const entry = [...nodes].reverse().find((candidate) => candidate.start <= offset) ?? nodes[0];
            return { node: entry.node, offset: offset - entry.start };
          };
          const start = locate(index);
          const end = locate(index + needle.length - 1);
          const range = document.createRange();
          range.setStart(start.node, start.offset);
          range.setEnd(end.node, end.offset + 1);
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
        return undefined;
      },
      { editorSelector: ACTIVE_EDITOR, needle: text, inlayHintClasses },
    );
  let point = await pollUntil(page, `the active editor to show the text "${text}"`, locateText, options);
  await page.mouse.move(point.x, point.y);
  // A code lens or inlay hint that renders after the mouse arrived moves the text away from the
  // pointer, and no hover shows. So every look for the hover first moves the mouse after the text.
  return readHover(page, options.contains, options, async () => {
    const current = await locateText();
    if (current !== undefined && (Math.abs(current.x - point.x) > 1 || Math.abs(current.y - point.y) > 1)) {
      point = current;
      await page.mouse.move(point.x, point.y);
    }
  });
}

// --- code actions -------------------------------------------------------------

/**
 * Opens Quick Fix (Ctrl+.) at a 1-based line and column of the active editor,
 * picks the entry titled `title` with the arrow keys and Enter, and waits for
 * the menu to close. Fails with the list of offered titles when `title` is not
 * among them.
 */
export async function applyQuickFix(
  page: Page,
  line: number,
  column: number,
  title: string,
  options: WaitOptions = {},
): Promise<void> {
  await goToPosition(page, line, column, options);
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  const offered = await pollUntil(page, `the Quick Fix menu at ${line}:${column} to list actions`, async () => {
    const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
    if (await noActions.isVisible()) {
      throw new Error(`VS Code reports "No code actions available" at ${line}:${column}`);
    }
    const titles = await rows.locator('.title').allInnerTexts();
    return titles.length > 0 ? titles : undefined;
  }, options);
  if (!offered.some((offeredTitle) => offeredTitle.trim() === title)) {
    await page.keyboard.press('Escape');
    throw new Error(`Quick Fix at ${line}:${column} has no action "${title}". Offered: ${JSON.stringify(offered)}`);
  }
  // The keyboard picks the entry: the menu blocks mouse clicks until the
  // mouse moves, and the arrow keys skip group headers and disabled entries.
  const focusedTitle = rows.and(page.locator('.focused')).locator('.title');
  for (let step = 0; step <= offered.length; step++) {
    if ((await focusedTitle.innerText()).trim() === title) {
      await page.keyboard.press('Enter');
      await pollUntil(page, `the Quick Fix menu to close after choosing "${title}"`, async () => !(await rows.first().isVisible()), options);
      // VS Code applies an action that comes without an edit only after codeAction/resolve
      // returns, so a save right after the menu closes can miss the edit. Every action these
      // tests pick edits the file, which marks the tab dirty.
      await pollUntil(
        page,
        `the edit of "${title}" to reach the editor`,
        async () => (await page.locator(DIRTY_TAB).count()) > 0,
        options,
      );
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`Quick Fix at ${line}:${column}: the arrow keys never focused "${title}". Offered: ${JSON.stringify(offered)}`);
}

// --- Problems panel -------------------------------------------------------------

export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Absolute path of the file, as the Problems panel labels it. */
  file: string;
  message: string;
  /** Diagnostic source, such as "reslint", or empty when the diagnostic has none. */
  source: string;
  /** Diagnostic code, or empty when the diagnostic has none. */
  code: string;
  severity: ProblemSeverity;
  /** 1-based position of the diagnostic's start. */
  line: number;
  column: number;
}

const MARKERS_LIST = '.markers-panel .monaco-list';

/** Opens the Problems panel (Ctrl+Shift+M) and waits until it shows. */
export async function openProblemsPanel(page: Page, options: WaitOptions = {}): Promise<void> {
  if (!(await page.locator('.markers-panel').first().isVisible())) {
    await page.keyboard.press('Control+Shift+M');
  }
  await waitForVisible(page, '.markers-panel', 'the Problems panel to open', options);
}

interface RawProblemRow {
  index: number;
  level: number;
  isLast: boolean;
  file: string;
  message: string;
  source: string;
  code: string;
  severity: string;
  position: string;
}

async function readRenderedProblemRows(page: Page): Promise<RawProblemRow[]> {
  return page.evaluate((listSelector: string) => {
    const list = document.querySelector(listSelector);
    if (!list) {
      return [];
    }
    const text = (row: any, selector: string) =>
      [...row.querySelectorAll(selector)].map((element: any) => element.textContent.trim()).join('\n');
    return [...list.querySelectorAll('.monaco-list-row')].map((row: any) => {
      const icon = row.querySelector('.marker-icon');
      const severity = icon ? ['error', 'warning', 'info'].find((name) => icon.classList.contains(name)) ?? '' : '';
      return {
        index: Number(row.dataset.index),
        level: Number(row.getAttribute('aria-level')),
        isLast: row.dataset.lastElement === 'true',
        file: row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '',
        message: text(row, '.marker-message'),
        source: text(row, '.marker-source'),
        code: text(row, '.marker-code'),
        severity,
        position: text(row, '.marker-line'),
      };
    });
  }, MARKERS_LIST);
}

/**
 * Returns every entry of the Problems panel, which must be open. The panel's
 * list renders only the rows in view, so the helper scrolls through it with
 * the mouse wheel and then back to the top.
 */
export async function readProblems(page: Page): Promise<Problem[]> {
  const list = page.locator(MARKERS_LIST).first();
  if (!(await list.isVisible())) {
    // The panel shows a message instead of the list when there are no problems.
    return [];
  }
  const rows = new Map<number, RawProblemRow>();
  const box = await list.boundingBox();
  const maxScrollSteps = 200;
  let scrolled = false;
  let complete = false;
  for (let step = 0; step < maxScrollSteps && !complete; step++) {
    for (const row of await readRenderedProblemRows(page)) {
      rows.set(row.index, row);
    }
    const lastRows = [...rows.values()].filter((row) => row.isLast);
    // Two last rows, or rows after the last one, mean that the list changed while the helper
    // scrolled through it, as it does while diagnostics follow typed text. Start again at the top.
    const changed = lastRows.length > 1 || (lastRows.length === 1 && [...rows.keys()].some((index) => index > lastRows[0].index));
    if (changed) {
      rows.clear();
      if (box !== null) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -1_000_000);
        await page.evaluate(() => new Promise((resolve) => window.requestAnimationFrame(resolve)));
      }
      continue;
    }
    complete = rows.size === 0 || (lastRows.length === 1 && rows.size === lastRows[0].index + 1);
    if (complete || box === null) {
      break;
    }
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, box.height * 0.8);
    await page.evaluate(() => new Promise((resolve) => window.requestAnimationFrame(resolve)));
    scrolled = true;
  }
  if (scrolled && box !== null) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -1_000_000);
  }
  if (!complete) {
    throw new Error(`The Problems panel rendered only ${rows.size} rows after scrolling through its list.`);
  }

  const problems: Problem[] = [];
  let file = '';
  for (const row of [...rows.values()].sort((a, b) => a.index - b.index)) {
    if (row.level === 1) {
      file = row.file;
      continue;
    }
    if (row.level !== 2) {
      continue; // related information of the entry above
    }
    const position = /Ln (\d+), Col (\d+)/.exec(row.position);
    problems.push({
      file,
      message: row.message,
      source: row.source,
      code: row.code,
      severity: row.severity as ProblemSeverity,
      line: position ? Number(position[1]) : 0,
      column: position ? Number(position[2]) : 0,
    });
  }
  return problems;
}

/**
 * Opens the Problems panel, waits until its entries satisfy `predicate`, and
 * returns them. Use it to wait for diagnostics to appear, change or clear.
 */
export async function waitForProblems(
  page: Page,
  predicate: (problems: Problem[]) => boolean,
  description: string,
  options: WaitOptions = {},
): Promise<Problem[]> {
  await openProblemsPanel(page, options);
  let last: Problem[] = [];
  try {
    return await pollUntil(page, `Problems panel: ${description}`, async () => {
      last = await readProblems(page);
      return predicate(last) ? last : undefined;
    }, options);
  } catch (error) {
    throw new Error(`${errorMessage(error)} Last entries: ${util.inspect(last, { breakLength: Infinity })}`);
  }
}

// --- language status ------------------------------------------------------------

export interface LanguageStatusEntry {
  /** The item's text, such as "seed model, band [0.01, 100]". */
  text: string;
  /** The item's detail, or empty when it has none. */
  detail: string;
  /** Title of the item's command link, or empty when it has none. */
  link: string;
}

/** The clickable part of the `{}` entry next to the language mode in the status bar. */
const LANGUAGE_STATUS_LABEL = '#status\\.languageStatus .statusbar-item-label';
/** One item's row in the popup of the language status. */
const LANGUAGE_STATUS_ROW = '.workbench-hover .hover-language-status';

/** Returns the rows of the open language status popup, top to bottom, and none while it is closed. */
async function readLanguageStatusRows(page: Page): Promise<LanguageStatusEntry[]> {
  return page.evaluate(
    (rowSelector: string) =>
      [...document.querySelectorAll(rowSelector)].map((row: any) => {
        // VS Code 1.100 renders the text, then a separator span and the detail, in one element.
        const parts = ['', ''];
        let part = 0;
        for (const node of row.querySelector('.element .left')?.childNodes ?? []) {
          if (node.classList?.contains('separator')) {
            part = 1;
          } else {
            parts[part] += node.textContent;
          }
        }
        const link = row.querySelector('.element .right .monaco-link');
        return { text: parts[0].trim(), detail: parts[1].trim(), link: link ? link.textContent.trim() : '' };
      }),
    LANGUAGE_STATUS_ROW,
  );
}

async function closeLanguageStatus(page: Page, options: WaitOptions): Promise<void> {
  // Escape closes the popup that a click opened with the focus in it. The focus then returns to
  // the status bar entry, which shows the popup again while it has the focus or the mouse rests on
  // it. So the mouse leaves the entry and the editor takes the focus.
  await page.mouse.move(1, 1);
  await page.keyboard.press('Escape');
  await focusEditor(page, options);
  await pollUntil(page, 'the language status popup to close', async () => (await page.locator(LANGUAGE_STATUS_ROW).count()) === 0, options);
}

/**
 * Opens the popup of the language status by sending a click to its status bar entry, waits until
 * its entries satisfy `predicate`, closes the popup and returns the entries. A look whose entries
 * fail `predicate` closes the popup too, so that the next look reads the items as they are then.
 * The helper needs an active editor, because it leaves the keyboard focus there.
 */
export async function waitForLanguageStatus(
  page: Page,
  predicate: (entries: LanguageStatusEntry[]) => boolean,
  description: string,
  options: WaitOptions = {},
): Promise<LanguageStatusEntry[]> {
  let last: LanguageStatusEntry[] = [];
  let entries: LanguageStatusEntry[];
  try {
    entries = await pollUntil(page, `language status: ${description}`, async () => {
      if ((await page.locator(LANGUAGE_STATUS_ROW).count()) === 0) {
        // A click event sent to the entry, not a mouse click, because a mouse that rests on the entry
        // shows the popup as a hover. That hover can cover the entry, and Playwright's next click
        // then waits until its own timeout.
        await page.evaluate((selector: string) => document.querySelector(selector)?.click(), LANGUAGE_STATUS_LABEL);
        return undefined;
      }
      last = await readLanguageStatusRows(page);
      if (predicate(last)) {
        return last;
      }
      await closeLanguageStatus(page, options);
      return undefined;
    }, options);
  } catch (error) {
    // The timeout is the error to report, so a failure to close the popup as well is ignored.
    await closeLanguageStatus(page, options).catch(() => undefined);
    throw new Error(`${errorMessage(error)} Last entries: ${util.inspect(last, { breakLength: Infinity })}`);
  }
  await closeLanguageStatus(page, options);
  return entries;
}
