import type { z } from 'zod';
import { recordField } from './metadata.js';

/**
 * Why a `@field` does not fit its property, as a sentence. The schema's output must be assignable to the declared
 * type (what is read back is what the class promises), and the declared type (without `undefined`) to the output.
 */
export type FieldMismatch<K extends string, Why extends 'output' | 'declared'> = Why extends 'output'
  ? `@field(schema) on "${K}": the schema produces values the declared type does not allow (an .optional() schema needs an optional property: ${K}?: ...)`
  : `@field(schema) on "${K}": the declared type allows values the schema rejects`;

type FieldFits<Declared, Output, K extends string> = [Output] extends [Declared]
  ? [Exclude<Declared, undefined>] extends [Output]
    ? K
    : FieldMismatch<K, 'declared'>
  : FieldMismatch<K, 'output'>;

/** The property decorator `@field(schema)` returns; it type-checks the schema against the property. */
export type FieldDecorator<Output> = <T extends object, K extends string & keyof T>(
  target: T,
  key: FieldFits<T[K], Output, K>,
) => void;

/**
 * Declares a stored field and its zod schema. Every write and read of the model validates the field with it.
 *
 * ```ts
 * @field(z.string().min(1)) name!: string;
 * @field(z.array(Song).default([])) songs!: Song[];
 * @field(z.number().int().optional()) rating?: number;
 * ```
 */
export function field<S extends z.ZodType>(schema: S): FieldDecorator<z.output<S>> {
  return (target, key) => {
    recordField(target, key, schema);
  };
}
