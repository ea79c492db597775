import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOCSPResponse, encodeOCSPRequest, type BasicOCSPResponse, type CertID } from '../../../generated/asn1/index.js';
import { InMemoryRevocationSource, keySigner } from '../../../reference/ca/in-memory-revocation-source.js';
import { OcspResponder } from '../../../reference/ca/ocsp-responder.js';
import { describeIssuer } from '../../../reference/ca/revocation-service-issuer.js';
import type { RevocationIssuer } from '../../../reference/ca/revocation-source.js';
import { CHIYODA, createTestCa, openssl, sourceFor, type TestCa } from '../../helpers/openssl-ca.js';

let ca: TestCa;
let second: TestCa;

beforeAll(() => {
  ca = createTestCa({ keyAlgorithm: 'ec' });
  second = createTestCa({ caId: 'signca03' });
});
afterAll(() => {
  ca.dispose();
  second.dispose();
});

function certId(issuer: RevocationIssuer, serialNumber: bigint, hash: 'sha1' | 'sha256' = 'sha1'): CertID {
  const identity = describeIssuer(issuer);
  return {
    hashAlgorithm: { algorithm: hash === 'sha1' ? '1.3.14.3.2.26' : '2.16.840.1.101.3.4.2.1', parameters: { der: Uint8Array.of(5, 0) } },
    issuerNameHash: new Uint8Array(createHash(hash).update(identity.subjectDer).digest()),
    issuerKeyHash: new Uint8Array(createHash(hash).update(identity.publicKeyBits).digest()),
    serialNumber,
  };
}

function request(...certIds: CertID[]): Uint8Array {
  return encodeOCSPRequest({ tbsRequest: { requestList: certIds.map((reqCert) => ({ reqCert })) } });
}

function singleStatuses(der: Uint8Array): string[] {
  const response = decodeOCSPResponse(der);
  if (response.responseStatus !== 'successful') return [response.responseStatus];
  return (response.responseBytes?.response.value as BasicOCSPResponse).tbsResponseData.responses.map((single) => single.certStatus.type);
}

describe('OcspResponder', () => {
  it('signs with ECDSA keys too, answering each certificate of a request in order', async () => {
    const source = sourceFor(ca, [CHIYODA]);
    source.issue(ca.caId, 1n, { municipalityCode: CHIYODA.code });
    source.issue(ca.caId, 2n, { municipalityCode: CHIYODA.code });
    source.revoke(ca.caId, 2n, 'superseded');
    const responder = new OcspResponder(source);
    await responder.refresh();
    expect(singleStatuses(await responder.respond(request(certId(ca.issuer, 2n), certId(ca.issuer, 1n), certId(ca.issuer, 3n, 'sha256'))))).toEqual(['revoked', 'good', 'unknown']);
  });

  it('refuses a request naming two issuers, or too many certificates', async () => {
    const source = new InMemoryRevocationSource([ca.issuer, second.issuer]);
    const responder = new OcspResponder(source, { maxRequestEntries: 4 });
    await responder.refresh();
    expect(singleStatuses(await responder.respond(request(certId(ca.issuer, 1n), certId(second.issuer, 1n))))).toEqual(['unauthorized']);
    expect(singleStatuses(await responder.respond(request(...[1n, 2n, 3n, 4n, 5n].map((serial) => certId(ca.issuer, serial)))))).toEqual(['malformedRequest']);
    expect(singleStatuses(await responder.respond(request(certId(second.issuer, 1n))))).toEqual(['unknown']);
  });

  it('keeps an unknown answer until the next change: a serial issued later is good once the set is rebuilt', async () => {
    const source = sourceFor(ca, [CHIYODA]);
    const responder = new OcspResponder(source);
    await responder.refresh();
    expect(singleStatuses(await responder.respond(request(certId(ca.issuer, 9n))))).toEqual(['unknown']);
    expect(responder.cached(request(certId(ca.issuer, 9n)))).toBeDefined();
    source.issue(ca.caId, 9n, { municipalityCode: CHIYODA.code });
    await responder.refreshIfChanged();
    expect(responder.cached(request(certId(ca.issuer, 9n)))).toBeDefined();
    expect(singleStatuses(await responder.respond(request(certId(ca.issuer, 9n))))).toEqual(['good']);
  });

  it('replaces kept answers when the change counter moves', async () => {
    const source = sourceFor(ca, [CHIYODA]);
    source.issue(ca.caId, 5n, { municipalityCode: CHIYODA.code });
    const responder = new OcspResponder(source, { preproduceHashes: ['sha1', 'sha256'] });
    await responder.refresh();
    expect(responder.statistics().preproduced).toBe(2);
    expect(responder.cached(request(certId(ca.issuer, 5n, 'sha256')))).toBeDefined();
    source.revoke(ca.caId, 5n, 'keyCompromise');
    await responder.refreshIfChanged();
    expect(singleStatuses(responder.cached(request(certId(ca.issuer, 5n))) ?? new Uint8Array())).toEqual(['revoked']);
  });

  it('sends the delegated responder’s certificate and names it by key; openssl verifies the chain', async () => {
    const folder = ca.folder;
    const run = (args: string[]) => {
      const result = openssl(args, folder);
      if (result.status !== 0) throw new Error(result.stderr);
    };
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'responder.key']);
    run(['req', '-new', '-key', 'responder.key', '-subj', '/C=JP/CN=OCSP responder', '-out', 'responder.csr']);
    writeFileSync(path.join(folder, 'responder.cnf'), 'extendedKeyUsage = OCSPSigning\nkeyUsage = critical, digitalSignature\n');
    run(['x509', '-req', '-in', 'responder.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '0x77', '-days', '30', '-extfile', 'responder.cnf', '-out', 'responder.pem']);
    const responderCertificate = new Uint8Array(new X509Certificate(readFileSync(path.join(folder, 'responder.pem'))).raw);
    const issuer: RevocationIssuer = { caId: ca.caId, certificate: ca.issuer.certificate, responderCertificate, ...keySigner(createPrivateKey(readFileSync(path.join(folder, 'responder.key')))) };
    const source = new InMemoryRevocationSource([issuer]);
    source.issue(ca.caId, 0x0301n);
    const responder = new OcspResponder(source);
    await responder.refresh();
    const der = await responder.respond(request(certId(issuer, 0x0301n)));
    const basic = decodeOCSPResponse(der).responseBytes?.response.value as BasicOCSPResponse;
    expect(basic.certs).toHaveLength(1);
    const responderKey = new X509Certificate(readFileSync(path.join(folder, 'responder.pem'))).publicKey.export({ format: 'der', type: 'spki' });
    expect(basic.tbsResponseData.responderID).toEqual({ type: 'byKey', value: new Uint8Array(createHash('sha1').update(responderKey.subarray(responderKey.length - 65)).digest()) });
    writeFileSync(path.join(folder, 'delegated.der'), der);
    const leaf = ca.leaf(0x0301n, CHIYODA);
    const verified = openssl(['ocsp', '-respin', 'delegated.der', '-CAfile', 'ca.pem', '-issuer', 'ca.pem', '-cert', leaf, '-no_nonce'], folder);
    expect(verified.stderr).toMatch(/Response verify OK/);
    expect(verified.stdout).toMatch(/: good/);
  });
});
