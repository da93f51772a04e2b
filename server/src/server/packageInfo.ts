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

/** Returns the file URL of a code's section in docs/codes.md, which the extension ships. */
export function codeHref(code: Code): string {
  // Every diagnostic of every publish links its code, and finding the folder checks the disk.
  codesFileUrl ??= pathToFileURL(join(extensionRoot(), 'docs', 'codes.md')).href;
  return codeDocsUrl(codesFileUrl, code);
}

let codesFileUrl: string | undefined;
