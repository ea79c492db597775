/**
 * The one error a DER/BER decoder throws on malformed input: a stable `code`, the byte offset of
 * the fault in the decoded buffer and the ASN.1 path of the value being decoded, e.g.
 * `Certificate.tbsCertificate.extensions[3].extnValue`.
 */
import { JpkigenError } from '../errors.js';

export type DecodeErrorCode =
  | 'DER_TRUNCATED'
  | 'DER_INDEFINITE_LENGTH'
  | 'DER_NON_MINIMAL_LENGTH'
  | 'DER_LENGTH_TOO_LONG'
  | 'DER_OVERRUN'
  | 'DER_NON_MINIMAL_TAG'
  | 'DER_TAG_TOO_LONG'
  | 'DER_UNEXPECTED_TAG'
  | 'DER_CONSTRUCTED_FORM'
  | 'DER_MISSING_COMPONENT'
  | 'DER_TRAILING_BYTES'
  | 'DER_NON_MINIMAL_INTEGER'
  | 'DER_INTEGER_RANGE'
  | 'DER_BAD_BOOLEAN'
  | 'DER_BAD_NULL'
  | 'DER_BAD_OID'
  | 'DER_BAD_BIT_STRING'
  | 'DER_BAD_STRING'
  | 'DER_BAD_TIME'
  | 'DER_SET_OF_UNSORTED'
  | 'DER_SET_ORDER'
  | 'DER_DEFAULT_ENCODED'
  | 'DER_UNKNOWN_ENUMERATED'
  | 'DER_CONSTRAINT'
  | 'DER_DEPTH_LIMIT'
  | 'DER_SIZE_LIMIT'
  | 'DER_BAD_EOC'
  | 'DER_BAD_PEM';

export class DecodeError extends JpkigenError {
  /** Byte offset of the fault in the decoded buffer. */
  readonly offset: number;
  /** Where in the ASN.1 value the fault sits; grows outward as the error unwinds through the decoders. */
  path: string;
  /** What was expected at that place, in words. */
  readonly expected: string;

  constructor(code: DecodeErrorCode | (string & {}), offset: number, path: string, expected: string) {
    super(code, formatDecodeMessage(offset, path, expected));
    this.offset = offset;
    this.path = path;
    this.expected = expected;
  }

  /** Adds an outer path segment (`tbsCertificate`, `[3]`, or the root type name) as the error leaves a decoder. */
  prependPath(segment: string): this {
    if (segment === '') return this;
    if (this.path === '') this.path = segment;
    else if (this.path.startsWith('[')) this.path = `${segment}${this.path}`;
    else this.path = `${segment}.${this.path}`;
    this.message = formatDecodeMessage(this.offset, this.path, this.expected);
    return this;
  }
}

function formatDecodeMessage(offset: number, path: string, expected: string): string {
  return `DER at byte ${offset}${path === '' ? '' : ` (${path})`}: expected ${expected}`;
}

/**
 * Rethrows a DecodeError with one more outer path segment. Anything else is a bug in a decoder or a
 * limit of the engine (stack overflow), reported as a DecodeError so callers only ever see one type.
 */
export function rethrowWithPath(error: unknown, segment: string, offset: number): never {
  if (error instanceof DecodeError) throw error.prependPath(segment);
  if (error instanceof RangeError) throw new DecodeError('DER_DEPTH_LIMIT', offset, segment, `a value the decoder can hold (${error.message})`);
  throw error;
}
