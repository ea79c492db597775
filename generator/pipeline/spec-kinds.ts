/** The kinds of spec the generator reads: each has a folder under spec/ and a meta-schema in spec/meta/. */
export interface SpecKind {
  readonly name: string;
  readonly folder: string;
  readonly metaSchema: string;
  /** File name endings read (default .yaml and .yml). */
  readonly extensions?: readonly string[];
  /** `text`: not YAML; the kind's reader parses (and syntax-checks) the text itself, no meta-schema. */
  readonly format?: 'yaml' | 'text';
}

export const SPEC_KINDS: readonly SpecKind[] = [
  { name: 'messages', folder: 'messages', metaSchema: 'message.schema.yaml' },
  { name: 'lifecycles', folder: 'lifecycles', metaSchema: 'lifecycle.schema.yaml' },
  { name: 'apdu', folder: 'apdu', metaSchema: 'apdu.schema.yaml' },
  // After messages: OpenAPI documents $ref the message designs.
  { name: 'openapi', folder: 'openapi', metaSchema: 'openapi.schema.yaml' },
  // X.680 module texts: the ASN.1 reader's own parser is their syntax check (file:line:column errors).
  { name: 'asn1', folder: 'asn1', metaSchema: '', extensions: ['.asn', '.asn1'], format: 'text' },
  { name: 'profiles', folder: 'profiles', metaSchema: 'profile.schema.yaml' },
];
