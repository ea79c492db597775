/**
 * The generated ASN.1 codecs the profile engine works through. generated/profiles hands them in,
 * so this hand-written part stays free of generated values (it only names their types).
 */
import type {
  BasicOCSPResponse,
  Certificate,
  CertificateList,
  Name,
  OCSPResponse,
  SubjectPublicKeyInfo,
} from '../../generated/asn1/index.js';
import type { DecodeOptions } from '../der/index.js';

export interface ProfileCodecs {
  decodeCertificate(der: Uint8Array, options?: DecodeOptions): Certificate;
  decodeCertificateList(der: Uint8Array, options?: DecodeOptions): CertificateList;
  decodeOCSPResponse(der: Uint8Array, options?: DecodeOptions): OCSPResponse;
  decodeBasicOCSPResponse(der: Uint8Array, options?: DecodeOptions): BasicOCSPResponse;
  decodeSubjectPublicKeyInfo(der: Uint8Array, options?: DecodeOptions): SubjectPublicKeyInfo;
  encodeSubjectPublicKeyInfo(value: SubjectPublicKeyInfo): Uint8Array;
  decodeRSAPublicKey(der: Uint8Array, options?: DecodeOptions): { modulus: bigint; publicExponent: bigint };
  decodeName(der: Uint8Array, options?: DecodeOptions): Name;
  encodeName(value: Name): Uint8Array;
}
