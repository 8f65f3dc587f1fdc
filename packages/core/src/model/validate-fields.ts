import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import type { JsonObject } from '../json.js';
import type { Doc } from './doc.js';
import { toJsonFields } from './json-fields.js';
import type { ModelDefinition } from './model-definition.js';

/** Where fields are validated: before a write, or after a read. */
export type ValidationPhase = 'write' | 'read';

/**
 * Validates a document's fields against the model (per its validation mode) and returns them as stored JSON, in
 * the schema's field order. Throws a `ValidationError` with every issue and the document id otherwise.
 */
export function validateFields<M extends Doc>(
  definition: ModelDefinition<M>,
  fields: Readonly<Record<string, unknown>>,
  context: { readonly id: string | undefined; readonly phase: ValidationPhase },
): JsonObject {
  let output: Readonly<Record<string, unknown>> = fields;
  if (definition.schema) {
    const parsed = definition.schema.safeParse(fields);
    if (!parsed.success) throw validationError(definition, parsed.error.issues.flatMap(toIssues), context, parsed.error);
    output = parsed.data;
  }
  const issues: ValidationIssue[] = [];
  const json = toJsonFields(output, issues);
  if (issues.length > 0) throw validationError(definition, issues, context, undefined);
  return json;
}

/** zod reports all unknown keys in one issue at the object; one issue per key reads better and has a path. */
function toIssues(issue: z.core.$ZodIssue): ValidationIssue[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], code: issue.code, message: `Unknown field "${key}"` }));
  }
  return [{ path, code: issue.code, message: issue.message }];
}

function validationError<M extends Doc>(
  definition: ModelDefinition<M>,
  issues: readonly ValidationIssue[],
  context: { readonly id: string | undefined; readonly phase: ValidationPhase },
  cause: unknown,
): ValidationError {
  const subject = context.id === undefined ? `A new ${definition.type}` : `${definition.type} "${context.id}"`;
  const where = context.phase === 'read' ? 'as stored does not match the model' : 'is not valid; nothing was written';
  const first = issues[0];
  const detail = first ? `${formatPath(first.path)}${first.message}` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  return new ValidationError(`${subject} ${where}: ${detail}${more}`, issues, { id: context.id, cause });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '' : `${path.map(String).join('.')}: `;
}
