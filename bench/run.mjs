// Runs every benchmark, prints the results table and writes bench/RESULTS.md.
//
//   npm run build && node --expose-gc bench/run.mjs [--edits N] [--memory-cycles N] [--no-server]
//
// --edits sets the edits per model for the editor latencies (default 200), --memory-cycles the
// edit cycles of the memory check (default 10,000), and --no-server skips the language server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCore } from './core.mjs';
import { DEFAULT_FOLDER, generateWorkloads } from './generate.mjs';
import { profileWorkload } from './profile.mjs';
import { describeMachine, renderResults, renderTable, verdict } from './results.mjs';
import { EDITS, MEMORY_CYCLES, measureServer } from './server.mjs';

const benchFolder = dirname(fileURLToPath(import.meta.url));
const root = join(benchFolder, '..');
const PROFILED_RUNS = 2;
const HOT_SPOT_ROWS = 15;

async function main() {
  const { values } = parseArgs({
    options: {
      edits: { type: 'string', default: String(EDITS) },
      'memory-cycles': { type: 'string', default: String(MEMORY_CYCLES) },
      'no-server': { type: 'boolean', default: false },
    },
  });
  if (!existsSync(join(root, 'out/server/src/core/analysis.js'))) {
    throw new Error('out/server/src/core/analysis.js is missing; run npm run build first.');
  }
  if (typeof globalThis.gc !== 'function') {
    console.warn('Warning: node was started without --expose-gc, so garbage from one sample can be collected during the next.');
  }

  const startedAt = new Date();
  const loadBefore = os.loadavg()[0];
  const machine = describeMachine(root);
  console.log(`Generating workloads in ${DEFAULT_FOLDER}`);
  const workloads = generateWorkloads(DEFAULT_FOLDER);

  console.log('Measuring the analysis core (a to d)');
  const core = await measureCore({ root, workloads });
  const rows = [...core.rows];
  const notes = [
    'JSON.parse cannot read comments, so it reads the text with its comments removed by jsonc-parser stripComments (outside the timing).',
    ...core.notes,
  ];

  if (values['no-server']) {
    notes.push('The language server was not measured (--no-server): e, f and g are missing.');
  } else {
    console.log('Measuring the language server (e to g)');
    const server = await measureServer({ root, workloads, edits: Number(values.edits), memoryCycles: Number(values['memory-cycles']) });
    if (server.skipped) notes.push(server.skipped);
    else {
      rows.push(...server.rows);
      notes.push(...server.notes);
    }
  }

  const coreMissed = rows.some((row) => (row.id === 'a-10000' || row.id === 'd-growth' || row.id === 'c-10000') && verdict(row) === 'missed');
  let hotSpots;
  if (coreMissed) {
    console.log('A core target was missed; profiling the 10,000-block analysis');
    const profile = profileWorkload('blocks-10000.arch.json', PROFILED_RUNS);
    hotSpots = { runs: PROFILED_RUNS, file: profile.file, functions: profile.functions.slice(0, HOT_SPOT_ROWS) };
  }

  const missedPath = join(benchFolder, 'MISSED.md');
  const missedNotes = existsSync(missedPath) ? readFileSync(missedPath, 'utf8').replace(/^#[^\n]*\n/, '') : undefined;
  const results = renderResults({ machine, startedAt, finishedAt: new Date(), loadBefore, loadAfter: os.loadavg()[0], rows, notes, hotSpots, missedNotes });
  writeFileSync(join(benchFolder, 'RESULTS.md'), `${results}\n`);
  console.log(`\n${renderTable(rows)}\n`);
  const missed = rows.filter((row) => verdict(row) === 'missed').length;
  console.log(`${missed} target(s) missed. Written to bench/RESULTS.md.`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
