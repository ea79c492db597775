/**
 * GlobalPlatform Secure Channel Protocol '03' (Card Specification v2.2 Amendment D v1.1.1, plus
 * S16 mode from v1.2): both ends of the channel, the primitives beneath them, and PUT KEY key data.
 */
export { Scp03Error, Scp03FormatError, Scp03SecurityError, Scp03StateError, StatusWord, type Scp03ErrorCode } from './errors.js';
export { AesCmac, aesCmac } from './aes-cmac.js';
export { AesKey, isAesKeyLength, type AesKeyLength } from './aes.js';
export { DerivationConstant, deriveScp03Data, deriveSessionKeys, type Scp03SessionKeys, type Scp03StaticKeys } from './kdf.js';
export { computeCardCryptogram, computeHostCryptogram } from './cryptograms.js';
export { computePseudoRandomCardChallenge, MAX_SEQUENCE_COUNTER } from './card-challenge.js';
export { computeAesKeyCheckValue } from './key-check-value.js';
export {
  AES_KEY_TYPE,
  buildPutKeyCommand,
  buildPutKeyData,
  buildPutKeyResponseData,
  decryptSensitiveData,
  encodeAesKeyDataField,
  encryptSensitiveData,
  parsePutKeyData,
  type DecodedKey,
  type DecodedPutKeyData,
  type PutKeyCommandOptions,
} from './put-key.js';
export {
  decodeClass,
  encodeClass,
  encodeCommandApdu,
  encodeResponseApdu,
  isSuccessOrWarning,
  macClass,
  parseCommandApdu,
  parseResponseApdu,
  type ClassByte,
  type CommandApdu,
  type ResponseApdu,
} from './apdu.js';
export {
  describeIParameter,
  IParameterBit,
  isSecurityLevel,
  modeLength,
  SECURITY_LEVELS,
  SecurityLevelBit,
  type IParameterOptions,
  type Scp03Mode,
  type SecurityLevel,
} from './parameters.js';
export {
  buildInitializeUpdateCommand,
  encodeInitializeUpdateResponse,
  parseInitializeUpdateResponse,
  type InitializeUpdateCommandOptions,
  type InitializeUpdateResponse,
} from './initialize-update.js';
export {
  computeCommandMac,
  computeResponseMac,
  commandIcv,
  responseIcv,
  encryptCommandData,
  decryptCommandData,
  encryptResponseData,
  decryptResponseData,
} from './secure-messaging.js';
export { Scp03HostSession, type HostSessionOptions, type HostSessionState } from './host-session.js';
export { Scp03CardSession, type CardSessionOptions, type CardSessionState } from './card-session.js';
