/** The validity rules of jpki.md §2.5 at their edges: birthdays around issuance, renewal, 29 February, caps, Japan time. */
import { describe, expect, it } from 'vitest';
import { certificateValidity, ProfileTemplateError } from '../../../generated/profiles/index.js';
import { birthMonthDay, inRenewalWindow, nthBirthdayAfter } from '../../../runtime/profiles/validity.js';

const iso = (date: Date) => date.toISOString();

describe('certificateValidity (card profiles)', () => {
  it('runs to 14:59:59Z on the 5th birthday after issuance', () => {
    const validity = certificateValidity('cardAuthentication', { issuedAt: new Date('2024-03-01T03:00:00.750Z'), dateOfBirth: '419800615' });
    expect(iso(validity.notBefore)).toBe('2024-03-01T03:00:00.000Z');
    expect(iso(validity.notAfter)).toBe('2028-06-15T14:59:59.000Z');
  });

  it('does not count a birthday on the issuance day itself', () => {
    const validity = certificateValidity('cardAuthentication', { issuedAt: new Date('2024-06-15T01:00:00Z'), dateOfBirth: '419800615' });
    expect(iso(validity.notAfter)).toBe('2029-06-15T14:59:59.000Z');
  });

  it('takes the issuance date in Japan time (15:00Z is the next day there)', () => {
    // 2024-06-14T15:30Z is 2024-06-15 00:30 JST: the birthday itself, so it does not count.
    expect(iso(certificateValidity('cardAuthentication', { issuedAt: new Date('2024-06-14T15:30:00Z'), dateOfBirth: '419800615' }).notAfter)).toBe('2029-06-15T14:59:59.000Z');
    // 2024-06-14T14:30Z is 23:30 JST on the 14th: the birthday next day counts as the first.
    expect(iso(certificateValidity('cardAuthentication', { issuedAt: new Date('2024-06-14T14:30:00Z'), dateOfBirth: '419800615' }).notAfter)).toBe('2028-06-15T14:59:59.000Z');
  });

  it('runs to the 6th birthday on renewal', () => {
    const validity = certificateValidity('cardSignature', { issuedAt: new Date('2024-04-01T03:00:00Z'), dateOfBirth: '419800615', renewal: true });
    expect(iso(validity.notAfter)).toBe('2029-06-15T14:59:59.000Z');
  });

  it('puts a 29 February birthday on 28 February in common years', () => {
    expect(iso(certificateValidity('cardAuthentication', { issuedAt: new Date('2024-03-10T03:00:00Z'), dateOfBirth: '420000229' }).notAfter)).toBe('2029-02-28T14:59:59.000Z');
    // 2023-03-10 + 5 birthdays → 2028, a leap year: the 29th itself.
    expect(iso(certificateValidity('cardAuthentication', { issuedAt: new Date('2023-03-10T03:00:00Z'), dateOfBirth: '420000229' }).notAfter)).toBe('2028-02-29T14:59:59.000Z');
  });

  it('counts issuance anniversaries when month or day is unknown (00)', () => {
    expect(iso(certificateValidity('cardAuthentication', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '319500000' }).notAfter)).toBe('2029-03-01T14:59:59.000Z');
  });

  it('never runs beyond the card, the authentication certificate or the CA', () => {
    const base = { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '419800615' };
    expect(iso(certificateValidity('cardSignature', { ...base, cardNotAfter: new Date('2027-01-01T14:59:59Z') }).notAfter)).toBe('2027-01-01T14:59:59.000Z');
    expect(iso(certificateValidity('cardSignature', { ...base, authenticationNotAfter: new Date('2026-06-15T14:59:59Z'), cardNotAfter: new Date('2027-01-01T14:59:59Z') }).notAfter)).toBe('2026-06-15T14:59:59.000Z');
    expect(iso(certificateValidity('cardSignature', { ...base, caNotAfter: new Date('2025-10-19T14:59:59Z') }).notAfter)).toBe('2025-10-19T14:59:59.000Z');
  });

  it('ignores limits the profile does not have (an authentication certificate has no authentication cap)', () => {
    const validity = certificateValidity('cardAuthentication', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '419800615', authenticationNotAfter: new Date('2025-01-01T00:00:00Z') });
    expect(iso(validity.notAfter)).toBe('2028-06-15T14:59:59.000Z');
  });

  it('smartphone signature: never beyond the card certificate nor the smartphone authentication certificate', () => {
    const validity = certificateValidity('smartphoneSignature', {
      issuedAt: new Date('2025-01-10T03:00:00Z'),
      dateOfBirth: '419800615',
      cardNotAfter: new Date('2028-06-15T14:59:59Z'),
      authenticationNotAfter: new Date('2027-12-01T14:59:59Z'),
    });
    expect(iso(validity.notAfter)).toBe('2027-12-01T14:59:59.000Z');
  });

  it('refuses a cap before issuance and a malformed date of birth', () => {
    expect(() => certificateValidity('cardSignature', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '419800615', cardNotAfter: new Date('2024-01-01T00:00:00Z') })).toThrow(ProfileTemplateError);
    expect(() => certificateValidity('cardSignature', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '1980-06-15' })).toThrow(/EYYYYMMDD/u);
    expect(() => certificateValidity('cardSignature', { issuedAt: new Date(Number.NaN), dateOfBirth: '419800615' })).toThrow(/issuedAt/u);
  });
});

describe('certificateValidity (jpkiCa)', () => {
  it('reproduces the real J-LIS CA periods: until the day before the 10th anniversary, Japan time', () => {
    expect(iso(certificateValidity('jpkiCa', { issuedAt: new Date('2015-10-20T03:08:13Z'), dateOfBirth: '000000000' }).notAfter)).toBe('2025-10-19T14:59:59.000Z');
    expect(iso(certificateValidity('jpkiCa', { issuedAt: new Date('2023-07-16T00:50:27Z'), dateOfBirth: '000000000' }).notAfter)).toBe('2033-07-15T14:59:59.000Z');
    // Issued 16:00Z = 01:00 JST next day: the anniversary counts from the Japan date.
    expect(iso(certificateValidity('jpkiCa', { issuedAt: new Date('2023-07-15T16:00:00Z'), dateOfBirth: '000000000' }).notAfter)).toBe('2033-07-15T14:59:59.000Z');
    // Issued 1 March: the day before the anniversary is the last day of February.
    expect(iso(certificateValidity('jpkiCa', { issuedAt: new Date('2024-03-01T03:00:00Z'), dateOfBirth: '000000000' }).notAfter)).toBe('2034-02-28T14:59:59.000Z');
  });
});

describe('calendar helpers', () => {
  it('reads EYYYYMMDD and rejects impossible dates', () => {
    expect(birthMonthDay('419800615')).toEqual({ month: 6, day: 15 });
    expect(birthMonthDay('419801315')).toBeUndefined();
    expect(birthMonthDay('419800631')).toBeUndefined();
    expect(birthMonthDay('6198006150')).toBeUndefined();
  });

  it('places the renewal window in the 3 months before the next birthday', () => {
    const birth = { month: 6, day: 15 };
    expect(inRenewalWindow({ year: 2024, month: 3, day: 15 }, birth)).toBe(true);
    expect(inRenewalWindow({ year: 2024, month: 3, day: 14 }, birth)).toBe(false);
    expect(inRenewalWindow({ year: 2024, month: 6, day: 15 }, birth)).toBe(false);
    expect(nthBirthdayAfter({ year: 2024, month: 12, day: 31 }, { month: 1, day: 1 }, 1)).toEqual({ year: 2025, month: 1, day: 1 });
  });
});
