/** Directory names built from, and read against, a profile's name rules. */
import type { AttributeTypeAndValue, Name } from '../../generated/asn1/index.js';
import { JpkigenError } from '../errors.js';
import type { DirectoryStringType, NameAttributeRule, NameRule } from './profile-data.js';

/** A template could not be filled: an input the profile needs is missing or does not fit. */
export class ProfileTemplateError extends JpkigenError {
  readonly profile: string;

  constructor(code: 'PROFILE_INPUT_MISSING' | 'PROFILE_INPUT_INVALID' | 'PROFILE_UNKNOWN', profile: string, message: string) {
    super(code, `${profile}: ${message}`);
    this.profile = profile;
  }
}

export interface NameInputs {
  readonly commonName?: string;
  readonly prefecture?: string;
  readonly municipality?: string;
  /** For profiles with variants (the JPKI CA: `authentication` or `signature`). */
  readonly variant?: string;
}

/**
 * Attributes RFC 5280 registers with one fixed string type (countryName is PrintableString SIZE(2),
 * serialNumber and dnQualifier PrintableString, domainComponent and emailAddress IA5String): the
 * generated codec carries them as plain strings, every other one as a DirectoryString choice.
 */
const PLAIN_STRING_ATTRIBUTES = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46', '0.9.2342.19200300.100.1.25', '1.2.840.113549.1.9.1']);

/** DER tag of each string type, to read what a decoded value was written in. */
export const STRING_TYPE_TAGS: Readonly<Record<DirectoryStringType, number>> = {
  printableString: 0x13,
  utf8String: 0x0c,
  teletexString: 0x14,
  universalString: 0x1c,
  bmpString: 0x1e,
  ia5String: 0x16,
};

export function stringTypeOfTag(tag: number | undefined): DirectoryStringType | undefined {
  return (Object.keys(STRING_TYPE_TAGS) as DirectoryStringType[]).find((type) => STRING_TYPE_TAGS[type] === tag);
}

/** The value a rule fixes for this variant, if it fixes one. */
export function fixedValue(rule: NameAttributeRule, variant: string | undefined): string | undefined {
  if (rule.value !== undefined) return rule.value;
  if (rule.variants !== undefined && variant !== undefined) return rule.variants[variant];
  return undefined;
}

export function buildName(profile: string, rule: NameRule, inputs: NameInputs): Name {
  return { type: 'rdnSequence', value: rule.attributes.map((attribute) => [buildAttribute(profile, attribute, inputs)]) };
}

function buildAttribute(profile: string, rule: NameAttributeRule, inputs: NameInputs): AttributeTypeAndValue {
  const text = attributeText(profile, rule, inputs);
  if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(text)) {
    throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `${rule.attribute} '${text}' does not match ${rule.pattern}`);
  }
  if (PLAIN_STRING_ATTRIBUTES.has(rule.oid)) return { type: rule.oid, value: { value: text } };
  if (rule.stringType === 'ia5String') throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `${rule.attribute} cannot be an IA5String`);
  return { type: rule.oid, value: { value: { type: rule.stringType, value: text } } };
}

function attributeText(profile: string, rule: NameAttributeRule, inputs: NameInputs): string {
  if (rule.variants !== undefined) {
    const value = inputs.variant === undefined ? undefined : rule.variants[inputs.variant];
    if (value === undefined) throw new ProfileTemplateError('PROFILE_INPUT_MISSING', profile, `a variant (${Object.keys(rule.variants).join(' or ')}) for ${rule.attribute}`);
    return value;
  }
  if (rule.value !== undefined) return rule.value;
  if (rule.input === undefined) throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `${rule.attribute} has neither a fixed value nor an input`);
  const value = inputs[rule.input];
  if (value === undefined || value === '') throw new ProfileTemplateError('PROFILE_INPUT_MISSING', profile, `the ${rule.input} for ${rule.attribute}`);
  return value + (rule.suffix ?? '');
}
