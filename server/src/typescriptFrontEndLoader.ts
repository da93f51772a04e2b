// Loads the TypeScript DSL front end when the first *.arch.ts file is read. The front end includes
// the TypeScript compiler, which made the bundled server take a median 340 ms instead of 130 ms
// from process start to the initialize result (15 starts on a 2-core machine). So the server and
// the CLI start without it, and a JSON model never loads it.
//
// The front end is required by path, next to the running file, so that esbuild does not bundle it
// into dist/server.js and dist/cli.js. Both builds have a module of that name next to this code:
// esbuild writes dist/typescriptFrontEnd.js next to those bundles, and tsc writes
// out/server/src/typescriptFrontEnd.js next to this file's output, which the tests run.
import { join } from 'node:path';
import type { SourceDocument } from './core/source';
import type * as TypeScriptFrontEnd from './typescriptFrontEnd';

const TYPESCRIPT_FRONT_END_PATH = join(__dirname, 'typescriptFrontEnd.js');

let frontEnd: typeof TypeScriptFrontEnd | undefined;

/** Reads a *.arch.ts file with the TypeScript front end, loading the front end on the first call. */
export function readTypeScriptLazily(text: string, options: TypeScriptFrontEnd.TypeScriptSourceOptions): SourceDocument {
  return loaded().readTypeScriptSource(text, options);
}

/** Returns the value path of the quoted string around an offset of a *.arch.ts text (see tsStringPath.ts). */
export function stringLiteralPathLazily(text: string, offset: number): TypeScriptFrontEnd.StringLiteralPath | undefined {
  return loaded().stringLiteralPath(text, offset);
}

function loaded(): typeof TypeScriptFrontEnd {
  frontEnd ??= require(TYPESCRIPT_FRONT_END_PATH) as typeof TypeScriptFrontEnd;
  return frontEnd;
}
