/**
 * The verifier test interface served by the reference verifier (in process, on loopback): the
 * generated client gets schema-valid decisions, malformed bodies get problems, and a fuzzed
 * stream of requests never takes the server down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateVerificationDecision } from '../../../generated/messages/validators.js';
import type { VerificationRequest } from '../../../generated/messages/types.js';
import { VerifierClient } from '../../../generated/openapi/verifier/index.js';
import { hexToBytes } from '../../../runtime/hex.js';
import { digestInfoOf, hashOf } from '../../../reference/verifier/digest-info.js';
import { createLiveVerifierRequestListener } from '../../../reference/verifier/server.js';
import { bytesToBase64Url, createVerifier } from '../../../reference/verifier/verifier.js';
import { createOpensslPki, type OpensslPki } from '../../helpers/jpki-openssl-pki.js';

let pki: OpensslPki;
let server: Server;
let baseUrl = '';
let request: VerificationRequest;

beforeAll(async () => {
  pki = createOpensslPki([{ name: 'sign-card', ca: 'sign', serial: '01A2B3C5', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true }]);
  const verifier = createVerifier({ trustAnchors: [{ certificate: pki.signCa, caId: 'signca03' }], revocation: { crls: [pki.signCrl] } });
  server = createServer(createLiveVerifierRequestListener(verifier, { basePath: '/verifier-test/v1' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verifier-test/v1`;
  const digest = hashOf('SHA-256', hexToBytes('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'));
  request = {
    content: { kind: 'digest', digest: bytesToBase64Url(digest) },
    signature: bytesToBase64Url(pki.signDigestInfo('sign-card', digestInfoOf('SHA-256', digest))),
    signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
    hashAlgorithm: 'SHA-256',
    certificate: bytesToBase64Url(pki.entity('sign-card').der),
    expectedCertificateKind: 'signature',
  };
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  pki.remove();
});

const post = (body: string, contentType = 'application/json') => fetch(`${baseUrl}/verifications`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('the live verifier over HTTP', () => {
  it('answers health and a valid decision through the generated client', async () => {
    const client = new VerifierClient({ baseUrl });
    expect((await client.getHealth()).body).toMatchObject({ status: 'ready' });
    const answer = await client.verifySignature({ body: request });
    expect(answer.status).toBe(200);
    expect(validateVerificationDecision(answer.body)).toBe(true);
    expect(answer.body).toMatchObject({ decision: 'valid', certificate: { serialNumber: '01A2B3C5' }, revocationStatus: { source: 'crl' } });
  });

  it('an invalid signature is a 200 with reasons; a body breaking the design is a 400 problem; not JSON is 415', async () => {
    const tampered = await (await post(JSON.stringify({ ...request, expectedCertificateKind: 'userAuthentication', signature: `${request.signature.slice(0, -4)}AAAA` }))).json();
    expect(validateVerificationDecision(tampered)).toBe(true);
    expect(tampered).toMatchObject({ decision: 'invalid' });
    const missing = await post(JSON.stringify({ ...request, certificate: undefined }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'invalidBody', errors: [{ pointer: '#' }] });
    expect((await post('signature=AAAA', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('fuzz: mutated JSON bodies get 200/400/413 answers and the server keeps serving', async () => {
    const base = JSON.stringify(request);
    let state = 99;
    const random = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    const statuses = new Set<number>();
    for (let round = 0; round < 150; round += 1) {
      const characters = [...base];
      for (let edits = 0; edits < 1 + (round % 5); edits += 1) characters[random() % characters.length] = String.fromCharCode(32 + (random() % 95));
      const response = await post(round % 10 === 0 ? base.slice(0, random() % base.length) : characters.join(''));
      statuses.add(response.status);
      expect([200, 400, 413]).toContain(response.status);
      const body = (await response.json()) as unknown;
      if (response.status === 200) expect(validateVerificationDecision(body)).toBe(true);
    }
    expect(statuses.has(400)).toBe(true);
    expect((await post(base)).status).toBe(200);
  });
});
