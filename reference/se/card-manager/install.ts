/**
 * INSTALL (GPCS 2.3.1 §11.5): [for load] opens a load; [for install], [for make selectable] and
 * both combined create and activate instances; [for personalization] routes the following STORE
 * DATA commands; [for extradition] and [for registry update] change associations and privileges.
 */
import { decodeTlvs, TlvError, type ResponseApdu } from '../../../runtime/index.js';
import type {
  InstallForExtraditionFields,
  InstallForInstallFields,
  InstallForLoadFields,
  InstallForMakeSelectableFields,
  InstallForPersonalizationFields,
  InstallForRegistryUpdateFields,
} from '../../../generated/apdu/global-platform.js';
import { isValidAid, sameAid } from '../aid.js';
import { hasPrivilege, normalizePrivileges, privilegeConflict } from '../privileges.js';
import {
  IMPLICIT_CONTACT,
  IMPLICIT_CONTACTLESS,
  isImplicitSelectionParameter,
  isLocked,
  type ApplicationEntry,
  type InstanceEntry,
  type SecurityDomainEntry,
} from '../registry.js';
import {
  contentPreconditions,
  governs,
  isIssuerSecurityDomain,
  noConfirmation,
  status,
  SW,
  type CommandScope,
} from './command-scope.js';

/** Load File Data Block hash lengths and their algorithms (SHA-1 for older cards; GPCS §C.2, Amd D §8). */
export const HASH_ALGORITHM_BY_LENGTH: Readonly<Record<number, string>> = { 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' };

/** A security domain that can be associated with content: not LOCKED, past INSTALLED (GPCS §5.3.2). */
function associableSecurityDomain(entry: InstanceEntry | undefined): boolean {
  if (entry === undefined || entry.kind === 'application') return false;
  return entry.kind === 'issuerSecurityDomain' || entry.state === 'selectable' || entry.state === 'personalized';
}

export function installForLoad(scope: CommandScope, fields: Omit<InstallForLoadFields, 'moreCommands'>, combined = false): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const { registry } = scope.host;
  scope.channel.load = undefined;
  if (!isValidAid(fields.loadFileAid) || registry.aidInUse(fields.loadFileAid)) return status(SW.incorrectData);
  let associatedSdAid = scope.sdAid;
  if (fields.securityDomainAid.length > 0 && !sameAid(fields.securityDomainAid, scope.sdAid)) {
    // Only the ISD places content under another SD here (Delegated Management is not modelled).
    if (!isIssuerSecurityDomain(scope)) return status(SW.securityStatusNotSatisfied);
    const target = registry.instance(fields.securityDomainAid);
    if (target === undefined) return status(SW.referencedDataNotFound);
    if (!associableSecurityDomain(target)) return status(SW.conditionsNotSatisfied);
    associatedSdAid = target.aid;
  }
  if (fields.loadFileDataBlockHash.length > 0 && HASH_ALGORITHM_BY_LENGTH[fields.loadFileDataBlockHash.length] === undefined) {
    return status(SW.incorrectData);
  }
  if (!wellFormedTlvs(fields.loadParameters)) return status(SW.incorrectData);
  scope.channel.load = {
    loadFileAid: fields.loadFileAid.slice(),
    associatedSdAid: associatedSdAid.slice(),
    expectedHash: fields.loadFileDataBlockHash.slice(),
    blocks: [],
    received: 0,
    nextBlock: 0,
    combined,
  };
  return noConfirmation();
}

interface InstallOptions {
  readonly makeSelectable: boolean;
}

/** INSTALL [for install] and [for install and make selectable] (GPCS §11.5.2.3.2). */
export function installForInstall(scope: CommandScope, fields: Omit<InstallForInstallFields, 'moreCommands'>, options: InstallOptions): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const { registry } = scope.host;
  const loadFile = registry.loadFile(fields.executableLoadFileAid);
  if (loadFile === undefined) return status(SW.referencedDataNotFound);
  if (!governs(scope, loadFile)) return status(SW.securityStatusNotSatisfied);
  if (!loadFile.modules.some((module) => sameAid(module, fields.executableModuleAid))) return status(SW.referencedDataNotFound);
  const appletClass = scope.host.appletClass(fields.executableModuleAid);
  // The SE cannot run code it has no class for: the module is loaded, but cannot be instantiated.
  if (appletClass === undefined) return status(SW.referencedDataNotFound);
  if (!isValidAid(fields.applicationAid) || registry.aidInUse(fields.applicationAid)) return status(SW.incorrectData);
  const privileges = normalizePrivileges(fields.privileges);
  if (privileges === undefined || privilegeConflict(privileges) !== undefined) return status(SW.incorrectData);
  const securityDomain = scope.host.isSecurityDomainModule(fields.executableModuleAid);
  if (securityDomain !== hasPrivilege(privileges, 'securityDomain')) return status(SW.incorrectData);
  for (const single of ['cardReset', 'finalApplication'] as const) {
    // GPCS §6.6.2: reassignable only while the ISD holds it; Card Reset only with make selectable.
    if (hasPrivilege(privileges, single) && (registry.singleHolder(single) !== registry.isd || (single === 'cardReset' && !options.makeSelectable))) {
      return status(SW.incorrectData);
    }
  }
  const applicationParameters = installParameter(fields.installParameters);
  if (applicationParameters === undefined) return status(SW.incorrectData);
  const implicitSelection = implicitSelectionParameters(fields.installParameters);
  if (implicitSelection === undefined || implicitSelectionTaken(scope, implicitSelection)) return status(SW.incorrectData);
  let applet;
  try {
    applet = appletClass.install(fields.applicationAid.slice(), applicationParameters);
  } catch {
    // The application refused its install parameters (Java Card's install() throwing).
    return status(SW.incorrectData);
  }
  const common = {
    aid: fields.applicationAid.slice(),
    loadFileAid: loadFile.aid,
    moduleAid: fields.executableModuleAid.slice(),
    privileges,
    associatedSdAid: scope.sdAid.slice(),
    ...(implicitSelection.length > 0 ? { implicitSelection } : {}),
  };
  const event = options.makeSelectable ? 'installAndMakeSelectable' : 'install';
  let entry: ApplicationEntry | SecurityDomainEntry;
  if (securityDomain) {
    entry = { ...common, kind: 'securityDomain', state: 'notInstalled' };
    registry.applySecurityDomainEvent(entry, event);
  } else {
    entry = { ...common, kind: 'application', state: 'notInstalled' };
    registry.applyApplicationEvent(entry, event);
  }
  for (const single of ['cardReset', 'finalApplication'] as const) {
    if (hasPrivilege(privileges, single)) registry.takePrivilege(entry, single);
  }
  registry.instances.push(entry);
  scope.host.addApplet(entry, applet);
  scope.context.markChanged();
  return noConfirmation();
}

/** INSTALL [for make selectable] (GPCS §11.5.2.3.3): of the privileges only Card Reset is acted on. */
export function installForMakeSelectable(scope: CommandScope, fields: Omit<InstallForMakeSelectableFields, 'moreCommands'>): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const { registry } = scope.host;
  const entry = registry.instance(fields.applicationAid);
  if (entry === undefined || entry.kind === 'issuerSecurityDomain') return status(SW.referencedDataNotFound);
  if (!governs(scope, entry)) return status(SW.securityStatusNotSatisfied);
  if (entry.state !== 'installed') return status(SW.conditionsNotSatisfied);
  const privileges = normalizePrivileges(fields.privileges);
  if (privileges === undefined) return status(SW.incorrectData);
  const cardReset = hasPrivilege(privileges, 'cardReset');
  if (cardReset && registry.singleHolder('cardReset') !== registry.isd) return status(SW.incorrectData);
  const implicitSelection = implicitSelectionParameters(fields.makeSelectableParameters);
  if (implicitSelection === undefined || implicitSelectionTaken(scope, implicitSelection)) return status(SW.incorrectData);
  if (implicitSelection.length > 0) entry.implicitSelection = implicitSelection;
  if (entry.kind === 'application') registry.applyApplicationEvent(entry, 'makeSelectable');
  else registry.applySecurityDomainEvent(entry, 'makeSelectable');
  if (cardReset) {
    entry.privileges = Uint8Array.of((entry.privileges[0] ?? 0) | 0x04, entry.privileges[1] ?? 0, entry.privileges[2] ?? 0);
    registry.takePrivilege(entry, 'cardReset');
  }
  scope.context.markChanged();
  return noConfirmation();
}

/** INSTALL [for personalization] (GPCS §11.5.2.3.6, §11.11.1): the next STORE DATA commands go to the application. */
export function installForPersonalization(scope: CommandScope, fields: Omit<InstallForPersonalizationFields, 'moreCommands'>): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  const { registry } = scope.host;
  if (registry.cardLifeCycle === 'cardLocked' || registry.cardLifeCycle === 'terminated') return status(SW.conditionsNotSatisfied);
  const entry = registry.instance(fields.applicationAid);
  if (entry === undefined || entry.kind === 'issuerSecurityDomain') return status(SW.referencedDataNotFound);
  // Only the associated SD personalizes an application (GPCS §7.3.2), and never a LOCKED one.
  if (!sameAid(entry.associatedSdAid, scope.sdAid)) return status(SW.securityStatusNotSatisfied);
  if (isLocked(entry)) return status(SW.conditionsNotSatisfied);
  if (scope.host.applet(entry.aid)?.storeData === undefined) return status(SW.conditionsNotSatisfied);
  scope.channel.personalization = { targetAid: entry.aid, nextBlock: 0 };
  return noConfirmation();
}

/** INSTALL [for extradition] (GPCS §11.5.2.3.4): associate an application or load file with another SD. */
export function installForExtradition(scope: CommandScope, fields: Omit<InstallForExtraditionFields, 'moreCommands'>): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const { registry } = scope.host;
  const target = registry.instance(fields.securityDomainAid);
  if (target === undefined) return status(SW.referencedDataNotFound);
  if (!associableSecurityDomain(target)) return status(SW.conditionsNotSatisfied);
  const subject = registry.instance(fields.applicationAid) ?? registry.loadFile(fields.applicationAid);
  if (subject === undefined || ('kind' in subject && subject.kind === 'issuerSecurityDomain')) return status(SW.referencedDataNotFound);
  if (!governs(scope, subject)) return status(SW.securityStatusNotSatisfied);
  if (sameAid(subject.aid, target.aid)) return status(SW.incorrectData);
  subject.associatedSdAid = target.aid;
  scope.context.markChanged();
  return noConfirmation();
}

/** INSTALL [for registry update] (GPCS §11.5.2.3.5): new privileges (all or nothing); OPEN restrictions are not modelled. */
export function installForRegistryUpdate(scope: CommandScope, fields: Omit<InstallForRegistryUpdateFields, 'moreCommands'>): ResponseApdu {
  const refused = contentPreconditions(scope);
  if (refused !== undefined) return refused;
  const { registry } = scope.host;
  if (fields.applicationAid.length === 0) return status(SW.incorrectData);
  const entry = registry.instance(fields.applicationAid);
  if (entry === undefined || entry.kind === 'issuerSecurityDomain') return status(SW.referencedDataNotFound);
  if (!isIssuerSecurityDomain(scope)) return status(SW.securityStatusNotSatisfied);
  if (!wellFormedTlvs(fields.registryUpdateParameters)) return status(SW.incorrectData);
  let target = entry.associatedSdAid;
  if (fields.securityDomainAid.length > 0) {
    const sd = registry.instance(fields.securityDomainAid);
    if (sd === undefined) return status(SW.referencedDataNotFound);
    if (!associableSecurityDomain(sd)) return status(SW.conditionsNotSatisfied);
    target = sd.aid;
  }
  let privileges = entry.privileges;
  if (fields.privileges.length > 0) {
    const updated = normalizePrivileges(fields.privileges);
    if (updated === undefined || privilegeConflict(updated) !== undefined) return status(SW.incorrectData);
    if (hasPrivilege(updated, 'securityDomain') !== (entry.kind === 'securityDomain')) return status(SW.incorrectData);
    for (const single of ['cardReset', 'finalApplication'] as const) {
      if (hasPrivilege(updated, single) && !hasPrivilege(entry.privileges, single) && registry.singleHolder(single) !== registry.isd) return status(SW.incorrectData);
    }
    privileges = updated;
  }
  entry.associatedSdAid = target;
  entry.privileges = privileges;
  for (const single of ['cardReset', 'finalApplication'] as const) {
    if (hasPrivilege(privileges, single)) registry.takePrivilege(entry, single);
  }
  scope.context.markChanged();
  return noConfirmation();
}

/** The C9 value of install parameters (mandatory, GPCS Table 11-49), or undefined when missing or malformed. */
export function installParameter(installParameters: Uint8Array): Uint8Array | undefined {
  try {
    const objects = decodeTlvs(installParameters);
    return objects.find((object) => object.tag === 0xc9)?.value.slice();
  } catch (error) {
    if (error instanceof TlvError) return undefined;
    throw error;
  }
}

/**
 * The Implicit Selection parameters (CF) inside the system parameters (EF) of install or make
 * selectable parameters (GPCS Tables 11-49, 11-50); values naming no interface (explicit selection
 * only) are dropped. Undefined when malformed.
 */
export function implicitSelectionParameters(parameters: Uint8Array): number[] | undefined {
  try {
    const system = decodeTlvs(parameters).find((object) => object.tag === 0xef);
    if (system === undefined) return [];
    const values = decodeTlvs(system.value).filter((object) => object.tag === 0xcf);
    if (values.some((object) => object.value.length !== 1 || !isImplicitSelectionParameter(object.value[0] ?? 0))) return undefined;
    return values.map((object) => object.value[0] ?? 0).filter((value) => (value & (IMPLICIT_CONTACT | IMPLICIT_CONTACTLESS)) !== 0);
  } catch (error) {
    if (error instanceof TlvError) return undefined;
    throw error;
  }
}

/** GPCS §6.4.1: one application (besides the ISD's default role) per channel and interface. */
function implicitSelectionTaken(scope: CommandScope, values: readonly number[]): boolean {
  const { registry } = scope.host;
  return values.some((value) =>
    [IMPLICIT_CONTACT, IMPLICIT_CONTACTLESS].some((bit) => (value & bit) !== 0 && registry.implicitHolder(bit, value & 0x1f) !== undefined),
  );
}

function wellFormedTlvs(bytes: Uint8Array): boolean {
  try {
    decodeTlvs(bytes);
    return true;
  } catch (error) {
    if (error instanceof TlvError) return false;
    throw error;
  }
}
