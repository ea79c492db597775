/**
 * The language-neutral intermediate representation the readers produce and the emitters consume.
 * Readers know spec formats; emitters know targets; neither knows the other.
 */
import type { SourceLocation } from './spec-error.js';

export type Provenance =
  | { readonly status: 'public'; readonly source: string; readonly note?: string }
  | { readonly status: 'modelled'; readonly source?: string; readonly note?: string };

export type TypeIR =
  | { readonly kind: 'primitive'; readonly name: 'string' | 'number' | 'boolean' | 'null' }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'array'; readonly items: TypeIR }
  | { readonly kind: 'tuple'; readonly items: readonly TypeIR[]; readonly rest: TypeIR | undefined }
  | {
      readonly kind: 'object';
      readonly properties: readonly PropertyIR[];
      /** `false` closes the object; a type opens an index signature of it. */
      readonly additionalProperties: TypeIR | false;
    }
  | { readonly kind: 'union'; readonly members: readonly TypeIR[] }
  | { readonly kind: 'intersection'; readonly members: readonly TypeIR[] }
  | { readonly kind: 'reference'; readonly name: string }
  | { readonly kind: 'unknown' };

export interface PropertyIR {
  readonly name: string;
  readonly type: TypeIR;
  readonly required: boolean;
  readonly description: string | undefined;
  readonly provenance: Provenance | undefined;
}

export interface NamedTypeIR {
  readonly name: string;
  readonly description: string | undefined;
  readonly provenance: Provenance | undefined;
  readonly type: TypeIR;
  readonly location: SourceLocation;
}

export interface InvalidExampleIR {
  readonly description: string;
  readonly value: unknown;
  readonly errors: readonly { readonly pointer: string; readonly keyword: string }[];
}

/** One message design (電文): a named root type with its validation schema and embedded test cases. */
export interface MessageIR extends NamedTypeIR {
  readonly provenance: Provenance;
  /** The spec file, relative to the project root. */
  readonly file: string;
  /** The schema's identifier inside the generated validator set. */
  readonly schemaId: string;
  /** The JSON Schema as ajv compiles it: refs rewritten to schema ids, annotations stripped. */
  readonly validationSchema: Readonly<Record<string, unknown>>;
  readonly examples: readonly unknown[];
  readonly invalidExamples: readonly InvalidExampleIR[];
  /** Named `$defs` of the file, emitted as types of their own. */
  readonly definitions: readonly NamedTypeIR[];
}

export interface MessagesIR {
  readonly messages: readonly MessageIR[];
}
