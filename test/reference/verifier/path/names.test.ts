import { describe, expect, test } from 'vitest';
import type { GeneralName } from '../../../../generated/asn1/pkix1-implicit88.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeCertificate, type Name } from '../../../../generated/asn1/pkix1-explicit88.js';
import { checkNameConstraints } from '../../../../reference/verifier/path/name-constraints.js';
import { nameKey, nameKeyHasPrefix, nameKeysEqual, prepareString } from '../../../../reference/verifier/path/names.js';
import { PathFailure } from '../../../../reference/verifier/path/path-errors.js';
import { OpensslChain } from './openssl-chain.js';

/** Names are encoded by openssl (in self-signed certificates), then read with the generated codec. */
function names(...subjects: string[]): Name[] {
  const chain = new OpensslChain();
  try {
    return subjects.map((subject, index) => {
      chain.must(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `k${index}.pem`, '-subj', subject, '-multivalue-rdn', '-utf8', '-outform', 'DER', '-out', `c${index}.der`]);
      return decodeCertificate(new Uint8Array(readFileSync(path.join(chain.folder, `c${index}.der`)))).tbsCertificate.subject;
    });
  } finally {
    chain.dispose();
  }
}

describe('RFC 5280 §7.1 name comparison', () => {
  test('prepareString folds case, trims and squeezes spaces, and normalises', () => {
    expect(prepareString('  Good   CA ')).toBe('good ca');
    expect(prepareString('ＡＢＣ')).toBe('abc');
    expect(prepareString('Straße')).toBe('straße');
  });

  test('case, spacing and the order of a multi-valued RDN do not matter; RDN order does', () => {
    const [a, b, c, d] = names('/C=JP/O=Test  Org/CN=Alice+serialNumber=1', '/C=jp/O= test org /CN=alice+serialNumber=1', '/C=JP/O=Test Org/serialNumber=1+CN=ALICE', '/O=Test Org/C=JP/CN=Alice+serialNumber=1');
    if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error('names missing');
    expect(nameKeysEqual(nameKey(a), nameKey(b))).toBe(true);
    expect(nameKeysEqual(nameKey(a), nameKey(c))).toBe(true);
    expect(nameKeysEqual(nameKey(a), nameKey(d))).toBe(false);
    const [parent] = names('/C=JP/O=Test Org');
    if (parent === undefined) throw new Error('name missing');
    expect(nameKeyHasPrefix(nameKey(a), nameKey(parent))).toBe(true);
    expect(nameKeyHasPrefix(nameKey(parent), nameKey(a))).toBe(false);
  });
});

describe('name constraint matching', () => {
  const subject: Name = { type: 'rdnSequence', value: [] };
  const permitted = (base: GeneralName) => [{ permittedSubtrees: [{ base }] }];
  const excluded = (base: GeneralName) => [{ excludedSubtrees: [{ base }] }];
  const verdict = (name: GeneralName, constraints: Parameters<typeof checkNameConstraints>[2]): string => {
    try {
      checkNameConstraints(subject, [name], constraints, 0);
      return 'ok';
    } catch (error) {
      if (error instanceof PathFailure) return error.code;
      throw error;
    }
  };

  test.each([
    [{ type: 'dNSName', value: 'a.example.com' }, { type: 'dNSName', value: 'example.com' }, 'ok'],
    [{ type: 'dNSName', value: 'EXAMPLE.com' }, { type: 'dNSName', value: 'example.COM' }, 'ok'],
    [{ type: 'dNSName', value: 'badexample.com' }, { type: 'dNSName', value: 'example.com' }, 'nameConstraintsViolated'],
    [{ type: 'dNSName', value: 'example.com' }, { type: 'dNSName', value: '.example.com' }, 'nameConstraintsViolated'],
    [{ type: 'rfc822Name', value: 'user@example.com' }, { type: 'rfc822Name', value: 'example.com' }, 'ok'],
    [{ type: 'rfc822Name', value: 'user@mail.example.com' }, { type: 'rfc822Name', value: 'example.com' }, 'nameConstraintsViolated'],
    [{ type: 'rfc822Name', value: 'user@mail.example.com' }, { type: 'rfc822Name', value: '.example.com' }, 'ok'],
    [{ type: 'rfc822Name', value: 'user@EXAMPLE.com' }, { type: 'rfc822Name', value: 'user@example.com' }, 'ok'],
    [{ type: 'rfc822Name', value: 'User@example.com' }, { type: 'rfc822Name', value: 'user@example.com' }, 'nameConstraintsViolated'],
    [{ type: 'uniformResourceIdentifier', value: 'https://user@host.example.com:8443/x' }, { type: 'uniformResourceIdentifier', value: 'host.example.com' }, 'ok'],
    [{ type: 'uniformResourceIdentifier', value: 'https://host.example.com/x' }, { type: 'uniformResourceIdentifier', value: '.example.com' }, 'ok'],
    [{ type: 'uniformResourceIdentifier', value: 'urn:isbn:123' }, { type: 'uniformResourceIdentifier', value: '.example.com' }, 'nameConstraintsViolated'],
    [{ type: 'iPAddress', value: new Uint8Array([192, 168, 5, 9]) }, { type: 'iPAddress', value: new Uint8Array([192, 168, 0, 0, 255, 255, 0, 0]) }, 'ok'],
    [{ type: 'iPAddress', value: new Uint8Array([192, 169, 5, 9]) }, { type: 'iPAddress', value: new Uint8Array([192, 168, 0, 0, 255, 255, 0, 0]) }, 'nameConstraintsViolated'],
    [{ type: 'iPAddress', value: new Uint8Array(16).fill(1) }, { type: 'iPAddress', value: new Uint8Array([192, 168, 0, 0, 255, 255, 0, 0]) }, 'nameConstraintsViolated'],
    [{ type: 'registeredID', value: '1.2.3' }, { type: 'registeredID', value: '1.2.3' }, 'unsupportedNameConstraint'],
  ] as [GeneralName, GeneralName, string][])('%o within permitted %o → %s', (name, base, expected) => {
    expect(verdict(name, permitted(base))).toBe(expected);
  });

  test('an excluded subtree rejects what it covers and ignores other forms', () => {
    expect(verdict({ type: 'dNSName', value: 'x.evil.org' }, excluded({ type: 'dNSName', value: 'evil.org' }))).toBe('nameConstraintsViolated');
    expect(verdict({ type: 'dNSName', value: 'x.good.org' }, excluded({ type: 'dNSName', value: 'evil.org' }))).toBe('ok');
    expect(verdict({ type: 'rfc822Name', value: 'a@evil.org' }, excluded({ type: 'dNSName', value: 'evil.org' }))).toBe('ok');
  });

  test('constraints from several CAs all apply (the intersection)', () => {
    const both = [...permitted({ type: 'dNSName', value: 'example.com' }), ...permitted({ type: 'dNSName', value: 'a.example.com' })];
    expect(verdict({ type: 'dNSName', value: 'x.a.example.com' }, both)).toBe('ok');
    expect(verdict({ type: 'dNSName', value: 'x.b.example.com' }, both)).toBe('nameConstraintsViolated');
  });
});
