/** The profile engine generated/profiles binds to its data: templates, validity rules and the linter. */
export { createProfileEngine, type ProfileEngine } from './engine.js';
export type { ProfileCodecs } from './codecs.js';
export type { LintContext, LintFinding } from './lint-findings.js';
export { ProfileTemplateError, type NameInputs } from './names.js';
export { keyIdentifierOf, namedBits, type CertificateTemplateInputs } from './templates.js';
export { birthMonthDay, nthBirthdayAfter, japanDate, type ValidityInputs } from './validity.js';
export type * from './profile-data.js';
