/** The phone OS side of OMAPI: the Access Control Enforcer that reads the ARA-M and gates channels to applets. */
export {
  AccessControlEnforcer,
  AccessDeniedError,
  AccessRulesUnavailableError,
  InvalidAidError,
  NoChannelAvailableError,
  NoSuchAppletError,
  OmapiChannel,
  type AccessControlEnforcerOptions,
  type EnforcerStatistics,
} from './access-control-enforcer.js';
export { AccessRuleCache, commandMatchesFilters, unusableRuleReason, type AccessDecision, type ApduFilter, type DeviceApplication, type SearchStep } from './access-decision.js';
export { deviceApplicationFromCertificates } from './device-application.js';
