// Resolution of relative imports in *.arch.ts files to the paths handed to the injected readFile.
// Plain string work instead of node:path, so the core stays free of Node APIs.

/** Tests whether a module specifier is relative ("./blocks", "../shared/ops.ts"), the only kind of import followed. */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** Tests whether a specifier names this package or a subpath of it, which provide defineModel. */
export function isReslintSpecifier(specifier: string): boolean {
  return specifier === 'reslint' || specifier.startsWith('reslint/');
}

/**
 * Candidate files for a relative specifier, in the order TypeScript's module resolution tries
 * them: the path itself when it names a .ts file, "x.js" as "x.ts" (ES module style), otherwise
 * "x.ts" and then "x/index.ts".
 */
export function importCandidates(specifier: string, importerPath: string): string[] {
  const separator = importerPath.includes('\\') && !importerPath.includes('/') ? '\\' : '/';
  const base = joinPath(directoryOf(importerPath), specifier, separator);
  if (/\.(ts|mts|cts)$/i.test(specifier)) return [base];
  const jsStyle = /\.(js|mjs|cjs)$/i.exec(specifier);
  if (jsStyle) return [base.slice(0, -jsStyle[1].length) + jsStyle[1].replace(/js$/i, 'ts')];
  return [`${base}.ts`, `${base}${separator}index.ts`];
}

/**
 * Returns the extension of a specifier that names a file other than TypeScript or JavaScript,
 * such as ".json" of "./data.json". importCandidates never reads such a file. Returns undefined
 * for other specifiers.
 */
export function unreadExtension(specifier: string): string | undefined {
  const name = specifier.slice(Math.max(specifier.lastIndexOf('/'), specifier.lastIndexOf('\\')) + 1);
  const extension = /\.[A-Za-z0-9]+$/.exec(name)?.[0];
  if (extension === undefined || /^\.[mc]?[tj]s$/i.test(extension)) return undefined;
  return extension;
}

/** Shortens a path to "./blocks.ts" form when it lies in the folder of `fromFile`; other paths stay as they are. */
export function displayPath(path: string, fromFile: string): string {
  const directory = directoryOf(fromFile);
  if (directory === '') return path;
  const prefix = /[\\/]$/.test(directory) ? directory : directory + fromFile[directory.length];
  return path.startsWith(prefix) ? `./${path.slice(prefix.length).replace(/\\/g, '/')}` : path;
}

function directoryOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '';
  // Keep the root itself: the folder of "/model.ts" is "/", of "C:\model.ts" is "C:\".
  return cut === 0 || /^[A-Za-z]:$/.test(path.slice(0, cut)) ? path.slice(0, cut + 1) : path.slice(0, cut);
}

/** Joins a relative path onto a folder, resolving "." and ".." segments; ".." never leaves the root. */
function joinPath(directory: string, relative: string, separator: string): string {
  const rooted = /^([A-Za-z]:)?[\\/]/.exec(directory);
  const root = rooted ? rooted[0].replace(/[\\/]$/, separator) : '';
  const parts = directory
    .slice(root.length)
    .split(/[\\/]/)
    .filter((part) => part !== '' && part !== '.');
  for (const segment of relative.split(/[\\/]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (root === '') parts.push('..');
      continue;
    }
    parts.push(segment);
  }
  return root + parts.join(separator);
}
