// LineIndex against a naive count of line breaks, on texts with and without carriage returns,
// which take different paths through the constructor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../server/src/core/lines';

/** Returns the position of an offset by reading the text up to it. */
function naivePosition(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const code = text.charCodeAt(i);
    // A \r followed by \n ends its line at the \n, so an offset between them is still on the \r's line.
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

const textArbitrary = fc.oneof(
  fc.array(fc.constantFrom('a', 'bc', '\n', '\n\n', 'é', '😀'), { maxLength: 40 }).map((parts) => parts.join('')),
  fc.array(fc.constantFrom('a', '\n', '\r', '\r\n', '😀'), { maxLength: 40 }).map((parts) => parts.join('')),
);

test('LineIndex: positionAt and offsetAt agree with a naive count', () => {
  fc.assert(
    fc.property(textArbitrary, (text) => {
      const lines = new LineIndex(text);
      for (let offset = 0; offset <= text.length; offset++) {
        const position = lines.positionAt(offset);
        assert.deepEqual(position, naivePosition(text, offset), `offset ${offset} of ${JSON.stringify(text)}`);
        // Between \r and \n is not a position LSP allows; it maps to the line's end, the \r.
        const insideCrLf = text[offset - 1] === '\r' && text[offset] === '\n';
        assert.equal(lines.offsetAt(position), insideCrLf ? offset - 1 : offset, `offset ${offset}`);
        // A character past the line's length means the line's end.
        const lineEnd = lines.offsetAt({ line: position.line, character: 1e9 });
        assert.ok(lineEnd >= offset || insideCrLf, `line end ${lineEnd} before offset ${offset}`);
        assert.ok(lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r', `line end ${lineEnd} of ${JSON.stringify(text)}`);
      }
      assert.equal(lines.lineCount, naivePosition(text, text.length).line + 1);
    }),
    { seed: 3, numRuns: 2000 },
  );
});
