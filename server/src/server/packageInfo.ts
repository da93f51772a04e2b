// The extension's folder and version, found from the running file: dist/server.js when bundled,
// out/server/src/server/*.js when run from the tsc output in tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeDocsUrl, type Code } from '../core/codes';

/** Returns the folder that contains package.json, docs/ and schemas/. */
export function extensionRoot(): string {
  for (const candidate of [join(__dirname, '..'), join(__dirname, '..', '..', '..', '..')]) {
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return join(__dirname, '..');
}

/** The version in package.json, or "unknown" when it cannot be read. */
export function extensionVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(extensionRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Returns the file URL of a code's section in docs/codes.md, which the extension ships. VS Code
 * opens a file URL at the line that a "#L<n>" fragment names and ignores a heading's name. So the
 * fragment is the line of the code's heading, or the heading's name when the line is not found.
 */
export function codeHref(code: Code): string {
  // Every diagnostic of every publish links its code, and finding the folder checks the disk.
  if (!codesFile) {
    const path = join(extensionRoot(), 'docs', 'codes.md');
    codesFile = { url: pathToFileURL(path).href, headingLines: headingLinesOf(path) };
  }
  const line = codesFile.headingLines.get(code);
  return line === undefined ? codeDocsUrl(codesFile.url, code) : `${codesFile.url}#L${line}`;
}

/** Returns the 1-based line of each "## <code>" heading, or none when the file cannot be read. */
function headingLinesOf(path: string): Map<string, number> {
  const lines = new Map<string, number>();
  try {
    readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .forEach((text, index) => {
        const heading = /^## (\S+)\s*$/.exec(text);
        if (heading) lines.set(heading[1], index + 1);
      });
  } catch {
    // The link then names the heading, which still opens the file.
  }
  return lines;
}

let codesFile: { url: string; headingLines: Map<string, number> } | undefined;
