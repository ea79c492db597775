/** The DER runtime generated ASN.1 codecs import: TLV reader, decoders, writer, structure helpers. */
export { DecodeError, rethrowWithPath, type DecodeErrorCode } from './decode-error.js';
export { readTlvHeader, tagIdentifier, type TlvHeader, type TlvReadOptions, type TagClass } from './tlv.js';
export { createDecodeContext, DEFAULT_LIMITS, type DecodeContext, type DecodeLimits, type DecodeOptions } from './decode-context.js';
export {
  checkNamedBitString,
  compareBytes,
  decodeBigInteger,
  decodeBitString,
  decodeBmpString,
  decodeBoolean,
  decodeEnumerated,
  decodeGeneralizedTime,
  decodeIa5String,
  decodeNull,
  decodeNumericString,
  decodeObjectIdentifier,
  decodeOctetCharacterString,
  decodeOctetString,
  decodePrintableString,
  decodeRelativeOid,
  decodeSmallInteger,
  decodeUniversalString,
  decodeUtcTime,
  decodeUtf8String,
  decodeVisibleString,
  type BitString,
  type OpenValue,
} from './der-primitives.js';
export { DerWriter, EncodeError, isIa5, isNumeric, isOctet, isPrintable, isVisible, type EncodeOptions } from './der-writer.js';
export {
  checkSize,
  decodeRoot,
  defaultEncoded,
  elementBytes,
  elementStart,
  encodeRoot,
  enter,
  equalsDefault,
  explicitInner,
  lazySequenceOf,
  leave,
  missing,
  peekHeader,
  readContainingOctets,
  readOpenElement,
  readSequenceOf,
  readSetOf,
  requireComponent,
  unknownEnumerated,
  writeContainingOctets,
  writeOpenElement,
  writeSequenceOf,
  writeSetOf,
  type OpenTypeEntry,
  type OpenTypeRegistry,
} from './der-structure.js';
export { LazySequenceOf } from './lazy-sequence-of.js';
export { toJsonValue, type JsonOptions } from './json.js';
export { derToPem, pemBlocks, pemToDer, type PemBlock } from './pem.js';
export { dumpTlv, formatTlvTree, type TlvNode } from './tlv-dump.js';
export {
  CertificateListIndex,
  CRL_REASONS,
  openCertificateList,
  RevokedCertificate,
  type CertificateList,
  type CrlReason,
  type RevocationEntry,
} from './certificate-list-index.js';
