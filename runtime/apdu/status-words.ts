/** ISO/IEC 7816-4 status words a card returns when it cannot take a command as sent. */
export const IsoStatusWord = {
  success: 0x9000,
  wrongLength: 0x6700,
  securityStatusNotSatisfied: 0x6982,
  conditionsOfUseNotSatisfied: 0x6985,
  wrongData: 0x6a80,
  incorrectParameters: 0x6a86,
  instructionNotSupported: 0x6d00,
  classNotSupported: 0x6e00,
} as const;

/** A status word pattern from a spec ("9000", "63Cx", "61xx") as a mask and value. */
export interface StatusWordPattern {
  readonly mask: number;
  readonly value: number;
}

export function statusWordPattern(pattern: string): StatusWordPattern {
  let mask = 0;
  let value = 0;
  for (const digit of pattern) {
    mask <<= 4;
    value <<= 4;
    if (digit !== 'x') {
      mask |= 0xf;
      value |= Number.parseInt(digit, 16);
    }
  }
  return { mask, value };
}

export function matchesStatusWord(pattern: StatusWordPattern, sw: number): boolean {
  return (sw & pattern.mask) === pattern.value;
}
