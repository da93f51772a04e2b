// The `reslint` command line: reads files, runs the core, prints findings or full reports.
// Exit codes: 0 no error-level finding, 1 an error (or too many warnings), 2 usage or read errors.
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { analyzeText, MAX_TEXT_LENGTH, sourceKindOf, type Analysis } from '../core/analysis';
import { fileReport } from '../core/report';
import { AnalysisSettings, MODEL_NAMES } from '../core/schema';
import { readTypeScriptLazily } from '../typescriptFrontEndLoader';
import { sarifLog } from './sarif';
import { countFindings, explainText, findingLines, summaryLine } from './text';

const USAGE = `Usage: reslint <command> [options] <files or globs...>

Commands:
  check     print findings, one per line, and a summary
  explain   print per-block tables, depth stability, the path-length spectrum,
            suggested scales and findings
  schema    print the JSON Schema of *.arch.json files

Options:
  --model <seed|variance|bound>  gain model (default seed; a file's own settings win)
  --band <min,max>               band for the network smoothness W (default 0.01,100)
  --tolerance <t>                report blocks with W_l outside [1 - t, 1 + t] (default 0.1)
  --format <text|json|sarif>     output format (default text)
  --max-warnings <n>             exit 1 when there are more than n warnings (-1: no limit)
  -h, --help                     print this help
  -v, --version                  print the version

Exit codes: 0 no error-level finding; 1 an error-level finding, or more than
--max-warnings warnings; 2 invalid usage or a file that cannot be read.`;

class UsageError extends Error {}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

interface LoadedFile {
  path: string;
  text: string;
  analysis: Analysis;
}

/** Runs the CLI with the given arguments and returns the exit code. It catches every error, so it does not throw. */
export function run(argv: string[], io: Io): number {
  try {
    return runCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`reslint: ${error.message}\nRun 'reslint --help' for usage.`);
      return 2;
    }
    // A bug, not bad input: one line names it, and RESLINT_DEBUG prints the stack for a bug report.
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr(`reslint: internal error: ${detail}. Please report it with the input file; set RESLINT_DEBUG=1 to print the stack.`);
    if (process.env.RESLINT_DEBUG) io.stderr(error instanceof Error ? (error.stack ?? detail) : detail);
    return 2;
  }
}

function runCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseOptions(argv);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(packageVersion());
    return 0;
  }
  const [command, ...patterns] = positionals;
  if (command === undefined) throw new UsageError('missing command: check, explain or schema');
  if (!['check', 'explain', 'schema'].includes(command)) {
    throw new UsageError(`unknown command "${command}"; expected check, explain or schema`);
  }
  if (command === 'schema') {
    if (patterns.length > 0) throw new UsageError(`schema takes no files; found "${patterns[0]}". Redirect its output to save it: reslint schema > arch.schema.json`);
    io.stdout(readFileSync(join(packageRoot(), 'schemas', 'arch.schema.json'), 'utf8').trimEnd());
    return 0;
  }

  const settings = hostSettings(values);
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`invalid --format "${format}"; expected text, json or sarif`);
  const maxWarnings = values['max-warnings'] === undefined ? undefined : parseCount(values['max-warnings']);
  if (patterns.length === 0) throw new UsageError('no files given; pass *.arch.json or *.arch.ts files or globs');

  const { paths, missing } = expandPatterns(patterns, io.cwd);
  let readFailed = missing.length > 0;
  for (const pattern of missing) io.stderr(`reslint: no files match "${pattern}"`);
  const files: LoadedFile[] = [];
  for (const path of paths) {
    const text = readText(path, io);
    if (text === undefined) {
      readFailed = true;
      continue;
    }
    const fileName = resolve(io.cwd, path);
    const readTypeScript = (source: string) => readTypeScriptLazily(source, { fileName, readFile: readImportedFile });
    const analysis = analyzeText(text, sourceKindOf(path), { settings, readTypeScript });
    files.push({ path, text, analysis });
  }

  const counts = countFindings(files.map((file) => file.analysis));
  if (format === 'json') {
    const reports = files.map((file) => fileReport(file.path, file.text, file.analysis, { fixes: command === 'explain' }));
    io.stdout(JSON.stringify({ files: reports }, null, 2));
  } else if (format === 'sarif') {
    io.stdout(JSON.stringify(sarifLog(files, packageVersion()), null, 2));
  } else {
    const lines: string[] = [];
    for (const file of files) {
      // Loops, not push(...list): a file can have hundreds of thousands of findings.
      const fileLines = command === 'explain' ? [...explainText(file.path, file.text, file.analysis), ''] : findingLines(file.path, file.text, file.analysis);
      for (const line of fileLines) lines.push(line);
    }
    if (files.length > 0) lines.push(summaryLine(counts, files.length));
    if (lines.length > 0) io.stdout(lines.map(printable).join('\n'));
  }

  if (readFailed) return 2;
  if (counts.error > 0) return 1;
  if (maxWarnings !== undefined && counts.warning > maxWarnings) {
    io.stderr(`reslint: ${counts.warning} warning${counts.warning === 1 ? '' : 's'} exceed${counts.warning === 1 ? 's' : ''} --max-warnings ${maxWarnings}`);
    return 1;
  }
  return 0;
}

const OPTIONS = {
  model: { type: 'string' },
  band: { type: 'string' },
  tolerance: { type: 'string' },
  format: { type: 'string', short: 'f' },
  'max-warnings': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The options as written on the command line: "--model", and "-f" for the short ones. */
const OPTION_NAMES = new Set(Object.entries(OPTIONS).flatMap(([name, option]) => ['--' + name, ...('short' in option ? ['-' + option.short] : [])]));
const VALUE_OPTIONS = new Set(Object.entries(OPTIONS).flatMap(([name, option]) => (option.type === 'string' ? ['--' + name, ...('short' in option ? ['-' + option.short] : [])] : [])));

function parseOptions(argv: string[]) {
  try {
    return parseArgs({ args: valuesJoined(argv), allowPositionals: true, options: OPTIONS });
  } catch (error) {
    const message = (error as Error).message;
    // Node's message for an unknown option ends in an unbalanced quote. A name with one dash, such
    // as "-1", may be a file, so the message explains how to pass one.
    const unknown = /^Unknown option '([^']*)'/.exec(message);
    if (unknown && unknown[1].startsWith('--')) throw new UsageError(`unknown option "${unknown[1]}"`);
    if (unknown) throw new UsageError(`unknown option "${unknown[1]}"; to check a file whose name starts with "-", write ./${unknown[1]} or put -- before it`);
    throw new UsageError(message);
  }
}

/**
 * Joins each value that starts with a minus sign to its option: "--max-warnings -1" becomes
 * "--max-warnings=-1" and "-f -x" becomes "-f-x", which parseArgs would otherwise reject as
 * ambiguous. An option whose value is missing, or is another option, is a usage error. Arguments
 * after "--" are file names and stay as they are.
 */
function valuesJoined(argv: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--') {
      joined.push(...argv.slice(index));
      break;
    }
    if (!VALUE_OPTIONS.has(argument)) {
      joined.push(argument);
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined || value === '--' || OPTION_NAMES.has(value)) {
      throw new UsageError(`missing value for ${argument}; put the value right after it`);
    }
    if (value.startsWith('-')) {
      joined.push(argument.startsWith('--') ? `${argument}=${value}` : `${argument}${value}`);
      index += 1;
    } else {
      joined.push(argument);
    }
  }
  return joined;
}

/** Settings from the command line, validated by the same schema as a file's "settings". */
function hostSettings(values: { model?: string; band?: string; tolerance?: string }): AnalysisSettings {
  const raw: Record<string, unknown> = {};
  if (values.model !== undefined) {
    if (!(MODEL_NAMES as readonly string[]).includes(values.model)) {
      throw new UsageError(`invalid --model "${values.model}"; expected ${MODEL_NAMES.slice(0, -1).join(', ')} or ${MODEL_NAMES[MODEL_NAMES.length - 1]}`);
    }
    raw.model = values.model;
  }
  if (values.band !== undefined) {
    const parts = values.band.split(',').map((part) => decimal(part.trim()));
    if (parts.length !== 2 || parts.some((part) => !Number.isFinite(part))) {
      throw new UsageError(`invalid --band "${values.band}"; expected two finite numbers "min,max", for example 0.01,100`);
    }
    raw.band = parts;
  }
  if (values.tolerance !== undefined) {
    const tolerance = decimal(values.tolerance.trim());
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new UsageError(`invalid --tolerance "${values.tolerance}"; expected a number from 0 up to (not including) 1, for example 0.1`);
    }
    raw.tolerance = tolerance;
  }
  const parsed = AnalysisSettings.safeParse(raw);
  if (!parsed.success) {
    const option = String(parsed.error.issues[0].path[0] ?? 'band');
    throw new UsageError(`invalid --${option} "${String(values[option as keyof typeof values])}"; expected "min,max" with 0 < min <= 1 <= max and min < max, for example 0.01,100`);
  }
  return parsed.data;
}

/**
 * Reads a number written in decimal, as JSON writes it (with an optional sign), or returns NaN.
 * Number() alone would also take "0x10", "0b1" and an empty string (as 0).
 */
function decimal(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
}

/** Reads --max-warnings: a whole number, or -1 for no limit as in ESLint (undefined). */
function parseCount(text: string): number | undefined {
  const value = decimal(text);
  if (value === -1) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`invalid --max-warnings "${text}"; expected a whole number >= 0, or -1 for no limit`);
  }
  return value;
}

/** Expands globs (the shell may already have done it); a literal path is kept as given. */
function expandPatterns(patterns: string[], cwd: string): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const pattern of patterns) {
    if (!isDynamicPattern(pattern)) {
      paths.push(normalize(pattern));
      continue;
    }
    const matches = globSync(pattern, { cwd, ignore: ['**/node_modules/**'] }).sort();
    if (matches.length === 0) missing.push(pattern);
    paths.push(...matches);
  }
  return { paths: [...new Set(paths)], missing };
}

function readText(path: string, io: Io): string | undefined {
  try {
    const absolute = resolve(io.cwd, path);
    const stats = statSync(absolute);
    if (stats.isDirectory()) {
      io.stderr(`reslint: "${path}" is a directory; pass files or a glob such as "${path.replace(/[\\/]+$/, '')}/**/*.arch.json"`);
      return undefined;
    }
    if (!stats.isFile()) {
      io.stderr(`reslint: "${path}" is not a regular file; pass *.arch.json or *.arch.ts files`);
      return undefined;
    }
    if (stats.size > MAX_TEXT_LENGTH * 4) {
      io.stderr(`reslint: "${path}" is ${stats.size} bytes; files over ${MAX_TEXT_LENGTH * 4} bytes are not read`);
      return undefined;
    }
    const text = readFileSync(absolute, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    io.stderr(`reslint: cannot read "${path}": ${reason}`);
    return undefined;
  }
}

/** Reads a file that a *.arch.ts model imports; the evaluator reports a file that cannot be read. */
function readImportedFile(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Returns the folder of package.json: two levels above dist/cli.js, or four above out/server/src/cli. */
function packageRoot(): string {
  for (const candidate of [join(__dirname, '..'), join(__dirname, '..', '..', '..', '..')]) {
    try {
      statSync(join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not this one
    }
  }
  return join(__dirname, '..');
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}


/**
 * Escapes control characters and bidirectional overrides from names in the file, so a block name
 * cannot start a new output line, colour the terminal or reorder the displayed text.
 */
export function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) =>
    `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

if (require.main === module) {
  // A reader that stops early (reslint explain ... | head) closes the pipe; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
