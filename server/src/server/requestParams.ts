// The params fields that each request handler reads, checked before it runs. A request that lacks
// one gets a JSON-RPC InvalidParams error that names the field, where the handler would otherwise
// fail on it with a TypeError. Only the fields the handlers read are checked, with the types they
// read. A position outside the document passes, because LineIndex.offsetAt clamps it.
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
} from 'vscode-languageserver';
import { describeValue } from '../core/validate';
import { EXPLAIN_METHOD } from './explain';
import { STATUS_METHOD } from './status';

/** A field of the params, by its dotted path, with the test its value must pass. */
interface RequiredField {
  path: string;
  isValid: (value: unknown) => boolean;
  /** Description of a valid value, for the error message. */
  expected: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): boolean {
  return isObject(value) && typeof value.line === 'number' && typeof value.character === 'number';
}

function isRange(value: unknown): boolean {
  return isObject(value) && isPosition(value.start) && isPosition(value.end);
}

const isString = (value: unknown): boolean => typeof value === 'string';

const TEXT_DOCUMENT: RequiredField = { path: 'textDocument.uri', isValid: isString, expected: "a string, the document's URI" };
const POSITION: RequiredField = { path: 'position', isValid: isPosition, expected: '{"line": number, "character": number}' };
const RANGE: RequiredField = { path: 'range', isValid: isRange, expected: '{"start": position, "end": position}' };
const URI: RequiredField = { path: 'uri', isValid: isString, expected: "a string, the document's URI" };

const REQUIRED_FIELDS: Record<string, readonly RequiredField[]> = {
  [HoverRequest.method]: [TEXT_DOCUMENT, POSITION],
  [InlayHintRequest.method]: [TEXT_DOCUMENT, RANGE],
  [CodeLensRequest.method]: [TEXT_DOCUMENT],
  [CodeActionRequest.method]: [
    TEXT_DOCUMENT,
    RANGE,
    {
      path: 'context.diagnostics',
      isValid: (value) => Array.isArray(value) && value.every((diagnostic) => isObject(diagnostic) && isRange(diagnostic.range)),
      expected: 'a list of diagnostics, each with a "range"',
    },
    {
      path: 'context.only',
      isValid: (value) => value === undefined || (Array.isArray(value) && value.every(isString)),
      expected: 'a list of code action kinds, or absent',
    },
  ],
  [CodeActionResolveRequest.method]: [{ path: 'title', isValid: isString, expected: 'a string' }],
  [CompletionRequest.method]: [TEXT_DOCUMENT, POSITION],
  [ReferencesRequest.method]: [TEXT_DOCUMENT, POSITION, { path: 'context.includeDeclaration', isValid: (value) => typeof value === 'boolean', expected: 'true or false' }],
  [PrepareRenameRequest.method]: [TEXT_DOCUMENT, POSITION],
  [RenameRequest.method]: [TEXT_DOCUMENT, POSITION, { path: 'newName', isValid: isString, expected: 'a string' }],
  [DefinitionRequest.method]: [TEXT_DOCUMENT, POSITION],
  [DocumentSymbolRequest.method]: [TEXT_DOCUMENT],
  [EXPLAIN_METHOD]: [URI],
  [STATUS_METHOD]: [URI],
};

/** A required field that the params of a request lack or hold with the wrong type. */
export interface InvalidParams {
  /** The field's dotted path, or "params" when the params are not an object. */
  field: string;
  message: string;
}

/** Returns the first required field of `method` that `params` lack or hold with the wrong type, or undefined. */
export function invalidParams(method: string, params: unknown): InvalidParams | undefined {
  if (!isObject(params)) {
    return { field: 'params', message: `Invalid params of ${method}: they are ${describeValue(params)}; they must be an object.` };
  }
  for (const field of REQUIRED_FIELDS[method] ?? []) {
    const value = valueAt(params, field.path);
    if (field.isValid(value)) continue;
    const found = value === undefined ? 'is missing' : `is ${describeValue(value)}`;
    return { field: field.path, message: `Invalid params of ${method}: "${field.path}" ${found}; it must be ${field.expected}.` };
  }
  return undefined;
}

function valueAt(params: Record<string, unknown>, path: string): unknown {
  let value: unknown = params;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  return value;
}
