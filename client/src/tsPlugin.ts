// A TypeScript server plugin that VS Code's TypeScript support loads (package.json
// "typescriptServerPlugins"). It makes `import { defineModel } from 'reslint'` resolve to the
// declarations that ship with the extension, so that an editor of a *.arch.ts model completes and
// checks its keys in a project without a reslint package. An import of "reslint" that TypeScript
// resolves by itself, to an installed package, is left alone.
import * as path from 'node:path';
import type * as ts from 'typescript';

/** The module name that model files import defineModel and the input types from. */
export const MODULE_NAME = 'reslint';

/** Path of the declarations, which the build writes next to this bundle (dist/types/dsl.d.ts). */
export const DECLARATIONS = path.join(__dirname, 'types', 'dsl.d.ts');

type ResolveLiterals = NonNullable<ts.LanguageServiceHost['resolveModuleNameLiterals']>;

/**
 * Returns the host's resolver with unresolved imports of "reslint" resolved to the declarations.
 * A result of the host's own resolution for any other module is returned unchanged.
 */
export function withReslintModule(typescript: typeof ts, resolve: ResolveLiterals, declarations = DECLARATIONS): ResolveLiterals {
  const resolvedModule: ts.ResolvedModuleFull = {
    resolvedFileName: declarations,
    extension: typescript.Extension.Dts,
    // An external library: its own contents are not checked or reported on, as for a package.
    isExternalLibraryImport: true,
  };
  return (literals, ...rest) => {
    const resolved = resolve(literals, ...rest);
    return resolved.map((entry, index) => (literals[index].text === MODULE_NAME && !entry.resolvedModule ? { resolvedModule } : entry));
  };
}

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  return {
    create(info) {
      const host = info.languageServiceHost;
      // The projects of TypeScript 5's tsserver implement this. A host without it keeps its own resolution.
      const resolve = host.resolveModuleNameLiterals?.bind(host);
      if (resolve) {
        host.resolveModuleNameLiterals = withReslintModule(modules.typescript, resolve);
        info.project.projectService.logger.info(`ResLint: imports of "${MODULE_NAME}" that no package provides resolve to ${DECLARATIONS}`);
      }
      return info.languageService;
    },
  };
}

export default init;
