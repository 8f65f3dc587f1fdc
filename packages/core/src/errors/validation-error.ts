import { SetteeError } from './settee-error.js';

/** One problem found while validating a value: where it is and what is wrong. */
export interface ValidationIssue {
  /** Path to the offending value, e.g. `['songs', 0, 'title']`. */
  readonly path: readonly PropertyKey[];
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** A machine-readable code (zod's issue code for model validation). */
  readonly code: string;
}

/**
 * A document failed client-side validation (a model's zod schema, or a selector that cannot be sent).
 * Nothing was written. `issues` lists every problem found.
 */
export class ValidationError extends SetteeError {
  readonly issues: readonly ValidationIssue[];

  constructor(reason: string, issues: readonly ValidationIssue[], options: { id?: string; cause?: unknown } = {}) {
    super(400, 'validation_failed', reason, options);
    this.issues = issues;
  }
}
