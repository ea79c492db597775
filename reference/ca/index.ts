/** The reference JPKI CA (simulated): state, issuance, revocation, and the RevocationSource its publishers read. */
export { CaError, type CaErrorCode } from './ca-errors.js';
export {
  CertificateAuthority,
  type BootstrapOptions,
  type CaGeneration,
  type CardPairRequest,
  type CardReplacementRequest,
  type CertificateAuthorityOptions,
  type CertificateRecord,
  type HolderRecord,
  type IssuedPair,
  type KeyPairPublicKeys,
  type SmartphonePairRequest,
} from './certificate-authority.js';
export { buildCertificate, checkSubjectPublicKey, SHA256_WITH_RSA, SHA256_WITH_RSA_DER } from './certificate-builder.js';
export * from './database/index.js';
export type { CaCertificateInput, CertificateContent, EndEntityInput, IssuanceProfile, IssuerFacts } from './issuance-profile.js';
export * from './keystore/index.js';
export { crlDistributionPointName, knownMunicipalities, municipalityOf, UnknownMunicipalityError, type Municipality } from './municipalities.js';
export { caJapaneseName, jlisShapedCaName, simulatedCaName } from './names.js';
export { certificateProfileNameFor, specIssuanceProfile } from './spec-issuance-profile.js';
export { openCertificateAuthorityInDirectory, type DataDirectoryOptions, type OpenedCertificateAuthority } from './open-data-directory.js';
export type { CertificateStatusEntry, CrlDistributionPoint, LinkageRecordEntry, RevocationIssuer, RevocationSource, RevokedEntry } from './revocation-source.js';
export { randomSerialNumber, serialFromHex, serialToHex } from './serial-numbers.js';

// Publishing what the state holds: CRLs, linkage lists, the OCSP responder and the revocation API.
export { buildCrl, crlNumberFor, CrlBuildError, type BuiltCrl, type CrlBuildInput, type CrlScope } from './crl-builder.js';
export { CrlPublisher, type CrlPublisherOptions, type PublishedCrl, type PublishedIssuer } from './crl-publisher.js';
export { buildLinkageList, linkageListJson, type BuiltLinkageList, type LinkageListInput, type LinkageListJson } from './linkage-list.js';
export { OcspResponder, ocspErrorResponse, type OcspResponderOptions, type OcspResponderStatistics } from './ocsp-responder.js';
export { createRevocationService, createPlainRevocationServer, type RevocationService, type RevocationServiceOptions } from './revocation-service.js';
export { InMemoryRevocationSource, keySigner, loadOpensslIndex, readOpensslIndex, type IssueOptions } from './in-memory-revocation-source.js';
