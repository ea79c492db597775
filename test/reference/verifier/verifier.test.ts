/**
 * The Verifier end to end over an openssl-made JPKI-shaped PKI (test/helpers/jpki-openssl-pki.ts):
 * signatures made with openssl pkeyutl as the card makes them, revocation from openssl's CRL and
 * OCSP responses. Every decision is checked against the generated VerificationDecision validator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateVerificationDecision } from '../../../generated/messages/validators.js';
import type { VerificationDecision, VerificationRequest } from '../../../generated/messages/types.js';
import { hexToBytes } from '../../../runtime/hex.js';
import { digestInfoOf, hashOf } from '../../../reference/verifier/digest-info.js';
import { bytesToBase64Url, createVerifier, type Verifier } from '../../../reference/verifier/verifier.js';
import { createOpensslPki, SIGNER, type OpensslPki } from '../../helpers/jpki-openssl-pki.js';

let pki: OpensslPki;
const nonce = hexToBytes('5e0f2a7c91b3d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f');
const digest = hashOf('SHA-256', nonce);

beforeAll(() => {
  pki = createOpensslPki();
});
afterAll(() => pki.remove());

function verifierWith(options: { crl?: boolean; ocsp?: string[]; labelled?: boolean } = {}): Verifier {
  const labelled = options.labelled ?? true;
  return createVerifier({
    trustAnchors: labelled ? [{ certificate: pki.signCa, caId: 'signca03' }, { certificate: pki.authCa, caId: 'authca03' }] : [pki.signCa, pki.authCa],
    revocation: {
      ...(options.crl === true ? { crls: [pki.signCrl, pki.authCrl] } : {}),
      ...(options.ocsp !== undefined ? { ocspResponses: options.ocsp.map((name) => pki.entity(name).ocspResponse) } : {}),
    },
  });
}

function requestFor(name: string, overrides: Partial<VerificationRequest> = {}): VerificationRequest {
  const signature = pki.signDigestInfo(name, digestInfoOf('SHA-256', digest));
  return {
    content: { kind: 'digest', digest: bytesToBase64Url(digest) },
    signature: bytesToBase64Url(signature),
    signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
    hashAlgorithm: 'SHA-256',
    certificate: bytesToBase64Url(pki.entity(name).der),
    ...overrides,
  };
}

function expectSchemaValid(decision: VerificationDecision): void {
  const valid = validateVerificationDecision(decision);
  expect(valid, JSON.stringify((validateVerificationDecision as unknown as { errors?: unknown }).errors)).toBe(true);
}

function codes(decision: VerificationDecision): string[] {
  return decision.decision === 'invalid' ? decision.reasons.map((reason) => reason.code).sort() : [];
}

describe('valid decisions', () => {
  it('a card signature certificate with an OCSP good status: summary, 基本4情報, status', async () => {
    const decision = await verifierWith({ ocsp: ['sign-card'] }).verify(requestFor('sign-card', { expectedCertificateKind: 'signature' }));
    expectSchemaValid(decision);
    expect(decision).toMatchObject({
      decision: 'valid',
      certificate: { serialNumber: '01A2B3C5', issuerCaId: 'signca03', certificateKind: 'signature', carrier: 'card', policyOids: ['1.2.392.200149.8.5.1.1.20'] },
      signer: SIGNER,
      revocationStatus: { status: 'good', caId: 'signca03', serialNumber: '01A2B3C5', source: 'ocsp' },
    });
    if (decision.decision === 'valid') expect(decision.certificate.issuer).toBe('C=JP, O=JPKI, OU=JPKI for digital signature, OU=Japan Agency for Local Authority Information Systems');
  });

  it('a user-authentication certificate from the CRL: no signer; data, digest and DigestInfo content alike', async () => {
    const verifier = verifierWith({ crl: true });
    for (const content of [
      { kind: 'data', data: bytesToBase64Url(nonce) },
      { kind: 'digest', digest: bytesToBase64Url(digest) },
      { kind: 'digestInfo', digestInfo: bytesToBase64Url(digestInfoOf('SHA-256', digest)) },
    ] as const) {
      const decision = await verifier.verify(requestFor('auth-card', { content }));
      expectSchemaValid(decision);
      expect(decision).toMatchObject({ decision: 'valid', certificate: { certificateKind: 'userAuthentication', issuerCaId: 'authca03' }, revocationStatus: { status: 'good', source: 'crl' } });
      expect(decision).not.toHaveProperty('signer');
    }
  });

  it('smartphone certificates are told apart by policy; unlabelled anchors mirroring J-LIS serials still resolve', async () => {
    const verifier = verifierWith({ ocsp: ['sign-phone', 'auth-phone'], labelled: false });
    const phone = await verifier.verify(requestFor('sign-phone'));
    expectSchemaValid(phone);
    expect(phone).toMatchObject({ decision: 'valid', certificate: { carrier: 'smartphone', certificateKind: 'signature', issuerCaId: 'signca03' } });
    const authPhone = await verifier.verify(requestFor('auth-phone'));
    expect(authPhone).toMatchObject({ decision: 'valid', certificate: { carrier: 'smartphone', certificateKind: 'userAuthentication', issuerCaId: 'authca03' } });
  });

  it('revocationSource picks the source', async () => {
    const verifier = verifierWith({ crl: true, ocsp: ['sign-card'] });
    expect(await verifier.verify(requestFor('sign-card', { revocationSource: 'crl' }))).toMatchObject({ decision: 'valid', revocationStatus: { source: 'crl' } });
    expect(await verifier.verify(requestFor('sign-card', { revocationSource: 'ocsp' }))).toMatchObject({ decision: 'valid', revocationStatus: { source: 'ocsp' } });
  });
});

describe('invalid decisions collect every reason', () => {
  it('revoked (CRL and OCSP) and on hold', async () => {
    for (const verifier of [verifierWith({ crl: true }), verifierWith({ ocsp: ['sign-revoked', 'sign-held'] })]) {
      const revoked = await verifier.verify(requestFor('sign-revoked'));
      expectSchemaValid(revoked);
      expect(codes(revoked)).toEqual(['certificateRevoked']);
      expect(revoked).toMatchObject({ revocationStatus: { status: 'revoked', reason: 'keyCompromise', serialNumber: '01A2B3C6' } });
      const held = await verifier.verify(requestFor('sign-held'));
      expect(codes(held)).toEqual(['certificateOnHold']);
    }
  });

  it('a tampered signature and the wrong kind are both reported, with the certificate summary', async () => {
    const request = requestFor('auth-card', { expectedCertificateKind: 'signature' });
    const signature = Buffer.from(request.signature, 'base64url');
    signature[7] = (signature[7] ?? 0) ^ 0xff;
    const decision = await verifierWith({ crl: true }).verify({ ...request, signature: signature.toString('base64url') });
    expectSchemaValid(decision);
    expect(codes(decision)).toEqual(['certificateKindMismatch', 'signatureMismatch']);
    expect(decision).toMatchObject({ certificate: { serialNumber: '01A2B3C4' }, revocationStatus: { status: 'good' } });
  });

  it('other data is a digestMismatch', async () => {
    const decision = await verifierWith({ crl: true }).verify(requestFor('sign-card', { content: { kind: 'data', data: bytesToBase64Url(nonce.subarray(1)) } }));
    expect(codes(decision)).toEqual(['digestMismatch']);
  });

  it('expired, no nonRepudiation, no JPKI policy, unknown to OCSP, no revocation information', async () => {
    const verifier = verifierWith({ crl: true, ocsp: ['sign-unissued'] });
    expect(codes(await verifier.verify(requestFor('sign-expired')))).toContain('certificateExpired');
    expect(codes(await verifier.verify(requestFor('sign-no-nr')))).toEqual(['keyUsageMismatch']);
    expect(codes(await verifier.verify(requestFor('sign-no-policy')))).toContain('policyMismatch');
    const unissued = await verifierWith({ ocsp: ['sign-unissued'] }).verify(requestFor('sign-unissued'));
    expectSchemaValid(unissued);
    expect(codes(unissued)).toEqual(['revocationUnknown']);
    expect(codes(await verifierWith().verify(requestFor('sign-card')))).toEqual(['revocationUnknown']);
  });

  it('a certificate from another CA is an untrusted issuer; a time before notBefore is not yet valid', async () => {
    const other = createVerifier({ trustAnchors: [{ certificate: pki.authCa, caId: 'authca03' }], revocation: { crls: [pki.signCrl] } });
    const decision = await other.verify(requestFor('sign-card'));
    expectSchemaValid(decision);
    expect(codes(decision)).toContain('untrustedIssuer');
    const early = await verifierWith({ crl: true }).verify(requestFor('sign-card', { time: '2020-01-01T00:00:00Z' }));
    expect(codes(early)).toContain('certificateNotYetValid');
  });

  it('fetchOcsp is asked with an OCSPRequest for the certificate; a failing responder is revocationUnknown with the cause', async () => {
    const asked: Uint8Array[] = [];
    const verifier = createVerifier({
      trustAnchors: [{ certificate: pki.signCa, caId: 'signca03' }],
      revocation: {
        fetchOcsp: async (request) => {
          asked.push(request);
          return pki.entity('sign-card').ocspResponse;
        },
      },
    });
    const fetched = await verifier.verify(requestFor('sign-card'));
    expect(fetched, JSON.stringify(fetched)).toMatchObject({ decision: 'valid', revocationStatus: { source: 'ocsp' } });
    expect(asked).toHaveLength(1);
    const failing = createVerifier({ trustAnchors: [{ certificate: pki.signCa, caId: 'signca03' }], revocation: { fetchOcsp: () => Promise.reject(new Error('connection refused')) } });
    const decision = await failing.verify(requestFor('sign-card'));
    expect(codes(decision)).toEqual(['revocationUnknown']);
    expect(JSON.stringify(decision)).toContain('connection refused');
  });
});

describe('bad input', () => {
  it('a request breaking the message design is a ValidationError; garbage bytes become reasons', async () => {
    const verifier = verifierWith({ crl: true });
    await expect(verifier.verify({ signature: 'AAAA' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const garbageCertificate = await verifier.verify(requestFor('sign-card', { certificate: `MII${'A'.repeat(400)}` }));
    expectSchemaValid(garbageCertificate);
    expect(codes(garbageCertificate)).toEqual(['malformedCertificate']);
  });

  it('fuzz: random bytes in every field never throw and always give a schema-valid decision', async () => {
    const verifier = verifierWith({ crl: true });
    const base = requestFor('sign-card');
    const certificate = Buffer.from(base.certificate, 'base64url');
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    for (let round = 0; round < 200; round += 1) {
      const mutated = Buffer.from(certificate);
      for (let flips = 0; flips < 1 + (round % 4); flips += 1) mutated[4 + (random() % (mutated.length - 4))] = random() & 0xff;
      const signature = Buffer.from(base.signature, 'base64url');
      if (round % 3 === 0) signature[random() % signature.length] = random() & 0xff;
      const decision = await verifier.verify({ ...base, certificate: mutated.toString('base64url'), signature: signature.toString('base64url') });
      expectSchemaValid(decision);
    }
  });
});
