// Build step after `tsc`: writes the generated JSON Schema and bundles the CLI, the language
// server, the TypeScript front end they share and the extension with esbuild into dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { modelJsonSchema } = require(join(root, 'out/server/src/core/schema.js'));

mkdirSync(join(root, 'schemas'), { recursive: true });
writeFileSync(join(root, 'schemas/arch.schema.json'), `${JSON.stringify(modelJsonSchema(), null, 2)}\n`);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's UMD build loads its parts with a dynamic require that bundles miss; its ESM
  // build bundles cleanly.
  mainFields: ['module', 'main'],
  // Some ESM dependencies (fdir, under tinyglobby) read import.meta.url, which a CommonJS bundle
  // lacks; give them this file's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
};
const urlBanner = "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;";
const entries = [
  { entryPoints: [join(root, 'server/src/cli/main.ts')], outfile: join(root, 'dist/cli.js'), banner: { js: `#!/usr/bin/env node\n${urlBanner}` } },
  { entryPoints: [join(root, 'server/src/server/main.ts')], outfile: join(root, 'dist/server.js'), banner: { js: urlBanner } },
  // The TypeScript front end and the compiler, which the CLI and the server require from next to
  // themselves on the first *.arch.ts file (server/src/typescriptFrontEndLoader.ts).
  { entryPoints: [join(root, 'server/src/typescriptFrontEnd.ts')], outfile: join(root, 'dist/typescriptFrontEnd.js'), banner: { js: urlBanner } },
  { entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(root, 'dist/extension.js'), banner: { js: urlBanner }, external: ['vscode'] },
  // What `import { defineModel } from 'reslint'` loads if a model file is ever run; its types come
  // from the declarations written below.
  { entryPoints: [join(root, 'server/src/dsl.ts')], outfile: join(root, 'dist/dsl.js'), sourcemap: false },
];
for (const entry of entries) await build({ ...common, ...entry });

// Declarations of the DSL types for editors of *.arch.ts files (package.json "types").
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), 'server/src/dsl.ts', '--declaration', '--emitDeclarationOnly', '--strict', '--skipLibCheck', '--module', 'commonjs', '--target', 'ES2022', '--moduleResolution', 'node', '--esModuleInterop', '--outDir', 'dist/types'],
  { cwd: root, stdio: 'inherit' },
);
