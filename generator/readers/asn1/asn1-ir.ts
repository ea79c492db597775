/**
 * The language-neutral IR of a set of ASN.1 modules after names, values, tags and open types
 * are resolved. Anonymous constructed types are hoisted into named ones, so every SEQUENCE, SET,
 * CHOICE and ENUMERATED the emitter meets has a name.
 */
import type { SourceLocation } from '../../spec-error.js';

export type StringTypeName =
  | 'UTF8String'
  | 'PrintableString'
  | 'IA5String'
  | 'VisibleString'
  | 'NumericString'
  | 'TeletexString'
  | 'VideotexString'
  | 'GraphicString'
  | 'GeneralString'
  | 'UniversalString'
  | 'BMPString'
  | 'ObjectDescriptor';

export interface SizeBounds {
  readonly min: bigint | undefined;
  readonly max: bigint | undefined;
}

/** Where an open type's value comes from: an object set keyed by a sibling component's value. */
export interface OpenBinding {
  readonly registryModule: string;
  readonly registry: string;
  readonly idComponent: string;
}

export type IRType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  | { readonly kind: 'oid' }
  | { readonly kind: 'relativeOid' }
  | { readonly kind: 'integer'; readonly named: readonly (readonly [string, bigint])[]; readonly small: boolean; readonly range: SizeBounds | undefined }
  | { readonly kind: 'enumerated'; readonly items: readonly (readonly [string, number])[]; readonly extensible: boolean }
  | { readonly kind: 'bitString'; readonly named: readonly (readonly [string, number])[]; readonly size: SizeBounds | undefined }
  | { readonly kind: 'octetString'; readonly size: SizeBounds | undefined; readonly containing: OpenBinding | IRType | undefined }
  | { readonly kind: 'string'; readonly stringType: StringTypeName; readonly size: SizeBounds | undefined }
  | { readonly kind: 'time'; readonly timeType: 'UTCTime' | 'GeneralizedTime' }
  | { readonly kind: 'sequence' | 'set'; readonly components: readonly ComponentIR[]; readonly extensible: boolean }
  | { readonly kind: 'sequenceOf' | 'setOf'; readonly element: IRType; readonly size: SizeBounds | undefined }
  | { readonly kind: 'choice'; readonly alternatives: readonly ComponentIR[]; readonly extensible: boolean }
  | { readonly kind: 'any'; readonly binding: OpenBinding | undefined }
  | { readonly kind: 'tagged'; readonly tagClass: 0 | 1 | 2 | 3; readonly number: number; readonly explicit: boolean; readonly inner: IRType }
  | { readonly kind: 'ref'; readonly module: string; readonly name: string };

export type DefaultValue =
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'enumerated'; readonly value: string }
  | { readonly kind: 'bits'; readonly bits: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'oid'; readonly value: string }
  /** A value of a constructed type (`DEFAULT sha1Identifier`): the component is treated as OPTIONAL, without the DER default check. */
  | { readonly kind: 'opaque'; readonly text: string };

export interface ComponentIR {
  readonly name: string;
  readonly type: IRType;
  readonly optional: boolean;
  readonly defaultValue: DefaultValue | undefined;
  readonly extension: boolean;
  /** A SEQUENCE OF that decoders may walk lazily (`decodeX(der, { lazy: ['Type.component'] })`). */
  readonly lazy: boolean;
  /** Keep this component's exact encoding beside its value (`$<name>Der`), e.g. CMS signedAttrs. */
  readonly keepDer: boolean;
  readonly location: SourceLocation;
}

export interface TypeDefIR {
  readonly name: string;
  readonly type: IRType;
  /** Keep the exact encoding beside the decoded value (signed parts). */
  readonly keepDer: boolean;
  /** Hoisted from inside another type (not written as an assignment). */
  readonly hoisted: boolean;
  readonly location: SourceLocation;
}

export type ValueIR =
  | { readonly kind: 'oid'; readonly name: string; readonly value: string }
  | { readonly kind: 'integer'; readonly name: string; readonly value: bigint }
  | { readonly kind: 'boolean'; readonly name: string; readonly value: boolean }
  | { readonly kind: 'string'; readonly name: string; readonly value: string };

export interface RegistryEntryIR {
  readonly id: string;
  /** Name of the value the id came from, when it was a reference. */
  readonly idName: string | undefined;
  /** Undefined when the identifier selects no value (for example absent algorithm parameters). */
  readonly type: IRType | undefined;
}

export interface RegistryIR {
  readonly name: string;
  readonly entries: readonly RegistryEntryIR[];
}

export interface TestVectorIR {
  readonly type: string;
  readonly hex: string;
  /** Expected decoded value as JSON text (valid vectors). */
  readonly json: string | undefined;
  /** Expected error for invalid vectors. */
  readonly error: { readonly code: string; readonly offset: number | undefined; readonly path: string | undefined } | undefined;
  readonly location: SourceLocation;
}

export interface ModuleIR {
  readonly name: string;
  readonly file: string;
  readonly oid: string | undefined;
  readonly types: readonly TypeDefIR[];
  readonly values: readonly ValueIR[];
  readonly registries: readonly RegistryIR[];
  readonly tests: readonly TestVectorIR[];
}

export interface Asn1IR {
  readonly modules: readonly ModuleIR[];
}
