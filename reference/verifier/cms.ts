/**
 * CMS SignedData (RFC 5652 §5) verification with the generated codecs, and a small signer for
 * tests and the demo. Signed attributes are verified as RFC 5652 §5.4 says: the DER of the
 * SignedAttributes with the SET OF tag (0x31) in place of the [0] IMPLICIT tag, and they must
 * carry content-type and message-digest (§11.1, §11.2).
 */
import { sign as nodeSign, type KeyObject } from 'node:crypto';
import {
  decodeContentInfo,
  decodeName,
  encodeCertificate,
  encodeContentInfo,
  encodeName,
  encodeSignedAttributes,
  idContentType,
  idData,
  idMessageDigest,
  idSignedData,
  idSigningTime,
  type CryptographicMessageSyntax2004,
  type Certificate,
  type RSASSAPSSParams,
  type SignedData,
  type SignerInfo,
} from '../../generated/asn1/index.js';
import type { HashAlgorithm, SignatureAlgorithm, VerificationReason } from '../../generated/messages/types.js';
import { constantTimeEqual } from '../../runtime/bytes.js';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';
import { HASHES, hashByOid, hashOf } from './digest-info.js';
import type { PathValidator } from './path-contract.js';
import { verifyCertificatePath } from './path/index.js';
import { verifySignature } from './signature.js';

type Attribute = CryptographicMessageSyntax2004.Attribute;

export interface VerifyCmsOptions {
  /** The content, when the SignedData does not carry it (detached signature). */
  readonly detachedContent?: Uint8Array;
  /** Validate each signer's certificate path to these anchors (DER); without them only the signatures are checked. */
  readonly trustAnchors?: readonly Uint8Array[];
  readonly time?: Date;
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
  /** Revocation checking of the path: 'ifAvailable' unless given. */
  readonly revocation?: 'require' | 'ifAvailable' | 'none';
  readonly allowSha1?: boolean;
  readonly validatePath?: PathValidator;
}

export interface CmsSignerResult {
  readonly valid: boolean;
  readonly reasons: readonly VerificationReason[];
  /** The signer's certificate (DER), when the message carries it. */
  readonly certificate?: Uint8Array;
  readonly hash?: HashAlgorithm;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  readonly signingTime?: Date;
  /** 'notChecked' when no trust anchors were given. */
  readonly path: 'valid' | 'invalid' | 'notChecked';
}

export interface CmsVerification {
  readonly valid: boolean;
  /** Reasons about the message as a whole (not a SignedData, no content, no signer). */
  readonly reasons: readonly VerificationReason[];
  readonly contentType?: string;
  readonly content?: Uint8Array;
  readonly signers: readonly CmsSignerResult[];
}

/** RFC 8017 / RFC 5754 / RFC 5758 signature algorithm OIDs → scheme and (where the OID fixes it) hash. */
const SIGNATURE_OIDS: ReadonlyMap<string, { readonly scheme: SignatureAlgorithm; readonly hash?: HashAlgorithm }> = new Map([
  ['1.2.840.113549.1.1.1', { scheme: 'RSASSA-PKCS1-v1_5' }],
  ['1.2.840.113549.1.1.5', { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }],
  ['1.2.840.113549.1.1.11', { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }],
  ['1.2.840.113549.1.1.12', { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }],
  ['1.2.840.113549.1.1.13', { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }],
  ['1.2.840.113549.1.1.10', { scheme: 'RSA-PSS' }],
  ['1.2.840.10045.2.1', { scheme: 'ECDSA' }],
  ['1.2.840.10045.4.1', { scheme: 'ECDSA', hash: 'SHA-1' }],
  ['1.2.840.10045.4.3.2', { scheme: 'ECDSA', hash: 'SHA-256' }],
  ['1.2.840.10045.4.3.3', { scheme: 'ECDSA', hash: 'SHA-384' }],
  ['1.2.840.10045.4.3.4', { scheme: 'ECDSA', hash: 'SHA-512' }],
]);

export function verifyCms(message: Uint8Array, options: VerifyCmsOptions = {}): CmsVerification {
  let signedData: SignedData;
  try {
    const contentInfo = decodeContentInfo(message);
    if (contentInfo.contentType !== idSignedData) return messageFailure('malformedSignature', `the ContentInfo holds ${contentInfo.contentType}, not SignedData`);
    signedData = contentInfo.content.value as SignedData;
  } catch (error) {
    return messageFailure('malformedSignature', `not a DER CMS ContentInfo: ${(error as Error).message}`);
  }
  const encapsulated = signedData.encapContentInfo.eContent;
  const { detachedContent } = options;
  if (encapsulated !== undefined && detachedContent !== undefined && !constantTimeEqual(encapsulated, detachedContent)) {
    return messageFailure('digestMismatch', 'the SignedData carries content and a different detached content was given');
  }
  const content = encapsulated ?? detachedContent;
  const contentType = signedData.encapContentInfo.eContentType;
  if (content === undefined) return { ...messageFailure('digestMismatch', 'a detached signature needs the content (detachedContent)'), contentType };
  if (signedData.signerInfos.length === 0) return { ...messageFailure('malformedSignature', 'the SignedData has no SignerInfo'), contentType, content };
  const certificates = (signedData.certificates ?? []).filter((choice) => choice.type === 'certificate').map((choice) => encodeCertificate(choice.value as Certificate));
  const signers = signedData.signerInfos.map((signerInfo) => verifySigner(signerInfo, { content, contentType, certificates }, options));
  return { valid: signers.every((signer) => signer.valid), reasons: [], contentType, content, signers };
}

interface SignedMessage {
  readonly content: Uint8Array;
  readonly contentType: string;
  readonly certificates: readonly Uint8Array[];
}

function verifySigner(signerInfo: SignerInfo, message: SignedMessage, options: VerifyCmsOptions): CmsSignerResult {
  const reasons: VerificationReason[] = [];
  const certificate = findSignerCertificate(signerInfo, message.certificates);
  const hash = hashByOid(signerInfo.digestAlgorithm.algorithm);
  const scheme = SIGNATURE_OIDS.get(signerInfo.signatureAlgorithm.algorithm);
  const base = { ...(certificate !== undefined ? { certificate: certificate.der } : {}), ...(hash !== undefined ? { hash } : {}), ...(scheme !== undefined ? { signatureAlgorithm: scheme.scheme } : {}) };
  if (certificate === undefined) reasons.push({ code: 'malformedCertificate', detail: 'the message does not carry the signer certificate its SignerIdentifier names' });
  if (hash === undefined) reasons.push({ code: 'algorithmNotAllowed', detail: `digest algorithm ${signerInfo.digestAlgorithm.algorithm} is not SHA-1/256/384/512` });
  if (scheme === undefined) reasons.push({ code: 'algorithmNotAllowed', detail: `signature algorithm ${signerInfo.signatureAlgorithm.algorithm} is not supported` });
  else if (scheme.hash !== undefined && hash !== undefined && scheme.hash !== hash) reasons.push({ code: 'algorithmNotAllowed', detail: `signature algorithm hash ${scheme.hash} differs from the digest algorithm ${hash}` });
  if (certificate === undefined || hash === undefined || scheme === undefined || reasons.length > 0) return { valid: false, reasons, ...base, path: 'notChecked' };

  const signed = signedBytes(signerInfo, message, hash, reasons);
  const signingTime = signingTimeOf(signerInfo);
  if (signed !== undefined) {
    const pss = scheme.scheme === 'RSA-PSS' ? pssParameters(signerInfo, hash) : undefined;
    if (pss instanceof Error) reasons.push({ code: 'algorithmNotAllowed', detail: pss.message });
    else {
      const verdict = verifySignature({
        publicKey: certificate.der,
        data: signed,
        signature: signerInfo.signature,
        algorithm: scheme.scheme,
        hash,
        ...(pss !== undefined ? { saltLength: pss } : {}),
        ...(options.allowSha1 === true ? { allowSha1: true } : {}),
      });
      // Over signed attributes, a signature that opens to another digest means the attributes
      // were changed: the content's own digest was already compared (message-digest).
      if (!verdict.valid && verdict.reason === 'digestMismatch' && signerInfo.signedAttrs !== undefined) reasons.push({ code: 'signatureMismatch', detail: 'the signature does not cover these signed attributes' });
      else if (!verdict.valid) reasons.push({ code: verdict.reason, detail: verdict.detail });
    }
  }

  let path: CmsSignerResult['path'] = 'notChecked';
  if (options.trustAnchors !== undefined) {
    const validate = options.validatePath ?? verifyCertificatePath;
    const result = validate({
      certificates: [certificate.der, ...message.certificates.filter((der) => der !== certificate.der)],
      trustAnchors: options.trustAnchors,
      ...(options.crls !== undefined ? { crls: options.crls } : {}),
      ...(options.ocspResponses !== undefined ? { ocspResponses: options.ocspResponses } : {}),
      time: options.time ?? signingTime ?? new Date(),
      revocation: options.revocation ?? 'ifAvailable',
    });
    path = result.valid ? 'valid' : 'invalid';
    if (!result.valid) reasons.push({ code: result.reason === 'signatureMismatch' ? 'untrustedIssuer' : result.reason, detail: `signer certificate: ${result.detail.message}` });
  }
  return { valid: reasons.length === 0, reasons, ...base, ...(signingTime !== undefined ? { signingTime } : {}), path };
}

/** What the signature covers: the re-tagged signed attributes (after checking them), or the content itself. */
function signedBytes(signerInfo: SignerInfo, message: SignedMessage, hash: HashAlgorithm, reasons: VerificationReason[]): Uint8Array | undefined {
  const attributes = signerInfo.signedAttrs;
  if (attributes === undefined) {
    // RFC 5652 §5.3: without signed attributes the content type must be id-data.
    if (message.contentType !== idData) reasons.push({ code: 'malformedSignature', detail: `content of type ${message.contentType} needs signed attributes` });
    return message.content;
  }
  const contentType = singleAttribute(attributes, idContentType);
  const messageDigest = singleAttribute(attributes, idMessageDigest);
  if (contentType === undefined || contentType !== message.contentType) reasons.push({ code: 'malformedSignature', detail: 'the content-type signed attribute is missing, repeated or differs from eContentType' });
  if (!(messageDigest instanceof Uint8Array)) reasons.push({ code: 'malformedSignature', detail: 'the message-digest signed attribute is missing or repeated' });
  else if (!constantTimeEqual(messageDigest, hashOf(hash, message.content))) reasons.push({ code: 'digestMismatch', detail: 'the message-digest attribute does not match the content' });
  const kept = signerInfo.$signedAttrsDer;
  if (kept === undefined || kept.length === 0) return encodeSignedAttributes(attributes);
  const asSet = kept.slice();
  asSet[0] = 0x31;
  return asSet;
}

/** The one value of a single-valued attribute that appears once (RFC 5652 §5.3); undefined otherwise. */
function singleAttribute(attributes: readonly Attribute[], type: string): unknown {
  const found = attributes.filter((attribute) => attribute.attrType === type);
  if (found.length !== 1 || found[0]?.attrValues.length !== 1) return undefined;
  return found[0].attrValues[0]?.value;
}

function signingTimeOf(signerInfo: SignerInfo): Date | undefined {
  const value = singleAttribute(signerInfo.signedAttrs ?? [], idSigningTime) as { value?: unknown } | undefined;
  return value?.value instanceof Date ? value.value : undefined;
}

function pssParameters(signerInfo: SignerInfo, hash: HashAlgorithm): number | Error {
  const parameters = signerInfo.signatureAlgorithm.parameters?.value as RSASSAPSSParams | undefined;
  if (parameters === undefined) return new Error('RSASSA-PSS without parameters (SHA-1 defaults) is not accepted');
  const pssHash = parameters.hashAlgorithm === undefined ? 'SHA-1' : hashByOid(parameters.hashAlgorithm.algorithm);
  if (pssHash !== hash) return new Error(`RSASSA-PSS hash ${String(pssHash)} differs from the digest algorithm ${hash}`);
  return Number(parameters.saltLength ?? 20n);
}

function findSignerCertificate(signerInfo: SignerInfo, certificates: readonly Uint8Array[]): CertificateFacts | undefined {
  const sid = signerInfo.sid;
  for (const der of certificates) {
    let facts: CertificateFacts;
    try {
      facts = certificateFacts(der);
    } catch {
      continue;
    }
    if (sid.type === 'subjectKeyIdentifier') {
      if (facts.subjectKeyIdentifier !== undefined && constantTimeEqual(facts.subjectKeyIdentifier, sid.value)) return facts;
    } else if (facts.serialNumber === sid.value.serialNumber && sameName(facts, sid.value.issuer)) {
      return facts;
    }
  }
  return undefined;
}

function sameName(facts: CertificateFacts, issuer: Parameters<typeof encodeName>[0]): boolean {
  return Buffer.compare(encodeName(facts.certificate.tbsCertificate.issuer), encodeName(issuer)) === 0;
}

function messageFailure(code: VerificationReason['code'], detail: string): CmsVerification {
  return { valid: false, reasons: [{ code, detail }], signers: [] };
}

export interface SignCmsOptions {
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
  readonly hash?: HashAlgorithm;
  /** Leave the content out of the message (default: encapsulated). */
  readonly detached?: boolean;
  /** Sign content-type, message-digest and signing-time attributes (default true). */
  readonly signedAttributes?: boolean;
  readonly signerIdentifier?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
  readonly signingTime?: Date;
  /** More certificates to carry (e.g. the issuing CA). */
  readonly extraCertificates?: readonly Uint8Array[];
}

/** A CMS SignedData (ContentInfo DER) over id-data content, RSASSA-PKCS1-v1_5 or ECDSA by the key type. */
export function signCms(content: Uint8Array, options: SignCmsOptions): Uint8Array {
  const hash = options.hash ?? 'SHA-256';
  const facts = certificateFacts(options.certificate);
  const ec = options.privateKey.asymmetricKeyType === 'ec';
  const digestAlgorithm = { algorithm: HASHES[hash].oid };
  const signatureAlgorithm = ec ? { algorithm: ECDSA_OIDS[hash] } : { algorithm: RSA_OIDS[hash], parameters: { value: null } };
  const attributes: Attribute[] | undefined =
    options.signedAttributes === false
      ? undefined
      : [
          { attrType: idContentType, attrValues: [{ value: idData }] },
          { attrType: idSigningTime, attrValues: [{ value: { type: 'utcTime', value: options.signingTime ?? new Date(Math.floor(Date.now() / 1000) * 1000) } }] },
          { attrType: idMessageDigest, attrValues: [{ value: hashOf(hash, content) }] },
        ];
  const toSign = attributes === undefined ? content : encodeSignedAttributes(attributes);
  const signature = new Uint8Array(nodeSign(HASHES[hash].nodeName, toSign, ec ? { key: options.privateKey, dsaEncoding: 'der' } : options.privateKey));
  const bySubjectKey = options.signerIdentifier === 'subjectKeyIdentifier';
  if (bySubjectKey && facts.subjectKeyIdentifier === undefined) throw new TypeError('the certificate has no subjectKeyIdentifier to name the signer by');
  const signerInfo: SignerInfo = {
    version: bySubjectKey ? 3 : 1,
    sid: bySubjectKey ? { type: 'subjectKeyIdentifier', value: facts.subjectKeyIdentifier as Uint8Array } : { type: 'issuerAndSerialNumber', value: { issuer: decodeName(encodeName(facts.certificate.tbsCertificate.issuer)), serialNumber: facts.serialNumber } },
    digestAlgorithm,
    ...(attributes !== undefined ? { signedAttrs: attributes } : {}),
    signatureAlgorithm,
    signature,
  };
  const signedData: SignedData = {
    version: bySubjectKey ? 3 : 1,
    digestAlgorithms: [digestAlgorithm],
    encapContentInfo: { eContentType: idData, ...(options.detached === true ? {} : { eContent: content }) },
    certificates: [options.certificate, ...(options.extraCertificates ?? [])].map((der) => ({ type: 'certificate' as const, value: certificateFacts(der).certificate })),
    signerInfos: [signerInfo],
  };
  return encodeContentInfo({ contentType: idSignedData, content: { value: signedData } });
}

const RSA_OIDS: Readonly<Record<HashAlgorithm, string>> = { 'SHA-1': '1.2.840.113549.1.1.5', 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' };
const ECDSA_OIDS: Readonly<Record<HashAlgorithm, string>> = { 'SHA-1': '1.2.840.10045.4.1', 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' };

