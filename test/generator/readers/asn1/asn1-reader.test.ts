import { describe, expect, it } from 'vitest';
import { readAsn1Modules } from '../../../../generator/readers/asn1/asn1-reader.js';
import type { IRType, ModuleIR, TypeDefIR } from '../../../../generator/readers/asn1/asn1-ir.js';
import { SpecError } from '../../../../generator/spec-error.js';

function read(...texts: string[]) {
  return readAsn1Modules(texts.map((text, index) => ({ file: `m${index}.asn`, text })));
}

function moduleOf(ir: ReturnType<typeof read>, name: string): ModuleIR {
  const found = ir.modules.find((module) => module.name === name);
  if (found === undefined) throw new Error(`no module ${name}`);
  return found;
}

function typeOf(module: ModuleIR, name: string): TypeDefIR {
  const found = module.types.find((definition) => definition.name === name);
  if (found === undefined) throw new Error(`no type ${name} in ${module.name}`);
  return found;
}

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

const ALL_CONSTRUCTS = `
-- a line comment
/* a block /* nested */ comment */ -- an inline comment -- Everything { iso(1) member-body(2) 392 99 1 } DEFINITIONS IMPLICIT TAGS ::= BEGIN
EXPORTS Record, id-example;
IMPORTS Name FROM Other { 1 2 3 };

id-example OBJECT IDENTIFIER ::= { iso(1) member-body(2) jp(392) 99 }
id-child OBJECT IDENTIFIER ::= { id-example 7 }
ub-size INTEGER ::= 64
flag BOOLEAN ::= TRUE
greeting UTF8String ::= "hello ""world"""

Record ::= SEQUENCE {
  version    [0] EXPLICIT INTEGER { v1(0), v2(1) } DEFAULT v1,
  number     INTEGER (0..255),
  big        INTEGER,
  flags      [1] BIT STRING { first(0), second(1), ninth(8) } OPTIONAL,
  kind       Kind,
  name       [APPLICATION 3] Name,
  private    [PRIVATE 40] OCTET STRING (SIZE (1..ub-size)),
  universal  [UNIVERSAL 30] IMPLICIT OCTET STRING OPTIONAL,
  strings    Strings,
  list       SEQUENCE SIZE (1..MAX) OF INTEGER,
  bag        SET OF OCTET STRING,
  anything   ANY DEFINED BY number OPTIONAL,
  ... ,
  later      [2] BOOLEAN OPTIONAL
}

Kind ::= ENUMERATED { alpha, beta(5), gamma, ... }

Strings ::= SET {
  utf8 UTF8String, printable PrintableString, ia5 IA5String, visible VisibleString,
  numeric NumericString, teletex TeletexString, t61 [0] T61String, bmp BMPString, universal UniversalString,
  videotex [1] VideotexString, graphic [2] GraphicString, general [3] GeneralString,
  utc UTCTime, generalized GeneralizedTime, iso646 [4] ISO646String, descriptor ObjectDescriptor
}

Pick ::= CHOICE { one [0] INTEGER, two [1] Kind, three Record, ... }

Tagged ::= [5] Pick
Wrapped ::= [APPLICATION 9] SEQUENCE { inner INTEGER }

END

Other { 1 2 3 } DEFINITIONS EXPLICIT TAGS ::= BEGIN
Name ::= SEQUENCE OF UTF8String
END

Auto DEFINITIONS AUTOMATIC TAGS ::= BEGIN
IMPORTS Kind FROM Everything;
Plain ::= SEQUENCE { a INTEGER, b BOOLEAN OPTIONAL, c CHOICE { x INTEGER, y IA5String } }
Marked ::= SEQUENCE { a [5] INTEGER, b BOOLEAN }
WithKind ::= SET { kind Kind, count INTEGER }
END
`;

describe('ASN.1 reader: X.680 constructs', () => {
  const ir = read(ALL_CONSTRUCTS);
  const everything = moduleOf(ir, 'Everything');

  it('reads module identifiers, value assignments and OID arcs by name, number and reference', () => {
    expect(everything.oid).toBe('1.2.392.99.1');
    expect(everything.values).toEqual(
      expect.arrayContaining([
        { kind: 'oid', name: 'id-example', value: '1.2.392.99' },
        { kind: 'oid', name: 'id-child', value: '1.2.392.99.7' },
        { kind: 'integer', name: 'ub-size', value: 64n },
        { kind: 'boolean', name: 'flag', value: true },
        { kind: 'string', name: 'greeting', value: 'hello "world"' },
      ]),
    );
  });

  it('applies IMPLICIT TAGS, keeps EXPLICIT where written and makes tags on CHOICE explicit (X.680 §31.2.7)', () => {
    const record = typeOf(everything, 'Record').type;
    if (record.kind !== 'sequence') throw new Error('Record is a SEQUENCE');
    const component = (name: string) => record.components.find((entry) => entry.name === name)?.type as IRType;
    expect(component('version')).toMatchObject({ kind: 'tagged', tagClass: 2, number: 0, explicit: true });
    expect(component('flags')).toMatchObject({ kind: 'tagged', tagClass: 2, number: 1, explicit: false, inner: { kind: 'bitString', named: [['first', 0], ['second', 1], ['ninth', 8]] } });
    expect(component('name')).toMatchObject({ kind: 'tagged', tagClass: 1, number: 3, explicit: false, inner: { kind: 'ref', module: 'Other', name: 'Name' } });
    expect(component('private')).toMatchObject({ kind: 'tagged', tagClass: 3, number: 40, inner: { kind: 'octetString', size: { min: 1n, max: 64n } } });
    expect(component('universal')).toMatchObject({ kind: 'tagged', tagClass: 0, number: 30, explicit: false });
    expect(typeOf(everything, 'Tagged').type).toMatchObject({ kind: 'tagged', number: 5, explicit: true, inner: { kind: 'ref', name: 'Pick' } });
  });

  it('reads named numbers, value ranges, DEFAULT, OPTIONAL, SIZE, SEQUENCE OF, SET OF, ANY DEFINED BY and extension additions', () => {
    const record = typeOf(everything, 'Record').type;
    if (record.kind !== 'sequence') throw new Error('Record is a SEQUENCE');
    const byName = Object.fromEntries(record.components.map((entry) => [entry.name, entry]));
    expect(byName['version']).toMatchObject({ optional: true, defaultValue: { kind: 'integer', value: 0n } });
    expect(byName['number']?.type).toMatchObject({ kind: 'integer', small: true, range: { min: 0n, max: 255n } });
    expect(byName['big']?.type).toMatchObject({ kind: 'integer', small: false });
    expect(byName['list']?.type).toMatchObject({ kind: 'sequenceOf', size: { min: 1n, max: undefined }, element: { kind: 'integer' } });
    expect(byName['bag']?.type).toMatchObject({ kind: 'setOf', element: { kind: 'octetString' } });
    expect(byName['anything']).toMatchObject({ optional: true, type: { kind: 'any' } });
    expect(record.extensible).toBe(true);
    expect(byName['later']).toMatchObject({ extension: true, optional: true });
  });

  it('numbers ENUMERATED items without values after the used ones and keeps the extension marker', () => {
    expect(typeOf(everything, 'Kind').type).toEqual({ kind: 'enumerated', items: [['alpha', 0], ['beta', 5], ['gamma', 1]], extensible: true });
  });

  it('reads every string and time type', () => {
    const strings = typeOf(everything, 'Strings').type;
    if (strings.kind !== 'set') throw new Error('Strings is a SET');
    const kinds = strings.components.map((component) => {
      const inner = component.type.kind === 'tagged' ? component.type.inner : component.type;
      return inner.kind === 'string' ? inner.stringType : inner.kind === 'time' ? inner.timeType : inner.kind;
    });
    expect(kinds).toEqual([
      'UTF8String', 'PrintableString', 'IA5String', 'VisibleString', 'NumericString', 'TeletexString', 'TeletexString', 'BMPString',
      'UniversalString', 'VideotexString', 'GraphicString', 'GeneralString', 'UTCTime', 'GeneralizedTime', 'VisibleString', 'ObjectDescriptor',
    ]);
  });

  it('hoists nested constructed types and tagged top-level ones into named types', () => {
    const auto = moduleOf(ir, 'Auto');
    expect(auto.types.map((definition) => definition.name)).toEqual(['Plain', 'PlainC', 'Marked', 'WithKind']);
    expect(typeOf(everything, 'Wrapped').type).toMatchObject({ kind: 'tagged', tagClass: 1, number: 9, explicit: false, inner: { kind: 'ref', name: 'WrappedContent' } });
  });

  it('applies AUTOMATIC tagging only when no component is tagged, explicit for the CHOICE', () => {
    const auto = moduleOf(ir, 'Auto');
    const plain = typeOf(auto, 'Plain').type;
    if (plain.kind !== 'sequence') throw new Error('Plain is a SEQUENCE');
    expect(plain.components.map((component) => component.type)).toMatchObject([
      { kind: 'tagged', number: 0, explicit: false },
      { kind: 'tagged', number: 1, explicit: false },
      { kind: 'tagged', number: 2, explicit: true, inner: { kind: 'ref', name: 'PlainC' } },
    ]);
    const marked = typeOf(auto, 'Marked').type;
    if (marked.kind !== 'sequence') throw new Error('Marked is a SEQUENCE');
    expect(marked.components[1]?.type).toEqual({ kind: 'boolean' });
    expect(typeOf(auto, 'WithKind').type).toMatchObject({ kind: 'set', components: [{ type: { kind: 'tagged', number: 0, inner: { kind: 'ref', module: 'Everything', name: 'Kind' } } }, { type: { kind: 'tagged', number: 1 } }] });
  });
});

describe('ASN.1 reader: information objects and open types', () => {
  const ir = read(`
Registry DEFINITIONS EXPLICIT TAGS ::= BEGIN
ALGORITHM ::= CLASS { &id OBJECT IDENTIFIER UNIQUE, &Params OPTIONAL } WITH SYNTAX { [PARAMS &Params] IDENTIFIED BY &id }
id-a OBJECT IDENTIFIER ::= { 1 2 3 }
alg-a ALGORITHM ::= { PARAMS INTEGER IDENTIFIED BY id-a }
Algorithms ALGORITHM ::= { alg-a | { IDENTIFIED BY { 1 2 4 } } | { PARAMS Params IDENTIFIED BY { 1 2 5 } }, ... }
Params ::= SEQUENCE { n INTEGER }
AlgorithmId ::= SEQUENCE {
  algorithm ALGORITHM.&id({Algorithms}),
  parameters ALGORITHM.&Params({Algorithms}{@algorithm}) OPTIONAL }
Holder ::= SEQUENCE { id OBJECT IDENTIFIER, value ANY DEFINED BY id }
Wrapped ::= SEQUENCE { id OBJECT IDENTIFIER, bytes OCTET STRING }
Pairs TYPE-IDENTIFIER ::= { { Params IDENTIFIED BY { 1 9 } } }
--@open-type Registry.Holder.value Algorithms id
--@open-type Registry.Wrapped.bytes Pairs id
--@keep-der Registry.Params
--@test Params hex 3003020105 json {"n": 5}
END`);
  const module = moduleOf(ir, 'Registry');

  it('resolves object sets with WITH SYNTAX, optional groups, inline objects and TYPE-IDENTIFIER', () => {
    expect(module.registries).toEqual([
      { name: 'Algorithms', entries: [
        { id: '1.2.3', idName: 'id-a', type: { kind: 'integer', named: [], small: false, range: undefined } },
        { id: '1.2.4', idName: undefined, type: undefined },
        { id: '1.2.5', idName: undefined, type: { kind: 'ref', module: 'Registry', name: 'Params' } },
      ] },
      { name: 'Pairs', entries: [{ id: '1.9', idName: undefined, type: { kind: 'ref', module: 'Registry', name: 'Params' } }] },
    ]);
  });

  it('binds CLASS.&Type table constraints and --@open-type directives to their registries', () => {
    const binding = { registryModule: 'Registry', registry: 'Algorithms', idComponent: 'algorithm' };
    expect(typeOf(module, 'AlgorithmId').type).toMatchObject({ kind: 'sequence', components: [{ type: { kind: 'oid' } }, { type: { kind: 'any', binding } }] });
    expect(typeOf(module, 'Holder').type).toMatchObject({ components: [{}, { type: { kind: 'any', binding: { registry: 'Algorithms', idComponent: 'id' } } }] });
    expect(typeOf(module, 'Wrapped').type).toMatchObject({ components: [{}, { type: { kind: 'octetString', containing: { registry: 'Pairs', idComponent: 'id' } } }] });
    expect(typeOf(module, 'Params').keepDer).toBe(true);
    expect(module.tests).toMatchObject([{ type: 'Params', hex: '3003020105', json: '{"n": 5}' }]);
  });
});

describe('ASN.1 reader: malformed modules name file:line:column and what was expected', () => {
  const cases: { name: string; texts: string[]; file: string; line: number; column: number; expected: RegExp; code: string }[] = [
    { name: 'missing ::=', texts: ['M DEFINITIONS ::= BEGIN\nA INTEGER\nEND'], file: 'm0.asn', line: 2, column: 3, expected: /"::=" after the type reference A/u, code: 'SPEC_SYNTAX' },
    { name: 'missing END', texts: ['M DEFINITIONS ::= BEGIN\nA ::= INTEGER\n'], file: 'm0.asn', line: 3, column: 1, expected: /"END"/u, code: 'SPEC_SYNTAX' },
    { name: 'unknown type reference', texts: ['M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE {\n  b Missing }\nEND'], file: 'm0.asn', line: 3, column: 5, expected: /a type named Missing/u, code: 'SPEC_REF_UNRESOLVED' },
    { name: 'import from an absent module', texts: ['M DEFINITIONS ::= BEGIN\nIMPORTS X FROM Nowhere;\nEND'], file: 'm0.asn', line: 2, column: 9, expected: /module named Nowhere/u, code: 'SPEC_REF_UNRESOLVED' },
    { name: 'import of an undefined name', texts: ['M DEFINITIONS ::= BEGIN\nIMPORTS X FROM N;\nEND', 'N DEFINITIONS ::= BEGIN\nY ::= NULL\nEND'], file: 'm0.asn', line: 2, column: 9, expected: /X to be defined in N/u, code: 'SPEC_REF_UNRESOLVED' },
    { name: 'duplicate assignment', texts: ['M DEFINITIONS ::= BEGIN\nA ::= NULL\nA ::= BOOLEAN\nEND'], file: 'm0.asn', line: 3, column: 1, expected: /not assigned before/u, code: 'SPEC_DUPLICATE_NAME' },
    { name: 'duplicate component', texts: ['M DEFINITIONS ::= BEGIN\nA ::= SEQUENCE { a NULL, a BOOLEAN }\nEND'], file: 'm0.asn', line: 2, column: 26, expected: /component name not used before/u, code: 'SPEC_DUPLICATE_NAME' },
    { name: 'unclosed string', texts: ['M DEFINITIONS ::= BEGIN\nv UTF8String ::= "abc\nEND'], file: 'm0.asn', line: 2, column: 18, expected: /closing "/u, code: 'SPEC_SYNTAX' },
    { name: 'bad character', texts: ['M DEFINITIONS ::= BEGIN\nA ::= NULL #\nEND'], file: 'm0.asn', line: 2, column: 12, expected: /lexical item/u, code: 'SPEC_SYNTAX' },
    { name: 'OPTIONAL in a CHOICE', texts: ['M DEFINITIONS ::= BEGIN\nA ::= CHOICE { a NULL OPTIONAL }\nEND'], file: 'm0.asn', line: 2, column: 16, expected: /without OPTIONAL/u, code: 'SPEC_SYNTAX' },
    { name: 'parameterized type', texts: ['M DEFINITIONS ::= BEGIN\nA{T} ::= SEQUENCE { a T }\nEND'], file: 'm0.asn', line: 2, column: 2, expected: /parameterized/u, code: 'SPEC_UNSUPPORTED' },
    { name: 'OID value with a bad arc', texts: ['M DEFINITIONS ::= BEGIN\nid OBJECT IDENTIFIER ::= { 1 foo }\nEND'], file: 'm0.asn', line: 2, column: 30, expected: /number or name\(number\)/u, code: 'SPEC_INVALID' },
    { name: 'unknown directive', texts: ['M DEFINITIONS ::= BEGIN\n--@frobnicate A\nA ::= NULL\nEND'], file: 'm0.asn', line: 2, column: 1, expected: /--@keep-der/u, code: 'SPEC_SYNTAX' },
    { name: 'malformed test vector', texts: ['M DEFINITIONS ::= BEGIN\nA ::= NULL\n--@test A hex 0 json null\nEND'], file: 'm0.asn', line: 3, column: 1, expected: /even number of hex digits/u, code: 'SPEC_SYNTAX' },
    { name: 'object not matching its class syntax', texts: ['M DEFINITIONS ::= BEGIN\nC ::= CLASS { &id OBJECT IDENTIFIER UNIQUE } WITH SYNTAX { ID &id }\nS C ::= { { IDENT { 1 2 } } }\nEND'], file: 'm0.asn', line: 3, column: 13, expected: /"ID" as class C's syntax requires/u, code: 'SPEC_SYNTAX' },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const error = specError(() => read(...testCase.texts));
      expect(error.code).toBe(testCase.code);
      expect(error.location).toEqual({ file: testCase.file, line: testCase.line, column: testCase.column });
      expect(error.message).toMatch(testCase.expected);
      expect(error.message.startsWith(`${testCase.file}:${testCase.line}:${testCase.column}: `)).toBe(true);
    });
  }
});

describe('ASN.1 reader: the project modules', () => {
  it('reads spec/asn1 completely: PKIX explicit and implicit, OCSP, CMS, algorithms, JPKI, linkage, registries', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const files = (await readdir('spec/asn1')).filter((file) => file.endsWith('.asn'));
    const ir = readAsn1Modules(await Promise.all(files.map(async (file) => ({ file, text: await readFile(`spec/asn1/${file}`, 'utf8') }))));
    const names = ir.modules.map((module) => module.name).sort();
    expect(names).toEqual(['CryptographicMessageSyntax2004', 'JPKI-Certificates', 'JPKI-Linkage', 'JPKIGEN-Open-Types', 'OCSP-2013-88', 'PKCS-1', 'PKIX1-PSS-OAEP-Algorithms', 'PKIX1Algorithms88', 'PKIX1Explicit88', 'PKIX1Implicit88']);
    const implicit = moduleOf(ir, 'PKIX1Implicit88');
    // RFC 5280 A.2 has these 48 type assignments plus hoisted PolicyMappingsItem.
    expect(implicit.types.some((definition) => definition.name === 'GeneralName')).toBe(true);
    expect(implicit.values.find((value) => value.name === 'id-ce-cRLDistributionPoints')).toEqual({ kind: 'oid', name: 'id-ce-cRLDistributionPoints', value: '2.5.29.31' });
    const jpki = moduleOf(ir, 'JPKI-Certificates');
    expect(jpki.values.filter((value) => value.name.startsWith('id-jpki-') && value.kind === 'oid' && value.value.startsWith('1.2.392.200149.8.5.5.')).map((value) => value.kind === 'oid' && value.value)).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((arc) => `1.2.392.200149.8.5.5.${arc}`),
    );
    const registries = moduleOf(ir, 'JPKIGEN-Open-Types').registries;
    expect(registries.find((registry) => registry.name === 'OtherNames')?.entries.map((entry) => entry.id)).toEqual(['1', '2', '3', '4', '5', '6'].map((arc) => `1.2.392.200149.8.5.5.${arc}`));
  });
});
