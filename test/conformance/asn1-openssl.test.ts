/**
 * Certificates, a CRL, an OCSP request and response and CMS SignedData made by openssl in a
 * temporary folder go through the generated codecs: they decode, re-encode byte-identically
 * from their fields, and the decoded fields equal what openssl's own text output reports.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeBasicOCSPResponse,
  decodeCertificate,
  decodeCertificateList,
  decodeContentInfo,
  decodeOCSPRequest,
  decodeOCSPResponse,
  encodeBasicOCSPResponse,
  encodeCertificate,
  encodeCertificateList,
  encodeContentInfo,
  encodeOCSPRequest,
  encodeOCSPResponse,
  idCeCRLReasons,
  idCeCRLNumber,
  idCeSubjectAltName,
  idMessageDigest,
  idPkixOcspNonce,
  idSignedData,
  type BasicOCSPResponse,
  type GeneralName,
  type SignedData,
} from '../../generated/asn1/index.js';
import { LazySequenceOf } from '../../runtime/der/lazy-sequence-of.js';
import { pemToDer } from '../../runtime/der/pem.js';
import { bytesToHex } from '../../runtime/hex.js';
import { openssl, temporaryFolder } from '../helpers/openssl-asn1.js';

let folder = '';
let remove = () => undefined as void;
const file = (name: string) => path.join(folder, name);
const der = (name: string) => new Uint8Array(readFileSync(file(name)));
const pemDer = (name: string) => pemToDer(readFileSync(file(name), 'utf8'));

function hexColons(bytes: Uint8Array): string {
  return (bytesToHex(bytes).match(/../gu) ?? []).join(':');
}

beforeAll(() => {
  ({ folder, remove } = temporaryFolder('jpkigen-asn1-'));
  writeFileSync(
    file('ca.cnf'),
    `[ca]
default_ca = local
[local]
dir = ${folder}
database = ${folder}/index.txt
new_certs_dir = ${folder}
certificate = ${folder}/ca.pem
private_key = ${folder}/ca.key
serial = ${folder}/serial
crlnumber = ${folder}/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 7
policy = anything
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = clientAuth, emailProtection
subjectAltName = @names
authorityKeyIdentifier = keyid, issuer
subjectKeyIdentifier = hash
certificatePolicies = 1.2.392.200149.8.5.1.1.20
1.3.6.1.4.1.55555.1 = ASN1:UTF8String:未登録の拡張
crlDistributionPoints = URI:http://crl.example.test/ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.test/
[names]
DNS.1 = verifier.example.test
email.1 = holder@example.test
IP.1 = 127.0.0.1
URI.1 = https://example.test/holder
otherName.1 = 1.2.392.200149.8.5.5.1;UTF8:試験　太郎
dirName.1 = directory
[directory]
C = JP
O = jpkigen directory
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`,
  );
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1A2B3C4D5E6F708192A3B4C5D6E7F80910\n');
  writeFileSync(file('crlnumber'), '0100\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '30', '-subj', '/C=JP/O=jpkigen test/CN=テスト認証局', '-utf8', '-config', file('ca.cnf'), '-extensions', 'ca_ext', '-sha256']);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=holder/O=jpkigen', '-config', file('ca.cnf')]);
  openssl(['ca', '-config', file('ca.cnf'), '-batch', '-notext', '-in', file('leaf.csr'), '-out', file('leaf.pem'), '-extensions', 'leaf', '-utf8']);
  openssl(['ca', '-config', file('ca.cnf'), '-batch', '-revoke', file('leaf.pem'), '-crl_reason', 'keyCompromise']);
  openssl(['ca', '-config', file('ca.cnf'), '-batch', '-gencrl', '-out', file('crl.pem')]);
  openssl(['ocsp', '-issuer', file('ca.pem'), '-cert', file('leaf.pem'), '-reqout', file('request.der')]);
  openssl(['ocsp', '-index', file('index.txt'), '-rsigner', file('ca.pem'), '-rkey', file('ca.key'), '-CA', file('ca.pem'), '-reqin', file('request.der'), '-respout', file('response.der'), '-ndays', '1']);
  writeFileSync(file('data.txt'), 'jpkigen: 署名対象のデータ\n');
  openssl(['cms', '-sign', '-in', file('data.txt'), '-signer', file('leaf.pem'), '-inkey', file('leaf.key'), '-certfile', file('ca.pem'), '-outform', 'DER', '-out', file('signed.der'), '-binary', '-nodetach']);
}, 120_000);

afterAll(() => remove());

describe('certificate made by openssl ca', () => {
  it('decodes, round-trips and matches openssl x509 -text', () => {
    const bytes = pemDer('leaf.pem');
    const certificate = decodeCertificate(bytes);
    expect(bytesToHex(encodeCertificate(certificate, { useKeptDer: false }))).toBe(bytesToHex(bytes));
    const serial = openssl(['x509', '-in', file('leaf.pem'), '-noout', '-serial']).trim().replace('serial=', '');
    expect(certificate.tbsCertificate.serialNumber).toBe(BigInt(`0x${serial}`));
    expect(certificate.tbsCertificate.serialNumber.toString(16).length).toBeGreaterThan(13 * 2);
    const text = openssl(['x509', '-in', file('leaf.pem'), '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).toContain(`Public Key Algorithm: ${certificate.tbsCertificate.subjectPublicKeyInfo.algorithm.algorithm === '1.2.840.10045.2.1' ? 'id-ecPublicKey' : '?'}`);
    expect(text).toMatch(/ASN1 OID: prime256v1/u);
    expect(certificate.tbsCertificate.subjectPublicKeyInfo.algorithm.parameters?.value).toEqual({ type: 'namedCurve', value: '1.2.840.10045.3.1.7' });
    const san = certificate.tbsCertificate.extensions?.find((extension) => extension.extnID === idCeSubjectAltName)?.extnValue.value as GeneralName[];
    const rendered = san.map((name) => {
      switch (name.type) {
        case 'dNSName':
          return `DNS:${name.value}`;
        case 'rfc822Name':
          return `email:${name.value}`;
        case 'iPAddress':
          return `IP Address:${[...name.value].join('.')}`;
        case 'uniformResourceIdentifier':
          return `URI:${name.value}`;
        case 'otherName':
          return `othername: ${name.value.typeId}::${String(name.value.value.value)}`;
        case 'directoryName':
          return `DirName:/C=${name.value.value.map((rdn) => rdn.map((attribute) => String((attribute.value.value as { value?: string })?.value ?? attribute.value.value)).join('+')).join('/O=')}`;
        default:
          return name.type;
      }
    });
    const opensslSan = openssl(['x509', '-in', file('leaf.pem'), '-noout', '-ext', 'subjectAltName', '-nameopt', 'utf8']);
    expect(rendered).toHaveLength(6);
    // An extension no registry knows keeps its exact DER (and the round trip above re-encodes it byte for byte).
    const unknown = certificate.tbsCertificate.extensions?.find((extension) => extension.extnID === '1.3.6.1.4.1.55555.1');
    expect(unknown?.extnValue.value).toBeUndefined();
    const dumped = openssl(['asn1parse', '-in', file('leaf.pem')]);
    const hexDump = /:1\.3\.6\.1\.4\.1\.55555\.1\s*\n.*\[HEX DUMP\]:([0-9A-F]+)/u.exec(dumped)?.[1];
    expect(bytesToHex(unknown?.extnValue.der ?? new Uint8Array())).toBe(hexDump);
    for (const entry of rendered) expect(opensslSan).toContain(entry);
  });
});

describe('CRL made by openssl ca -gencrl', () => {
  it('decodes, round-trips, and its entry, reason, dates and CRL number match openssl crl -text', () => {
    const bytes = pemDer('crl.pem');
    const crl = decodeCertificateList(bytes);
    expect(bytesToHex(encodeCertificateList(crl, { useKeptDer: false }))).toBe(bytesToHex(bytes));
    const text = openssl(['crl', '-in', file('crl.pem'), '-noout', '-text']);
    const entries = crl.tbsCertList.revokedCertificates;
    if (entries === undefined || entries instanceof LazySequenceOf) throw new Error('an eager list of revoked certificates');
    expect(entries).toHaveLength(1);
    const serialText = /Serial Number: ([0-9A-F]+)/u.exec(text)?.[1];
    expect(entries[0]?.userCertificate).toBe(BigInt(`0x${serialText}`));
    const reason = entries[0]?.crlEntryExtensions?.find((extension) => extension.extnID === idCeCRLReasons)?.extnValue.value;
    expect(reason).toBe('keyCompromise');
    expect(text).toContain('Key Compromise');
    const lastUpdate = /Last Update: (.+)/u.exec(text)?.[1] ?? '';
    expect(crl.tbsCertList.thisUpdate.value.getTime()).toBe(new Date(lastUpdate).getTime());
    const crlNumber = crl.tbsCertList.crlExtensions?.find((extension) => extension.extnID === idCeCRLNumber)?.extnValue.value as bigint;
    expect(text).toMatch(new RegExp(`X509v3 CRL Number: \\s*\\n\\s*${crlNumber.toString()}\\b`, 'u'));
    expect(crl.tbsCertList.$der).toBeDefined();
  });

  it('walks the revoked certificates lazily when asked, with the same entries', () => {
    const bytes = pemDer('crl.pem');
    const eager = decodeCertificateList(bytes);
    const lazy = decodeCertificateList(bytes, { lazy: ['TBSCertList.revokedCertificates'] });
    const entries = lazy.tbsCertList.revokedCertificates;
    expect(entries).toBeInstanceOf(LazySequenceOf);
    if (!(entries instanceof LazySequenceOf)) throw new Error('lazy');
    expect(entries.length).toBe(1);
    expect(entries.at(0)).toEqual((eager.tbsCertList.revokedCertificates as unknown[])[0]);
    expect(bytesToHex(encodeCertificateList(lazy, { useKeptDer: false }))).toBe(bytesToHex(bytes));
  });
});

describe('OCSP request and response made by openssl ocsp', () => {
  it('decodes the request, round-trips it, and its CertID and nonce match openssl ocsp -req_text', () => {
    const bytes = der('request.der');
    const request = decodeOCSPRequest(bytes);
    expect(bytesToHex(encodeOCSPRequest(request, { useKeptDer: false }))).toBe(bytesToHex(bytes));
    const text = openssl(['ocsp', '-reqin', file('request.der'), '-req_text']);
    const certId = request.tbsRequest.requestList[0]?.reqCert;
    expect(text).toContain(`Issuer Name Hash: ${bytesToHex(certId?.issuerNameHash ?? new Uint8Array())}`);
    expect(text).toContain(`Issuer Key Hash: ${bytesToHex(certId?.issuerKeyHash ?? new Uint8Array())}`);
    expect(text).toContain(`Serial Number: ${certId?.serialNumber.toString(16).toUpperCase()}`);
    const nonce = request.tbsRequest.requestExtensions?.find((extension) => extension.extnID === idPkixOcspNonce)?.extnValue.value as Uint8Array;
    expect(text.replace(/\s+/gu, '')).toContain(bytesToHex(nonce));
  });

  it('decodes the response, resolves the basic response through the registry, round-trips, and matches openssl ocsp -resp_text', () => {
    const bytes = der('response.der');
    const response = decodeOCSPResponse(bytes);
    expect(bytesToHex(encodeOCSPResponse(response, { useKeptDer: false }))).toBe(bytesToHex(bytes));
    expect(response.responseStatus).toBe('successful');
    const basic = response.responseBytes?.response.value as BasicOCSPResponse;
    expect(bytesToHex(encodeBasicOCSPResponse(basic, { useKeptDer: false }))).toBe(bytesToHex(response.responseBytes?.response.der ?? new Uint8Array()));
    expect(bytesToHex(encodeBasicOCSPResponse(decodeBasicOCSPResponse(response.responseBytes?.response.der ?? new Uint8Array())))).toBe(bytesToHex(response.responseBytes?.response.der ?? new Uint8Array()));
    const text = openssl(['ocsp', '-respin', file('response.der'), '-resp_text', '-noverify']);
    const single = basic.tbsResponseData.responses[0];
    expect(single?.certStatus.type).toBe('revoked');
    expect(text).toContain('Cert Status: revoked');
    if (single?.certStatus.type === 'revoked') {
      expect(single.certStatus.value.revocationReason).toBe('keyCompromise');
      expect(text).toContain('Revocation Reason: keyCompromise (0x1)');
    }
    expect(text).toContain(`Serial Number: ${single?.certID.serialNumber.toString(16).toUpperCase()}`);
    const producedAt = /Produced At: (.+)/u.exec(text)?.[1] ?? '';
    expect(basic.tbsResponseData.producedAt.getTime()).toBe(new Date(producedAt).getTime());
    expect(basic.tbsResponseData.$der).toBeDefined();
    const responder = basic.tbsResponseData.responderID;
    expect(responder.type).toBe('byName');
  });
});

describe('CMS SignedData made by openssl cms -sign', () => {
  it('decodes, round-trips, and its content, digest and signer match openssl cms -cmsout -print', () => {
    const bytes = der('signed.der');
    const contentInfo = decodeContentInfo(bytes);
    expect(bytesToHex(encodeContentInfo(contentInfo, { useKeptDer: false }))).toBe(bytesToHex(bytes));
    expect(contentInfo.contentType).toBe(idSignedData);
    const signed = contentInfo.content.value as SignedData;
    const text = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file('signed.der')]);
    expect(text).toContain('eContentType: pkcs7-data');
    expect(Buffer.from(signed.encapContentInfo.eContent ?? new Uint8Array()).toString('utf8')).toBe(readFileSync(file('data.txt'), 'utf8'));
    const signer = signed.signerInfos[0];
    if (signer?.sid.type !== 'issuerAndSerialNumber') throw new Error('openssl signs with issuerAndSerialNumber by default');
    expect(text).toMatch(new RegExp(`serialNumber: (0x)?${signer.sid.value.serialNumber.toString(16).toUpperCase()}`, 'iu'));
    const digest = signer.signedAttrs?.find((attribute) => attribute.attrType === idMessageDigest)?.attrValues[0]?.value as Uint8Array;
    // openssl prints the digest as a hex dump, 13 bytes to the first line.
    expect(text.toLowerCase().replace(/[\s:-]+/gu, '')).toContain(bytesToHex(digest.subarray(0, 13)).toLowerCase());
    expect(bytesToHex(digest)).toBe(createHash('sha256').update(readFileSync(file('data.txt'))).digest('hex').toUpperCase());
    expect(signed.certificates).toHaveLength(2);
    // The signed attributes are kept exactly as encoded; with their [0] tag replaced by the SET OF
    // tag they are what the signature covers (RFC 5652 §5.4): node:crypto verifies it over them.
    expect(signer.$der).toBeDefined();
    const signedAttributes = Uint8Array.from(signer.$signedAttrsDer ?? []);
    expect(signedAttributes[0]).toBe(0xa0);
    signedAttributes[0] = 0x31;
    const leaf = new X509Certificate(readFileSync(file('leaf.pem')));
    expect(verify('sha256', signedAttributes, leaf.publicKey, signer.signature)).toBe(true);
    signedAttributes[signedAttributes.length - 1] = (signedAttributes[signedAttributes.length - 1] as number) ^ 1;
    expect(verify('sha256', signedAttributes, leaf.publicKey, signer.signature)).toBe(false);
  });
});
