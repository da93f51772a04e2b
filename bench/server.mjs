// Measurements through the real language server (e to g): dist/server.js started with --stdio and
// driven over JSON-RPC the way VS Code drives it. Edit latency, request latency, debouncing of
// edit bursts, resident memory and startup time.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, percentile } from './stats.mjs';

const require = createRequire(import.meta.url);
const protocol = require('vscode-languageserver-protocol/node');

/** Maximum wait in ms for one server response or notification, long enough for a first analysis under load. */
const WAIT_MS = 120_000;
/** After the last edit of a burst, how long to keep listening for more publishDiagnostics. */
const BURST_QUIET_MS = 1500;

export const EDITS = 200;
/** Edits stop early once a model's edits took this long, after at least MIN_EDITS. */
const EDIT_BUDGET_MS = 90_000;
const MIN_EDITS = 20;
/** One codeAction/resolve of the "Disable <code> in this file" action every this many edits. */
const RESOLVE_EVERY = 10;
/** Times a quote is typed before a scale, which breaks the JSON, and removed again. */
const BROKEN_EDITS = 20;
export const BURST_EDITS = 100;
export const MEMORY_CYCLES = 10_000;
export const MEMORY_FIRST_CYCLES = 1_000;
/** The memory cycles stop early once they took this long. */
const MEMORY_BUDGET_MS = 100_000;
export const STARTUPS = 10;

/** A client of one server process: spawns it, responds to its requests and records its diagnostics. */
class BenchClient {
  constructor(serverPath, settings) {
    this.published = [];
    this.waiters = [];
    this.settings = settings;
    this.stderr = '';
    this.startedAt = performance.now();
    this.child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: 'pipe' });
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.connection = protocol.createProtocolConnection(
      new protocol.StreamMessageReader(this.child.stdout),
      new protocol.StreamMessageWriter(this.child.stdin),
    );
    this.connection.onRequest(protocol.ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === 'reslint' ? this.settings : null)),
    );
    // Registrations, refresh requests and any other request from the server get a null response.
    this.connection.onRequest(() => null);
    this.connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => this.onPublish(params));
    this.connection.onNotification(() => undefined);
    this.connection.listen();
  }

  /** Sends initialize and initialized; returns the milliseconds from spawning the process to the initialize result. */
  async initialize() {
    await this.withTimeout(
      this.connection.sendRequest(protocol.InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, workspaceEdit: { documentChanges: true } },
          textDocument: {
            publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            inlayHint: {},
            codeLens: {},
            // VS Code (vscode-languageclient 9) also declares resolve support for the edit.
            codeAction: {
              codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
              isPreferredSupport: true,
              dataSupport: true,
              resolveSupport: { properties: ['edit'] },
            },
          },
        },
      }),
      'the initialize result',
    );
    const startupMs = performance.now() - this.startedAt;
    await this.connection.sendNotification(protocol.InitializedNotification.type, {});
    return startupMs;
  }

  onPublish(params) {
    const entry = { version: params.version, diagnostics: params.diagnostics, at: performance.now() };
    this.published.push(entry);
    for (const waiter of [...this.waiters]) {
      if (params.version !== waiter.version) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(entry);
    }
  }

  /** Resolves with the first publishDiagnostics of `version` (possibly one that already arrived). */
  diagnosticsOf(version) {
    const earlier = this.published.find((entry) => entry.version === version);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for the diagnostics of version ${version}; stderr: ${this.stderr}`)), WAIT_MS);
      this.waiters.push({ version, resolve, timer });
    });
  }

  open(uri, text) {
    return this.connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'jsonc', version: 1, text },
    });
  }

  change(uri, version, range, text) {
    return this.connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  request(type, params, what) {
    return this.withTimeout(this.connection.sendRequest(type, params), what);
  }

  /** Resident set size of the server process in MB, from VmRSS in /proc/<pid>/status. */
  rssMb() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new Error(`VmRSS is missing from /proc/${this.child.pid}/status`);
    return Number(match[1]) / 1024;
  }

  /** Shuts the server down through the protocol, and ends the process if it does not exit in time. */
  async stop() {
    try {
      await this.request(protocol.ShutdownRequest.type, undefined, 'shutdown');
      await this.connection.sendNotification(protocol.ExitNotification.type);
      await this.withTimeout(this.exited, 'the server to exit');
    } finally {
      this.kill();
    }
  }

  /** Ends the process without the protocol's shutdown; safe to call more than once. */
  kill() {
    for (const waiter of this.waiters.splice(0)) clearTimeout(waiter.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    if (!this.disposed) this.connection.dispose();
    this.disposed = true;
  }

  withTimeout(promise, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; stderr: ${this.stderr}`)), WAIT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/**
 * Edits the model as a person would: each edit changes the last digit of one "scale" value (the
 * same length, so line positions stay put), cycling through scales spread over the whole file.
 */
class ScaleEditor {
  constructor(text, LineIndex) {
    this.lines = new LineIndex(text);
    this.text = text;
    this.targets = [];
    for (const match of text.matchAll(/"scale": (-?\d+(?:\.\d+)?(?:e-?\d+)?)/g)) {
      const start = match.index + match[0].length - match[1].length;
      this.targets.push({ start, end: start + match[1].length });
    }
    this.blockKeys = [...text.matchAll(/^ {4}"((?:res|dag)_\d+)": \{/gm)].map((match) => ({ name: match[1], offset: match.index }));
    this.next = 0;
  }

  /** Applies the next edit to the local copy of the text and returns its LSP range, new text and block. */
  nextEdit() {
    const stride = Math.max(1, Math.floor(this.targets.length / 97));
    const target = this.targets[(this.next * stride) % this.targets.length];
    this.next += 1;
    const last = target.end - 1;
    const digit = Number(this.text[last]);
    const replacement = String(digit === 9 ? 8 : digit + 1);
    this.text = this.text.slice(0, last) + replacement + this.text.slice(last + 1);
    const range = { start: this.lines.positionAt(last), end: this.lines.positionAt(last + 1) };
    return { range, newText: replacement, offset: last, block: this.blockAt(last) };
  }

  /**
   * Returns an edit that types a quote before the next scale, which leaves a string open, and the
   * edit that removes it. The text is the same after both, so the line index stays valid.
   */
  breakAndRepair() {
    const target = this.targets[(this.next * 7) % this.targets.length];
    this.next += 1;
    const at = this.lines.positionAt(target.start);
    const after = { line: at.line, character: at.character + 1 };
    return [
      { range: { start: at, end: at }, newText: '"' },
      { range: { start: at, end: after }, newText: '' },
    ];
  }

  blockAt(offset) {
    let low = 0;
    let high = this.blockKeys.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.blockKeys[middle].offset <= offset) low = middle;
      else high = middle - 1;
    }
    return this.blockKeys[low]?.name;
  }

  /** Position inside the layer entry that applies `block`, for a hover. */
  layerReference(block) {
    const offset = this.text.lastIndexOf(`{ "block": "${block}"`);
    return this.lines.positionAt(offset + 2);
  }
}

/** Loads the parts of a built server that the measurements use; exported for running one model alone. */
export function loadServerParts(root) {
  const { LineIndex } = require(join(root, 'out/server/src/core/lines.js'));
  let settings = {};
  let delayMs;
  let burstDelayMs;
  try {
    settings = require(join(root, 'out/server/src/server/settings.js')).DEFAULT_SERVER_SETTINGS;
    const diagnostics = require(join(root, 'out/server/src/server/diagnostics.js'));
    // Older builds waited a fixed DIAGNOSTICS_DELAY_MS after every edit.
    delayMs = diagnostics.QUIET_EDIT_DELAY_MS ?? diagnostics.DIAGNOSTICS_DELAY_MS;
    burstDelayMs = diagnostics.BURST_EDIT_DELAY_MS;
  } catch {
    // An older server build: respond to settings requests with an empty section, which means the defaults.
  }
  return { LineIndex, settings, delayMs, burstDelayMs };
}

/** Runs e, f and g, or returns { skipped: reason } when dist/server.js does not exist. */
export async function measureServer({ root, workloads, edits = EDITS, memoryCycles = MEMORY_CYCLES }) {
  const serverPath = join(root, 'dist/server.js');
  if (!existsSync(serverPath)) {
    return { skipped: `dist/server.js does not exist, so e (editor latency), f (memory) and g (startup) were not measured. Run npm run build once the language server builds.` };
  }
  const parts = loadServerParts(root);
  const rows = [];
  const notes = [];
  if (parts.burstDelayMs !== undefined) {
    notes.push(
      `The server waits ${parts.delayMs} ms after an edit that follows a quiet period, and ${parts.burstDelayMs} ms after each edit of a burst, before it analyses and publishes (QUIET_EDIT_DELAY_MS and BURST_EDIT_DELAY_MS in server/src/server/diagnostics.ts); the didChange-to-diagnostics times include the first delay.`,
    );
  } else if (parts.delayMs !== undefined) {
    notes.push(`The server waits ${parts.delayMs} ms after the last edit before it analyses and publishes (DIAGNOSTICS_DELAY_MS in server/src/server/diagnostics.ts); the didChange-to-diagnostics times include that delay.`);
  }

  notes.push(
    `codeAction is requested after every edit, for one block-vanishing or block-exploding diagnostic, by a client that declares codeAction/resolve support for "edit" as VS Code does. After every ${RESOLVE_EVERY}th edit the "Disable <code> in this file" action of that response is resolved, which makes the server build that edit and check that it changes only the settings. Edits per model stop after ${EDIT_BUDGET_MS / 1000} s (at least ${MIN_EDITS}), so a slow model gets fewer than ${EDITS}.`,
  );
  rows.push(...(await measureStartup(serverPath, parts)));
  for (const count of [1000, 10000]) {
    rows.push(...(await measureEditing(serverPath, parts, workloads[`blocks-${count}.arch.json`], count, edits)));
  }
  const memoryModel = 100;
  rows.push(...(await measureEditMemory(serverPath, parts, workloads[`blocks-${memoryModel}.arch.json`], memoryModel, memoryCycles)));
  notes.push(
    `The edit cycles of f (up to ${memoryCycles.toLocaleString('en-US')}, for at most ${MEMORY_BUDGET_MS / 1000} s) run on the ${memoryModel}-block model. Each cycle is one edit and one inlayHint request, which makes the server analyse that version, so the same cycles on the 10,000-block model would take hours. RSS also counts garbage that V8 has not collected yet, so it can move by tens of MB between checkpoints even when nothing leaks.`,
  );
  return { rows, notes };
}

async function measureStartup(serverPath, parts) {
  const times = [];
  for (let i = 0; i < STARTUPS; i++) {
    const client = new BenchClient(serverPath, parts.settings);
    try {
      times.push(await client.initialize());
      await client.stop();
    } finally {
      client.kill();
    }
  }
  return [
    {
      id: 'g-startup',
      measure: `g. Server start to initialize result (bundled dist/server.js, ${STARTUPS} starts)`,
      value: median(times),
      p95: percentile(times, 95),
      target: { maxMs: 300 },
    },
  ];
}

export async function measureEditing(serverPath, parts, path, count, edits) {
  const text = readFileSync(path, 'utf8');
  const uri = `file://${path}`;
  const editor = new ScaleEditor(text, parts.LineIndex);
  const client = new BenchClient(serverPath, parts.settings);
  const rows = [];
  try {
    await client.initialize();
    const openedAt = performance.now();
    await client.open(uri, text);
    const first = await client.diagnosticsOf(1);
    const openMs = first.at - openedAt;
    if (count === 10000) {
      rows.push({ id: 'f-rss-open', measure: `f. Server RSS after opening the ${count}-block model`, mb: client.rssMb(), target: { maxMb: 150 } });
    }

    const latency = { didChange: [], hover: [], inlayHint: [], codeLens: [], codeAction: [], 'codeAction/resolve': [] };
    let diagnostics = first.diagnostics;
    let version = 1;
    const editsStartedAt = performance.now();
    for (let i = 0; i < edits; i++) {
      if (i >= MIN_EDITS && performance.now() - editsStartedAt > EDIT_BUDGET_MS) break;
      const edit = editor.nextEdit();
      version += 1;
      const sentAt = performance.now();
      await client.change(uri, version, edit.range, edit.newText);
      const published = await client.diagnosticsOf(version);
      latency.didChange.push(published.at - sentAt);
      diagnostics = published.diagnostics;
      await timeRequests(client, uri, editor, edit, diagnostics, i, latency);
    }
    const rssAfterEdits = client.rssMb();

    // A text with a syntax error is read in full, not one block at a time.
    const broken = { breaking: [], repairing: [] };
    for (let i = 0; i < BROKEN_EDITS; i++) {
      const [breaking, repairing] = editor.breakAndRepair();
      for (const [name, edit] of [['breaking', breaking], ['repairing', repairing]]) {
        version += 1;
        const sentAt = performance.now();
        await client.change(uri, version, edit.range, edit.newText);
        broken[name].push((await client.diagnosticsOf(version)).at - sentAt);
      }
    }

    const burst = await measureBurst(client, uri, editor, version);
    version = burst.lastVersion;
    await client.stop();

    const budget = count === 1000 ? 30 : 300;
    rows.push({ id: `e-open-${count}`, measure: `e. didOpen to first diagnostics (${count} blocks, ${diagnostics.length} diagnostics)`, value: openMs });
    rows.push({
      id: `e-change-${count}`,
      measure: `e. didChange to publishDiagnostics (${count} blocks, ${latency.didChange.length} edits)`,
      value: median(latency.didChange),
      p95: percentile(latency.didChange, 95),
      target: { p95Ms: budget },
      detail: parts.delayMs !== undefined ? `p95 without the ${parts.delayMs} ms delay: ${(percentile(latency.didChange, 95) - parts.delayMs).toFixed(1)} ms` : undefined,
    });
    rows.push({
      id: `e-break-${count}`,
      measure: `e. didChange that types a quote, breaking the JSON, to publishDiagnostics (${count} blocks, ${broken.breaking.length} edits)`,
      value: median(broken.breaking),
      p95: percentile(broken.breaking, 95),
    });
    rows.push({
      id: `e-repair-${count}`,
      measure: `e. didChange that removes the quote again (${count} blocks, ${broken.repairing.length} edits)`,
      value: median(broken.repairing),
      p95: percentile(broken.repairing, 95),
    });
    for (const [name, samples] of Object.entries(latency)) {
      if (name === 'didChange' || samples.length === 0) continue;
      rows.push({
        id: `e-${name.replace('/', '-')}-${count}`,
        measure: `e. ${name} (${count} blocks, ${samples.length} requests)`,
        value: median(samples),
        p95: percentile(samples, 95),
        target: name === 'hover' && count === 10000 ? { p95Ms: 5 } : undefined,
      });
    }
    rows.push({
      id: `e-burst-${count}`,
      measure: `e. Burst of ${BURST_EDITS} edits (${count} blocks): publishDiagnostics notifications`,
      publishes: burst.publishes,
      versions: burst.versions,
      lastVersion: burst.lastVersion,
      detail: `versions published: ${burst.versions.join(', ') || 'none'}; last version sent: ${burst.lastVersion}`,
      target: { oneAnalysisOfLast: true },
    });
    rows.push({ id: `e-rss-${count}`, info: `Server RSS after the ${latency.didChange.length} edits on the ${count}-block model: ${rssAfterEdits.toFixed(0)} MB.` });
  } finally {
    client.kill();
  }
  return rows;
}

/** Times hover, inlayHint, codeLens, codeAction and codeAction/resolve on the version that was just published. */
async function timeRequests(client, uri, editor, edit, diagnostics, index, latency) {
  const textDocument = { uri };
  const position = index % 2 === 0 ? edit.range.start : editor.layerReference(edit.block);
  let start = performance.now();
  await client.request(protocol.HoverRequest.type, { textDocument, position }, 'hover');
  latency.hover.push(performance.now() - start);

  const line = edit.range.start.line;
  const visible = { start: { line: Math.max(0, line - 30), character: 0 }, end: { line: line + 30, character: 0 } };
  start = performance.now();
  await client.request(protocol.InlayHintRequest.type, { textDocument, range: visible }, 'inlayHint');
  latency.inlayHint.push(performance.now() - start);

  start = performance.now();
  await client.request(protocol.CodeLensRequest.type, { textDocument }, 'codeLens');
  latency.codeLens.push(performance.now() - start);

  const fixable = diagnostics.filter((diagnostic) => diagnostic.code === 'block-vanishing' || diagnostic.code === 'block-exploding');
  if (fixable.length === 0) return;
  const diagnostic = fixable[index % fixable.length];
  start = performance.now();
  const actions = await client.request(
    protocol.CodeActionRequest.type,
    { textDocument, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } },
    'codeAction',
  );
  latency.codeAction.push(performance.now() - start);

  // A server without codeAction/resolve returns every edit at once, and nothing is left to resolve.
  const unresolved = (actions ?? []).find((action) => action.title?.startsWith('Disable ') && action.edit === undefined);
  if (unresolved && index % RESOLVE_EVERY === 0) {
    start = performance.now();
    await client.request(protocol.CodeActionResolveRequest.type, unresolved, 'codeAction/resolve');
    latency['codeAction/resolve'].push(performance.now() - start);
  }
}

/** Sends BURST_EDITS edits without waiting, then counts the publishDiagnostics that follow. */
async function measureBurst(client, uri, editor, version) {
  const before = client.published.length;
  let lastVersion = version;
  for (let i = 0; i < BURST_EDITS; i++) {
    const edit = editor.nextEdit();
    lastVersion += 1;
    await client.change(uri, lastVersion, edit.range, edit.newText);
  }
  await client.diagnosticsOf(lastVersion);
  await new Promise((resolve) => setTimeout(resolve, BURST_QUIET_MS));
  const burst = client.published.slice(before).filter((entry) => entry.version > version);
  return { publishes: burst.length, versions: burst.map((entry) => entry.version), lastVersion };
}

/** Runs edit cycles (one edit, then an inlayHint request that analyses it) and compares RSS after the first 1,000 with RSS at the end. */
async function measureEditMemory(serverPath, parts, path, count, cycles) {
  const text = readFileSync(path, 'utf8');
  const uri = `file://${path}`;
  const editor = new ScaleEditor(text, parts.LineIndex);
  const client = new BenchClient(serverPath, parts.settings);
  const checkpoints = [];
  try {
    await client.initialize();
    await client.open(uri, text);
    await client.diagnosticsOf(1);
    const startedAt = performance.now();
    for (let cycle = 1; cycle <= cycles; cycle++) {
      if (cycle > 2 * MEMORY_FIRST_CYCLES && performance.now() - startedAt > MEMORY_BUDGET_MS) break;
      const edit = editor.nextEdit();
      await client.change(uri, cycle + 1, edit.range, edit.newText);
      const line = edit.range.start.line;
      const visible = { start: { line: Math.max(0, line - 30), character: 0 }, end: { line: line + 30, character: 0 } };
      await client.request(protocol.InlayHintRequest.type, { textDocument: { uri }, range: visible }, 'inlayHint');
      if (cycle % MEMORY_FIRST_CYCLES === 0 || cycle === cycles) checkpoints.push({ cycle, mb: client.rssMb() });
    }
    const elapsedMs = performance.now() - startedAt;
    await client.stop();
    const first = checkpoints.find((point) => point.cycle === Math.min(MEMORY_FIRST_CYCLES, cycles));
    const last = checkpoints[checkpoints.length - 1];
    const stoppedEarly = last.cycle < cycles ? `; stopped after ${MEMORY_BUDGET_MS / 1000} s, short of ${cycles.toLocaleString('en-US')} cycles` : '';
    return [
      {
        id: 'f-rss-cycles',
        measure: `f. Server RSS after ${last.cycle.toLocaleString('en-US')} edit cycles / after ${first.cycle.toLocaleString('en-US')} (${count} blocks)`,
        value: last.mb,
        baseline: first.mb,
        unit: 'MB',
        detail: `RSS every ${MEMORY_FIRST_CYCLES.toLocaleString('en-US')} cycles: ${checkpoints.map((point) => point.mb.toFixed(0)).join(', ')} MB; ${(elapsedMs / last.cycle).toFixed(1)} ms per cycle${stoppedEarly}`,
        target: { max: 1.1 },
      },
    ];
  } finally {
    client.kill();
  }
}
