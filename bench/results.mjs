// Judges each measured row against its target and renders the results as a Markdown table, for
// the console and for bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { formatMs } from './stats.mjs';

/** Returns 'met', 'missed' or '' (no target) for a row. */
export function verdict(row) {
  const target = row.target;
  if (!target || row.caveat) return '';
  let met;
  if (target.max !== undefined && row.exponent !== undefined) met = row.exponent <= target.max;
  else if (target.max !== undefined) met = row.value / row.baseline <= target.max;
  else if (target.maxMs !== undefined) met = row.value <= target.maxMs;
  else if (target.p95Ms !== undefined) met = row.p95 <= target.p95Ms;
  else if (target.maxMb !== undefined) met = row.mb <= target.maxMb;
  else if (target.oneAnalysisOfLast) met = row.publishes === 1 && row.versions[0] === row.lastVersion;
  return met ? 'met' : 'missed';
}

function describeTarget(row) {
  const target = row.target;
  if (!target) return '';
  if (target.max !== undefined && row.exponent !== undefined) return `exponent <= ${target.max}`;
  if (target.max !== undefined) return `ratio <= ${target.max}`;
  if (target.maxMs !== undefined) return `median <= ${target.maxMs} ms`;
  if (target.p95Ms !== undefined) return `p95 <= ${target.p95Ms} ms`;
  if (target.maxMb !== undefined) return `<= ${target.maxMb} MB`;
  if (target.oneAnalysisOfLast) return 'one publish, of the last version';
  return '';
}

function formatValue(row, value) {
  return row.unit === 'MB' ? `${value.toFixed(0)} MB` : formatMs(value);
}

function describeResult(row) {
  if (row.exponent !== undefined) return `exponent ${row.exponent.toFixed(2)}`;
  if (row.mb !== undefined) return `${row.mb.toFixed(0)} MB`;
  if (row.publishes !== undefined) return `${row.publishes} publish${row.publishes === 1 ? '' : 'es'}`;
  const p95 = row.p95 !== undefined ? `, p95 ${formatMs(row.p95)}` : '';
  return `${row.p95 !== undefined ? 'p50 ' : ''}${formatValue(row, row.value)}${p95}`;
}

function escapeCell(text) {
  return String(text ?? '').replace(/\|/g, '\\|');
}

/** Renders the rows as a Markdown table; rows without a measurement (info) are listed below it. */
export function renderTable(rows) {
  const lines = ['| Measure | Result | Baseline | Ratio | Target | Verdict |', '| --- | --- | --- | --- | --- | --- |'];
  const infos = [];
  for (const row of rows) {
    if (row.info) {
      infos.push(`- ${row.info}`);
      continue;
    }
    const hasBaseline = row.baseline !== undefined;
    const ratio = hasBaseline ? `${(row.value / row.baseline).toFixed(2)}x` : '';
    let verdictText = verdict(row);
    if (row.caveat) verdictText = `not judged: ${row.caveat}`;
    else if (verdictText === 'missed') verdictText = '**missed**';
    const detail = row.detail ? ` (${row.detail})` : '';
    lines.push(
      `| ${escapeCell(row.measure + detail)} | ${escapeCell(describeResult(row))} | ${hasBaseline ? formatValue(row, row.baseline) : ''} | ${ratio} | ${escapeCell(describeTarget(row))} | ${verdictText} |`,
    );
  }
  return [...lines, ...(infos.length > 0 ? ['', ...infos] : [])].join('\n');
}

/** Describes the machine for the results header: CPU model, cores, memory, Node version, OS and commit. */
export function describeMachine(root) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const memTotalKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    // Not a git checkout; the commit stays unknown.
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: memTotalKb / 1024 / 1024,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    commit,
  };
}

export function renderResults({ machine, startedAt, finishedAt, loadBefore, loadAfter, rows, notes, hotSpots, missedNotes }) {
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.mjs). Times are medians of interleaved samples taken in one run, and every ratio divides by a baseline measured in that same run. A sample of the analysis core is as many runs in a row as fill 50 ms for the slowest candidate of its comparison (one run from about 50 ms up), the same number for each candidate, and follows a forced collection of the young generation, so that one candidate's young garbage is not collected in another's sample (what earlier samples moved to the old generation is collected wherever the next full collection falls). The verdicts describe continuous editing. Rows marked "after a forced full collection" show what a full collection before each sample does instead: it frees the object shapes that V8 compiled the code against, and the first runs after it run slower code. In the server V8's memory reducer does the same a few seconds after typing stops, so these rows approximate the first analyses after a pause.`,
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores`,
    `- Memory: ${machine.memoryGiB.toFixed(1)} GiB`,
    `- Node ${machine.node} on ${machine.platform}`,
    `- Commit: ${machine.commit}`,
    `- Date: ${startedAt.toISOString()} to ${finishedAt.toISOString()}`,
    `- Load average (1 min) at start and end: ${loadBefore.toFixed(2)} and ${loadAfter.toFixed(2)}. A load above the core count means other processes shared the CPU, which makes the absolute times longer than on an idle machine.`,
    '',
    '## Results',
    '',
    renderTable(rows),
    '',
  ];
  if (notes.length > 0) lines.push('## Notes', '', ...notes.map((note) => `- ${note}`), '');
  if (missedNotes && rows.some((row) => verdict(row) === 'missed')) {
    lines.push('## Missed targets: causes and what remains', '', 'From bench/MISSED.md, kept by hand from the profiles of the runs.', '', missedNotes.trim(), '');
  }
  if (hotSpots) {
    lines.push(
      '## Profile of the 10,000-block analysis',
      '',
      `A core target was missed, so the run profiled ${hotSpots.runs} analyses of blocks-10000.arch.json with \`node --cpu-prof\` (${hotSpots.file}). Functions by self time:`,
      '',
      '| Self time | Share | Function and location |',
      '| --- | --- | --- |',
      ...hotSpots.functions.map((row) => `| ${row.ms.toFixed(0)} ms | ${(row.share * 100).toFixed(1)}% | ${escapeCell(row.where)} |`),
      '',
    );
  }
  return lines.join('\n');
}
