/** The ARA-M (GP SE Access Control v1.1) applet of the simulated SE, and the rules an SP-TSM stores in it. */
export {
  ARA_M_INSTANCE_AID,
  ARA_M_INTERFACE_VERSION,
  ARA_M_LOAD_FILE_AID,
  ARA_M_MODULE_AID,
  AraMApplet,
  AraMAppletClass,
  type AraMAppletOptions,
} from './ara-m-applet.js';
export {
  AccessRuleDataError,
  canonicalArDo,
  canonicalRefDo,
  checkArDo,
  checkRefDo,
  commandDelete,
  commandStoreRefArDo,
  commandUpdateRefreshTag,
  decodeStoreCommand,
  DEVICE_APP_ID_LENGTHS,
  encodeArDo,
  encodeRefArDo,
  encodeRefDo,
  refDoKey,
  type AraMStoreCommand,
} from './access-rule-objects.js';
export {
  AccessRuleStore,
  AraMStateError,
  AraMStatus,
  DEFAULT_MAX_RULES,
  type AccessRuleStoreOptions,
  type AccessRuleStoreState,
  type StoredRule,
} from './access-rule-store.js';
export { accessRuleToRefArDo, AccessRuleJsonError, refArDoToAccessRule } from './access-rule-json.js';
export { JPKI_AP_AID, jpkiAccessRules, jpkiAccessRuleStoreCommands, JpkiAccessRulesError, type JpkiAccessRulesOptions } from './jpki-access-rules.js';
export { NEVER_AR_DO, specificAccessRule } from './specific-rule.js';
