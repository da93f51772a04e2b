// Generators and properties for fuzzing the core: valid models as text, text mutations, and the
// checks every analysis of any text must pass. Used by the bounded run in the test suite and by
// scripts/fuzz.mjs for long runs.
import fc from 'fast-check';
import { analyzeText, fixesFor, type Analysis } from '../server/src/core/analysis';
import { CATALOG } from '../server/src/core/catalog';
import { applyTextEdits } from '../server/src/core/source';

const OP_NAMES = Object.keys(CATALOG);

const opArbitrary = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...OP_NAMES) },
  { weight: 1, arbitrary: fc.record({ gain: fc.double({ min: 0, max: 4, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('leaky_relu', 'prelu'), slope: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('linear', 'conv'), init: fc.constantFrom('he', 'xavier', 'zero') }) },
  { weight: 1, arbitrary: fc.record({ scale: fc.double({ min: 0.01, max: 3, noNaN: true }) }) },
);

const pathArbitrary = fc.oneof(
  fc.array(opArbitrary, { maxLength: 5 }),
  fc.record({ ops: fc.array(opArbitrary, { maxLength: 5 }), scale: fc.double({ min: 0.01, max: 3, noNaN: true }) }),
);

const namedBlockArbitrary = fc.record(
  {
    paths: fc.dictionary(fc.constantFrom('shortcut', 'residual', 'branch', 'skip', 'b2'), pathArbitrary, { minKeys: 1, maxKeys: 4 }),
    afterSum: fc.array(fc.constantFrom(...OP_NAMES), { maxLength: 2 }),
  },
  { requiredKeys: ['paths'] },
);

const graphBlockArbitrary = fc.integer({ min: 2, max: 5 }).chain((nodes) =>
  fc.record({
    graph: fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: nodes - 2 }), fc.integer({ min: 1, max: nodes - 1 }))
        .filter(([a, b]) => a < b)
        .chain(([a, b]) =>
          fc.record(
            {
              from: fc.constant(a === 0 ? 'in' : `n${a}`),
              to: fc.constant(b === nodes - 1 ? 'out' : `n${b}`),
              ops: fc.array(opArbitrary, { maxLength: 3 }),
              scale: fc.double({ min: 0.01, max: 3, noNaN: true }),
            },
            { requiredKeys: ['from', 'to'] },
          ),
        ),
      { minLength: 1, maxLength: 8 },
    ),
  }),
);

/** A valid model: a few blocks (some nesting earlier ones), layers that use them, optional settings. */
export const modelArbitrary = fc
  .array(fc.oneof(namedBlockArbitrary, graphBlockArbitrary), { minLength: 1, maxLength: 4 })
  .chain((blocks) => {
    const names = blocks.map((_, i) => `block${i}`);
    const layer = fc.oneof(
      fc.array(fc.constantFrom(...OP_NAMES), { minLength: 1, maxLength: 3 }),
      fc.record({ block: fc.constantFrom(...names), repeat: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constant(1e12)) }),
    );
    return fc.record(
      {
        reslint: fc.constant(1),
        settings: fc.record(
          { model: fc.constantFrom('seed', 'variance', 'bound'), band: fc.constantFrom([0.01, 100], [1e-3, 1e3]) },
          { requiredKeys: [] },
        ),
        blocks: fc.constant(Object.fromEntries(blocks.map((block, i) => [names[i], block]))),
        layers: fc.array(layer, { minLength: 1, maxLength: 6 }),
      },
      { requiredKeys: ['reslint', 'blocks', 'layers'] },
    );
  });

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', 'null', 'true', '-1', '0', '1e308', 'NaN', '"relu"', '"block"', '"repeat"', '// c\n', '/*', '\u202e', '\r\n', '\uFEFF', '"\\u0000"'];

/** Text mutations: truncation, deletion, insertion of tokens, and swapping a value's type. */
export const mutatedTextArbitrary = fc.tuple(modelArbitrary, fc.integer({ min: 0, max: 2 })).chain(([model, indent]) => {
  const text = JSON.stringify(model, null, indent);
  const position = fc.integer({ min: 0, max: text.length });
  return fc.oneof(
    fc.constant(text),
    position.map((at) => text.slice(0, at)),
    fc.tuple(position, fc.integer({ min: 1, max: 20 })).map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc.tuple(position, fc.constantFrom(...TOKENS)).map(([at, token]) => text.slice(0, at) + token + text.slice(at)),
    fc
      .tuple(fc.constantFrom('repeat', 'gain', 'scale', 'slope', 'band'), fc.constantFrom('"x"', '[]', '{}', 'null', '-5', '1e308', '0', '2.5'))
      .map(([key, replacement]) => text.replace(new RegExp(`("${key}":\\s*)[^,}\\]\\s]+`), `$1${replacement}`)),
  );
});


/** A failed property, with the text that broke it. */
export class PropertyViolation extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) throw new PropertyViolation(message);
}

const NUMBER_PATTERN = /\bNaN\b|\bundefined\b/;

/** The properties of one analysis: ranges in the text, no NaN, fixes that parse and reach their W_l. */
export function checkAnalysis(text: string, analysis: Analysis = analyzeText(text, 'json')): void {
  check(Number.isFinite(analysis.network.log10W) || analysis.network.log10W === -Infinity, `log10 W is ${analysis.network.log10W}`);
  for (const finding of analysis.findings) {
    check(finding.span.start >= 0 && finding.span.start <= finding.span.end && finding.span.end <= text.length, `${finding.code} range ${JSON.stringify(finding.span)} outside a text of ${text.length}`);
    if (finding.code !== 'syntax-error') check(!NUMBER_PATTERN.test(finding.message), `${finding.code} message shows a non-number: ${finding.message}`);
    if (!finding.subject) continue;
    const { fixes } = fixesFor(analysis, finding);
    for (const fix of fixes) {
      const edited = applyTextEdits(text, fix.edits);
      const after = analyzeText(edited, 'json', {});
      const syntaxBefore = analysis.findings.filter((f) => f.code === 'syntax-error').length;
      const syntaxAfter = after.findings.filter((f) => f.code === 'syntax-error').length;
      check(syntaxAfter <= syntaxBefore, `fix "${fix.title}" added a syntax error`);
      const block = after.model.blocks.get(fix.solution.block.name);
      const result = block && after.blocks.get(block)?.[analysis.settings.model];
      check(result !== undefined, `fix "${fix.title}": block ${fix.solution.block.name} not analysable after the edit`);
      if (!result) continue;
      const stated = fix.solution.log10Wl;
      const reached = result.log10Wl;
      const relative = Math.abs(Math.pow(10, reached - stated) - 1);
      check(relative <= 1e-9, `fix "${fix.title}": stated W_l 10^${stated}, reached 10^${reached}`);
    }
  }
}
