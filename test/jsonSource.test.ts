// The JSON reader against jsonc-parser's own tree: the same values, and for every part of a
// document the same value and key ranges as findNodeAtLocation, on random documents with comments,
// trailing commas and syntax errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, stripComments, type Node } from 'jsonc-parser';
import { LazyLayout, quickRead } from '../server/src/core/jsonLazy';
import { commentOutLongSpaces, editSetsOnly, MAX_JSON_DEPTH, readJsonSource, setJsonValue, spacedJson } from '../server/src/core/jsonSource';
import { sameValue, type ValuePath } from '../server/src/core/source';

/** Renders a value as JSON with comments between lines and, at random, trailing commas. */
const documentArbitrary = fc
  .tuple(
    fc.jsonValue({ maxDepth: 5 }),
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.constantFrom('// note', '/* block */', ''), { minLength: 1, maxLength: 8 }),
    fc.boolean(),
  )
  .map(([value, indent, comments, trailing]) => {
    const lines = JSON.stringify(value, null, indent).split('\n');
    const text = lines.map((line, index) => `${line} ${comments[index % comments.length]}`).join('\n');
    return trailing ? text.replace(/(\d|"|true|false|null)(\s*\n\s*[}\]])/, '$1,$2') : text;
  })
  .filter((text) => !text.includes('__proto__'));

/** Lists every path into a value, objects and lists included, outermost first. */
function allPaths(value: unknown, prefix: ValuePath = []): ValuePath[] {
  const paths: ValuePath[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...allPaths(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...allPaths(item, [...prefix, key]));
  }
  return paths;
}

/** Returns jsonc-parser's value with ordinary prototypes (getNodeValue makes objects without one). */
function treeValue(root: Node): unknown {
  return JSON.parse(JSON.stringify(getNodeValue(root)) ?? 'null');
}

function spanOf(node: Node): { start: number; end: number } {
  return { start: node.offset, end: node.offset + node.length };
}

/** A model-like document: a "blocks" object of random objects among other keys, with comments. */
const blocksDocumentArbitrary = fc
  .tuple(
    fc.dictionary(
      fc.string({ maxLength: 6 }),
      // Objects of more than sixteen keys are found by a map from key to position.
      fc.oneof(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
        fc.dictionary(fc.string({ minLength: 2, maxLength: 4 }), fc.integer(), { minKeys: 17, maxKeys: 20 }),
      ),
      { minKeys: 1, maxKeys: 20 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('// note', '/* block */', ''),
  )
  .map(([blocks, other, indent, comment]) => {
    // A "blocks" list is invalid, but an edit inside one of its elements must still read right.
    const text = JSON.stringify({ reslint: 1, blocks: indent === 3 ? Object.values(blocks) : blocks, layers: other }, null, indent);
    return indent > 0 ? text.replace(/\n/g, ` ${comment}\n`) : text;
  })
  .filter((text) => !text.includes('__proto__'));

/** Returns the value, every path's value and key range, and the editor's edits, as plain data. */
function layoutOf(doc: ReturnType<typeof readJsonSource>): unknown {
  return {
    value: doc.value,
    problems: doc.problems,
    length: doc.length,
    parts: allPaths(doc.value).map((path) => [path, doc.locate(path), doc.locate(path, 'key')]),
    edits: allPaths(doc.value).map((path) => [doc.editor.setNumber(path, 'scale', 0.5), doc.editor.wrapList(path, 'ops', 'scale', 2)]),
  };
}

/** Text between tokens: spaces, every line end, and comments that hold brackets, quotes and colons. */
const GAPS = ['', ' ', '\t', '\n', '\r', '\r\n', '/* c */', '// c\n', '// c\r', '/* a // b */', ' // "x" {: \n', '/*]*/'];

/**
 * Renders a value as JSON with comments, with the gaps between tokens taken in turn from `gaps`,
 * trailing commas where `trailing` is true, and every "a" in a string or key written as \u0061.
 */
function renderWithGaps(value: unknown, gaps: readonly string[], trailing: readonly boolean[], escape: boolean): string {
  let gapIndex = 0;
  let trailingIndex = 0;
  const gap = (): string => gaps[gapIndex++ % gaps.length];
  const comma = (): string => (trailing[trailingIndex++ % trailing.length] ? `${gap()},` : '');
  const literal = (item: unknown): string => {
    const json = JSON.stringify(item);
    return escape && typeof item === 'string' ? json.replace(/a/g, '\\u0061') : json;
  };
  const render = (item: unknown): string => {
    if (Array.isArray(item)) {
      const inner = item.map((element) => `${gap()}${render(element)}${gap()}`).join(',');
      return `[${inner}${item.length > 0 ? comma() : ''}${gap()}]`;
    }
    if (item !== null && typeof item === 'object') {
      const inner = Object.entries(item).map(([key, element]) => `${gap()}${literal(key)}${gap()}:${gap()}${render(element)}${gap()}`).join(',');
      return `{${inner}${Object.keys(item).length > 0 ? comma() : ''}${gap()}}`;
    }
    return literal(item);
  };
  return `${gap()}${render(value)}${gap()}`;
}

const gappedDocumentArbitrary = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.array(fc.constantFrom(...GAPS), { minLength: 1, maxLength: 12 }),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
  )
  .map(([value, gaps, trailing, escape]) => renderWithGaps(value, gaps, trailing, escape))
  .filter((text) => !text.includes('__proto__') && !/\/\/[^\n\r]*$/.test(text.trimEnd()));

const EDIT_TEXTS = ['', '1', '"x"', '{}', '[1, 2]', ', "k": 3', '}', '{', '"', '/*', '// c\n', ' ', '} //', '//'];

describe('JSON reader', () => {
  test('a read that patches the previous version equals a full read', () => {
    fc.assert(
      fc.property(
        blocksDocumentArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.constantFrom(...EDIT_TEXTS)), { minLength: 1, maxLength: 6 }),
        (text, edits) => {
          let current = text;
          let previous = readJsonSource(current);
          for (const [at, removed, inserted] of edits) {
            const position = at % (current.length + 1);
            current = current.slice(0, position) + inserted + current.slice(position + removed);
            const patched = readJsonSource(current, previous);
            assert.deepEqual(layoutOf(patched), layoutOf(readJsonSource(current)), current);
            previous = patched;
          }
        },
      ),
      { seed: 11, numRuns: 600 },
    );
  });

  test('an edit inside one block reads only that block and shares the others', () => {
    const text = '{\n  "reslint": 1,\n  "blocks": {\n    "a": { "paths": { "r": ["relu"] } },\n    "b": { "paths": { "r": [{ "op": "gelu", "scale": 0.5 }] } } // b\n  },\n  "layers": [{ "block": "a" }, { "block": "b" }]\n}';
    const first = readJsonSource(text);
    const edited = text.replace('"relu"', '"relu", "tanh"');
    const second = readJsonSource(edited, first);
    const before = first.value as { blocks: Record<string, unknown>; layers: unknown };
    const after = second.value as { blocks: Record<string, unknown>; layers: unknown };
    assert.equal(after.blocks.b, before.blocks.b);
    assert.equal(after.layers, before.layers);
    assert.deepEqual(after.blocks.a, { paths: { r: ['relu', 'tanh'] } });
    const scale = edited.indexOf('0.5');
    assert.deepEqual(second.locate(['blocks', 'b', 'paths', 'r', 0, 'scale']), { start: scale, end: scale + 3 });
    // An edit that breaks the block is read in full, so its syntax error is reported.
    const broken = readJsonSource(edited.replace('"tanh"', '"tanh'), second);
    assert.ok(broken.problems.length > 0 && broken.problems.every((problem) => problem.code === 'syntax-error'));
    assert.notEqual((broken.value as { layers: unknown }).layers, after.layers);
  });

  test('patched reads: forty edits keep at most two document texts alive', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    // Long keys: the keys of "blocks" are slices of the text they were read from.
    const blocks = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`a_long_block_name_${i}`, { description: `a description longer than a slice ${i}`, scale: 0.5 }]),
    );
    let text = JSON.stringify({ reslint: 1, blocks }, null, 2);
    let doc = readJsonSource(text);
    const heapAfter = async (): Promise<number> => {
      await new Promise((resolve) => setImmediate(resolve));
      collect();
      return process.memoryUsage().heapUsed;
    };
    const before = await heapAfter();
    const edits = 40;
    for (let edit = 0; edit < edits; edit++) {
      const at = text.indexOf('0.5', (edit * text.length) / edits);
      text = `${text.slice(0, at)}0.25${text.slice(at + 3)}`;
      doc = readJsonSource(text, doc);
    }
    assert.equal(doc.length, text.length);
    // Each text takes about 0.24 MB. Strings of the first read still hold the first text, so the
    // heap grows by one or two texts. Forty texts kept alive would add about 10 MB.
    const grown = (await heapAfter()) - before;
    assert.ok(grown < 8 * text.length, `the heap grew by ${(grown / 1e6).toFixed(1)} MB`);
  });

  test('values and ranges equal jsonc-parser tree', () => {
    fc.assert(
      fc.property(documentArbitrary, (text) => {
        const doc = readJsonSource(text);
        const root = parseTree(text, [], { allowTrailingComma: true });
        assert.ok(root);
        assert.deepEqual(doc.value, treeValue(root));
        assert.deepEqual(
          doc.problems.map((problem) => problem.code),
          [],
        );
        for (const path of allPaths(doc.value)) {
          const node = findNodeAtLocation(root, [...path]) as Node;
          assert.deepEqual(doc.locate(path), spanOf(node), JSON.stringify(path));
          const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
          assert.deepEqual(doc.locate(path, 'key'), key ? spanOf(key) : spanOf(node), `key of ${JSON.stringify(path)}`);
        }
        assert.equal(doc.locate(['no such key']), undefined);
      }),
      { seed: 5, numRuns: 400 },
    );
  });

  test('odd spacing and escapes match jsonc-parser', () => {
    fc.assert(
      fc.property(gappedDocumentArbitrary, (text) => {
        const doc = readJsonSource(text);
        const errors: unknown[] = [];
        const root = parseTree(text, errors as never, { allowTrailingComma: true });
        assert.deepEqual(errors, [], text);
        assert.ok(root);
        // The fast read must take every such text, or this test would check the full reader only.
        assert.ok(quickRead(text, MAX_JSON_DEPTH), text);
        assert.deepEqual(doc.problems, []);
        assert.deepEqual(doc.value, treeValue(root));
        for (const path of allPaths(doc.value)) {
          const node = findNodeAtLocation(root, [...path]) as Node;
          assert.deepEqual(doc.locate(path), spanOf(node), `${JSON.stringify(path)} in ${JSON.stringify(text)}`);
          const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
          assert.deepEqual(doc.locate(path, 'key'), key ? spanOf(key) : spanOf(node), `key of ${JSON.stringify(path)}`);
        }
      }),
      { seed: 12, numRuns: 600 },
    );
  });

  test('large containers, read and patched', () => {
    const filler = Array.from({ length: 2500 }, (_, index) => ({ k: index, s: 'x'.repeat(20) }));
    const value = { reslint: 1, blocks: { a: { filler, deep: { filler, list: [filler, { z: 1 }] } }, b: { filler, y: 2 } }, layers: [filler, 'relu'] };
    const paths: ValuePath[] = [
      ['blocks', 'a', 'deep', 'list', 1, 'z'],
      ['blocks', 'a', 'deep', 'list', 0, 2499, 's'],
      ['blocks', 'a', 'filler', 10, 'k'],
      ['blocks', 'b', 'y'],
      ['blocks', 'b'],
      ['layers', 1],
      ['layers', 0, 1200],
    ];
    const check = (doc: ReturnType<typeof readJsonSource>, text: string): void => {
      const root = parseTree(text, [], { allowTrailingComma: true }) as Node;
      assert.deepEqual(doc.problems, []);
      for (const path of paths) {
        const node = findNodeAtLocation(root, [...path]) as Node;
        assert.deepEqual(doc.locate(path), spanOf(node), JSON.stringify(path));
      }
    };
    let text = JSON.stringify(value, null, 1).replace(/\n/g, ' // note\n');
    assert.ok(text.length > 5 * 65536);
    let doc = readJsonSource(text);
    check(doc, text);
    // Longer and shorter: the containers after the edit move, and those around it grow and shrink.
    for (const [from, to, block] of [['"z": 1', '"z": 12345', 'a'], ['"y": 2', '"y": 2.5', 'b'], ['"k": 7,', '"k": 7, "q": [1],', 'a'], ['"z": 12345', '"z": 0', 'a']]) {
      const at = text.indexOf(from);
      text = text.slice(0, at) + to + text.slice(at + from.length);
      doc = readJsonSource(text, doc);
      assert.equal(doc.patch?.block, block, from);
      check(doc, text);
    }
  });

  test('patch moves large container ends', () => {
    const filler = Array.from({ length: 2500 }, (_, index) => ({ k: index, s: 'x'.repeat(20) }));
    const before = JSON.stringify({ reslint: 1, blocks: { a: { filler, z: 1 }, b: { filler, y: 2 } }, layers: [filler] }, null, 1);
    const quick = quickRead(before, MAX_JSON_DEPTH) as NonNullable<ReturnType<typeof quickRead>>;
    const layout = new LazyLayout(before, quick);
    const rootChildren = layout.childrenAt(quick.start) as NonNullable<ReturnType<LazyLayout['childrenAt']>>;
    const blocksStart = rootChildren.offsets[rootChildren.position('blocks') * 4 + 2];
    const blocks = layout.childrenAt(blocksStart) as NonNullable<ReturnType<LazyLayout['childrenAt']>>;
    const position = blocks.position('a');
    const start = blocks.offsets[position * 4 + 2];
    const end = blocks.offsets[position * 4 + 3];
    // The edit makes block "a" longer, inside a container of block "a" that stays large.
    const at = before.indexOf('"k": 7,');
    const after = `${before.slice(0, at)}"k": 7, "extra": [1, 2, 3],${before.slice(at + '"k": 7,'.length)}`;
    const delta = after.length - before.length;
    const part = quickRead(after.slice(start, end + delta), MAX_JSON_DEPTH - 2, 0) as NonNullable<ReturnType<typeof quickRead>>;
    const edited = layout.edited(after, [quick.start, blocksStart], start, end, delta, part);
    const sorted = (ends: ReadonlyMap<number, number>): number[][] => [...ends].sort((x, y) => x[0] - y[0]);
    const fresh = quickRead(after, MAX_JSON_DEPTH) as NonNullable<ReturnType<typeof quickRead>>;
    assert.ok(fresh.largeEnds.size >= 6);
    assert.deepEqual(sorted(edited.largeEnds), sorted(fresh.largeEnds));
  });

  test('fixed syntax error, then patch', () => {
    const text = '{\n  "reslint": 1,\n  "blocks": { "a": { "paths": { "r": ["relu"] } }, "b": { "paths": { "r": ["gelu"] } } }\n}';
    const broken = readJsonSource(text.replace('"relu"', '"relu'));
    assert.ok(broken.problems.some((problem) => problem.code === 'syntax-error'));
    const fixed = readJsonSource(text, broken);
    assert.deepEqual(fixed.problems, []);
    const edited = readJsonSource(text.replace('"gelu"', '"tanh"'), fixed);
    assert.equal(edited.patch?.block, 'b');
    assert.deepEqual((edited.value as { blocks: { b: unknown } }).blocks.b, { paths: { r: ['tanh'] } });
  });

  test('rejected fast read reports the problem', () => {
    const zeros = '0'.repeat(330);
    const cases: [string, string[]][] = [
      ['{ "a": 1, "b": { "c": 2, "c": 3 } }', ['duplicate-key']],
      ['{ "blocks": { "x": { "ops": [{ "k": 1, "k": 2 }] } } }', ['duplicate-key']],
      ['{ "\\u005f_proto__": 1 }', ['schema']],
      [`{ "gain": 0.${zeros}1 }`, ['invalid-number']],
      [`{ "gain": 1.${zeros}1 }`, []],
      ['{ "gain": 1e-400 }', ['invalid-number']],
      ['[,]', ['syntax-error']],
      ['{ "a": 1,, }', ['syntax-error']],
      ['[1 /* gap */ 2]', ['syntax-error']],
      ['{ "a": 1 } // end', []],
      ['{ "a": "x\ty" }', ['syntax-error']],
    ];
    for (const [text, codes] of cases) {
      const doc = readJsonSource(text);
      assert.deepEqual(
        doc.problems.map((problem) => problem.code),
        codes,
        text,
      );
    }
    assert.deepEqual(readJsonSource(`{ "gain": 1.${zeros}1 }`).value, { gain: 1 });
  });

  test('broken documents give the same value and error offsets as jsonc-parser', () => {
    fc.assert(
      fc.property(documentArbitrary, fc.nat(), fc.constantFrom('', '}', ']', ',', ':', '"', '{', 'x'), (text, at, inserted) => {
        const position = at % (text.length + 1);
        const broken = text.slice(0, position) + inserted + text.slice(position + 1);
        const doc = readJsonSource(broken);
        const errors: { error: number; offset: number; length: number }[] = [];
        const root = parseTree(broken, errors as never, { allowTrailingComma: true });
        const duplicateFree = !doc.problems.some((problem) => problem.code === 'duplicate-key');
        if (root && duplicateFree) assert.deepEqual(doc.value, treeValue(root));
        // The reader words many errors itself, moves some to their cause (the zero of "02", the key
        // before a colon in a list, the bracket that is not closed) and leaves out those that repeat
        // a cause it named. So it reports an error exactly when the parser does, its first one at
        // or before the parser's first, and each one at or before one of the parser's.
        const syntax = doc.problems.filter((problem) => problem.code === 'syntax-error' || (problem.code === 'schema' && /has no JSON value/.test(problem.message)));
        assert.equal(syntax.length > 0, errors.length > 0, broken);
        if (errors.length > 0) {
          assert.ok(Math.min(...syntax.map((problem) => problem.span.start)) <= errors[0].offset, broken);
          for (const problem of syntax) assert.ok(errors.some((error) => problem.span.start <= error.offset), `${problem.message} in ${broken}`);
        }
        for (const problem of doc.problems) {
          assert.ok(problem.span.start >= 0, `${problem.code} at ${problem.span.start}`);
          assert.ok(problem.span.start <= broken.length + 1, `${problem.code} at ${problem.span.start}`);
        }
      }),
      { seed: 6, numRuns: 400 },
    );
  });

  test('long space runs read as comments', () => {
    const long = ' '.repeat(300);
    fc.assert(
      fc.property(
        documentArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(long, `\t${long}`, `"${long}`, `\\${long}`, `//${long}`, `/*${long}`, '"', '\n', '}', 'x')), { minLength: 1, maxLength: 4 }),
        (text, insertions) => {
          let broken = text;
          for (const [at, inserted] of insertions) {
            const position = at % (broken.length + 1);
            broken = broken.slice(0, position) + inserted + broken.slice(position);
          }
          const rewritten = commentOutLongSpaces(broken);
          assert.equal(rewritten.length, broken.length);
          const errorsOf = (source: string): unknown[] => {
            const errors: { error: number; offset: number; length: number }[] = [];
            const root = parseTree(source, errors as never, { allowTrailingComma: true });
            return [root ? treeValue(root) : undefined, errors];
          };
          assert.deepEqual(errorsOf(rewritten), errorsOf(broken), JSON.stringify(broken));
        },
      ),
      { seed: 13, numRuns: 300 },
    );
    const spaced = `{"a": [1,${long}2 x]}`;
    assert.notEqual(commentOutLongSpaces(spaced), spaced);
    assert.deepEqual(
      readJsonSource(spaced).problems.map((problem) => [problem.code, problem.span.start]),
      [['syntax-error', spaced.indexOf('x')]],
    );
  });

  test('invalid symbols are named with their fix', () => {
    const cases: [string, string][] = [
      ['0x10', 'Invalid number "0x10": JSON numbers are decimal; write 16.'],
      ['.5', 'Invalid number ".5": a JSON number needs a digit before the point; write 0.5.'],
      ['+1', 'Invalid number "+1": JSON numbers have no plus sign; write 1.'],
      ['NaN', '"NaN" is not a JSON number; write a finite number.'],
      ['-Infinity', '"-Infinity" is not a JSON number; write a finite number.'],
      ['\u20281', 'Invalid character U+2028, which is not shown as text; delete it.'],
      ['relu', 'Unquoted word "relu": JSON strings need double quotes, and NaN, Infinity and words are not numbers; write a string "relu" or a number.'],
      ["'relu'", 'Single-quoted string \'relu\': JSON strings need double quotes; write "relu".'],
      // The parser reads the words of a single-quoted string with a space as two symbols.
      ["'conv relu'", 'Single-quoted string \'conv relu\': JSON strings need double quotes; write "conv relu".'],
      // The escapes keep their value: an escaped single quote needs none, a line break keeps its escape.
      ["'it\\'s'", 'Single-quoted string \'it\\\'s\': JSON strings need double quotes; write "it\'s".'],
      ["'a\\nb'", 'Single-quoted string \'a\\nb\': JSON strings need double quotes; write "a\\nb".'],
      ["'relu", 'Unterminated single-quoted string \'relu\': JSON strings need double quotes; write "relu".'],
    ];
    // The range of a hexadecimal number starts at its "0", which the parser reads on its own.
    assert.deepEqual(readJsonSource('{"gain": 0x10}').problems[0].span, { start: 9, end: 13 });
    for (const [written, message] of cases) {
      const doc = readJsonSource(`{"gain": ${written}}`);
      assert.deepEqual(
        doc.problems.map((problem) => problem.message),
        [message],
        written,
      );
    }
  });

  test('keys written as in JavaScript get one error each', () => {
    assert.deepEqual(
      readJsonSource("[{ block: 'b', repeat: 2 }]").problems.map((problem) => problem.message),
      [
        'Unquoted key block: JSON keys need double quotes; write "block".',
        'Single-quoted string \'b\': JSON strings need double quotes; write "b".',
        'Unquoted key repeat: JSON keys need double quotes; write "repeat".',
      ],
    );
  });

  test('single-quoted key gets one error', () => {
    assert.deepEqual(
      readJsonSource('{"reslint": 1, \'k\': 1, "x": 2}').problems.map((problem) => problem.message),
      ['Single-quoted string \'k\': JSON strings need double quotes; write "k".'],
    );
  });

  test('leading zeros are named with their fix', () => {
    // The scanner reads "02" as 0 and then 2, so without this the message would be "Comma expected".
    const cases: [string, string, string][] = [
      ['{"gain": 02}', '02', 'Invalid number "02": JSON numbers have no leading zeros; write 2.'],
      ['{"gain": 00.5, "b": 1}', '00.5', 'Invalid number "00.5": JSON numbers have no leading zeros; write 0.5.'],
      ['[1, -0123e2]', '-0123e2', 'Invalid number "-0123e2": JSON numbers have no leading zeros; write -123e2.'],
      ['02', '02', 'Invalid number "02": JSON numbers have no leading zeros; write 2.'],
    ];
    for (const [text, number, message] of cases) {
      const start = text.indexOf(number);
      assert.deepEqual(
        readJsonSource(text).problems.map((problem) => [problem.message, problem.span.start, problem.span.end]),
        [[message, start, start + number.length]],
        text,
      );
    }
    // A zero that ends a number, or is apart from the next one, is a missing comma.
    for (const text of ['{"a": 10 2}', '{"a": 1.0 2}', '{"a": 1e0 2}', '{"a": 0 2}']) {
      assert.equal(readJsonSource(text).problems[0].message, 'Comma expected.', text);
    }
  });

  test('missing brace is reported where the indentation breaks', () => {
    // The } on line 4 closes "c" for the parser, but its indentation matches "blocks".
    const text = '{\n  "blocks": {\n    "c": { "paths": { "p": [] }\n  },\n  "layers": []\n}\n';
    const doc = readJsonSource(text);
    const open = text.indexOf('{ "paths"');
    assert.deepEqual(
      doc.problems.map((problem) => [problem.message, problem.span.start, problem.span.end]),
      [
        [
          'This { is probably not closed: the } on line 4, which the parser pairs with it, is indented less than this line, so it was probably written for an outer {. Everything after it is then read one level too deep. Add } before line 4.',
          open,
          open + 1,
        ],
      ],
    );
    assert.equal(doc.nestingUnknown, true);

    // With the "}" of "paths" deleted from its line "    },", the block's "}" closes it, but the
    // comma left on line 5 is indented as "paths" is, so the "}" goes before that line. Before
    // line 7 it would make "afterSum" a path.
    const block = '{\n  "b": {\n    "paths": {\n      "s": []\n    ,\n    "afterSum": ["relu"]\n  },\n  "c": 1\n}\n';
    assert.deepEqual(
      readJsonSource(block).problems.map((problem) => [problem.message, problem.span.start]),
      [
        [
          'This { is probably not closed: line 5 is indented no deeper than this line, so the object ends before it, but the parser pairs this { with the } on line 7 and reads the lines between one level too deep. Add } before line 5.',
          block.indexOf('{\n      "s"'),
        ],
      ],
    );
    const fixed = block.replace('\n    ,', '\n    }\n    ,');
    assert.deepEqual(readJsonSource(fixed).value, { b: { paths: { s: [] }, afterSum: ['relu'] }, c: 1 });

    // Brackets missing at the very end, with every closing one in place, leave the error at the end.
    const end = '{\n  "layers": [\n    ["relu"]\n';
    const atEnd = readJsonSource(end);
    assert.deepEqual(atEnd.problems.map((problem) => [problem.message, problem.span.start]), [['Closing bracket ] expected.', end.length]]);
    assert.equal(atEnd.nestingUnknown, undefined);

    // A missing comma leaves the nesting known.
    assert.equal(readJsonSource('{ "a": 1 "b": 2 }').nestingUnknown, undefined);
  });

  test('a bracket closed by the wrong one is named', () => {
    const cases: [string, string, string][] = [
      // A list without its "]", closed by the object's "}".
      ['{\n  "paths": {\n    "r": ["conv", "relu"\n  },\n  "x": 1\n}\n', '},', 'Closing bracket ] expected before this }: the [ on line 3 is not closed.'],
      // A list without its "]", followed by the object's next key.
      ['{\n  "paths": {\n    "s": ["conv"\n    "r": ["relu"]\n  }\n}\n', '"r": [', 'Closing bracket ] expected before the key "r": the [ on line 3 is not closed.'],
      // An object without its "}", followed by the next object of a list.
      ['[\n  { "block": "a", "repeat": 1,\n  { "block": "b" }\n]\n', '{ "block": "b"', 'Property name expected, found {: the { on line 2 is probably not closed before it.'],
    ];
    for (const [text, at, message] of cases) {
      const doc = readJsonSource(text);
      const first = doc.problems[0];
      assert.deepEqual([first?.message, first?.span.start], [message, text.indexOf(at)], text);
      // The same bracket is not named again, and the end of the text is not blamed as well.
      assert.equal(doc.problems.filter((problem) => problem.message.includes('not closed')).length, 1, text);
      assert.ok(!doc.problems.some((problem) => /^Closing (brace|bracket) . expected\.$/.test(problem.message)), text);
      assert.equal(doc.nestingUnknown, true);
    }
  });

  test('one bracket too many or missing is named once', () => {
    const cases: [string, string, string][] = [
      // The first layer's "]" is missing: the "]" on line 6 closes it, indented as "layers" is.
      [
        '{\n  "layers": [\n    ["linear", "relu",\n    { "block": "res" }\n  ]\n}\n',
        '["linear"',
        'This [ is probably not closed: line 4 is indented no deeper than this line, so the list ends before it, but the parser pairs this [ with the ] on line 5 and reads the lines between one level too deep. Add ] before line 4.',
      ],
      ['{\n  "paths": { "s": []] }\n}\n', ']] }', 'This ] is probably one too many: the [ it would close is closed just before it. Remove it.'],
      // The extra "}" closes the top-level object on a line indented deeper than its "{".
      [
        '{\n  "blocks": { "a": {} }},\n  "layers": []\n}\n',
        '},\n  "layers',
        'This } closes the object that opens on line 1, but its line is indented deeper than that one, so it is probably one too many, and the top-level value ends early. Remove it.',
      ],
      // Without indentation to go by, the "}" that ends the top-level value is named.
      ['{"blocks": {}}, "layers": []}', '}, "layers', 'This } closes the top-level object on line 1, so the text after it is not read. A closing bracket before it is probably one too many: remove it.'],
    ];
    for (const [text, at, message] of cases) {
      const doc = readJsonSource(text);
      // In "[]]" the second "]" is the extra one.
      const offset = at.startsWith(']]') ? text.indexOf(at) + 1 : text.indexOf(at);
      assert.deepEqual(doc.problems.map((problem) => [problem.message, problem.span.start]), [[message, offset]], text);
      assert.equal(doc.nestingUnknown, true, text);
    }
    // Brackets inside a single-quoted string are read as structure, so the structure waits too.
    const quoted = readJsonSource('{ "reslint": 1, "description": \'a {b} [c]\', "layers": [] }');
    assert.deepEqual(quoted.problems.map((problem) => problem.code), ['syntax-error']);
    assert.equal(quoted.nestingUnknown, true);
  });

  test('byte order mark reads as a space', () => {
    const text = '{ "a": [1, 2] }';
    const doc = readJsonSource(`\uFEFF${text}`);
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(doc.value, { a: [1, 2] });
    assert.deepEqual(doc.locate(['a']), { start: text.indexOf('[') + 1, end: text.indexOf(']') + 2 });
  });

  test('duplicate key value and range come from the last property', () => {
    const text = '{ "a": 1, "b": 2, "a": [3] }';
    const doc = readJsonSource(text);
    assert.deepEqual(doc.value, { a: [3], b: 2 });
    assert.deepEqual(doc.locate(['a']), { start: text.indexOf('[3]'), end: text.indexOf('[3]') + 3 });
    assert.deepEqual(doc.locate(['a', 0]), { start: text.indexOf('3]'), end: text.indexOf('3]') + 1 });
    assert.deepEqual(
      doc.problems.map((problem) => [problem.code, problem.span.start]),
      [['duplicate-key', text.lastIndexOf('"a"')]],
    );
  });

  test('problems before a syntax error reported once', () => {
    // The fast read rejects the text, and the visitor reports each problem once.
    const text = '{ "a": 1, "a": 2, "__proto__": 3, "b": @ }';
    const doc = readJsonSource(text);
    assert.deepEqual(
      doc.problems.map((problem) => [problem.code, problem.span.start]),
      [
        ['duplicate-key', text.lastIndexOf('"a"')],
        ['schema', text.indexOf('"__proto__"')],
        // "@" is an invalid symbol, and the value it leaves missing is not reported again.
        ['syntax-error', text.indexOf('@')],
      ],
    );
  });

  test('object with more than sixteen keys finds every key and reports duplicates', () => {
    const keys = Array.from({ length: 40 }, (_, index) => `k${index}`);
    const text = `{ ${keys.map((key, index) => `"${key}": ${index}`).join(', ')}, "k7": 70 }`;
    const doc = readJsonSource(text);
    for (const [index, key] of keys.entries()) {
      const literal = key === 'k7' ? '70' : String(index);
      const start = key === 'k7' ? text.lastIndexOf('70') : text.indexOf(`"${key}": ${index}`) + `"${key}": `.length;
      assert.deepEqual(doc.locate([key]), { start, end: start + literal.length }, key);
    }
    assert.equal((doc.value as Record<string, number>).k7, 70);
    assert.deepEqual(
      doc.problems.map((problem) => problem.code),
      ['duplicate-key'],
    );
  });
});

/** A model-like root object, with or without "settings" and "severity", rendered with comments, any indent and line ends. */
const settingsDocumentArbitrary = fc
  .tuple(
    fc.dictionary(fc.constantFrom('reslint', 'name', 'blocks', 'layers', 'ops'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    fc.option(
      fc.record(
        {
          model: fc.constantFrom('seed', 'variance'),
          severity: fc.dictionary(fc.constantFrom('block-exploding', 'block-vanishing', 'unknown-key'), fc.constantFrom('warning', 'off', 'error'), { maxKeys: 3 }),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    fc.integer({ min: 0, max: 4 }),
    fc.array(fc.constantFrom('// note', '/* block */', ''), { minLength: 1, maxLength: 5 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([root, settings, indent, comments, eol]) => {
    const value = settings === undefined ? root : { ...root, settings };
    const lines = JSON.stringify(value, null, indent).split('\n');
    return { text: lines.map((line, index) => `${line} ${comments[index % comments.length]}`).join(eol), indent, eol };
  });

describe('setting a value without reading the model', () => {
  const path = ['settings', 'severity', 'block-exploding'];

  test('edits equal modify on whole text', () => {
    fc.assert(
      fc.property(settingsDocumentArbitrary, ({ text, indent, eol }) => {
        const formatting = { insertSpaces: true, tabSize: Math.max(indent, 1), eol };
        const ours = setJsonValue(readJsonSource(text), path, 'off', formatting);
        assert.ok(ours, text);
        let edited = text;
        for (const edit of [...ours].sort((a, b) => b.span.start - a.span.start)) edited = edited.slice(0, edit.span.start) + edit.newText + edited.slice(edit.span.end);
        // On one line, modify's formatting would rewrite the whole line, cut values included, so
        // the value goes in on one line, spaced. With an indent, each key has its own line.
        const theirs = applyEdits(text, modify(text, path, 'off', { formattingOptions: formatting }));
        const oneLine = applyEdits(
          text,
          modify(text, path, 'off', {}).map((edit) => ({ ...edit, content: spacedJson(edit.content) })),
        );
        // Where comments follow the last value, the new member goes after them instead, which
        // leaves the same values, the same comments in order and the same number of lines.
        const values = (json: string) => stripComments(json).replace(/\s+/g, '');
        const comments = (json: string) => json.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g);
        const lines = (json: string) => json.split('\n').length;
        const sameApartFromComments = (other: string) =>
          values(edited) === values(other) && sameValue(comments(edited), comments(other)) && lines(edited) === lines(other);
        if (indent > 0) assert.ok(edited === theirs || sameApartFromComments(theirs), `${edited}\n\n${theirs}`);
        else assert.ok(edited === theirs || edited === oneLine || sameApartFromComments(theirs) || sameApartFromComments(oneLine), edited);
      }),
      { seed: 17, numRuns: 600 },
    );
  });

  test('one-line model gets a spaced entry', () => {
    const text = '{"reslint": 1, "settings": {"model": "seed"}, "layers": [["relu"]]}';
    const edits = setJsonValue(readJsonSource(text), path, 'off', { insertSpaces: true, tabSize: 2, eol: '\n' });
    assert.ok(edits);
    const edited = applyEdits(text, edits.map((edit) => ({ offset: edit.span.start, length: edit.span.end - edit.span.start, content: edit.newText })));
    assert.equal(edited, '{"reslint": 1, "settings": {"model": "seed", "severity": { "block-exploding": "off" }}, "layers": [["relu"]]}');
  });

  test('spacedJson spaces only outside strings', () => {
    assert.equal(spacedJson(',"a": {"b":[1,2,[]],"c":{}}'), ', "a": { "b": [ 1, 2, [] ], "c": {} }');
    assert.equal(spacedJson('"s": "x,y: {z}", "t": "\\"{,"'), '"s": "x,y: {z}", "t": "\\"{,"');
  });

  test('check rejects edits beyond the key', () => {
    const text = '{\n  "reslint": 1,\n  "layers": [["relu"]]\n}';
    const doc = readJsonSource(text);
    const end = text.lastIndexOf(']]') + 2;
    const settings = ',\n  "settings": { "severity": { "block-exploding": "off" } }';
    assert.equal(editSetsOnly(doc, [{ span: { start: end, end }, newText: settings }], path, 'off'), true);
    // The same insertion, with the last op renamed on the way.
    assert.equal(editSetsOnly(doc, [{ span: { start: end - 8, end }, newText: `"gelu"]]${settings}` }], path, 'off'), false);
    // Another value than the one asked for, and text that does not parse.
    assert.equal(editSetsOnly(doc, [{ span: { start: end, end }, newText: settings.replace('off', 'error') }], path, 'off'), false);
    assert.equal(editSetsOnly(doc, [{ span: { start: end, end }, newText: settings.slice(0, -1) }], path, 'off'), false);
    // An edit that takes in the comma after the object it sets a key of.
    const withSettings = '{\n  "settings": {},\n  "reslint": 1\n}';
    const braces = withSettings.indexOf('{},');
    const dropsComma = { span: { start: braces, end: braces + 3 }, newText: '{ "severity": { "block-exploding": "off" } }' };
    assert.equal(editSetsOnly(readJsonSource(withSettings), [dropsComma], path, 'off'), false);
    assert.equal(editSetsOnly(readJsonSource(withSettings), [{ ...dropsComma, span: { start: braces, end: braces + 2 } }], path, 'off'), true);
  });

  test('non-object on path gets no edit', () => {
    const formatting = { insertSpaces: true, tabSize: 2, eol: '\n' };
    assert.equal(setJsonValue(readJsonSource('{ "settings": [] }'), path, 'off', formatting), undefined);
    assert.equal(setJsonValue(readJsonSource('{ "settings": { "severity": 3 } }'), path, 'off', formatting), undefined);
    assert.equal(setJsonValue(readJsonSource('[]'), path, 'off', formatting), undefined);
  });
});
