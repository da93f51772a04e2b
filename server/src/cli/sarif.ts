// SARIF 2.1.0 output, for code-scanning upload: one run, one rule per finding code.
import { pathToFileURL } from 'node:url';
import type { Analysis } from '../core/analysis';
import { CODES, type Severity } from '../core/codes';
import { LineIndex } from '../core/lines';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

export interface SarifInput {
  path: string;
  text: string;
  analysis: Analysis;
}

/** The SARIF log; rules carry their help as text, since the docs have no public address to link. */
export function sarifLog(files: SarifInput[], version: string): object {
  const codes = Object.keys(CODES) as (keyof typeof CODES)[];
  const rules = codes.map((code) => ({
    id: code,
    shortDescription: { text: CODES[code].summary },
    help: { text: `${CODES[code].summary} See docs/codes.md#${code} in the ResLint package.` },
    defaultConfiguration: { level: SARIF_LEVEL[CODES[code].severity] },
  }));
  const results = files.flatMap(({ path, text, analysis }) => {
    const lines = new LineIndex(text);
    return analysis.findings.map((finding) => {
      const start = lines.positionAt(finding.span.start);
      const end = lines.positionAt(finding.span.end);
      return {
        ruleId: finding.code,
        ruleIndex: codes.indexOf(finding.code),
        level: SARIF_LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: relativeUri(path) },
              region: {
                startLine: start.line + 1,
                startColumn: start.character + 1,
                endLine: end.line + 1,
                endColumn: end.character + 1,
              },
            },
          },
        ],
      };
    });
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ResLint', version, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** Relative paths stay relative (code scanning resolves them against the checkout); absolute ones become file URIs. */
function relativeUri(path: string): string {
  if (/^([A-Za-z]:)?[\\/]/.test(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}
