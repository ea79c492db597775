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

/** A life-cycle state machine (spec/lifecycles): transitions expanded to one per source state. */
export interface LifeCycleIR {
  readonly name: string;
  readonly description: string;
  readonly provenance: Provenance;
  readonly file: string;
  readonly initial: string;
  readonly states: readonly {
    readonly name: string;
    readonly label: string | undefined;
    readonly coding: string | undefined;
    readonly description: string;
    readonly final: boolean;
  }[];
  readonly events: readonly { readonly name: string; readonly description: string; readonly command: string | undefined }[];
  readonly transitions: readonly { readonly from: string; readonly event: string; readonly to: string }[];
  readonly scenarios: readonly { readonly description: string; readonly start: string; readonly events: readonly string[]; readonly end: string }[];
  readonly forbidden: readonly { readonly from: string; readonly event: string; readonly description: string }[];
}

export interface LifeCyclesIR {
  readonly machines: readonly LifeCycleIR[];
}

/** One APDU command table (spec/apdu): the runtime descriptor table plus what types and docs need. */
export interface ApduTableIR {
  readonly name: string;
  readonly description: string;
  readonly provenance: Provenance;
  readonly file: string;
  /** The table as the runtime interpreter reads it (runtime/apdu/command-table.ts `CommandTable`). */
  readonly table: {
    readonly name: string;
    readonly commands: readonly Readonly<Record<string, unknown>>[];
    readonly statusWords: readonly { readonly sw: string; readonly name: string; readonly meaning: string }[];
    readonly enums: Readonly<Record<string, { readonly size: number; readonly values: Readonly<Record<string, number>> }>>;
    readonly bitsets: Readonly<Record<string, { readonly size: number; readonly bits: Readonly<Record<string, { readonly byte: number; readonly bit: number }>> }>>;
    readonly structures: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  readonly commands: readonly {
    readonly name: string;
    readonly description: string;
    readonly provenance: Provenance;
    readonly empirical: boolean;
    /** The fields a builder takes and the dispatcher returns. */
    readonly fields: TypeIR;
    /** The decoded response data, when the command describes it. */
    readonly responseFields: TypeIR | undefined;
    readonly header: string;
  }[];
  readonly structureTypes: readonly NamedTypeIR[];
  readonly enumTypes: readonly NamedTypeIR[];
  readonly applications: readonly { readonly name: string; readonly aid: string; readonly description: string }[];
  readonly tokenProfiles: readonly { readonly name: string; readonly label: string | undefined; readonly description: string }[];
  readonly files: readonly Readonly<Record<string, unknown>>[];
  readonly examples: readonly { readonly description: string; readonly apdu: string; readonly command: string; readonly fields: Readonly<Record<string, unknown>> | undefined }[];
  readonly invalidExamples: readonly { readonly description: string; readonly apdu: string; readonly sw: string }[];
}

export interface ApduTablesIR {
  readonly tables: readonly ApduTableIR[];
}

export type { OpenApiDocumentIR, OpenApiIR, OperationIR, ParameterIR, ResponseIR, MediaTypeIR } from './readers/openapi/openapi-ir.js';
