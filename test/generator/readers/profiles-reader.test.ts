import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMetaSchema } from '../../../generator/pipeline/meta-schema.js';
import { readProfiles } from '../../../generator/readers/profiles-reader.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';

const checkMetaSchema = compileMetaSchema({ path: 'spec/meta/profile.schema.yaml', absolutePath: '', text: readFileSync('spec/meta/profile.schema.yaml', 'utf8'), sha256: '' });

const base = `name: door
kind: certificate
title: Door certificate
x-provenance: { status: modelled }
variants: [front, back]
version: 3
signatureAlgorithms: [sha256WithRSAEncryption]
publicKey: { algorithm: rsaEncryption, modulusBits: 2048, publicExponent: 65537, x-provenance: { status: modelled } }
issuer:
  attributes:
    - { attribute: countryName, stringType: printableString, value: JP }
    - { attribute: organizationalUnitName, stringType: utf8String, variants: { front: Front, back: Back } }
subject:
  attributes:
    - { attribute: commonName, stringType: utf8String, pattern: '^[0-9]+$', input: commonName }
validity: { rule: birthday, birthdays: 5, renewalBirthdays: 6, notAfterTimeOfDay: '14:59:59', limits: [card], x-provenance: { status: modelled } }
extensions:
  - { extension: keyUsage, critical: true, keyUsage: [digitalSignature], x-provenance: { status: modelled } }
  - { extension: extKeyUsage, critical: false, purposes: [clientAuth], x-provenance: { status: modelled } }
forbiddenExtensions:
  - { extension: basicConstraints, reason: not a CA, x-provenance: { status: modelled } }
otherExtensions: error
cases: { valid: [], invalid: [] }
`;

function read(text: string) {
  const source = parseYamlSource('spec/profiles/door.yaml', text);
  checkMetaSchema(source);
  return readProfiles([source]);
}

function specError(text: string): SpecError {
  try {
    read(text);
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('readProfiles', () => {
  it('resolves names to OIDs and keeps the extension order', () => {
    const [profile] = read(base).profiles;
    expect(profile?.data.kind).toBe('certificate');
    if (profile?.data.kind !== 'certificate') return;
    expect(profile.data.extensions.map((rule) => [rule.name, rule.oid, rule.critical])).toEqual([
      ['keyUsage', '2.5.29.15', true],
      ['extKeyUsage', '2.5.29.37', false],
    ]);
    expect(profile.data.extensions[1]?.value).toEqual({ kind: 'extKeyUsage', purposes: [{ name: 'clientAuth', oid: '1.3.6.1.5.5.7.3.2' }] });
    expect(profile.data.forbiddenExtensions[0]?.oid).toBe('2.5.29.19');
    expect(profile.data.signatureAlgorithms).toEqual([{ name: 'sha256WithRSAEncryption', oid: '1.2.840.113549.1.1.11' }]);
    expect(profile.data.publicKey.algorithmOid).toBe('1.2.840.113549.1.1.1');
  });

  it('refuses a value field of another extension, with file:line:column', () => {
    const error = specError(base.replace('keyUsage: [digitalSignature], x-provenance', 'keyUsage: [digitalSignature], purposes: [clientAuth], x-provenance'));
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.message).toMatch(/^spec\/profiles\/door\.yaml:18:\d+: only keyUsage on a keyUsage extension, not 'purposes'/u);
  });

  it('refuses an extension both listed and forbidden', () => {
    expect(specError(base.replace('extension: basicConstraints', 'extension: keyUsage')).message).toMatch(/does not also list/u);
  });

  it('refuses an extension listed twice', () => {
    expect(specError(base.replace("extension: extKeyUsage, critical: false, purposes: [clientAuth]", 'extension: keyUsage, critical: true, keyUsage: [nonRepudiation]')).message).toMatch(/listed twice/u);
  });

  it('refuses variant values that do not cover the declared variants', () => {
    expect(specError(base.replace('variants: { front: Front, back: Back }', 'variants: { front: Front }')).message).toMatch(/one value for each of the profile's variants/u);
  });

  it('refuses a pattern that is not a regular expression', () => {
    // A function replacement: "$'" in a replacement string means "the text after the match".
    expect(specError(base.replace("pattern: '^[0-9]+$'", () => "pattern: '^[0-9+$'")).message).toMatch(/regular expression/u);
  });

  it('refuses a countryName that is not a PrintableString', () => {
    expect(specError(base.replace('{ attribute: countryName, stringType: printableString', '{ attribute: countryName, stringType: utf8String')).message).toMatch(/printableString for countryName/u);
  });

  it('refuses fewer birthdays on renewal than on issuance', () => {
    expect(specError(base.replace('renewalBirthdays: 6', 'renewalBirthdays: 4')).pointer).toBe('/validity/renewalBirthdays');
  });

  it('the meta-schema refuses an unknown key-usage bit, a public source-less provenance and CRL fields on a certificate', () => {
    expect(specError(base.replace('keyUsage: [digitalSignature]', 'keyUsage: [digitalSigning]')).code).toBe('SPEC_META_SCHEMA');
    expect(specError(base.replace('x-provenance: { status: modelled }\nvariants', 'x-provenance: { status: public }\nvariants')).code).toBe('SPEC_META_SCHEMA');
    expect(specError(`${base}entryReasons: [keyCompromise]\n`).code).toBe('SPEC_META_SCHEMA');
  });

  it('refuses two profiles with one name', () => {
    const one = parseYamlSource('spec/profiles/a.yaml', base);
    const two = parseYamlSource('spec/profiles/b.yaml', base);
    expect(() => readProfiles([one, two])).toThrow(/already defined at spec\/profiles\/a\.yaml/u);
  });

  it('reads every profile in spec/profiles with provenance on the file and on every extension', () => {
    const sources = readdirSync('spec/profiles').map((file) => parseYamlSource(`spec/profiles/${file}`, readFileSync(`spec/profiles/${file}`, 'utf8')));
    for (const source of sources) checkMetaSchema(source);
    const { profiles } = readProfiles(sources);
    expect(profiles.map((profile) => profile.data.name)).toEqual(['cardAuthentication', 'cardSignature', 'crl', 'jpkiCa', 'ocspResponse', 'smartphoneAuthentication', 'smartphoneSignature']);
    for (const profile of profiles) {
      expect(profile.data.provenance.status).toMatch(/^(public|modelled)$/u);
      for (const rule of profile.data.extensions) expect(rule.provenance.status, `${profile.data.name} ${rule.name}`).toMatch(/^(public|modelled)$/u);
    }
    const smartphone = profiles.find((profile) => profile.data.name === 'smartphoneSignature')?.data;
    expect(smartphone?.provenance.status).toBe('modelled');
  });
});
