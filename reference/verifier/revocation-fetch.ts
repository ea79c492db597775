/**
 * What the verifier fetches when it has no current revocation information: an OCSP request for
 * the certificate (RFC 6960 §4.1, CertID over SHA-1 as RFC 5019 profiles it), built with the
 * generated codecs.
 */
import { createHash } from 'node:crypto';
import { encodeName, encodeOCSPRequest } from '../../generated/asn1/index.js';
import type { CertificateFacts } from './certificate-facts.js';

const SHA1 = '1.3.14.3.2.26';

export function ocspRequestFor(certificate: CertificateFacts, issuer: CertificateFacts): Uint8Array {
  const issuerTbs = issuer.certificate.tbsCertificate;
  const sha1 = (bytes: Uint8Array) => new Uint8Array(createHash('sha1').update(bytes).digest());
  return encodeOCSPRequest({
    tbsRequest: {
      requestList: [
        {
          reqCert: {
            // The registry names no type for id-sha1's parameters, so the NULL goes in as its DER.
            hashAlgorithm: { algorithm: SHA1, parameters: { der: Uint8Array.of(0x05, 0x00) } },
            issuerNameHash: sha1(encodeName(issuerTbs.subject)),
            issuerKeyHash: sha1(issuerTbs.subjectPublicKeyInfo.subjectPublicKey.bytes),
            serialNumber: certificate.serialNumber,
          },
        },
      ],
    },
  });
}
