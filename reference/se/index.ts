/**
 * The simulated GlobalPlatform secure element: the OPEN (logical channels, selection, response
 * chaining), the card manager (ISD and SSDs over SCP03), the registry with the generated life
 * cycles, the modelled load-file format, persistence of many SEs in one folder, and the
 * in-process transport.
 */
export type { Applet, AppletClass, AppletContext, CardInterface, StoreDataBlock } from './applet.js';
export type { VirtualCard } from './virtual-card.js';
export {
  DEFAULT_ATR,
  DEFAULT_ISD_AID,
  DEFAULT_ISD_KEY,
  DEFAULT_ISD_PRIVILEGES,
  INITIAL_KEY_VERSION,
  LOGICAL_CHANNELS,
  SecureElement,
  type InitialContent,
  type InitialKeyset,
  type SecureElementOptions,
} from './secure-element.js';
export type { CardConfiguration, SecureElementFaults } from './card-manager/card-manager-host.js';
export { SECURITY_DOMAIN_LOAD_FILE_AID, SECURITY_DOMAIN_MODULE_AID, SecurityDomainApplet } from './card-manager/security-domain.js';
export { decodeDgis, encodeDgi, splitDgis, storeDataBlocks, type Dgi } from './dgi.js';
export {
  Registry,
  isLocked,
  isSelectableState,
  type ApplicationEntry,
  type InstanceEntry,
  type IssuerSecurityDomainEntry,
  type LoadFileEntry,
  type SecurityDomainEntry,
} from './registry.js';
export { hasPrivilege, privilegeNames, privilegesOf, type PrivilegeName } from './privileges.js';
export {
  buildLoadFileDataBlock,
  buildLoadFileImage,
  LoadFileError,
  parseLoadFile,
  parseLoadFileDataBlock,
  type LoadFileImage,
  type ParsedLoadFile,
  type ParsedLoadFileDataBlock,
} from './load-file.js';
export { SecureElementError, SecureElementStateError, type SecureElementErrorCode } from './se-errors.js';
export { SNAPSHOT_FORMAT, readSnapshot, type SecureElementSnapshot } from './state/snapshot.js';
export { createSecureElement, openSecureElement, SecureElementStore, type CreateSecureElementOptions } from './state/secure-element-store.js';
export { connectInProcess } from './transports/in-process.js';
export { JpkiApplet, JpkiAppletClass, PROFILE_INSTALL_CODES, profileFromInstallParameters, type JpkiAppletFaults, type JpkiAppletOptions } from './jpki-applet/jpki-applet.js';
export { fileMapOf, tokenLabelOf, TOKEN_PROFILE_NAMES, type TokenProfileName } from './jpki-applet/file-map.js';
export { encodeTokenInfo, tokenLabelFrom } from './jpki-applet/token-info.js';
export { completePersonalization, generateJpkiKeys, installJpkiApplet, JPKI_LOAD_FILE, loadJpkiLoadFile, ProvisioningError, type JpkiPersonalization, type JpkiPublicKeys } from './provisioning/jpki-provisioning.js';
export { createDemoSecureElement, DEMO_HOLDER, DEMO_MYNAPORTAL_APP_CERTIFICATE_HASH, demoRom, type DemoSecureElement, type DemoSecureElementOptions, type IsdKeys } from './demo-secure-element.js';
export { attachCardToVpcd, type VpcdCardAttachment, type VpcdCardClientOptions } from './transports/vpcd-card-client.js';
export * from './ara-m/index.js';
export * from './omapi/index.js';
