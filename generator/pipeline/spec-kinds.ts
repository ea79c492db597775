/** The kinds of spec the generator reads: each has a folder under spec/ and a meta-schema in spec/meta/. */
export interface SpecKind {
  readonly name: string;
  readonly folder: string;
  readonly metaSchema: string;
}

export const SPEC_KINDS: readonly SpecKind[] = [
  { name: 'messages', folder: 'messages', metaSchema: 'message.schema.yaml' },
  { name: 'lifecycles', folder: 'lifecycles', metaSchema: 'lifecycle.schema.yaml' },
  { name: 'apdu', folder: 'apdu', metaSchema: 'apdu.schema.yaml' },
];
