/**
 * Decoder state threaded through generated decoders: the buffer, the mode (strict DER or lenient
 * BER) and the limits. The defaults accept a 100 MB CRL (about two million entries).
 */
import { DecodeError } from './decode-error.js';

export interface DecodeLimits {
  /** Deepest nesting of constructed values. */
  readonly maxDepth?: number;
  /** Largest input accepted, in bytes. */
  readonly maxInputLength?: number;
  /** Most elements in one SEQUENCE OF / SET OF. */
  readonly maxElements?: number;
}

export interface DecodeOptions extends DecodeLimits {
  /** Accept BER (indefinite lengths, non-minimal lengths and integers, unsorted SET OF, encoded DEFAULT values, constructed strings). */
  readonly ber?: boolean;
  /** Keep trailing bytes after the value instead of rejecting them. */
  readonly allowTrailingBytes?: boolean;
  /**
   * Paths (relative to the decoded type, components joined by dots: `tbsCertList.revokedCertificates`)
   * of SEQUENCE OF components to decode lazily: only TLV headers are walked, elements are built on access.
   */
  readonly lazy?: readonly string[];
}

export const DEFAULT_LIMITS = {
  maxDepth: 64,
  maxInputLength: 256 * 1024 * 1024,
  maxElements: 16 * 1024 * 1024,
} as const;

export interface DecodeContext {
  readonly bytes: Uint8Array;
  readonly ber: boolean;
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly lazy: ReadonlySet<string>;
  depth: number;
}

const NO_LAZY: ReadonlySet<string> = new Set();

export function createDecodeContext(bytes: Uint8Array, options: DecodeOptions | undefined, rootName: string): DecodeContext {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('DER_TRUNCATED', 0, rootName, 'a Uint8Array to decode');
  const maxInputLength = options?.maxInputLength ?? DEFAULT_LIMITS.maxInputLength;
  if (bytes.length > maxInputLength) {
    throw new DecodeError('DER_SIZE_LIMIT', 0, rootName, `at most ${maxInputLength} bytes of input (maxInputLength), found ${bytes.length}`);
  }
  return {
    bytes,
    ber: options?.ber === true,
    maxDepth: options?.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxElements: options?.maxElements ?? DEFAULT_LIMITS.maxElements,
    lazy: options?.lazy === undefined ? NO_LAZY : new Set(options.lazy),
    depth: 0,
  };
}

/** Called on entering a constructed value; `leave` must follow (generated code pairs them). */
export function enterConstructed(context: DecodeContext, offset: number): void {
  context.depth += 1;
  if (context.depth > context.maxDepth) {
    throw new DecodeError('DER_DEPTH_LIMIT', offset, '', `values nested at most ${context.maxDepth} deep (maxDepth)`);
  }
}
