// Profiles the full analysis of one workload with `node --cpu-prof` and prints the functions with
// the most self time, so a missed target can be traced to a function in server/src/core/.
//
//   node bench/profile.mjs [workload] [runs]    (default: blocks-10000.arch.json, 3 runs)
//
// The profile is written to bench/profiles/ (git-ignored) and can be opened in Chrome DevTools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FOLDER, generateWorkloads } from './generate.mjs';

const benchFolder = dirname(fileURLToPath(import.meta.url));
const root = join(benchFolder, '..');
const profileFolder = join(benchFolder, 'profiles');
const TOP_FUNCTIONS = 25;

/** Runs inside the profiled child: analyses the workload `runs` times. */
function analyseRepeatedly(path, runs) {
  const require = createRequire(import.meta.url);
  const { analyzeText, sourceKindOf } = require(join(root, 'out/server/src/core/analysis.js'));
  const { readTypeScriptSource } = require(join(root, 'out/server/src/core/tsSource.js'));
  const text = readFileSync(path, 'utf8');
  const options = { readTypeScript: (source) => readTypeScriptSource(source, { fileName: path, readFile: () => undefined }) };
  for (let run = 0; run < runs; run++) analyzeText(text, sourceKindOf(path), options);
}

/** Sums self time per function (name, file and line) over the profile's samples. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const sampleMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    sampleMs.set(id, (sampleMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const totals = new Map();
  for (const [id, ms] of sampleMs) {
    const frame = byId.get(id).callFrame;
    const file = frame.url.startsWith('file:') ? relative(root, fileURLToPath(frame.url)) : frame.url || '(native)';
    const key = `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + ms);
  }
  const all = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([where, ms]) => ({ where, ms, share: ms / all }));
}

function newestProfile(since) {
  const candidates = readdirSync(profileFolder)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(profileFolder, name))
    .filter((path) => statSync(path).mtimeMs >= since);
  return candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/**
 * Profiles `runs` analyses of a workload in a child process started with --cpu-prof and returns
 * the profile's path and its functions by self time.
 */
export function profileWorkload(workload, runs) {
  const path = join(DEFAULT_FOLDER, workload);
  if (!existsSync(path)) generateWorkloads(DEFAULT_FOLDER);
  mkdirSync(profileFolder, { recursive: true });
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${profileFolder}`, fileURLToPath(import.meta.url), '--child', path, String(runs)],
    { stdio: 'inherit', timeout: 600_000 },
  );
  if (child.status !== 0) throw new Error(`the profiled run failed (status ${child.status}, signal ${child.signal})`);
  const file = newestProfile(started);
  if (!file) throw new Error(`no .cpuprofile was written to ${profileFolder}`);
  return { file: relative(root, file), functions: selfTimes(JSON.parse(readFileSync(file, 'utf8'))) };
}

function main() {
  const [workload = 'blocks-10000.arch.json', runs = '3'] = process.argv.slice(2);
  const profile = profileWorkload(workload, Number(runs));
  console.log(`Profile: ${profile.file} (${workload}, ${runs} analyses)`);
  console.log('self ms   share  function  file:line');
  for (const row of profile.functions.slice(0, TOP_FUNCTIONS)) {
    console.log(`${row.ms.toFixed(0).padStart(7)}  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.where}`);
  }
}

if (process.argv[2] === '--child') analyseRepeatedly(process.argv[3], Number(process.argv[4]));
else if (process.argv[1] === fileURLToPath(import.meta.url)) main();
