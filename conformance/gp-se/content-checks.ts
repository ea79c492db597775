/**
 * Registry and card content: GET STATUS in the E3 and the legacy format, then the JPKI applet's
 * whole life — LOAD of its load file if missing, INSTALL [for install and make selectable], SET
 * STATUS lock and unlock (allowed and refused transitions after the generated GP application life
 * cycle), DELETE — and finally the card put back as found.
 */
import {
  getStatus,
  globalPlatformApplications,
  installForInstall,
  installForInstallAndMakeSelectable,
  installForLoad,
  installForMakeSelectable,
  load,
  select,
  setStatus,
  type GetStatusSubset,
} from '../../generated/apdu/global-platform.js';
import { gpApplicationLifeCycle, gpCardLifeCycle, gpExecutableLoadFileLifeCycle, gpSecurityDomainLifeCycle } from '../../generated/lifecycles/index.js';
import { encodeTlv } from '../../runtime/apdu/ber-tlv.js';
import { canTransition, stateOfCoding } from '../../runtime/life-cycle.js';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { GpSeSession, hex, parseLegacyStatus, type ContentState, type SecureSession } from './session.js';

type SessionCheck = Check<GpSeSession>;

/** The JPKI-AP instance AID the gp-se suite installs when the card does not hold it yet. */
export const JPKI_INSTANCE_AID = globalPlatformApplications.jpkiAp;
/** The instance AID used instead when the card already holds a (personalized) JPKI-AP, which is never touched. */
export const CONFORMANCE_INSTANCE_AID = hexToBytes('D392F0002601000000FF');
/** A second test instance, for the INSTALLED → SELECTABLE path. */
const SECOND_INSTANCE_AID = hexToBytes('D392F0002601000000FE');
/** An AID nothing on a card uses (GP RID, PIX of our own making). */
const ABSENT_AID = hexToBytes('A0000001515445535400FF');
/** LOAD blocks stay small enough for C-MAC + C-DEC padding inside a short APDU. */
const LOAD_BLOCK_SIZE = 192;

function contentStateOf(session: GpSeSession): ContentState {
  return session.content;
}

function getStatusLegacy(subset: GetStatusSubset): Uint8Array {
  return getStatus({ subset, tlvResponseFormat: false, nextOccurrence: false, searchCriteria: encodeTlv(0x4f, new Uint8Array(0)), le: 256 });
}

function codingOf(lifeCycleState: Uint8Array): string {
  return bytesToHex(lifeCycleState);
}

/** An application's life cycle byte: one of the generated codings, or SELECTABLE with application-specific bits (0xxx x111). */
function applicationStateOf(coding: Uint8Array): string | undefined {
  const known = stateOfCoding(gpApplicationLifeCycle, coding) ?? stateOfCoding(gpSecurityDomainLifeCycle, coding);
  if (known !== undefined) return known;
  const byte = coding[0] ?? 0;
  if (coding.length === 1 && (byte & 0x87) === 0x07) return 'selectable';
  if (coding.length === 1 && (byte & 0x83) === 0x83) return 'locked';
  return undefined;
}

async function selectInstance(session: GpSeSession, aid: Uint8Array): Promise<number> {
  await session.reset();
  const exchange = await session.transmit(select({ nextOccurrence: false, aid, le: 256 }), { label: `SELECT ${bytesToHex(aid)}` });
  return exchange.sw;
}

function requireInstance(session: GpSeSession): Uint8Array {
  const content = contentStateOf(session);
  if (content.installed !== true || content.instanceAid === undefined) throw new CheckSkipped('the test instance is not installed (see content.install)');
  return content.instanceAid;
}

/**
 * GET STATUS in the legacy format (P2 00) must list the AIDs the E3 format listed; a long legacy
 * list may stop at 6310, and then it must be a part of the E3 one.
 */
async function legacyListMatchesE3(session: GpSeSession, subset: 'applications' | 'executableLoadFiles', e3: readonly string[] | undefined, e3CheckId: string): Promise<undefined> {
  const channel = await session.managementSession();
  const exchange = await channel.send(getStatusLegacy(subset), `GET STATUS ${subset} (legacy)`);
  const legacy = exchange.sw === 0x6a88 ? [] : parseLegacyStatus(session.expectSw(exchange, ['9000', '6310']).data).map((entry) => entry.aid);
  if (e3 === undefined) throw new CheckSkipped(`the E3 list was not read (see ${e3CheckId})`);
  const comparable = exchange.sw === 0x6310 ? e3.filter((aid) => legacy.includes(aid)) : e3;
  const got = [...legacy].sort().join(' ');
  session.note(comparable.join(' '), got);
  if (got !== comparable.join(' ')) return session.fail('legacy and E3 lists differ', comparable.join(' '), got);
  return undefined;
}

/** INSTALL [for install and make selectable] of a JPKI-AP instance from the JPKI module, with the operator's install parameters. */
function installJpkiInstance(session: GpSeSession, instanceAid: Uint8Array): Uint8Array {
  return installForInstallAndMakeSelectable({
    moreCommands: false,
    executableLoadFileAid: globalPlatformApplications.jpkiLoadFile,
    executableModuleAid: globalPlatformApplications.jpkiModule,
    applicationAid: instanceAid,
    privileges: new Uint8Array(3),
    installParameters: encodeTlv(0xc9, session.options.installParameters ?? new Uint8Array(0)),
    installToken: new Uint8Array(0),
    le: 256,
  });
}

async function loadJpkiLoadFile(session: GpSeSession, channel: SecureSession, image: Uint8Array): Promise<void> {
  const loadFileAid = globalPlatformApplications.jpkiLoadFile;
  const opened = await channel.send(
    installForLoad({ moreCommands: false, loadFileAid, securityDomainAid: new Uint8Array(0), loadFileDataBlockHash: new Uint8Array(0), loadParameters: new Uint8Array(0), loadToken: new Uint8Array(0), le: 256 }),
    'INSTALL [for load]',
  );
  session.expectSw(opened, ['9000'], 'INSTALL [for load]');
  const blocks = Math.ceil(image.length / LOAD_BLOCK_SIZE);
  for (let index = 0; index < blocks; index += 1) {
    const block = image.subarray(index * LOAD_BLOCK_SIZE, (index + 1) * LOAD_BLOCK_SIZE);
    session.expectSw(await channel.send(load({ lastBlock: index === blocks - 1, blockNumber: index, loadFileBlock: block, le: 256 }), `LOAD block ${index}`), ['9000'], `LOAD block ${index}`);
  }
}

export function registryChecks(): SessionCheck[] {
  return [
    {
      id: 'registry.isd',
      description: 'GET STATUS of the ISD (E3 format) returns its AID, a card life cycle state and 3 privilege bytes',
      run: async (session) => {
        const channel = await session.managementSession();
        const { sw, entries } = await session.registry(channel, 'issuerSecurityDomain');
        session.expectSw({ command: new Uint8Array(0), data: new Uint8Array(0), sw, shown: 'GET STATUS ISD (E3)' }, ['9000']);
        const entry = entries[0];
        const cardState = entry === undefined ? undefined : stateOfCoding(gpCardLifeCycle, entry.lifeCycleState);
        session.note(`ISD ${hex(session.isdAid)}, card life cycle state, 3 privilege bytes`, entry === undefined ? 'no entry' : `${hex(entry.aid)}, ${codingOf(entry.lifeCycleState)} (${cardState ?? 'unknown'}), privileges ${hex(entry.privileges)}`);
        if (entry === undefined || hex(entry.aid) !== hex(session.isdAid)) return session.fail('GET STATUS ISD does not name the selected ISD', hex(session.isdAid), hex(entry?.aid));
        if (cardState === undefined) return session.fail('the ISD life cycle byte is no card life cycle state of GPCS Table 11-6', 'one of 01 07 0F 7F FF', codingOf(entry.lifeCycleState));
        if (entry.privileges?.length !== 3) return session.fail('the ISD entry carries no 3-byte privileges', '3 bytes', hex(entry.privileges));
        session.facts['cardLifeCycle'] = cardState;
        return undefined;
      },
    },
    {
      id: 'registry.isd-legacy',
      description: 'GET STATUS of the ISD in the legacy format (P2 00) names the same ISD',
      run: async (session) => {
        const channel = await session.managementSession();
        const exchange = session.expectSw(await channel.send(getStatusLegacy('issuerSecurityDomain'), 'GET STATUS ISD (legacy)'), ['9000']);
        const entries = parseLegacyStatus(exchange.data);
        if (entries[0]?.aid !== hex(session.isdAid)) return session.fail('legacy GET STATUS does not name the ISD', hex(session.isdAid), entries[0]?.aid ?? 'nothing');
        return undefined;
      },
    },
    {
      id: 'registry.applications',
      description: 'GET STATUS of applications (E3) lists each with a life cycle state of GPCS Tables 11-4/11-5 and its associated security domain',
      run: async (session) => {
        const channel = await session.managementSession();
        const { sw, entries } = await session.registry(channel, 'applications');
        if (sw !== 0x9000 && sw !== 0x6a88) return session.fail('GET STATUS applications', '9000 (or 6A88 when there are none)', sw.toString(16));
        const unknown = entries.filter((entry) => applicationStateOf(entry.lifeCycleState) === undefined);
        if (unknown.length > 0) return session.fail('an application has a life cycle byte GPCS does not define', 'a Table 11-4/11-5 coding', unknown.map((entry) => `${hex(entry.aid)}=${codingOf(entry.lifeCycleState)}`).join(', '));
        // GPCS Table 11-36: an application's E3 entry names its associated security domain (CC).
        const orphans = entries.filter((entry) => entry.associatedSecurityDomainAid === undefined);
        if (orphans.length > 0) return session.fail('an application entry names no associated security domain (tag CC)', 'CC in every entry', orphans.map((entry) => hex(entry.aid)).join(', '));
        contentStateOf(session).applicationsAtStart = entries.map((entry) => hex(entry.aid)).sort();
        session.facts['applications'] = entries.map((entry) => `${hex(entry.aid)}:${codingOf(entry.lifeCycleState)}`).join(' ');
        session.note('entries with known life cycle states', `${entries.length} entries`);
        return undefined;
      },
    },
    {
      id: 'registry.applications-legacy',
      description: 'GET STATUS of applications in the legacy format lists the same AIDs as the E3 format',
      run: (session) => legacyListMatchesE3(session, 'applications', contentStateOf(session).applicationsAtStart, 'registry.applications'),
    },
    {
      id: 'registry.load-files',
      description: 'GET STATUS of executable load files (E3) gives each the LOADED state (01)',
      run: async (session) => {
        const channel = await session.managementSession();
        const { sw, entries } = await session.registry(channel, 'executableLoadFiles');
        if (sw !== 0x9000 && sw !== 0x6a88) return session.fail('GET STATUS load files', '9000 (or 6A88 when there are none)', sw.toString(16));
        const wrong = entries.filter((entry) => stateOfCoding(gpExecutableLoadFileLifeCycle, entry.lifeCycleState) !== 'loaded');
        if (wrong.length > 0) return session.fail('a load file is not in state LOADED', '01', wrong.map((entry) => `${hex(entry.aid)}=${codingOf(entry.lifeCycleState)}`).join(', '));
        contentStateOf(session).loadFilesAtStart = entries.map((entry) => hex(entry.aid)).sort();
        session.facts['loadFiles'] = entries.map((entry) => hex(entry.aid)).join(' ');
        session.note('load files in state 01', `${entries.length} load file(s)`);
        return undefined;
      },
    },
    {
      id: 'registry.load-files-legacy',
      description: 'GET STATUS of executable load files in the legacy format lists the same AIDs as the E3 format',
      run: (session) => legacyListMatchesE3(session, 'executableLoadFiles', contentStateOf(session).loadFilesAtStart, 'registry.load-files'),
    },
    {
      id: 'registry.load-files-and-modules',
      description: 'GET STATUS of load files and modules (P1 10) lists the JPKI module D392F00026010000 under load file D392F0002601 when it is loaded',
      run: async (session) => {
        const channel = await session.managementSession();
        const entry = await session.registryEntry(channel, 'executableLoadFilesAndModules', globalPlatformApplications.jpkiLoadFile);
        if (entry === undefined) throw new CheckSkipped('the JPKI load file is not on the card');
        const modules = (entry.executableModuleAid ?? []).map(hex);
        session.note(hex(globalPlatformApplications.jpkiModule), modules.join(' '));
        if (!modules.includes(hex(globalPlatformApplications.jpkiModule))) return session.fail('the JPKI module is not listed', hex(globalPlatformApplications.jpkiModule), modules.join(' ') || '(none)');
        return undefined;
      },
    },
    {
      id: 'registry.unknown-aid',
      description: 'GET STATUS of applications with an AID the card does not hold answers 6A88',
      run: async (session) => {
        const channel = await session.managementSession();
        const { sw } = await session.registry(channel, 'applications', ABSENT_AID);
        session.expectSw({ command: new Uint8Array(0), data: new Uint8Array(0), sw, shown: `GET STATUS applications 4F ${hex(ABSENT_AID)}` }, ['6A88']);
        return undefined;
      },
    },
  ];
}

export function contentChecks(): SessionCheck[] {
  return [
    {
      id: 'content.load',
      description: 'the JPKI load file D392F0002601 is present, or LOAD of it (INSTALL [for load] + LOAD blocks) succeeds and it shows as LOADED',
      run: async (session) => {
        const channel = await session.managementSession();
        const present = await session.registryEntry(channel, 'executableLoadFiles', globalPlatformApplications.jpkiLoadFile);
        if (present !== undefined) throw new CheckSkipped('the JPKI load file is already on the card; nothing to load');
        const image = session.options.loadFile;
        if (image === undefined) throw new CheckSkipped('the JPKI load file is not on the card and no load file was given');
        await loadJpkiLoadFile(session, channel, image);
        contentStateOf(session).loadedByUs = true;
        const check = await session.managementSession();
        const loaded = await session.registryEntry(check, 'executableLoadFiles', globalPlatformApplications.jpkiLoadFile);
        if (loaded === undefined) return session.fail('the load file is not in the registry after LOAD', hex(globalPlatformApplications.jpkiLoadFile), 'absent');
        return undefined;
      },
    },
    {
      id: 'content.install',
      description: 'INSTALL [for install and make selectable] of a JPKI-AP instance from module D392F00026010000 answers 9000; the instance is SELECTABLE (07), associated with the ISD, and SELECT works',
      run: async (session) => {
        const content = contentStateOf(session);
        const channel = await session.managementSession();
        const loadFile = await session.registryEntry(channel, 'executableLoadFiles', globalPlatformApplications.jpkiLoadFile);
        if (loadFile === undefined) throw new CheckSkipped('the JPKI load file is not on the card (see content.load)');
        const existing = await session.registryEntry(channel, 'applications', JPKI_INSTANCE_AID);
        const instanceAid = existing === undefined ? JPKI_INSTANCE_AID : CONFORMANCE_INSTANCE_AID;
        content.instanceAid = instanceAid;
        session.facts['testInstance'] = hex(instanceAid);
        const installed = await channel.send(
          installJpkiInstance(session, instanceAid),
          `INSTALL [for install and make selectable] ${hex(instanceAid)}`,
        );
        session.expectSw(installed, ['9000'], 'INSTALL [for install and make selectable]');
        const evidence = session.lastEvidence();
        content.installed = true;
        const entry = await session.registryEntry(await session.managementSession(), 'applications', instanceAid);
        if (entry === undefined) return session.fail('the new instance is not in the registry', hex(instanceAid), 'absent');
        if (applicationStateOf(entry.lifeCycleState) !== 'selectable') return session.fail('the new instance is not SELECTABLE', '07', codingOf(entry.lifeCycleState));
        if (hex(entry.associatedSecurityDomainAid) !== hex(session.isdAid)) {
          session.fail('the new instance is associated with another security domain', hex(session.isdAid), hex(entry.associatedSecurityDomainAid));
        }
        const sw = await selectInstance(session, instanceAid);
        if (sw !== 0x9000) return session.fail('SELECT of the new instance', '9000', sw.toString(16));
        session.note(evidence.expected ?? '9000', `${evidence.got ?? ''}; registry 07; SELECT 9000`, evidence.command);
        return undefined;
      },
    },
    {
      id: 'content.install-duplicate-refused',
      description: 'a second INSTALL with an instance AID already in the registry is refused',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        const channel = await session.managementSession();
        const again = await channel.send(
          installJpkiInstance(session, instanceAid),
          `INSTALL ${hex(instanceAid)} again`,
        );
        session.expectSw(again, ['6A80', '6985', '6A89'], 'INSTALL of an AID in use');
        return undefined;
      },
    },
    {
      id: 'lifecycle.lock',
      description: 'SET STATUS lock (P1 40, P2 80) of the SELECTABLE instance answers 9000; the registry shows LOCKED (87) and SELECT fails',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        if (!canTransition(gpApplicationLifeCycle, 'selectable', 'lock')) throw new CheckSkipped('the life cycle spec forbids lock from selectable');
        const channel = await session.managementSession();
        session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x80, aid: instanceAid }), `SET STATUS lock ${hex(instanceAid)}`), ['9000']);
        const evidence = session.lastEvidence();
        const entry = await session.registryEntry(await session.managementSession(), 'applications', instanceAid);
        const expectedCoding = gpApplicationLifeCycle.codings.lockedFromSelectable ?? '87';
        if (entry === undefined || codingOf(entry.lifeCycleState) !== expectedCoding) return session.fail('the registry does not show the instance locked', expectedCoding, entry === undefined ? 'absent' : codingOf(entry.lifeCycleState));
        const sw = await selectInstance(session, instanceAid);
        if (sw === 0x9000 || (sw & 0xff00) === 0x6100) return session.fail('SELECT of a LOCKED application succeeded', 'a refusal (e.g. 6999, 6A82)', sw.toString(16));
        session.note('9000; registry 87; SELECT refused', `${evidence.got ?? ''}; registry ${codingOf(entry.lifeCycleState)}; SELECT ${sw.toString(16).toUpperCase()}`, evidence.command);
        return undefined;
      },
    },
    {
      id: 'lifecycle.lock-again-refused',
      description: 'SET STATUS lock of an instance already LOCKED is refused with 6A80 (the life cycle has no lock from a locked state)',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        const channel = await session.managementSession();
        const entry = await session.registryEntry(channel, 'applications', instanceAid);
        if (entry === undefined || applicationStateOf(entry.lifeCycleState) === 'selectable') throw new CheckSkipped('the instance is not locked (see lifecycle.lock)');
        session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x80, aid: instanceAid }), `SET STATUS lock ${hex(instanceAid)} again`), ['6A80']);
        return undefined;
      },
    },
    {
      id: 'lifecycle.unlock',
      description: 'SET STATUS unlock (P1 40, P2 00) answers 9000; the instance is SELECTABLE (07) again and SELECT works',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        const channel = await session.managementSession();
        const before = await session.registryEntry(channel, 'applications', instanceAid);
        if (before === undefined || applicationStateOf(before.lifeCycleState) === 'selectable') throw new CheckSkipped('the instance is not locked (see lifecycle.lock)');
        session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x00, aid: instanceAid }), `SET STATUS unlock ${hex(instanceAid)}`), ['9000']);
        const evidence = session.lastEvidence();
        const entry = await session.registryEntry(await session.managementSession(), 'applications', instanceAid);
        if (entry === undefined || applicationStateOf(entry.lifeCycleState) !== 'selectable') return session.fail('the registry does not show the instance SELECTABLE after unlock', '07', entry === undefined ? 'absent' : codingOf(entry.lifeCycleState));
        const sw = await selectInstance(session, instanceAid);
        if (sw !== 0x9000) return session.fail('SELECT after unlock', '9000', sw.toString(16));
        session.note('9000; registry 07; SELECT 9000', `${evidence.got ?? ''}; registry ${codingOf(entry.lifeCycleState)}; SELECT 9000`, evidence.command);
        return undefined;
      },
    },
    {
      id: 'lifecycle.unlock-unlocked-refused',
      description: 'SET STATUS unlock of a SELECTABLE (not locked) instance is refused (the life cycle has no unlock from selectable)',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        if (canTransition(gpApplicationLifeCycle, 'selectable', 'unlock')) throw new CheckSkipped('the life cycle spec allows unlock from selectable');
        const channel = await session.managementSession();
        const entry = await session.registryEntry(channel, 'applications', instanceAid);
        if (entry === undefined || applicationStateOf(entry.lifeCycleState) !== 'selectable') throw new CheckSkipped('the instance is not SELECTABLE');
        session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x00, aid: instanceAid }), `SET STATUS unlock ${hex(instanceAid)} (not locked)`), ['6A80', '6985']);
        return undefined;
      },
    },
    {
      id: 'lifecycle.unknown-aid',
      description: 'SET STATUS of an AID the card does not hold answers 6A88',
      run: async (session) => {
        const channel = await session.managementSession();
        session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x80, aid: ABSENT_AID }), `SET STATUS lock ${hex(ABSENT_AID)}`), ['6A88']);
        return undefined;
      },
    },
    {
      id: 'lifecycle.install-then-make-selectable',
      description: 'INSTALL [for install] leaves a second instance INSTALLED (03, not selectable); lock/unlock keep 83/03; INSTALL [for make selectable] makes it SELECTABLE (07); DELETE removes it',
      run: async (session) => {
        requireInstance(session);
        const aid = SECOND_INSTANCE_AID;
        const steps: string[] = [];
        const stateNow = async (): Promise<string> => {
          const entry = await session.registryEntry(await session.managementSession(), 'applications', aid);
          return entry === undefined ? 'absent' : codingOf(entry.lifeCycleState);
        };
        const expectState = async (coding: string | undefined, after: string): Promise<void> => {
          const now = await stateNow();
          steps.push(`${after}: ${now}`);
          if (now !== coding) session.fail(`after ${after} the registry shows the wrong life cycle state`, coding ?? '?', now);
        };
        let channel = await session.managementSession();
        session.expectSw(
          await channel.send(
            installForInstall({
              moreCommands: false,
              executableLoadFileAid: globalPlatformApplications.jpkiLoadFile,
              executableModuleAid: globalPlatformApplications.jpkiModule,
              applicationAid: aid,
              privileges: new Uint8Array(3),
              installParameters: encodeTlv(0xc9, session.options.installParameters ?? new Uint8Array(0)),
              installToken: new Uint8Array(0),
              le: 256,
            }),
            `INSTALL [for install] ${hex(aid)}`,
          ),
          ['9000'],
          'INSTALL [for install]',
        );
        try {
          await expectState(gpApplicationLifeCycle.codings.installed, 'INSTALL [for install]');
          const selected = await selectInstance(session, aid);
          steps.push(`SELECT: ${selected.toString(16).toUpperCase()}`);
          if (selected === 0x9000) session.fail('an INSTALLED application answered SELECT', 'a refusal', '9000');
          channel = await session.managementSession();
          session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x80, aid }), `SET STATUS lock ${hex(aid)}`), ['9000'], 'lock from INSTALLED');
          await expectState(gpApplicationLifeCycle.codings.lockedFromInstalled, 'lock');
          channel = await session.managementSession();
          session.expectSw(await channel.send(setStatus({ statusType: 'application', state: 0x00, aid }), `SET STATUS unlock ${hex(aid)}`), ['9000'], 'unlock back to INSTALLED');
          await expectState(gpApplicationLifeCycle.codings.installed, 'unlock');
          channel = await session.managementSession();
          session.expectSw(
            await channel.send(
              installForMakeSelectable({ moreCommands: false, emptyField1: new Uint8Array(0), emptyField2: new Uint8Array(0), applicationAid: aid, privileges: new Uint8Array(3), makeSelectableParameters: new Uint8Array(0), makeSelectableToken: new Uint8Array(0), le: 256 }),
              `INSTALL [for make selectable] ${hex(aid)}`,
            ),
            ['9000'],
            'INSTALL [for make selectable]',
          );
          await expectState(gpApplicationLifeCycle.codings.selectable, 'INSTALL [for make selectable]');
          const after = await selectInstance(session, aid);
          steps.push(`SELECT: ${after.toString(16).toUpperCase()}`);
          if (after !== 0x9000) session.fail('SELECT after INSTALL [for make selectable]', '9000', after.toString(16));
        } finally {
          await session.deleteAid(await session.managementSession(), aid);
        }
        session.note('03, refused SELECT, 83, 03, 07, SELECT 9000', steps.join('; '), `INSTALL/SET STATUS ${hex(aid)}`);
        return undefined;
      },
    },
    {
      id: 'content.delete',
      description: 'DELETE of the instance answers 9000; GET STATUS then answers 6A88 for it and SELECT fails with 6A82',
      run: async (session) => {
        const instanceAid = requireInstance(session);
        const channel = await session.managementSession();
        session.expectSw(await session.deleteAid(channel, instanceAid), ['9000'], 'DELETE of the instance');
        contentStateOf(session).installed = false;
        const evidence = session.lastEvidence();
        const check = await session.managementSession();
        const { sw } = await session.registry(check, 'applications', instanceAid);
        if (sw !== 0x6a88) return session.fail('GET STATUS still finds the deleted instance', '6A88', sw.toString(16));
        const selected = await selectInstance(session, instanceAid);
        if (selected !== 0x6a82) return session.fail('SELECT of the deleted instance', '6A82', selected.toString(16));
        session.note('9000; GET STATUS 6A88; SELECT 6A82', `${evidence.got ?? ''}; GET STATUS 6A88; SELECT 6A82`, evidence.command);
        return undefined;
      },
    },
    {
      id: 'content.delete-unknown',
      description: 'DELETE of an AID the card does not hold answers 6A88',
      run: async (session) => {
        const channel = await session.managementSession();
        session.expectSw(await session.deleteAid(channel, ABSENT_AID), ['6A88'], 'DELETE of an unknown AID');
        return undefined;
      },
    },
    {
      id: 'content.left-as-found',
      description: 'after the run the card holds the same applications and load files as at the start (whatever the suite added is deleted)',
      run: async (session) => {
        const content = contentStateOf(session);
        if (content.installed === true && content.instanceAid !== undefined) {
          await session.deleteAid(await session.managementSession(), content.instanceAid);
          content.installed = false;
        }
        if (content.loadedByUs === true) {
          session.expectSw(await session.deleteAid(await session.managementSession(), globalPlatformApplications.jpkiLoadFile, true), ['9000'], 'DELETE of the load file the suite loaded');
          content.loadedByUs = false;
        }
        if (content.applicationsAtStart === undefined || content.loadFilesAtStart === undefined) throw new CheckSkipped('the registry was not read at the start');
        const channel = await session.managementSession();
        const applications = (await session.registry(channel, 'applications')).entries.map((entry) => hex(entry.aid)).sort();
        const loadFiles = (await session.registry(channel, 'executableLoadFiles')).entries.map((entry) => hex(entry.aid)).sort();
        const expected = `applications ${content.applicationsAtStart.join(' ')}; load files ${content.loadFilesAtStart.join(' ')}`;
        const got = `applications ${applications.join(' ')}; load files ${loadFiles.join(' ')}`;
        session.note(expected, got, 'GET STATUS applications, load files');
        if (expected !== got) return session.fail('the card content differs from the start', expected, got);
        return undefined;
      },
    },
  ];
}
