// Entry of dist/typescriptFrontEnd.js: the TypeScript DSL front end together with the TypeScript
// compiler it parses with. It is a bundle of its own, so the server and the CLI load it only when
// they read a *.arch.ts file (see typescriptFrontEndLoader.ts).
export { readTypeScriptSource, type TypeScriptSourceOptions } from './core/tsSource';
export { stringLiteralPath, type StringLiteralPath } from './core/tsStringPath';
