/**
 * The registry's codings and privilege rules against the tables of globalplatform.md §1.2/§1.3
 * (GPCS 2.3.1 Tables 11-3…11-9), written out here by hand from the document, not from the spec.
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import { normalizePrivileges, privilegeConflict, privilegeNames, privilegesOf } from '../../../reference/se/privileges.js';
import { Registry, type ApplicationEntry, type SecurityDomainEntry } from '../../../reference/se/registry.js';

const AID = hexToBytes('A000000151000000');

function registry(): Registry {
  return new Registry('opReady', { kind: 'issuerSecurityDomain', aid: AID, loadFileAid: AID, moduleAid: AID, privileges: new Uint8Array(3), associatedSdAid: AID });
}

describe('life-cycle codings (globalplatform.md §1.2)', () => {
  it('codes the card (ISD) as OP_READY 01, INITIALIZED 07, SECURED 0F, CARD_LOCKED 7F, TERMINATED FF', () => {
    const r = registry();
    const seen = [r.lifeCycleCoding(r.isd)];
    for (const event of ['initialize', 'secure', 'lock', 'unlock', 'lock', 'terminate'] as const) {
      r.applyCardEvent(event);
      seen.push(r.lifeCycleCoding(r.isd));
    }
    expect(seen.map((value) => value.toString(16).toUpperCase().padStart(2, '0'))).toEqual(['01', '07', '0F', '7F', '0F', '7F', 'FF']);
    expect(() => r.applyCardEvent('unlock')).toThrow(/not allowed/);
  });

  it('codes applications INSTALLED 03, SELECTABLE 07, LOCKED with b8 over the previous state', () => {
    const r = registry();
    const app: ApplicationEntry = { kind: 'application', aid: hexToBytes('F000000001'), loadFileAid: AID, moduleAid: AID, privileges: new Uint8Array(3), associatedSdAid: AID, state: 'notInstalled' };
    const codes: number[] = [];
    for (const event of ['install', 'lock', 'unlock', 'makeSelectable', 'lock', 'unlock'] as const) {
      r.applyApplicationEvent(app, event);
      codes.push(r.lifeCycleCoding(app));
    }
    expect(codes.map((code) => code.toString(16).toUpperCase())).toEqual(['3', '83', '3', '7', '87', '7']);
    for (const code of codes) if (code & 0x80) expect(code & 0x03).toBe(0x03); // 1xxx xx11
    expect(() => r.applyApplicationEvent(app, 'makeSelectable')).toThrow(/not allowed/); // irreversible, once
  });

  it('codes security domains INSTALLED 03, SELECTABLE 07, PERSONALIZED 0F, LOCKED 1000 xx11', () => {
    const r = registry();
    const sd: SecurityDomainEntry = { kind: 'securityDomain', aid: hexToBytes('F000000002'), loadFileAid: AID, moduleAid: AID, privileges: hexToBytes('800000'), associatedSdAid: AID, state: 'notInstalled' };
    const codes: number[] = [];
    for (const event of ['installAndMakeSelectable', 'personalize', 'lock', 'unlock'] as const) {
      r.applySecurityDomainEvent(sd, event);
      codes.push(r.lifeCycleCoding(sd));
    }
    expect(codes).toEqual([0x07, 0x0f, 0x8f, 0x0f]);
    expect(() => r.applySecurityDomainEvent(sd, 'personalize')).toThrow(/not allowed/);
  });
});

describe('privileges (globalplatform.md §1.3)', () => {
  it('codes byte 1 b8 SD, b5 Card Lock, b4 Card Terminate, b3 Card Reset; byte 2 b7 AM, b2 Final Application', () => {
    expect(bytesToHex(privilegesOf(['securityDomain']))).toBe('800000');
    expect(bytesToHex(privilegesOf(['cardLock', 'cardTerminate', 'cardReset']))).toBe('1C0000');
    expect(bytesToHex(privilegesOf(['authorizedManagement', 'finalApplication']))).toBe('004200');
    expect(bytesToHex(privilegesOf(['receiptGeneration', 'contactlessSelfActivation']))).toBe('000090');
    expect(privilegeNames(hexToBytes('9AFE80'))).toContain('globalRegistry');
  });

  it('extends one-byte privileges and refuses the exclusive pairs of GPCS §6.6', () => {
    expect(bytesToHex(normalizePrivileges(hexToBytes('80')) ?? new Uint8Array(0))).toBe('800000');
    expect(normalizePrivileges(hexToBytes('8000'))).toBeUndefined();
    expect(privilegeConflict(hexToBytes('A04000'))).toMatch(/Authorized and Delegated/);
    expect(privilegeConflict(hexToBytes('A02000'))).toMatch(/Token/);
    expect(privilegeConflict(hexToBytes('A00080'))).toMatch(/Receipt/);
    expect(privilegeConflict(hexToBytes('004000'))).toMatch(/security-domain privilege/);
    expect(privilegeConflict(hexToBytes('80C000'))).toBeUndefined();
  });
});
