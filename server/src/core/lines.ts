// Conversion between UTF-16 offsets and zero-based line and character positions, as LSP counts
// them; lines end at \n, \r\n or a lone \r.

export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    if (!text.includes('\r')) {
      // indexOf searches natively, several times faster than a loop over every character, which
      // took about 8 ms for a model of 10,000 blocks on each edit.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (code === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Position of an offset; offsets outside the text are clamped to it. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.starts[low] };
  }

  /**
   * Offset of a position. A character past the line's length means the end of the line, before its
   * line break, as LSP defines it. A line past the text means the end of the text.
   */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line];
    let end = this.text.length;
    if (position.line + 1 < this.starts.length) {
      end = this.starts[position.line + 1] - 1;
      if (this.text.charCodeAt(end) === 10 /* \n */ && this.text.charCodeAt(end - 1) === 13 /* \r */ && end - 1 >= start) end -= 1;
    }
    return Math.max(start, Math.min(start + Math.max(0, position.character), end));
  }
}

/** Returns the text's first line break (\n, \r\n or a lone \r), or \n when it has none. */
export function lineBreakOf(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

/**
 * Returns how edits that add lines should write them: with the text's line break and the indent of
 * its first indented line, tabs or a count of spaces (2 when no line is indented).
 */
export function textLayout(text: string): { eol: string; insertSpaces: boolean; tabSize: number } {
  const eol = lineBreakOf(text);
  const indent = /[\r\n]([ \t]+)\S/.exec(text)?.[1];
  if (indent === undefined) return { eol, insertSpaces: true, tabSize: 2 };
  if (indent.startsWith('\t')) return { eol, insertSpaces: false, tabSize: 1 };
  return { eol, insertSpaces: true, tabSize: Math.min(indent.length, 8) };
}

/** Returns the offset where the line containing `offset` starts, after a \n, \r or \r\n. */
export function lineStartOf(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

/** Returns the spaces and tabs that start the line containing `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}
