/**
 * Validity periods of JPKI certificates (jpki.md §2.5): end-entity certificates run until the 5th
 * birthday after issuance (the 6th when renewed within the 3 months before a birthday), ending at
 * 23:59:59 Japan time = 14:59:59Z, never beyond the card, the authentication certificate or the CA.
 *
 * Choices where the public record is silent (modelled):
 * - Birthdays and issuance dates are Japan-time (UTC+9) calendar dates; a birthday on the issuance
 *   day itself is not "after issuance", so it does not count.
 * - A 29 February birthday falls on 28 February in common years: Japan's 年齢計算ニ関スル法律 with
 *   Civil Code art. 143 completes a year at the end of the day before the birthday anniversary.
 * - A date of birth with month or day `00` (不詳) counts issuance anniversaries instead.
 * - CA certificates: until the day before the Nth anniversary of issuance, as the real J-LIS CAs
 *   (2015-10-20 → 2025-10-19 14:59:59Z, 2023-07-16 → 2033-07-15 14:59:59Z).
 */
import { ProfileTemplateError } from './names.js';
import type { ValidityLimit, ValidityRule } from './profile-data.js';

const JAPAN_OFFSET_MS = 9 * 3600 * 1000;
const RENEWAL_WINDOW_MONTHS = 3;

export interface ValidityInputs {
  readonly issuedAt: Date;
  /** `EYYYYMMDD` (era digit, Gregorian year, month, day) as the signature certificate records it. */
  readonly dateOfBirth: string;
  /** Renewed within the 3 months before a birthday: until the 6th birthday. */
  readonly renewal?: boolean;
  /** Card profiles: the card's expiry; smartphone profiles: the card certificate's notAfter. */
  readonly cardNotAfter?: Date;
  readonly authenticationNotAfter?: Date;
  readonly caNotAfter?: Date;
}

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Month and day of an `EYYYYMMDD` date of birth; undefined when either is `00` (不詳). */
export function birthMonthDay(dateOfBirth: string): { month: number; day: number } | undefined {
  const match = /^[0-5](\d{4})(\d{2})(\d{2})$/u.exec(dateOfBirth);
  if (match === null) return undefined;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month === 0 || day === 0) return undefined;
  if (month > 12 || day > daysInMonth(2000, month)) return undefined;
  return { month, day };
}

export function isDateOfBirth(text: string): boolean {
  return /^[0-5]\d{4}(\d{2})(\d{2})$/u.test(text);
}

export function japanDate(instant: Date): CalendarDate {
  const shifted = new Date(instant.getTime() + JAPAN_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** 23:59:59 Japan time on the given date. */
export function endOfJapanDay(date: CalendarDate): Date {
  return new Date(Date.UTC(date.year, date.month - 1, date.day, 14, 59, 59));
}

/** The nth birthday strictly after the issuance date (n ≥ 1). */
export function nthBirthdayAfter(issued: CalendarDate, birth: { month: number; day: number }, n: number): CalendarDate {
  const laterThisYear = birth.month > issued.month || (birth.month === issued.month && birth.day > issued.day);
  const year = (laterThisYear ? issued.year : issued.year + 1) + n - 1;
  return anniversaryIn(year, birth.month, birth.day);
}

/** Whether issuance falls in the 3 months before the next birthday (a renewal there runs to the 6th). */
export function inRenewalWindow(issued: CalendarDate, birth: { month: number; day: number }): boolean {
  const next = nthBirthdayAfter(issued, birth, 1);
  const windowStart = Date.UTC(next.year, next.month - 1 - RENEWAL_WINDOW_MONTHS, next.day);
  return Date.UTC(issued.year, issued.month - 1, issued.day) >= windowStart;
}

/** Whether the date is the birthday in its year (29 February falls on the 28th in common years). */
export function isBirthday(date: CalendarDate, birth: { month: number; day: number }): boolean {
  const birthday = anniversaryIn(date.year, birth.month, birth.day);
  return birthday.month === date.month && birthday.day === date.day;
}

function anniversaryIn(year: number, month: number, day: number): CalendarDate {
  return { year, month, day: Math.min(day, daysInMonth(year, month)) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The latest notAfter the rule allows, before any cap by another certificate. */
export function ruleNotAfter(rule: ValidityRule, notBefore: Date, dateOfBirth: string | undefined, renewal: boolean): Date | undefined {
  const issued = japanDate(notBefore);
  if (rule.rule === 'anniversary') {
    const anniversary = anniversaryIn(issued.year + rule.years, issued.month, issued.day);
    return new Date(endOfJapanDay(anniversary).getTime() - 24 * 3600 * 1000);
  }
  const count = renewal ? rule.renewalBirthdays : rule.birthdays;
  if (dateOfBirth === undefined) return undefined;
  const birth = birthMonthDay(dateOfBirth) ?? { month: issued.month, day: issued.day };
  return endOfJapanDay(nthBirthdayAfter(issued, birth, count));
}

export function limitInput(limit: ValidityLimit, inputs: ValidityInputs): Date | undefined {
  if (limit === 'card' || limit === 'cardCertificate') return inputs.cardNotAfter;
  if (limit === 'authentication') return inputs.authenticationNotAfter;
  return inputs.caNotAfter;
}

/** notBefore and notAfter for a certificate issued now under the profile's validity rule. */
export function computeValidity(profile: string, rule: ValidityRule, inputs: ValidityInputs): { notBefore: Date; notAfter: Date } {
  if (Number.isNaN(inputs.issuedAt.getTime())) throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, 'issuedAt is not a valid date');
  if (rule.rule === 'birthday' && !isDateOfBirth(inputs.dateOfBirth)) {
    throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `dateOfBirth '${inputs.dateOfBirth}' is not EYYYYMMDD`);
  }
  // DER times carry whole seconds.
  const notBefore = new Date(Math.floor(inputs.issuedAt.getTime() / 1000) * 1000);
  let notAfter = ruleNotAfter(rule, notBefore, inputs.dateOfBirth, inputs.renewal === true) as Date;
  for (const limit of rule.limits) {
    const cap = limitInput(limit, inputs);
    if (cap !== undefined && cap.getTime() < notAfter.getTime()) notAfter = new Date(Math.floor(cap.getTime() / 1000) * 1000);
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `a limit (${rule.limits.join(', ')}) ends before issuance at ${notBefore.toISOString()}`);
  }
  return { notBefore, notAfter };
}
