/**
 * The reference signature verifier (`jpkigen/verifier`): signature checks (PKCS#1 v1.5 with the
 * JPKI-AP's strict DigestInfo, PSS, ECDSA), CMS SignedData, the JPKI certificate checks
 * (kind, carrier, policy, key usage, 基本4情報, linkage) and the Verifier behind the verifier test
 * interface, with the RFC 5280 path validator of ./path.
 */
export { verifySignature, type SignatureFailureCode, type SignatureVerdict, type VerifySignatureInput } from './signature.js';
export { digestFromDigestInfo, digestInfoOf, hashOf, HASHES, type HashDescription } from './digest-info.js';
export { signCms, verifyCms, type CmsSignerResult, type CmsVerification, type SignCmsOptions, type VerifyCmsOptions } from './cms.js';
export { certificateFacts, formatName, serialToHex, type CertificateFacts, type KeyUsageBit } from './certificate-facts.js';
export { classifyCertificate, jpkiCertificateReasons, JPKI_POLICIES, type CertificateClass, type JpkiPolicy } from './jpki-classify.js';
export { dateOfBirthProblem, extractBasicFourInfo } from './jpki-identity.js';
export { KNOWN_JPKI_CAS, prepareTrustAnchors, resolveIssuerCaId, type KnownJpkiCa, type TrustAnchor, type TrustAnchorInput } from './jpki-anchors.js';
export { summarizeCertificate } from './jpki-summary.js';
export { jpkiProfileLinter, profileNameFor, reasonForFinding } from './jpki-profile.js';
export { followLinkage, linkageStepsOf, readLinkageList, type DecodedLinkageList, type LinkageResolution, type LinkageStep } from './jpki-linkage.js';
export { ocspRequestFor } from './revocation-fetch.js';
export {
  base64UrlToBytes,
  bytesToBase64Url,
  createVerifier,
  Verifier,
  type CertificateLinter,
  type RevocationOptions,
  type VerificationInput,
  type VerifierOptions,
} from './verifier.js';
export { createLiveVerifierRequestListener, createVerifierHandlers, IMPLEMENTATION } from './server.js';
export { VerifierError, type VerifierErrorCode } from './errors.js';
export type { PathValidationInput, PathValidationResult, PathValidator } from './path-contract.js';
export { verifyCertificatePath } from './path/index.js';
