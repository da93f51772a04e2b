// The rule for the documents that the server analyses. The VS Code client sends only the documents
// its document selector names (client/src/extension.ts), but other editors' clients send every
// document they open, so the server applies the same rule itself.
import picomatch from 'picomatch';

/** Endings of the file names that are always model files. */
const MODEL_FILE_ENDINGS = ['.arch.json', '.arch.ts'];

/** Compiled `reslint.files` patterns. A user sets only a few, so the cache stays small. */
const matchers = new Map<string, (path: string) => boolean>();

// Returns whether the file at `path` is a model file: its name ends in .arch.json or .arch.ts, or
// its path matches one of `extraPatterns` (the `reslint.files` setting). A pattern is matched
// against the whole absolute path, as VS Code matches a document filter's pattern, so
// "**/models/*.json" matches a models folder anywhere and "models/*.json" matches nothing.
// Blank patterns are skipped, as the client skips them.
export function isModelFile(path: string, extraPatterns: readonly string[]): boolean {
  if (MODEL_FILE_ENDINGS.some((ending) => path.endsWith(ending))) return true;
  return extraPatterns.some((pattern) => pattern.trim() !== '' && matcherOf(pattern)(path));
}

function matcherOf(pattern: string): (path: string) => boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    // VS Code's globs let `*` and `**` match names that start with a dot, such as .config.
    matcher = picomatch(pattern, { dot: true });
    matchers.set(pattern, matcher);
  }
  return matcher;
}
