// Quoting of strings and property names for edits to *.arch.ts text. This module does not load the
// TypeScript compiler, so that the server can use it before the DSL front end is loaded.

/**
 * Returns the quote of the file's first import, or else of the first string after a colon, comma
 * or opening bracket, which is where a model's strings stand. A double quote when there is none.
 */
export function quoteStyle(text: string): string {
  return /(?:^|\uFEFF)import\s[^'"]*(['"])/m.exec(text)?.[1] ?? /[:,[(]\s*(['"])/.exec(text)?.[1] ?? '"';
}

/** Writes a string literal with the given quote, a double or a single one. */
export function quoted(text: string, quote: string): string {
  const json = JSON.stringify(text);
  if (quote === '"') return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Writes a property key: bare when it is an identifier, quoted otherwise. */
export function propertyName(key: string, quote = '"'): string {
  return IDENTIFIER.test(key) ? key : quoted(key, quote);
}

/** Tests whether a text is an identifier that can be a bare property key. */
export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/**
 * Returns the quote and content of a string literal written without escapes or substitutions,
 * or undefined for any other text.
 */
export function plainString(written: string): { quote: string; content: string } | undefined {
  const quote = written[0];
  if (written.length < 2 || !(quote === '"' || quote === "'" || quote === '`') || written[written.length - 1] !== quote) return undefined;
  const content = written.slice(1, -1);
  if (content.includes('\\') || content.includes(quote) || content.includes('\n') || (quote === '`' && content.includes('${'))) return undefined;
  return { quote, content };
}
