// The catalog of finding codes. Codes are stable: tests, quick fixes, severity overrides and
// SARIF rule ids match on them, so a code is never renamed or reused.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CodeInfo {
  severity: Severity;
  /** One-line explanation, shown in `reslint explain`, SARIF rules and the docs. */
  summary: string;
}

export const CODES = {
  'syntax-error': { severity: 'error', summary: 'The file is not valid JSON with comments.' },
  'schema': { severity: 'error', summary: 'A value does not match the model format.' },
  'unknown-key': { severity: 'warning', summary: 'A key that the model format does not define; it is ignored.' },
  'duplicate-key': { severity: 'warning', summary: 'A key appears twice in one object; the last one is used.' },
  'invalid-number': { severity: 'error', summary: 'A number is out of its allowed range (a repeat, band, tolerance or gain).' },
  'unknown-op': { severity: 'error', summary: 'An op name is neither in the catalog nor defined under "ops".' },
  'unknown-block': { severity: 'error', summary: 'A layer or nested op names a block that is not defined.' },
  'cycle': { severity: 'error', summary: 'A block graph has a cycle, or a block contains itself through nested blocks.' },
  'graph-shape': { severity: 'error', summary: 'A block graph has no path from "in" to "out", or an edge that no such path uses.' },
  'empty-network': { severity: 'warning', summary: 'The network has no layers, so there is nothing to analyse.' },
  'layer-skipped': { severity: 'information', summary: 'A layer is left out of W, because its block failed validation or cannot be analysed.' },
  'blocked-gradient': { severity: 'error', summary: 'A block has W_l = 0: no gradient passes through it.' },
  'block-vanishing': { severity: 'information', summary: 'A block shrinks the gradient: W_l is below 1 - tolerance.' },
  'block-exploding': { severity: 'information', summary: 'A block grows the gradient: W_l is above 1 + tolerance.' },
  'stage-out-of-band': { severity: 'warning', summary: 'A repeated layer on its own takes W outside the band.' },
  'network-vanishing': { severity: 'warning', summary: 'The network smoothness W falls below the band: gradients vanish.' },
  'network-exploding': { severity: 'warning', summary: 'The network smoothness W rises above the band: gradients explode.' },
  'not-evaluated': { severity: 'information', summary: 'An expression in a *.arch.ts file could not be evaluated statically and was skipped.' },
  'file-too-large': { severity: 'error', summary: 'The file is larger than the analysis accepts.' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

/** Address of a code's section in the code reference, given the address of that page. */
export function codeDocsUrl(codesPageUrl: string, code: Code): string {
  return `${codesPageUrl}#${code}`;
}

/**
 * Codes that leave part of the model unanalysed. Their severity can be lowered but not set to
 * "off", so a report never passes silently while W leaves out a layer.
 */
const BLOCKING_CODES = new Set<Code>(['syntax-error', 'schema', 'invalid-number', 'unknown-op', 'unknown-block', 'cycle', 'graph-shape', 'file-too-large']);

/** Returns whether a "severity" setting can turn the code off; codes that leave part of the model unanalysed cannot be. */
export function canTurnOff(code: Code): boolean {
  return !BLOCKING_CODES.has(code);
}
