import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../conformance/card/check.js';
import { openReferenceTarget, type ReferenceTargetOptions } from '../../../conformance/card/reference-target.js';
import { gpSeChecks, runGpSeConformance } from '../../../conformance/gp-se/index.js';
import { globalPlatformApplications } from '../../../generated/apdu/global-platform.js';
import { demoRom } from '../../../reference/se/demo-secure-element.js';
import { buildLoadFileImage } from '../../../reference/se/load-file.js';
import { SecureElement, type SecureElementOptions } from '../../../reference/se/secure-element.js';
import { connectInProcess } from '../../../reference/se/transports/in-process.js';
import { openSharedAuthority, type SharedAuthority } from '../../helpers/card-conformance.js';

let shared: SharedAuthority;
beforeAll(async () => {
  shared = await openSharedAuthority();
});
afterAll(async () => {
  await shared.close();
});

const ids = (results: readonly CheckResult[], status: CheckResult['status']): string[] => results.filter((result) => result.status === status).map((result) => result.id).sort();
const jpkiLoadFile = buildLoadFileImage({ packageAid: globalPlatformApplications.jpkiLoadFile, modules: [globalPlatformApplications.jpkiModule] });

async function runOnDemo(options: ReferenceTargetOptions = {}) {
  const target = await openReferenceTarget({ ...options, authority: shared.authority });
  try {
    return await runGpSeConformance(target.connection, { target: target.description, keys: target.isdKeys, keyVersion: target.isdKeys.version, loadFile: target.jpkiLoadFile });
  } finally {
    await target.close();
  }
}

/** A card manager straight from the factory: no JPKI load file, only the ROM that can instantiate it. */
async function runOnBareCard(options: Partial<SecureElementOptions> = {}, keys = { enc: new Uint8Array(randomBytes(16)), mac: new Uint8Array(randomBytes(16)), dek: new Uint8Array(randomBytes(16)) }) {
  const se = new SecureElement({ rom: demoRom(), isdKeys: [{ keyVersion: 0x30, keys }], ...options });
  const connection = connectInProcess(se);
  try {
    const report = await runGpSeConformance(connection, { target: 'bare card manager', keys, keyVersion: 0x30, loadFile: jpkiLoadFile });
    return { report, se };
  } finally {
    await connection.close();
  }
}

describe('gp-se suite against the reference card manager', () => {
  it('passes on the demo phone at every SCP03 level its "i" offers, and leaves the content as found', async () => {
    const report = await runOnDemo();
    expect(ids(report.results, 'fail'), JSON.stringify(report.results.filter((result) => result.status === 'fail'), null, 2)).toEqual([]);
    // The JPKI load file is already there; the personalized JPKI-AP is left alone and a test instance is used.
    expect(ids(report.results, 'skip')).toEqual(['content.load']);
    expect(report.facts['scp03i']).toBe('70');
    expect(report.facts['scp03LevelsOffered']).toBe('01,03,11,13,33');
    expect(report.facts['testInstance']).toBe('D392F0002601000000FF');
    expect(ids(report.results, 'pass')).toEqual(expect.arrayContaining(['scp03.level-33', 'scp03.wrong-host-cryptogram', 'scp03.mac-tamper', 'scp03.sequence-counter', 'lifecycle.lock', 'lifecycle.unlock', 'lifecycle.install-then-make-selectable', 'content.delete', 'content.left-as-found']));
  });

  it('on a bare card manager it LOADs the JPKI load file, installs the JPKI-AP instance itself, and deletes both afterwards', async () => {
    const { report } = await runOnBareCard();
    expect(ids(report.results, 'fail'), JSON.stringify(report.results.filter((result) => result.status === 'fail'), null, 2)).toEqual([]);
    expect(ids(report.results, 'pass')).toEqual(expect.arrayContaining(['content.load', 'content.install', 'content.delete', 'content.left-as-found']));
    expect(report.facts['testInstance']).toBe('D392F000260100000001');
  });

  it('skips the levels and the counter a card without R-MAC and pseudo-random challenges ("i" 00) does not offer', async () => {
    const { report } = await runOnBareCard({ scp03I: 0x00 });
    expect(ids(report.results, 'fail')).toEqual([]);
    // The load file arrives with content.load, after the registry checks ran.
    expect(ids(report.results, 'skip')).toEqual(['registry.load-files-and-modules', 'scp03.level-11', 'scp03.level-13', 'scp03.level-33', 'scp03.sequence-counter']);
  });

  it('with wrong keys it fails the SCP03 checks (no crash) and reports everything else as failed or skipped', async () => {
    const se = new SecureElement({ rom: demoRom(), isdKeys: [{ keyVersion: 0x30, keys: { enc: new Uint8Array(16).fill(1), mac: new Uint8Array(16).fill(2), dek: new Uint8Array(16).fill(3) } }] });
    const connection = connectInProcess(se);
    try {
      const wrong = { enc: new Uint8Array(16).fill(9), mac: new Uint8Array(16).fill(9), dek: new Uint8Array(16).fill(9) };
      const report = await runGpSeConformance(connection, { target: 'wrong keys', keys: wrong, keyVersion: 0x30 });
      // SELECT and the sequence counter need no keys; everything else does.
      expect(ids(report.results, 'pass')).toEqual(['scp03.select-isd', 'scp03.sequence-counter']);
      expect(report.results.find((result) => result.id === 'scp03.initialize-update')?.reason).toMatch(/card (challenge|cryptogram)/);
    } finally {
      await connection.close();
    }
  });
});

describe('gp-se suite catches each seeded card manager fault with the check that judges it, and only that one', () => {
  for (const { fault, expected } of [
    { fault: 'wrongStatusWordOnDeleteUnknown', expected: ['content.delete-unknown'] },
    { fault: 'lockNotEnforced', expected: ['lifecycle.lock'] },
  ] as const) {
    it(fault, async () => {
      const report = await runOnDemo({ cardManagerFaults: { [fault]: true } });
      expect(ids(report.results, 'fail')).toEqual(expected);
    });
  }
});

describe('gp-se check list', () => {
  it('has unique ids', () => {
    const all = gpSeChecks().map((check) => check.id);
    expect(new Set(all).size).toBe(all.length);
  });
});
