// The TypeScript DSL front end (*.arch.ts). Placeholder until the static evaluator lands: it
// reports that the file was not evaluated.
import type { SourceDocument } from './source';

export function readTypeScriptSource(text: string): SourceDocument {
  return {
    value: undefined,
    locate: () => undefined,
    length: text.length,
    problems: [
      {
        code: 'not-evaluated',
        message: 'TypeScript model files are not analysed by this version; write the model as *.arch.json.',
        span: { start: 0, end: Math.min(1, text.length) },
      },
    ],
    editor: { setNumber: () => undefined, wrapList: () => undefined },
  };
}
