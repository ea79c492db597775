/**
 * Privileges of registry entries (GPCS 2.3.1 §11.1.2 Tables 11-7…11-9): three bytes, read and
 * written through the generated Privileges bitset of spec/apdu/globalplatform.yaml.
 */
import { bitsetBytes, bitsetNames } from '../../runtime/index.js';
import { globalPlatformTable } from '../../generated/apdu/global-platform.js';

export type PrivilegeName =
  | 'securityDomain'
  | 'dapVerification'
  | 'delegatedManagement'
  | 'cardLock'
  | 'cardTerminate'
  | 'cardReset'
  | 'cvmManagement'
  | 'mandatedDapVerification'
  | 'trustedPath'
  | 'authorizedManagement'
  | 'tokenManagement'
  | 'globalDelete'
  | 'globalLock'
  | 'globalRegistry'
  | 'finalApplication'
  | 'globalService'
  | 'receiptGeneration'
  | 'cipheredLoadFileDataBlock'
  | 'contactlessActivation'
  | 'contactlessSelfActivation';

export const PRIVILEGES_LENGTH = 3;

export function privilegeNames(privileges: Uint8Array): PrivilegeName[] {
  return bitsetNames(globalPlatformTable, 'Privileges', privileges) as PrivilegeName[];
}

export function hasPrivilege(privileges: Uint8Array, name: PrivilegeName): boolean {
  return privilegeNames(privileges).includes(name);
}

export function privilegesOf(names: readonly PrivilegeName[]): Uint8Array {
  return bitsetBytes(globalPlatformTable, 'Privileges', names);
}

/** INSTALL accepts one byte for backward compatibility (§11.5.2.3.2); bytes 2 and 3 are then zero. */
export function normalizePrivileges(field: Uint8Array): Uint8Array | undefined {
  if (field.length === PRIVILEGES_LENGTH) return field.slice();
  if (field.length === 1) return Uint8Array.of(field[0] ?? 0, 0, 0);
  if (field.length === 0) return new Uint8Array(PRIVILEGES_LENGTH);
  return undefined;
}

export function withoutPrivilege(privileges: Uint8Array, name: PrivilegeName): Uint8Array {
  return privilegesOf(privilegeNames(privileges).filter((held) => held !== name));
}

export function withPrivilege(privileges: Uint8Array, name: PrivilegeName): Uint8Array {
  return privilegesOf([...new Set([...privilegeNames(privileges), name])]);
}

/**
 * Combinations GPCS §6.6 forbids: Authorized vs Delegated Management, Token Verification vs
 * Delegated Management, Receipt Generation vs Delegated Management; and SD-only privileges on an
 * application that is no security domain.
 */
export function privilegeConflict(privileges: Uint8Array): string | undefined {
  const names = new Set(privilegeNames(privileges));
  if (names.has('delegatedManagement') && names.has('authorizedManagement')) return 'Authorized and Delegated Management exclude each other';
  if (names.has('delegatedManagement') && names.has('tokenManagement')) return 'Token Verification and Delegated Management exclude each other';
  if (names.has('delegatedManagement') && names.has('receiptGeneration')) return 'Receipt Generation and Delegated Management exclude each other';
  if (!names.has('securityDomain')) {
    for (const sdOnly of ['dapVerification', 'delegatedManagement', 'authorizedManagement', 'mandatedDapVerification', 'receiptGeneration', 'cipheredLoadFileDataBlock'] as const) {
      if (names.has(sdOnly)) return `${sdOnly} is a security-domain privilege`;
    }
  }
  return undefined;
}
