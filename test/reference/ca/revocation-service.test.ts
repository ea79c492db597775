import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLinkageList, decodeOCSPResponse, encodeOCSPRequest, type BasicOCSPResponse } from '../../../generated/asn1/index.js';
import type { InMemoryRevocationSource } from '../../../reference/ca/in-memory-revocation-source.js';
import { createRevocationService, type RevocationService } from '../../../reference/ca/revocation-service.js';
import { describeIssuer } from '../../../reference/ca/revocation-service-issuer.js';
import { CHIYODA, createTestCa, KIYOSE, sourceFor, type TestCa } from '../../helpers/openssl-ca.js';
import { opensslCrl, parseOpensslRevokedEntries } from '../../helpers/openssl-crl.js';
import { ocspStatusOf, runOpenssl } from '../../helpers/openssl-ocsp.js';
import { seededRandom } from '../../helpers/random.js';

let ca: TestCa;
let otherCa: TestCa;
let source: InMemoryRevocationSource;
let service: RevocationService;
let server: Server;
let base: string;
const leaves: Record<string, string> = {};
const REVOKED_AT = new Date('2026-02-03T04:05:06Z');

beforeAll(async () => {
  ca = createTestCa();
  otherCa = createTestCa();
  source = sourceFor(ca, [CHIYODA, KIYOSE]);
  for (const serial of [0x0300n, 0x0301n, 0x0302n, 0x0303n]) source.issue(ca.caId, serial, { municipalityCode: serial === 0x0303n ? KIYOSE.code : CHIYODA.code });
  source.issue(ca.caId, 0x0133c349n, { isCa: true });
  source.revoke(ca.caId, 0x0300n, 'keyCompromise', REVOKED_AT);
  source.revoke(ca.caId, 0x0302n, 'certificateHold', REVOKED_AT);
  source.revoke(ca.caId, 0x0133c349n, 'cACompromise', REVOKED_AT);
  source.link(ca.caId, { oldSerialNumber: 0x0300n, newSerialNumber: 0x0301n, reason: 'reissue', linkedAt: new Date('2026-02-03T05:00:00Z') });
  source.link(ca.caId, { oldSerialNumber: 0x0301n, newSerialNumber: 0x0303n, reason: 'mobileIssued', linkedAt: new Date('2026-02-10T00:00:00Z') });
  for (const [name, serial, municipality] of [['revoked', 0x0300n, CHIYODA], ['good', 0x0301n, CHIYODA], ['held', 0x0302n, CHIYODA], ['unissued', 0x0999n, CHIYODA]] as const) {
    leaves[name] = ca.leaf(serial, municipality);
  }
  leaves['foreign'] = otherCa.leaf(0x0301n, CHIYODA);
  service = createRevocationService(source, { crl: { changePollMs: 3_600_000 }, ocsp: { changePollMs: 3_600_000 } });
  await service.start();
  const listening = await service.listen();
  server = listening.server;
  base = listening.url;
}, 60_000);

afterAll(async () => {
  service?.stop();
  await new Promise((resolve) => server?.close(resolve));
  ca?.dispose();
  otherCa?.dispose();
});

function ocspArgs(leaf: string, ...extra: string[]): string[] {
  return ['ocsp', '-issuer', ca.caCertPath, '-cert', leaf, '-url', `${base}/ocsp`, '-CAfile', ca.caCertPath, ...extra];
}

describe('OCSP over HTTP, judged by openssl ocsp', () => {
  it.each([
    ['good', 'good', undefined],
    ['revoked', 'revoked', 'keyCompromise'],
    ['held', 'revoked', 'certificateHold'],
    ['unissued', 'unknown', undefined],
  ] as const)('answers %s as %s, with a nonce and without', async (leaf, status, reason) => {
    for (const nonce of [[], ['-no_nonce']]) {
      const result = await runOpenssl(ocspArgs(leaves[leaf] as string, ...nonce), ca.folder);
      expect(result.stderr).toMatch(/Response verify OK/);
      const answer = ocspStatusOf(result.stdout, leaves[leaf] as string);
      expect(answer?.status).toBe(status);
      if (reason !== undefined) {
        expect(answer?.reason).toBe(reason);
        expect(answer?.revocationTime).toBe('Feb  3 04:05:06 2026 GMT');
      }
      if (nonce.length === 0) expect(result.stdout).not.toMatch(/WARNING: no nonce/);
    }
  });

  it('answers several certificates in one request and SHA-256 CertIDs', async () => {
    const result = await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-sha256', '-cert', leaves['good'] as string, '-cert', leaves['revoked'] as string, '-url', `${base}/ocsp`, '-CAfile', ca.caCertPath], ca.folder);
    expect(result.stderr).toMatch(/Response verify OK/);
    expect(ocspStatusOf(result.stdout, leaves['good'] as string)?.status).toBe('good');
    expect(ocspStatusOf(result.stdout, leaves['revoked'] as string)?.status).toBe('revoked');
  });

  it('serves a no-nonce request from the pre-produced responses', async () => {
    const before = service.responder.statistics();
    const result = await runOpenssl(ocspArgs(leaves['good'] as string, '-no_nonce'), ca.folder);
    expect(ocspStatusOf(result.stdout, leaves['good'] as string)?.status).toBe('good');
    const after = service.responder.statistics();
    expect(after.cacheHits).toBe(before.cacheHits + 1);
    expect(after.signedOnDemand).toBe(before.signedOnDemand);
    expect(after.preproduced).toBeGreaterThanOrEqual(5);
  });

  it('answers unauthorized for an issuer it does not serve', async () => {
    const result = await runOpenssl(['ocsp', '-issuer', otherCa.caCertPath, '-cert', leaves['foreign'] as string, '-url', `${base}/ocsp`, '-CAfile', otherCa.caCertPath], ca.folder);
    expect(result.stdout + result.stderr).toMatch(/Responder Error: unauthorized \(6\)/);
  });

  it('answers a request written by openssl -reqout, and its answer parses with -respin -resp_text', async () => {
    const requestPath = path.join(ca.folder, 'request.der');
    const made = await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-cert', leaves['revoked'] as string, '-reqout', requestPath], ca.folder);
    expect(made.status).toBe(0);
    const answer = await post(readFileSync(requestPath));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/ocsp-response');
    const responsePath = path.join(ca.folder, 'response.der');
    writeFileSync(responsePath, answer.body);
    const text = await runOpenssl(['ocsp', '-respin', responsePath, '-resp_text', '-noverify'], ca.folder);
    expect(text.stdout).toMatch(/Response Status: successful \(0x0\)/);
    expect(text.stdout).toMatch(/Responder Id: [0-9A-F]{40}/);
    expect(text.stdout).toMatch(/Cert Status: revoked/);
    expect(text.stdout).toMatch(/Revocation Reason: keyCompromise \(0x1\)/);
    expect(text.stdout).toMatch(/WARNING: no nonce|Response Extensions:\s+OCSP Nonce/);
    const thisUpdate = /This Update: (.+)/.exec(text.stdout)?.[1];
    const nextUpdate = /Next Update: (.+)/.exec(text.stdout)?.[1];
    expect(Date.parse(nextUpdate ?? '') - Date.parse(thisUpdate ?? '')).toBe(15 * 60_000);
    // -no_nonce: the request read with -reqin already has its nonce; without it openssl would add a second one.
    const verified = await runOpenssl(['ocsp', '-no_nonce', '-reqin', requestPath, '-respin', responsePath, '-CAfile', ca.caCertPath, '-issuer', ca.caCertPath, '-cert', leaves['revoked'] as string], ca.folder);
    expect(verified.stderr).toMatch(/Response verify OK/);
  });

  it('answers the GET form (RFC 6960 Appendix A.1)', async () => {
    const requestPath = path.join(ca.folder, 'get-request.der');
    await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-cert', leaves['good'] as string, '-no_nonce', '-reqout', requestPath], ca.folder);
    const encoded = encodeURIComponent(readFileSync(requestPath).toString('base64'));
    const response = await fetch(`${base}/ocsp/${encoded}`);
    expect(response.status).toBe(200);
    const decoded = decodeOCSPResponse(new Uint8Array(await response.arrayBuffer()));
    expect(decoded.responseStatus).toBe('successful');
    const basic = decoded.responseBytes?.response.value as BasicOCSPResponse;
    expect(basic.tbsResponseData.responses[0]?.certStatus.type).toBe('good');
  });

  it('answers garbage, truncated and oversized requests with malformedRequest, and keeps serving', async () => {
    const requestPath = path.join(ca.folder, 'fuzz-request.der');
    await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-cert', leaves['good'] as string, '-reqout', requestPath], ca.folder);
    const valid = new Uint8Array(readFileSync(requestPath));
    expect(statusOf((await post(Buffer.from('hello, responder'))).body)).toBe('malformedRequest');
    expect(statusOf((await post(valid.subarray(0, valid.length - 3))).body)).toBe('malformedRequest');
    expect(statusOf((await post(new Uint8Array(20_000).fill(0x30))).body)).toBe('malformedRequest');
    // An empty body breaks the API's `required` request body: a problem, as the document says (400).
    const empty = await post(new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const random = seededRandom(6960);
    const seen = new Set<string>();
    for (let round = 0; round < 400; round += 1) {
      const mutated = mutate(valid, random);
      const answer = await post(mutated);
      expect(answer.status).toBe(200);
      const status = statusOf(answer.body);
      expect(['successful', 'malformedRequest', 'unauthorized']).toContain(status);
      seen.add(status);
    }
    expect(seen.has('malformedRequest')).toBe(true);
    const still = await runOpenssl(ocspArgs(leaves['good'] as string), ca.folder);
    expect(ocspStatusOf(still.stdout, leaves['good'] as string)?.status).toBe('good');
  });

  it('answers problems where the API says so: body too large (413), wrong media type (415)', async () => {
    const tooLarge = await post(new Uint8Array(1024 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrongType = await fetch(`${base}/ocsp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(wrongType.status).toBe(415);
  });

  it('refuses a nonce longer than 32 octets (RFC 8954) and echoes one of 32', async () => {
    const request = (nonce: Uint8Array) =>
      encodeOCSPRequest({
        tbsRequest: {
          requestList: [{ reqCert: certIdOf(0x0301n) }],
          requestExtensions: [{ extnID: '1.3.6.1.5.5.7.48.1.2', extnValue: { value: nonce } }],
        },
      });
    expect(statusOf((await post(request(new Uint8Array(33).fill(7)))).body)).toBe('malformedRequest');
    const answer = decodeOCSPResponse((await post(request(new Uint8Array(32).fill(7)))).body);
    const basic = answer.responseBytes?.response.value as BasicOCSPResponse;
    expect(basic.tbsResponseData.responseExtensions?.[0]?.extnValue.value).toEqual(new Uint8Array(32).fill(7));
    const caCertificate = new X509Certificate(ca.caCertPem);
    expect(verifySignature('sha256', basic.tbsResponseData.$der as Uint8Array, caCertificate.publicKey, basic.signature.bytes)).toBe(true);
  });

  it('reflects a revocation after the change is announced', async () => {
    source.issue(ca.caId, 0x0400n, { municipalityCode: CHIYODA.code });
    const leaf = ca.leaf(0x0400n, CHIYODA);
    await service.markChanged();
    expect(ocspStatusOf((await runOpenssl(ocspArgs(leaf, '-no_nonce'), ca.folder)).stdout, leaf)?.status).toBe('good');
    source.revoke(ca.caId, 0x0400n, 'affiliationChanged', new Date('2026-02-05T00:00:00Z'));
    await service.markChanged();
    const after = ocspStatusOf((await runOpenssl(ocspArgs(leaf, '-no_nonce'), ca.folder)).stdout, leaf);
    expect(after).toMatchObject({ status: 'revoked', reason: 'affiliationChanged' });
    const crl = await fetch(`${base}/crls/${ca.caId}/${CHIYODA.code}`);
    const listed = parseOpensslRevokedEntries(opensslCrl(new Uint8Array(await crl.arrayBuffer()), ['-noout', '-text']).stdout);
    expect(listed.map((entry) => entry.serialHex)).toContain('0400');
  });
});

describe('CRLs, linkage list and status over HTTP', () => {
  it('lists every distribution point, the ARL and the linkage list in the index', async () => {
    const response = await fetch(`${base}/crls`);
    expect(response.status).toBe(200);
    const index = (await response.json()) as { cas: { caId: string; arl: { url: string; sha256: string; number: number }; distributionPoints: { municipalityCode: string; prefecture: string; municipality: string; directoryName: string; url: string; sha256: string; size: number }[]; linkageList: { url: string; sha256: string } }[] };
    const entry = index.cas[0];
    expect(entry?.caId).toBe(ca.caId);
    const chiyoda = entry?.distributionPoints.find((point) => point.municipalityCode === CHIYODA.code);
    expect(chiyoda).toMatchObject({ prefecture: 'Tokyo-to', municipality: 'Chiyoda-ku', directoryName: 'C=JP, O=JPKI, OU=JPKI for user authentication, OU=CRL Distribution Points, OU=Tokyo-to, CN=Chiyoda-ku CRLDP' });
    const crl = new Uint8Array(await (await fetch(chiyoda?.url ?? '')).arrayBuffer());
    expect(crl.length).toBe(chiyoda?.size);
    expect(Buffer.from(await crypto.subtle.digest('SHA-256', crl)).toString('hex').toUpperCase()).toBe(chiyoda?.sha256);
    expect(opensslCrl(crl, ['-noout'], ca.caCertPem).stderr).toMatch(/verify OK/);
    const arl = new Uint8Array(await (await fetch(entry?.arl.url ?? '')).arrayBuffer());
    const arlText = opensslCrl(arl, ['-noout', '-text'], ca.caCertPem);
    expect(arlText.stderr).toMatch(/verify OK/);
    expect(parseOpensslRevokedEntries(arlText.stdout).map((listed) => listed.serialHex)).toEqual(['0133C349']);
    expect(new RegExp(`X509v3 CRL Number: \\s*${entry?.arl.number}`).test(arlText.stdout)).toBe(true);
  });

  it('keeps each municipality’s revocations on its own CRL', async () => {
    const kiyose = new Uint8Array(await (await fetch(`${base}/crls/${ca.caId}/${KIYOSE.code}`)).arrayBuffer());
    expect(parseOpensslRevokedEntries(opensslCrl(kiyose, ['-noout', '-text'], ca.caCertPem).stdout)).toEqual([]);
    expect((await fetch(`${base}/crls/${ca.caId}/01100`)).status).toBe(404);
    expect((await fetch(`${base}/crls/signca03/${CHIYODA.code}`)).status).toBe(404);
    expect((await fetch(`${base}/crls/nosuchca/${CHIYODA.code}`)).status).toBe(400);
  });

  it('serves the linkage list as JSON (with since) and as signed DER', async () => {
    const all = (await (await fetch(`${base}/linkage-lists/${ca.caId}`)).json()) as { listNumber: number; records: { oldSerial: string; newSerial: string; reason: string }[] };
    expect(all.records).toEqual([
      { issuer: ca.caId, oldSerial: '0300', newSerial: '0301', reason: 'reissue', linkedAt: '2026-02-03T05:00:00Z' },
      { issuer: ca.caId, oldSerial: '0301', newSerial: '0303', reason: 'mobileIssued', linkedAt: '2026-02-10T00:00:00Z' },
    ]);
    const since = Date.parse('2026-02-05T00:00:00Z') / 1000;
    const recent = (await (await fetch(`${base}/linkage-lists/${ca.caId}?since=${since}`)).json()) as { records: unknown[] };
    expect(recent.records).toHaveLength(1);
    const der = new Uint8Array(await (await fetch(`${base}/linkage-lists/${ca.caId}.der`)).arrayBuffer());
    const list = decodeLinkageList(der);
    expect([...list.tbsLinkageList.records].map((record) => record.newSerialNumber)).toEqual([0x0301n, 0x0303n]);
    expect(verifySignature('sha256', list.tbsLinkageList.$der as Uint8Array, new X509Certificate(ca.caCertPem).publicKey, list.signature.bytes)).toBe(true);
    expect((await fetch(`${base}/linkage-lists/signca01`)).status).toBe(404);
  });

  it('answers status queries from the OCSP and the CRL view', async () => {
    const query = async (body: object) => {
      const response = await fetch(`${base}/revocation-status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const revoked = await query({ caId: ca.caId, serialNumber: '0300', certificateKind: 'userAuthentication' });
    expect(revoked.body).toMatchObject({ status: 'revoked', reason: 'keyCompromise', revokedAt: '2026-02-03T04:05:06Z', source: 'ocsp' });
    const before = await query({ caId: ca.caId, serialNumber: '0300', certificateKind: 'userAuthentication', at: '2026-01-01T00:00:00Z', preferredSource: 'crl' });
    expect(before.body).toMatchObject({ status: 'good', source: 'crl' });
    expect((await query({ caId: ca.caId, serialNumber: '0999', certificateKind: 'userAuthentication' })).body).toMatchObject({ status: 'unknown' });
    expect((await query({ caId: ca.caId, serialNumber: '0301', certificateKind: 'signature' })).status).toBe(400);
    expect((await query({ caId: ca.caId, serialNumber: 'zz', certificateKind: 'signature' })).status).toBe(400);
  });
});

async function post(body: Uint8Array): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const response = await fetch(`${base}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

function statusOf(der: Uint8Array): string {
  return decodeOCSPResponse(der).responseStatus;
}

function certIdOf(serialNumber: bigint) {
  const identity = describeIssuer(ca.issuer);
  return {
    hashAlgorithm: { algorithm: '1.3.14.3.2.26', parameters: { der: Uint8Array.of(5, 0) } },
    issuerNameHash: new Uint8Array(createHash('sha1').update(identity.subjectDer).digest()),
    issuerKeyHash: new Uint8Array(createHash('sha1').update(identity.publicKeyBits).digest()),
    serialNumber,
  };
}

function mutate(valid: Uint8Array, random: () => number): Uint8Array {
  const copy = new Uint8Array(valid);
  switch (Math.floor(random() * 4)) {
    case 0:
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips -= 1) {
        const at = Math.floor(random() * copy.length);
        copy[at] = (copy[at] as number) ^ (1 << Math.floor(random() * 8));
      }
      return copy;
    case 1:
      return copy.subarray(0, Math.floor(random() * copy.length));
    case 2:
      return Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256));
    default: {
      const at = Math.floor(random() * copy.length);
      copy[at] = Math.floor(random() * 256);
      return copy;
    }
  }
}

describe('the optional POST /ocsp fast path', () => {
  it('answers as the generated route does, and hands what it does not take to it', async () => {
    const fast = createRevocationService(source, { ocspFastPath: true, crl: { changePollMs: 3_600_000 }, ocsp: { changePollMs: 3_600_000 } });
    await fast.start();
    const { server: fastServer, url } = await fast.listen();
    try {
      for (const [leaf, status] of [['good', 'good'], ['revoked', 'revoked'], ['unissued', 'unknown']] as const) {
        for (const nonce of [[], ['-no_nonce']]) {
          const result = await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-cert', leaves[leaf] as string, '-url', `${url}/ocsp`, '-CAfile', ca.caCertPath, ...nonce], ca.folder);
          expect(result.stderr).toMatch(/Response verify OK/);
          expect(ocspStatusOf(result.stdout, leaves[leaf] as string)?.status).toBe(status);
        }
      }
      const postTo = async (body: Uint8Array, contentType = 'application/ocsp-request') => fetch(`${url}/ocsp`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(statusOf(new Uint8Array(await (await postTo(Buffer.from('garbage'))).arrayBuffer()))).toBe('malformedRequest');
      expect((await postTo(new Uint8Array(1024 * 1024 + 1))).status).toBe(413);
      expect((await postTo(Buffer.from('x'), 'text/plain')).status).toBe(415);
      const random = seededRandom(8954);
      const valid = encodeOCSPRequest({ tbsRequest: { requestList: [{ reqCert: certIdOf(0x0301n) }] } });
      for (let round = 0; round < 200; round += 1) {
        const answer = await postTo(mutate(valid, random));
        expect(answer.status).toBe(200);
        expect(['successful', 'malformedRequest', 'unauthorized']).toContain(statusOf(new Uint8Array(await answer.arrayBuffer())));
      }
      expect(fast.responder.statistics().cacheHits).toBeGreaterThan(0);
    } finally {
      fast.stop();
      await new Promise((resolve) => fastServer.close(resolve));
    }
  });
});
