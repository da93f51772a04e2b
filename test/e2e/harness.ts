// End-to-end harness: runs code-server (VS Code 1.100.3 in the browser) on
// 127.0.0.1 and drives it with headless Chromium through playwright-core.
// Tests use node:test; see test/e2e/README.md for setup and an example.
//
// This file starts and stops the processes. The helpers that act on the page
// are in workbench.ts, which this file re-exports.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import {
  DEFAULT_TIMEOUT_MS,
  findRepoRoot,
  replaceEditorText,
  runCommand,
  saveActiveEditor,
  saveScreenshot,
  pollUntil,
  waitForVisible,
  waitForWorkbench,
  type WaitOptions,
} from './workbench';

export * from './workbench';

/** Path of the Chromium binary, where Debian's chromium package installs it. */
const CHROMIUM_PATH = process.env.RESLINT_E2E_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // Chromium's sandbox does not start as root, which is how CI runs.
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Browser viewport in CSS pixels, fixed so that layouts and screenshots repeat. */
const VIEWPORT = { width: 1400, height: 900 };

/**
 * User settings that every run starts with. They turn off prompts, telemetry
 * and network features, and the editor features that change typed text or
 * pop up widgets on their own, so that the page changes only through the
 * test's own actions. Options.settings overrides any of them.
 */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.editor.enablePreview': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  // VS Code's JSON support fetches schemas such as package.json's from schemastore.org, and the
  // tests reach no host but 127.0.0.1.
  'json.schemaDownload.enable': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'editor.accessibilitySupport': 'off',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.renderWhitespace': 'none',
  'editor.cursorBlinking': 'solid',
  'editor.inlayHints.enabled': 'on',
  'editor.codeLens': true,
  'problems.defaultViewMode': 'tree',
};

/**
 * Returns a `window.title` setting value that contains `marker`. The harness
 * owns this setting: each settings write puts a new marker into it, and the
 * page title showing that marker proves that VS Code applied the write.
 */
function windowTitle(marker: string): string {
  return '${activeEditorShort}${separator}${rootName} [' + marker + ']';
}

// --- code-server installation --------------------------------------------------

let installedBinary: string | undefined;

/**
 * Returns the code-server launcher: $RESLINT_E2E_CODE_SERVER if set, or else
 * the path printed by scripts/e2e/install-code-server.sh. The script runs once
 * per process. It takes about 0.1 s once cached, and minutes the first time.
 */
export function ensureCodeServer(): string {
  const fromEnvironment = process.env.RESLINT_E2E_CODE_SERVER;
  if (fromEnvironment) {
    return fromEnvironment;
  }
  if (installedBinary !== undefined) {
    return installedBinary;
  }
  const script = path.join(findRepoRoot(), 'scripts', 'e2e', 'install-code-server.sh');
  const result = spawnSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60_000,
  });
  if (result.error) {
    throw new Error(`Failed to run ${script}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${script} failed with exit code ${result.status}; its error output is above.`);
  }
  const binary = result.stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(binary)) {
    throw new Error(`${script} printed "${binary}", which is not an existing file.`);
  }
  installedBinary = binary;
  return binary;
}

// --- code-server process -----------------------------------------------------------

export interface CodeServerOptions {
  /** Absolute path of the folder to open. */
  workspace: string;
  /** Path of a packaged extension (.vsix) to install before the server starts. */
  vsix?: string;
  /** User settings, merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Maximum wait for the server's health check to succeed, in milliseconds (default 60 000). */
  startupTimeoutMs?: number;
}

export interface CodeServer {
  /** Workbench URL that opens `workspace`. */
  url: string;
  port: number;
  workspace: string;
  /** Temporary folder with the user data, extensions, config and log of this run. */
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  settingsPath: string;
  /** code-server's standard output and error. */
  logPath: string;
  /** User settings as last written (BASE_SETTINGS, options.settings and later updates). */
  settings: Record<string, unknown>;
  /** Text that the window title contains once the current settings are applied. */
  titleMarker: string;
  /**
   * Stops code-server and every process in its process group (extension host,
   * language servers), and deletes runDir unless RESLINT_E2E_KEEP_TEMP=1.
   * NOTE: terminal shells start in sessions of their own and are not in that group.
   */
  stop(): Promise<void>;
}

/** Process groups of running servers, killed if the test process exits without calling stop(). */
const liveProcessGroups = new Set<number>();
process.on('exit', () => {
  for (const groupId of liveProcessGroups) {
    killProcessGroup(groupId, 'SIGKILL');
  }
});

function killProcessGroup(groupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupId, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * Returns the environment for code-server: the caller's, without the
 * variables that would redirect code-server. PORT overrides --bind-addr, and
 * VSCODE_IPC_HOOK_CLI (set in a VS Code terminal) sends commands to that VS
 * Code. The XDG folders point into the run folder, so that code-server writes
 * nothing under the home folder.
 */
function codeServerEnvironment(runDir: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const redirects = name.startsWith('VSCODE_') || ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'CODE_SERVER_CONFIG', 'ELECTRON_RUN_AS_NODE'].includes(name);
    if (!redirects) {
      environment[name] = value;
    }
  }
  environment.XDG_DATA_HOME = path.join(runDir, 'xdg-data');
  environment.XDG_CONFIG_HOME = path.join(runDir, 'xdg-config');
  // @vscode/deviceid writes a device id under $XDG_CACHE_HOME/Microsoft.
  environment.XDG_CACHE_HOME = path.join(runDir, 'xdg-cache');
  // An extension gallery without a service URL turns off every request to
  // the marketplace (code-server 4.100.3 otherwise queries open-vsx.org).
  environment.EXTENSIONS_GALLERY = '{}';
  return environment;
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(log not readable)';
  }
}

function writeSettings(file: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** Resolves when GET /healthz returns 200. Rejects when the process exits first, or on timeout. */
async function waitForHealthy(port: number, child: ChildProcess, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const answersHealthCheck = () =>
    new Promise<boolean>((resolve) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2_000 }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
    });
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (code ${child.exitCode}, signal ${child.signalCode}) before responding on port ${port}. ` +
          `Last lines of ${logPath}:\n${tail(logPath)}`,
      );
    }
    if (await answersHealthCheck()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for http://127.0.0.1:${port}/healthz to return 200. Last lines of ${logPath}:\n${tail(logPath)}`);
}

/**
 * Starts code-server on a free port of 127.0.0.1 without authentication, with
 * a fresh user-data folder and extensions folder under a temporary run folder,
 * after installing `vsix` if given. Resolves once the health check succeeds.
 * The workbench itself loads when a browser opens `url`.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!path.isAbsolute(options.workspace) || !fs.statSync(options.workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`The workspace must be an absolute path to an existing folder, got "${options.workspace}".`);
  }
  const binary = ensureCodeServer();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reslint-e2e-'));
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const settingsPath = path.join(userDataDir, 'User', 'settings.json');
  const configPath = path.join(runDir, 'config.yaml');
  const logPath = path.join(runDir, 'code-server.log');
  const port = await findFreePort();
  const environment = codeServerEnvironment(runDir);

  const titleMarker = 'reslint-e2e-settings-0';
  const settings: Record<string, unknown> = { ...BASE_SETTINGS, ...options.settings, 'window.title': windowTitle(titleMarker) };
  writeSettings(settingsPath, settings);
  fs.mkdirSync(extensionsDir, { recursive: true });
  // Without --config, code-server would create ~/.config/code-server/config.yaml.
  fs.writeFileSync(configPath, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const folderArgs = ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsix !== undefined) {
    const install = spawnSync(binary, [...folderArgs, '--install-extension', options.vsix, '--force'], {
      env: environment,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${install.stdout ?? ''}${install.stderr ?? ''}`;
    if (install.status !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`code-server --install-extension ${options.vsix} failed (exit code ${install.status}):\n${output}`);
    }
  }

  const logFile = fs.openSync(logPath, 'a');
  const child = spawn(
    binary,
    [
      ...folderArgs,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      options.workspace,
    ],
    // A process group of its own lets stop() kill code-server together with
    // the extension host and language servers that it forks.
    { env: environment, detached: true, stdio: ['ignore', logFile, logFile] },
  );
  fs.closeSync(logFile);
  const groupId = child.pid;
  if (groupId === undefined) {
    throw new Error(`Failed to start ${binary}; see ${logPath}.`);
  }
  liveProcessGroups.add(groupId);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (liveProcessGroups.has(groupId)) {
      killProcessGroup(groupId, 'SIGTERM');
      const stopTimeoutMs = 10_000;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), stopTimeoutMs).unref()),
      ]);
      // Kill what is left of the group too: children can outlive the server.
      killProcessGroup(groupId, 'SIGKILL');
      liveProcessGroups.delete(groupId);
      if (timedOut) {
        await exited;
      }
    }
    if (process.env.RESLINT_E2E_KEEP_TEMP !== '1') {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  };

  try {
    await waitForHealthy(port, child, logPath, options.startupTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    port,
    workspace: options.workspace,
    runDir,
    userDataDir,
    extensionsDir,
    settingsPath,
    logPath,
    settings,
    titleMarker,
    stop,
  };
}

// --- browser -------------------------------------------------------------------------

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Closes Chromium and deletes its temporary profile. */
  close(): Promise<void>;
}

/**
 * Returns the folder that Chromium gets as $XDG_CACHE_HOME. It persists
 * between runs, because a new one makes fontconfig rebuild its font cache,
 * which adds about a second to every launch.
 */
function chromiumCacheDir(): string {
  const cacheRoot = process.env.RESLINT_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'reslint-e2e');
  return path.join(cacheRoot, 'chromium-xdg-cache');
}

/**
 * Launches headless Chromium with a new, empty profile in a temporary folder,
 * and opens `url` if given. Chromium's crash reports go to that folder too,
 * and its caches to chromiumCacheDir(), so nothing lands in the home folder.
 * Playwright actions on the page time out after DEFAULT_TIMEOUT_MS.
 */
export async function openBrowser(url?: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Run scripts/e2e/install-code-server.sh, or set RESLINT_E2E_CHROMIUM.`);
  }
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reslint-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'),
      XDG_CACHE_HOME: chromiumCacheDir(),
    },
  });
  context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  const close = async () => {
    await context.close();
    fs.rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    if (url !== undefined) {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
    }
    return { page, context, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens the server's workbench in a new browser and waits until it has loaded the workspace. */
export async function openWorkbench(server: CodeServer, options: WaitOptions = { timeoutMs: 90_000 }): Promise<Browser> {
  const browser = await openBrowser(server.url);
  try {
    await waitForWorkbench(browser.page, server.titleMarker, options);
    return browser;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

// --- settings --------------------------------------------------------------------------

/**
 * Changes user settings in the running workbench. A key set to undefined is
 * removed. VS Code's server does not reload settings.json when another
 * process writes it, so the helper edits it in VS Code's own settings JSON
 * editor, saves it, waits until the window title shows the new marker, and
 * closes that editor. The extension host receives the change shortly after
 * the workbench; wait on its visible effect before relying on it.
 */
export async function updateUserSettings(
  page: Page,
  server: CodeServer,
  changes: Record<string, unknown>,
  options: WaitOptions = {},
): Promise<void> {
  const generation = Number(/(\d+)$/.exec(server.titleMarker)?.[1] ?? 0) + 1;
  const titleMarker = `reslint-e2e-settings-${generation}`;
  const settings: Record<string, unknown> = { ...server.settings };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete settings[key];
    } else {
      settings[key] = value;
    }
  }
  settings['window.title'] = windowTitle(titleMarker);

  await runCommand(page, 'Preferences: Open User Settings (JSON)', options);
  await waitForVisible(page, '.editor-group-container.active .tab.active[data-resource-name="settings.json"]', 'the user settings.json editor to open', options);
  await replaceEditorText(page, `${JSON.stringify(settings, null, 2)}\n`, options);
  await saveActiveEditor(page, options);
  await pollUntil(page, `the window title to contain "${titleMarker}" after saving settings`, async () => (await page.title()).includes(titleMarker), options);
  await runCommand(page, 'View: Close Editor', options);

  server.settings = settings;
  server.titleMarker = titleMarker;
}

// --- packaging ---------------------------------------------------------------------------

export interface PackageOptions {
  /** Output path of the .vsix (default: a new temporary folder's extension.vsix). */
  outFile?: string;
  /** Arguments after `vsce package --out FILE` (default: DEFAULT_VSCE_ARGS). */
  vsceArgs?: string[];
}

/**
 * Flags for packaging a small extension without dependencies, repository
 * field or LICENSE file, such as the probe fixture. Without them vsce stops
 * to ask a question.
 */
export const DEFAULT_VSCE_ARGS = ['--no-dependencies', '--allow-missing-repository', '--skip-license'];

/** Packages the extension in `extensionDir` with the repository's @vscode/vsce, and returns the .vsix path. */
export function packageExtension(extensionDir: string, options: PackageOptions = {}): string {
  const vscePackage = require.resolve('@vscode/vsce/package.json', { paths: [findRepoRoot()] });
  const vsce = path.join(path.dirname(vscePackage), 'vsce');
  const outFile = options.outFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reslint-e2e-vsix-')), 'extension.vsix');
  const result = spawnSync(process.execPath, [vsce, 'package', '--out', outFile, ...(options.vsceArgs ?? DEFAULT_VSCE_ARGS)], {
    cwd: extensionDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (result.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`vsce package failed in ${extensionDir} (exit code ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return outFile;
}

// --- extension host tests ------------------------------------------------------------------

export interface ExtensionHostTestOptions {
  /** Absolute path of the folder to open. */
  workspace: string;
  /** Absolute path of the extension folder to load in development mode (its package.json). */
  extensionDevelopmentPath: string;
  /** Absolute path of the module whose exported run() runs the tests and rejects on failure. */
  extensionTestsPath: string;
  settings?: Record<string, unknown>;
  /** Maximum run time in milliseconds (default 120 000). */
  timeoutMs?: number;
}

export interface ExtensionHostTestResult {
  /** 0 when run() resolved, 1 when it rejected or threw. */
  exitCode: number;
  /** Browser console lines, including what the extension host wrote with console.log. */
  output: string[];
}

function remoteUri(port: number, absolutePath: string): string {
  const encodedPath = absolutePath.split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${encodedPath}`;
}

/**
 * Formats a console message as VS Code logs it: ("%c LEVEL", css, format,
 * ...values) becomes "LEVEL <formatted text>".
 */
async function formatConsoleMessage(message: ConsoleMessage): Promise<string> {
  let values: unknown[];
  try {
    values = await Promise.all(message.args().map((handle) => handle.jsonValue()));
  } catch {
    return message.text();
  }
  if (typeof values[0] === 'string' && values[0].startsWith('%c')) {
    const level = values[0].slice(2).trim();
    return `${level} ${util.format(...values.slice(2))}`;
  }
  return util.format(...values);
}

/**
 * Runs a test module inside code-server's extension host, the way
 * @vscode/test-electron does in desktop VS Code. code-server's command line
 * rejects --extensionDevelopmentPath and --extensionTestsPath, but the web
 * workbench reads both from the `payload` URL parameter, as vscode-remote
 * URIs, and starts the remote (Node.js) extension host with them. When run()
 * settles, the workbench calls window.codeAutomationExit(code), which this
 * helper exposes to the page.
 */
export async function runExtensionHostTests(options: ExtensionHostTestOptions): Promise<ExtensionHostTestResult> {
  for (const [name, value] of Object.entries({ extensionDevelopmentPath: options.extensionDevelopmentPath, extensionTestsPath: options.extensionTestsPath })) {
    if (!path.isAbsolute(value) || !fs.existsSync(value)) {
      throw new Error(`${name} must be an absolute path that exists, got "${value}".`);
    }
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const server = await startCodeServer({ workspace: options.workspace, settings: options.settings });
  let browser: Browser | undefined;
  try {
    browser = await openBrowser();
    const { page } = browser;
    const output: string[] = [];
    let formatting = Promise.resolve();
    page.on('console', (message) => {
      formatting = formatting.then(async () => {
        output.push(await formatConsoleMessage(message));
      });
    });
    let reportExit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => {
      reportExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));

    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remoteUri(server.port, options.extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(server.port, options.extensionTestsPath)],
    ]);
    await page.goto(`${server.url}&payload=${encodeURIComponent(payload)}`, { waitUntil: 'domcontentloaded' });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    await formatting;
    if (exitCode === undefined) {
      const screenshot = await saveScreenshot(page, `timeout-${Date.now()}-extension-host-tests`);
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for the extension host tests in ${options.extensionTestsPath} to finish. ` +
          `Screenshot: ${screenshot}. Console output:\n${output.join('\n')}`,
      );
    }
    return { exitCode, output };
  } finally {
    await browser?.close();
    await server.stop();
  }
}
