/**
 * What one card-management command is processed with: the security domain that received it, the
 * OPEN, the logical channel's state, and whether the command came through an authenticated
 * secure channel. Handlers are functions of this scope and the decoded command.
 */
import type { ResponseApdu } from '../../../runtime/index.js';
import type { AppletContext } from '../applet.js';
import { sameAid } from '../aid.js';
import { hasPrivilege, type PrivilegeName } from '../privileges.js';
import { contentManagementAllowed, type InstanceEntry, type LoadFileEntry } from '../registry.js';
import type { CardManagerHost } from './card-manager-host.js';
import type { Keyset, Keysets } from './keysets.js';

/** A Load File on its way in: INSTALL [for load] opened it, LOAD blocks fill it (GPCS §11.6). */
export interface LoadInProgress {
  readonly loadFileAid: Uint8Array;
  readonly associatedSdAid: Uint8Array;
  readonly expectedHash: Uint8Array;
  readonly blocks: Uint8Array[];
  received: number;
  nextBlock: number;
  /** Set by the combined INSTALL [for load, install and make selectable] (P1 0E). */
  readonly combined: boolean;
}

/** One symmetric key announced by DGI 00B9, waiting for its DGI 8113 (GPCS §11.11.4.1). */
export interface AnnouncedKey {
  readonly keyVersion: number;
  readonly keyId: number;
  readonly keyType: number;
  readonly keyLength: number;
  readonly keyCheckValue: Uint8Array;
}

/** Volatile per-channel state of a security domain; it ends with deselection, channel close and reset. */
export interface SecurityDomainChannel {
  personalization: { readonly targetAid: Uint8Array; nextBlock: number } | undefined;
  storeDataNextBlock: number;
  load: LoadInProgress | undefined;
  getStatus: { readonly p1: number; readonly criteria: string; readonly tlvFormat: boolean; nextIndex: number } | undefined;
  announcedKeys: AnnouncedKey[];
  stagedKeys: Map<number, Map<number, Uint8Array>>;
}

export function newChannel(): SecurityDomainChannel {
  return { personalization: undefined, storeDataNextBlock: 0, load: undefined, getStatus: undefined, announcedKeys: [], stagedKeys: new Map() };
}

export interface CommandScope {
  readonly sdAid: Uint8Array;
  readonly host: CardManagerHost;
  readonly keysets: Keysets;
  readonly channel: SecurityDomainChannel;
  readonly context: AppletContext;
  /** The keyset of the open secure channel session (its Key-DEK deciphers sensitive data). */
  readonly sessionKeyset: Keyset | undefined;
  readonly authenticated: boolean;
  /** Current security level (GPCS Table 10-1: 80 AUTHENTICATED | SCP03 level bits), 00 outside a session. */
  readonly securityLevel: number;
  /** The SD's own stored data objects (42 IIN, 45 CIN, 5F50 …), by tag. */
  readonly dataObjects: Map<number, Uint8Array>;
}

export const SW = {
  success: 0x9000,
  moreData: 0x6310,
  warningCardLocked: 0x6283,
  memoryFailure: 0x6581,
  wrongLength: 0x6700,
  securityStatusNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  incorrectData: 0x6a80,
  applicationNotFound: 0x6a82,
  notEnoughMemory: 0x6a84,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
  instructionNotSupported: 0x6d00,
} as const;

const EMPTY = new Uint8Array(0);

export function status(sw: number): ResponseApdu {
  return { data: EMPTY, sw };
}

export function success(data: Uint8Array = EMPTY, sw: number = SW.success): ResponseApdu {
  return { data, sw };
}

/** The '00' data field INSTALL, LOAD and DELETE answer with when no receipt is generated (GPCS Table 11-54). */
export function noConfirmation(): ResponseApdu {
  return success(Uint8Array.of(0x00));
}

export function ownEntry(scope: CommandScope): InstanceEntry | undefined {
  return scope.host.registry.instance(scope.sdAid);
}

export function isIssuerSecurityDomain(scope: CommandScope): boolean {
  return sameAid(scope.sdAid, scope.host.registry.isd.aid);
}

export function holds(scope: CommandScope, privilege: PrivilegeName): boolean {
  const entry = ownEntry(scope);
  return entry !== undefined && hasPrivilege(entry.privileges, privilege);
}

/** Card content management (GPCS §9.1): by the ISD, or an SD with Authorized Management. */
export function managesContent(scope: CommandScope): boolean {
  return isIssuerSecurityDomain(scope) || holds(scope, 'authorizedManagement');
}

/**
 * Whether this SD may act on an entry: it is the entry's associated SD, or the ISD, or it holds
 * the global privilege the action needs (Global Delete, Global Lock).
 */
export function governs(scope: CommandScope, entry: InstanceEntry | LoadFileEntry, globalPrivilege?: PrivilegeName): boolean {
  if (isIssuerSecurityDomain(scope)) return true;
  if (sameAid(entry.associatedSdAid, scope.sdAid)) return true;
  return globalPrivilege !== undefined && holds(scope, globalPrivilege);
}

/** The checks every card-content command starts with: an authenticated session, a card state that allows changes. */
export function contentPreconditions(scope: CommandScope): ResponseApdu | undefined {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  if (!contentManagementAllowed(scope.host.registry.cardLifeCycle)) return status(SW.conditionsNotSatisfied);
  if (!managesContent(scope)) return status(SW.securityStatusNotSatisfied);
  return undefined;
}
