/**
 * 基本4情報 from a signature certificate's subjectAltName: six otherNames under
 * 1.2.392.200149.8.5.5 (jpki.md §2.3, basic-four-info.yaml), checked as the message design says
 * the reader must (flag lengths, era against date). Errors name the field, never its value.
 */
import {
  idJpkiAddress,
  idJpkiAddressSubstitutes,
  idJpkiDateOfBirth,
  idJpkiName,
  idJpkiNameSubstitutes,
  idJpkiSex,
} from '../../generated/asn1/index.js';
import type { BasicFourInfo } from '../../generated/messages/types.js';
import type { CertificateFacts } from './certificate-facts.js';
import { VerifierError } from './errors.js';

const FIELDS = [
  ['name', idJpkiName],
  ['nameSubstitutionFlags', idJpkiNameSubstitutes],
  ['sex', idJpkiSex],
  ['dateOfBirth', idJpkiDateOfBirth],
  ['address', idJpkiAddress],
  ['addressSubstitutionFlags', idJpkiAddressSubstitutes],
] as const;

/**
 * Era starts (Gregorian, first day of the era) for `EYYYYMMDD`: 1 明治 1868-01-25 (the era's
 * official start, 1868-10-23, was made retroactive to the year's start; birth records use 1868),
 * 2 大正 1912-07-30, 3 昭和 1926-12-25, 4 平成 1989-01-08, 5 令和 2019-05-01.
 */
const ERA_STARTS: readonly (readonly [era: string, start: string])[] = [
  ['1', '18680101'],
  ['2', '19120730'],
  ['3', '19261225'],
  ['4', '19890108'],
  ['5', '20190501'],
];

/** The holder's 基本4情報; undefined when the certificate carries none of the six otherNames. */
export function extractBasicFourInfo(facts: CertificateFacts): BasicFourInfo | undefined {
  const values = new Map<string, string>();
  for (const name of facts.subjectAltNames) {
    if (name.type !== 'otherName') continue;
    const field = FIELDS.find(([, oid]) => oid === name.value.typeId);
    if (field === undefined) continue;
    if (values.has(field[0])) throw new VerifierError('invalidCertificate', `subjectAltName carries ${field[0]} (${field[1]}) twice`);
    const text = name.value.value.value;
    if (typeof text !== 'string') throw new VerifierError('invalidCertificate', `subjectAltName ${field[0]} (${field[1]}) is not [0] EXPLICIT UTF8String`);
    values.set(field[0], text);
  }
  if (values.size === 0) return undefined;
  const missing = FIELDS.filter(([field]) => !values.has(field)).map(([field, oid]) => `${field} (${oid})`);
  if (missing.length > 0) throw new VerifierError('invalidCertificate', `subjectAltName lacks ${missing.join(', ')}`);
  const info = Object.fromEntries(values) as unknown as BasicFourInfo;
  checkBasicFourInfo(info);
  return info;
}

function checkBasicFourInfo(info: BasicFourInfo): void {
  const problems: string[] = [];
  const nameLength = [...info.name].length;
  const addressLength = [...info.address].length;
  if (nameLength < 1 || nameLength > 100) problems.push('name is not 1–100 characters');
  if (addressLength < 1 || addressLength > 200) problems.push('address is not 1–200 characters');
  if (!/^[01]+$/u.test(info.nameSubstitutionFlags) || info.nameSubstitutionFlags.length !== nameLength) problems.push('nameSubstitutionFlags is not one 0/1 per character of name');
  if (!/^[01]+$/u.test(info.addressSubstitutionFlags) || info.addressSubstitutionFlags.length !== addressLength) problems.push('addressSubstitutionFlags is not one 0/1 per character of address');
  if (!['1', '2', '9'].includes(info.sex)) problems.push('sex is not 1, 2 or 9');
  const dateProblem = dateOfBirthProblem(info.dateOfBirth);
  if (dateProblem !== undefined) problems.push(dateProblem);
  if (problems.length > 0) throw new VerifierError('invalidCertificate', `基本4情報: ${problems.join('; ')}`);
}

export function dateOfBirthProblem(value: string): string | undefined {
  const match = /^([0-5])(\d{4})(0\d|1[0-2])([0-2]\d|3[01])$/u.exec(value);
  if (match === null) return 'dateOfBirth is not EYYYYMMDD';
  const [, era = '', year = '', month = '', day = ''] = match;
  if (era === '0') return undefined;
  // A month or day recorded as 不詳 (00) compares as the earliest date of what is known.
  const known = `${year}${month === '00' ? '01' : month}${day === '00' ? '01' : day}`;
  const latest = `${year}${month === '00' ? '12' : month}${day === '00' ? '31' : day}`;
  const index = ERA_STARTS.findIndex(([candidate]) => candidate === era);
  const start = ERA_STARTS[index]?.[1] ?? '';
  const next = ERA_STARTS[index + 1]?.[1];
  if (latest < start || (next !== undefined && known >= next)) return 'dateOfBirth era does not agree with the date';
  return undefined;
}
