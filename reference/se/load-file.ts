/**
 * The simulated SE's Load File format (modelled). GPCS §11.6.2.3 fixes the envelope — optional
 * DAP blocks (E2), then the Load File Data Block (C4) — but not the LFDB content, which on Java
 * Card is CAP components. We cannot run bytecode, so our LFDB content is a small self-describing
 * header naming the package (Executable Load File) AID and its Executable Module AIDs, then opaque
 * code bytes that travel, are hashed and are counted, but are never executed:
 *
 *   'JPKG' 01 ‖ 4F <package AID> ‖ CE <version, 2 bytes> ‖ 84 <module AID> … ‖ C3 <code>
 *
 * A module AID that the SE's ROM (its AppletClass list) knows can be instantiated; others load
 * fine but INSTALL from them answers 6A88.
 */
import { concatBytes, decodeTlvs, encodeTlv, JpkigenError, TlvError } from '../../runtime/index.js';
import { isValidAid } from './aid.js';

const MAGIC = Uint8Array.of(0x4a, 0x50, 0x4b, 0x47, 0x01); // "JPKG", format 1
const TAG_PACKAGE_AID = 0x4f;
const TAG_VERSION = 0xce;
const TAG_MODULE_AID = 0x84;
const TAG_CODE = 0xc3;
const TAG_DAP_BLOCK = 0xe2;
const TAG_LOAD_FILE_DATA_BLOCK = 0xc4;
const TAG_CIPHERED_ICV = 0xd3;
const TAG_CIPHERED_LOAD_FILE_DATA_BLOCK = 0xd4;

export class LoadFileError extends JpkigenError {
  constructor(message: string) {
    super('SE_LOAD_FILE_MALFORMED', message);
  }
}

export interface LoadFileImage {
  readonly packageAid: Uint8Array;
  readonly modules: readonly Uint8Array[];
  /** Major, minor (as a CAP file's version); default 1.0. */
  readonly version?: readonly [number, number];
  readonly code?: Uint8Array;
}

/** The content of the Load File Data Block (what the LFDB hash of INSTALL [for load] covers). */
export function buildLoadFileDataBlock(image: LoadFileImage): Uint8Array {
  if (!isValidAid(image.packageAid)) throw new LoadFileError(`package AID must be 5–16 bytes, got ${image.packageAid.length}`);
  for (const module of image.modules) {
    if (!isValidAid(module)) throw new LoadFileError(`module AID must be 5–16 bytes, got ${module.length}`);
  }
  const [major, minor] = image.version ?? [1, 0];
  return concatBytes(
    MAGIC,
    encodeTlv(TAG_PACKAGE_AID, image.packageAid),
    encodeTlv(TAG_VERSION, Uint8Array.of(major & 0xff, minor & 0xff)),
    ...image.modules.map((module) => encodeTlv(TAG_MODULE_AID, module)),
    encodeTlv(TAG_CODE, image.code ?? new Uint8Array(0)),
  );
}

/** The whole Load File as LOAD carries it: the C4 TLV around the Load File Data Block (no DAP blocks). */
export function buildLoadFileImage(image: LoadFileImage): Uint8Array {
  return encodeTlv(TAG_LOAD_FILE_DATA_BLOCK, buildLoadFileDataBlock(image));
}

export interface ParsedLoadFile {
  /** DAP blocks (E2) found before the LFDB; kept, not verified (DAP verification is not modelled). */
  readonly dapBlockCount: number;
  /** The C4 value. */
  readonly loadFileDataBlock: Uint8Array;
}

/** Splits a received Load File into its DAP blocks and Load File Data Block (GPCS Table 11-58). */
export function parseLoadFile(loadFile: Uint8Array): ParsedLoadFile {
  let objects;
  try {
    objects = decodeTlvs(loadFile);
  } catch (error) {
    if (error instanceof TlvError) throw new LoadFileError(`Load File: ${error.message}`);
    throw error;
  }
  let dapBlockCount = 0;
  let loadFileDataBlock: Uint8Array | undefined;
  for (const object of objects) {
    if (object.tag === TAG_DAP_BLOCK && loadFileDataBlock === undefined) dapBlockCount += 1;
    else if (object.tag === TAG_LOAD_FILE_DATA_BLOCK && loadFileDataBlock === undefined) loadFileDataBlock = object.value;
    else if (object.tag === TAG_CIPHERED_ICV || object.tag === TAG_CIPHERED_LOAD_FILE_DATA_BLOCK) {
      throw new LoadFileError('ciphered Load File Data Blocks (D3/D4) are not supported: no security domain here holds the Ciphered Load File Data Block privilege');
    } else throw new LoadFileError(`Load File: unexpected object ${object.tag.toString(16).toUpperCase()} at byte ${object.offset}`);
  }
  if (loadFileDataBlock === undefined) throw new LoadFileError('Load File: no Load File Data Block (C4)');
  return { dapBlockCount, loadFileDataBlock };
}

export interface ParsedLoadFileDataBlock {
  readonly packageAid: Uint8Array;
  readonly version: Uint8Array;
  readonly modules: readonly Uint8Array[];
  readonly codeLength: number;
}

export function parseLoadFileDataBlock(block: Uint8Array): ParsedLoadFileDataBlock {
  if (block.length < MAGIC.length || MAGIC.some((byte, index) => block[index] !== byte)) {
    throw new LoadFileError('Load File Data Block: not in the simulated SE format (header JPKG 01)');
  }
  let objects;
  try {
    objects = decodeTlvs(block.subarray(MAGIC.length), MAGIC.length);
  } catch (error) {
    if (error instanceof TlvError) throw new LoadFileError(`Load File Data Block: ${error.message}`);
    throw error;
  }
  const [first, second, ...rest] = objects;
  if (first?.tag !== TAG_PACKAGE_AID || !isValidAid(first.value)) throw new LoadFileError('Load File Data Block: expected the package AID (4F, 5–16 bytes) first');
  if (second?.tag !== TAG_VERSION || second.value.length !== 2) throw new LoadFileError('Load File Data Block: expected the version (CE, 2 bytes) second');
  const last = rest[rest.length - 1];
  if (last?.tag !== TAG_CODE) throw new LoadFileError('Load File Data Block: expected the code (C3) last');
  const moduleObjects = rest.slice(0, -1);
  for (const module of moduleObjects) {
    if (module.tag !== TAG_MODULE_AID || !isValidAid(module.value)) {
      throw new LoadFileError(`Load File Data Block: expected module AIDs (84, 5–16 bytes) at byte ${module.offset}`);
    }
  }
  return {
    packageAid: first.value.slice(),
    version: second.value.slice(),
    modules: moduleObjects.map((module) => module.value.slice()),
    codeLength: last.value.length,
  };
}
