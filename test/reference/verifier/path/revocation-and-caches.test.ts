/**
 * Revocation modes, OCSP details (SHA-256 CertIDs, freshness), the policy-tree ceiling, and the
 * caches' copy semantics, on openssl-made chains.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BoundedCache, ContentCache } from '../../../../reference/verifier/path/bounded-cache.js';
import { verifyCertificatePath } from '../../../../reference/verifier/path/index.js';
import { OpensslChain } from './openssl-chain.js';

const CA = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
let chain: OpensslChain;

beforeAll(() => {
  chain = new OpensslChain();
  chain.root({ name: 'root', subject: '/C=JP/O=Revocation Test/CN=Root', extensions: CA });
  chain.issue('root', { name: 'leaf', subject: '/C=JP/O=Revocation Test/CN=Leaf', extensions: LEAF });
  chain.issue('root', { name: 'revoked', subject: '/C=JP/O=Revocation Test/CN=Revoked', extensions: LEAF });
  chain.issue('root', { name: 'signOnly', subject: '/C=JP/O=Revocation Test/CN=Root', key: 'rsa', extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'] });
  chain.crl('root', ['revoked']);
}, 60_000);

afterAll(() => chain.dispose());

describe('revocation modes', () => {
  test("'none' reports notChecked; 'ifAvailable' without data reports notChecked; 'require' without data fails", () => {
    const base = { certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')] };
    const none = verifyCertificatePath({ ...base, revocation: 'none' });
    expect(none.valid && none.path.revocation).toEqual([{ certificateIndex: 0, status: 'notChecked' }]);
    const ifAvailable = verifyCertificatePath(base);
    expect(ifAvailable.valid && ifAvailable.path.revocation).toEqual([{ certificateIndex: 0, status: 'notChecked' }]);
    expect(verifyCertificatePath({ ...base, revocation: 'require' })).toMatchObject({ valid: false, reason: 'revocationUnknown', detail: { code: 'revocationUnknown', certificateIndex: 0 } });
  });

  test('a revoked leaf fails in every mode that looks, with the CRL reason and date', () => {
    for (const revocation of ['ifAvailable', 'require'] as const) {
      const result = verifyCertificatePath({ certificates: [chain.der('revoked')], trustAnchors: [chain.der('root')], crls: [chain.der('root-crl')], revocation });
      expect(result).toMatchObject({ valid: false, reason: 'certificateRevoked', detail: { code: 'certificateRevoked' }, path: { revocation: [{ status: 'revoked', source: 'crl', reason: 'keyCompromise' }] } });
    }
    expect(verifyCertificatePath({ certificates: [chain.der('revoked')], trustAnchors: [chain.der('root')], crls: [chain.der('root-crl')], revocation: 'none' }).valid).toBe(true);
  });

  test('a good CRL answer carries its thisUpdate and nextUpdate', () => {
    const result = verifyCertificatePath({ certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], crls: [chain.der('root-crl')], revocation: 'require' });
    expect(result.valid).toBe(true);
    if (result.valid) {
      const [entry] = result.path.revocation;
      expect(entry).toMatchObject({ certificateIndex: 0, status: 'good', source: 'crl' });
      expect(entry?.nextUpdate?.getTime()).toBeGreaterThan(entry?.thisUpdate?.getTime() ?? Infinity);
    }
  });
});

describe('validation at a past time', () => {
  test('a revocation dated after the validation time does not apply; one dated before does', () => {
    const serial = chain.must(['x509', '-in', 'leaf.pem', '-noout', '-serial']).trim().replace(/^serial=/u, '');
    const revokedAt = new Date(Date.now() + 10 * 86_400_000);
    const stamp = `${revokedAt.toISOString().slice(2, 19).replace(/[-T:]/gu, '')}Z`;
    writeFileSync(`${chain.folder}/future-index.txt`, `R\t301231000000Z\t${stamp},keyCompromise\t${serial}\tunknown\t/C=JP/O=Revocation Test/CN=Leaf\n`);
    writeFileSync(`${chain.folder}/future-crlnumber`, '01\n');
    writeFileSync(`${chain.folder}/future.cnf`, '[ca]\ndefault_ca=d\n[d]\ndatabase=future-index.txt\ncrlnumber=future-crlnumber\ndefault_md=sha256\ndefault_crl_days=60\n');
    chain.must(['ca', '-config', 'future.cnf', '-keyfile', 'root.key', '-cert', 'root.pem', '-gencrl', '-out', 'future-crl.pem']);
    const base = { certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], crls: [chain.der('future-crl')], revocation: 'require' as const };
    expect(verifyCertificatePath(base).valid).toBe(true);
    expect(verifyCertificatePath({ ...base, time: new Date(revokedAt.getTime() + 86_400_000) })).toMatchObject({ valid: false, detail: { code: 'certificateRevoked' } });
  });
});

describe('OCSP', () => {
  test('SHA-256 CertIDs are matched', () => {
    const serial = chain.must(['x509', '-in', 'leaf.pem', '-noout', '-serial']).trim().replace(/^serial=/u, '');
    writeFileSync(`${chain.folder}/sha256-index.txt`, `V\t301231000000Z\t\t${serial}\tunknown\t/C=JP/O=Revocation Test/CN=Leaf\n`);
    chain.must(['ocsp', '-index', 'sha256-index.txt', '-CA', 'root.pem', '-rsigner', 'root.pem', '-rkey', 'root.key', '-issuer', 'root.pem', '-sha256', '-cert', 'leaf.pem', '-respout', 'sha256.ocsp', '-ndays', '1']);
    expect(chain.must(['ocsp', '-respin', 'sha256.ocsp', '-resp_text', '-noverify'])).toMatch(/Hash Algorithm: sha256/u);
    const response = new Uint8Array(readFileSync(`${chain.folder}/sha256.ocsp`));
    const result = verifyCertificatePath({ certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], ocspResponses: [response], revocation: 'require' });
    expect(result.valid && result.path.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp' });
  });

  test('a response is refused after its nextUpdate, and for another certificate', () => {
    const response = chain.ocsp('root', 'leaf', 'root', 'good');
    const base = { certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], ocspResponses: [response], revocation: 'require' as const };
    expect(verifyCertificatePath({ ...base, time: new Date(Date.now() + 3 * 86_400_000) })).toMatchObject({ valid: false, detail: { code: 'revocationUnknown' } });
    expect(verifyCertificatePath({ ...base, certificates: [chain.der('revoked')] })).toMatchObject({ valid: false, detail: { code: 'revocationUnknown' } });
    expect(verifyCertificatePath(base).valid).toBe(true);
  });

  test('after a good answer is remembered, freshness, the serial and the status are still judged on every call', () => {
    const response = chain.ocsp('root', 'leaf', 'root', 'good');
    const base = { certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], ocspResponses: [response], revocation: 'require' as const };
    expect(verifyCertificatePath(base).valid).toBe(true);
    expect(verifyCertificatePath(base).valid).toBe(true);
    // Past nextUpdate (-ndays 1), with the decoded response, CertID match and signature verdict all recalled.
    expect(verifyCertificatePath({ ...base, time: new Date(Date.now() + 3 * 86_400_000) })).toMatchObject({ valid: false, detail: { code: 'revocationUnknown', message: expect.stringMatching(/stale/u) } });
    // Same issuer, another serial: the remembered match for the leaf must not carry over.
    expect(verifyCertificatePath({ ...base, certificates: [chain.der('revoked')] })).toMatchObject({ valid: false, detail: { code: 'revocationUnknown' } });
    expect(verifyCertificatePath({ ...base, ocspResponses: [Uint8Array.from(response)] }).valid).toBe(true);
    const revoked = chain.ocsp('root', 'revoked', 'root', 'revoked');
    const revokedBase = { certificates: [chain.der('revoked')], trustAnchors: [chain.der('root')], ocspResponses: [revoked], revocation: 'require' as const };
    expect(verifyCertificatePath(revokedBase)).toMatchObject({ valid: false, detail: { code: 'certificateRevoked' } });
    expect(verifyCertificatePath(revokedBase)).toMatchObject({ valid: false, detail: { code: 'certificateRevoked' } });
  });

  test('a revoked OCSP answer fails the path; an OCSP signer without authority is not believed', () => {
    const revoked = chain.ocsp('root', 'revoked', 'root', 'revoked');
    expect(verifyCertificatePath({ certificates: [chain.der('revoked')], trustAnchors: [chain.der('root')], ocspResponses: [revoked], revocation: 'ifAvailable' })).toMatchObject({
      valid: false,
      detail: { code: 'certificateRevoked' },
      path: { revocation: [{ status: 'revoked', source: 'ocsp', reason: 'keyCompromise' }] },
    });
    // signOnly carries the root's name but not its key, and no id-kp-OCSPSigning.
    const forged = chain.ocsp('root', 'leaf', 'signOnly', 'revoked');
    expect(verifyCertificatePath({ certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], ocspResponses: [forged], revocation: 'require' })).toMatchObject({ valid: false, detail: { code: 'revocationUnknown' } });
  });

  test('a CRL signed by a key without authority for that name is not believed', () => {
    chain.crl('signOnly', []);
    const result = verifyCertificatePath({ certificates: [chain.der('leaf'), chain.der('signOnly')], trustAnchors: [chain.der('root')], crls: [chain.der('signOnly-crl')], revocation: 'require' });
    expect(result).toMatchObject({ valid: false, detail: { code: 'revocationUnknown' } });
  });
});

describe('recalled path validation', () => {
  test('a path that passed is still checked for validity at each call', () => {
    chain.issue('root', { name: 'shortLived', subject: '/C=JP/O=Revocation Test/CN=Short Lived', extensions: LEAF, days: 2 });
    const base = { certificates: [chain.der('shortLived')], trustAnchors: [chain.der('root')], revocation: 'none' as const };
    expect(verifyCertificatePath(base).valid).toBe(true);
    expect(verifyCertificatePath(base).valid).toBe(true);
    expect(verifyCertificatePath({ ...base, time: new Date(Date.now() + 5 * 86_400_000) })).toMatchObject({ valid: false, detail: { code: 'certificateExpired', certificateIndex: 0 } });
    expect(verifyCertificatePath({ ...base, time: new Date(Date.now() - 5 * 86_400_000) })).toMatchObject({ valid: false, detail: { code: 'certificateNotYetValid', certificateIndex: 0 } });
    expect(verifyCertificatePath(base).valid).toBe(true);
    // A policy the leaf does not meet, after the default policy passed for the same path.
    expect(verifyCertificatePath({ ...base, policy: { initialPolicySet: ['1.3.6.1.4.1.55555.1'], explicitPolicy: true } })).toMatchObject({ valid: false, detail: { code: 'noValidPolicy' } });
  });
});

describe('policy tree ceiling', () => {
  test('mappings that multiply the tree are stopped with policyTreeTooLarge, not memory', () => {
    const policies = Array.from({ length: 12 }, (_, index) => `1.3.6.1.4.1.55555.7.${index + 1}`);
    const mappings = policies.flatMap((from) => policies.map((to) => `${from}:${to}`)).join(',');
    const intermediate = [...CA, `certificatePolicies=${policies.join(',')}`, `policyMappings=${mappings}`];
    chain.root({ name: 'bigRoot', subject: '/C=JP/O=Policy Test/CN=Root', extensions: CA });
    let issuer = 'bigRoot';
    const path: string[] = [];
    for (let level = 0; level < 5; level += 1) {
      const name = `big${level}`;
      chain.issue(issuer, { name, subject: `/C=JP/O=Policy Test/CN=Level ${level}`, key: 'p256', extensions: intermediate });
      path.unshift(name);
      issuer = name;
    }
    chain.issue(issuer, { name: 'bigLeaf', subject: '/C=JP/O=Policy Test/CN=Leaf', extensions: [...LEAF, `certificatePolicies=${policies.join(',')}`] });
    const started = performance.now();
    const result = verifyCertificatePath({ certificates: [chain.der('bigLeaf'), ...path.map((name) => chain.der(name))], trustAnchors: [chain.der('bigRoot')] });
    expect(result).toMatchObject({ valid: false, reason: 'policyMismatch', detail: { code: 'policyTreeTooLarge' } });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('caches', () => {
  test('BoundedCache evicts the least recently used entry', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.size).toBe(2);
  });

  test('ContentCache works on its own copy: overwriting the caller buffer changes nothing cached', () => {
    const cache = new ContentCache<Uint8Array>(4, (bytes) => Buffer.from(bytes).toString('hex'));
    const buffer = new Uint8Array([1, 2, 3]);
    const first = cache.get(buffer, (copy) => copy);
    expect(first).not.toBe(buffer);
    buffer[0] = 9;
    const second = cache.get(buffer, (copy) => copy);
    expect([...second]).toEqual([9, 2, 3]);
    expect([...first]).toEqual([1, 2, 3]);
    expect(cache.get(new Uint8Array([1, 2, 3]), () => new Uint8Array())).toBe(first);
  });

  test('ContentCache tells apart inputs that share a length and last bytes, beyond what one fingerprint holds', () => {
    let builds = 0;
    const cache = new ContentCache<string>(64, (bytes) => Buffer.from(bytes).toString('hex'));
    const inputs = Array.from({ length: 10 }, (_, index) => new Uint8Array([index, 7, 7, 7, 7, 1, 2, 3, 4]));
    const first = inputs.map((bytes) => cache.get(bytes, (copy) => ((builds += 1), Buffer.from(copy).toString('hex'))));
    expect(builds).toBe(10);
    const again = inputs.map((bytes) => cache.get(Uint8Array.from(bytes), () => 'rebuilt'));
    expect(again).toEqual(first);
    expect(new Set(again).size).toBe(10);
  });

  test('a certificate overwritten in the middle (same length and last bytes) is judged on its new bytes', () => {
    const leaf = chain.der('leaf');
    const anchor = chain.der('root');
    expect(verifyCertificatePath({ certificates: [leaf], trustAnchors: [anchor] }).valid).toBe(true);
    const middleOfSignature = leaf.length - 64;
    leaf[middleOfSignature] = (leaf[middleOfSignature] ?? 0) ^ 0x01;
    expect(verifyCertificatePath({ certificates: [leaf], trustAnchors: [anchor] })).toMatchObject({ valid: false, detail: { code: 'signatureInvalid' } });
  });

  test('a certificate buffer overwritten after validation is judged on its new bytes', () => {
    const leaf = chain.der('leaf');
    const anchor = chain.der('root');
    expect(verifyCertificatePath({ certificates: [leaf], trustAnchors: [anchor] }).valid).toBe(true);
    leaf[leaf.length - 3] = (leaf[leaf.length - 3] ?? 0) ^ 0xff;
    expect(verifyCertificatePath({ certificates: [leaf], trustAnchors: [anchor] })).toMatchObject({ valid: false, detail: { code: 'signatureInvalid' } });
  });
});
