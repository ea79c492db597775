export { JpkigenError, ValidationError, type ValidationIssue } from './errors.js';
export {
  parseWithValidator,
  toValidationIssues,
  type CompiledValidator,
  type CompiledValidatorError,
} from './validation.js';
export {
  allowedEvents,
  canTransition,
  ForbiddenTransitionError,
  nextState,
  stateOfCoding,
  type LifeCycle,
} from './life-cycle.js';
export { bytesToHex, hexToBytes } from './hex.js';
export {
  encodeCommandApdu,
  encodeResponseApdu,
  parseCommandApdu,
  parseResponseApdu,
  type CommandApdu,
  type CommandApduInput,
  type CommandApduParse,
  type ResponseApdu,
} from './apdu/command-apdu.js';
export { concatBytes, constantTimeEqual } from './bytes.js';
export { decodeTlv, decodeTlvs, encodeLength, encodeTlv, TlvError, type Tlv } from './apdu/ber-tlv.js';
export { IsoStatusWord, matchesStatusWord, statusWordPattern, type StatusWordPattern } from './apdu/status-words.js';
export {
  ApduEncodingError,
  bitsetBytes,
  bitsetNames,
  buildCommand,
  decodeStructureTlv,
  describeStatusWord,
  dispatchCommand,
  dispatchParsedCommand,
  encodeStructureTlv,
  parseResponse,
  type BuildOptions,
  type CommandDescriptor,
  type CommandTable,
  type DispatchResult,
  type FieldValues,
  type ParsedResponse,
  type StatusWordDescriptor,
  type StructureValue,
} from './apdu/command-table.js';
