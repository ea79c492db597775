/**
 * The JPKI-AP's elementary files and who may use them, per token profile — read from the
 * GENERATED table (spec/apdu/jpki-ap.yaml `files`), never restated here.
 */
import { jpkiApFiles, jpkiApTokenProfiles } from '../../../generated/apdu/jpki-ap.js';
import type { PinName } from './pin.js';

export type TokenProfileName = (typeof jpkiApTokenProfiles)[number]['name'];
export type FileKind = 'binary' | 'key' | 'pin';
/** 'always', 'never', or the PIN whose verification the operation needs. */
export type AccessCondition = 'always' | 'never' | PinName;

export interface ElementaryFile {
  readonly name: string;
  readonly fid: number;
  readonly kind: FileKind;
  /** READ BINARY for binary EFs, COMPUTE DIGITAL SIGNATURE for key EFs, VERIFY for PIN EFs. */
  readonly access: AccessCondition;
  /** A fixed size where the spec gives one (EF 0006: 160, EF 0008: 3). */
  readonly size: number | undefined;
}

export const TOKEN_PROFILE_NAMES: readonly TokenProfileName[] = jpkiApTokenProfiles.map((profile) => profile.name);

export function tokenLabelOf(profile: TokenProfileName): string {
  const entry = jpkiApTokenProfiles.find((candidate) => candidate.name === profile);
  if (entry === undefined) throw new TypeError(`unknown token profile ${profile}`);
  return entry.label;
}

/** The EFs a profile presents: those whose access table names the profile. */
export function fileMapOf(profile: TokenProfileName): ReadonlyMap<number, ElementaryFile> {
  const files = new Map<number, ElementaryFile>();
  for (const file of jpkiApFiles) {
    const rules = (file as { access?: Partial<Record<TokenProfileName, { read?: string; use?: string }>> }).access?.[profile];
    if (rules === undefined) continue;
    const condition = (rules.read ?? rules.use ?? 'never') as AccessCondition;
    files.set(Number.parseInt(file.fid, 16), {
      name: file.name,
      fid: Number.parseInt(file.fid, 16),
      kind: file.kind as FileKind,
      access: condition,
      size: (file as { size?: number }).size,
    });
  }
  return files;
}

export const FID = {
  signCertificate: 0x0001,
  signCaCertificate: 0x0002,
  tokenInfo: 0x0006,
  certificateAvailability: 0x0008,
  unknown0009: 0x0009,
  authCertificate: 0x000a,
  authCaCertificate: 0x000b,
  authPrivateKey: 0x0017,
  authPin: 0x0018,
  signPrivateKey: 0x001a,
  signPin: 0x001b,
} as const;

export const PIN_OF_FID: ReadonlyMap<number, PinName> = new Map([
  [FID.authPin, 'authPin'],
  [FID.signPin, 'signPin'],
]);

export type KeyName = 'authKey' | 'signKey';
export const KEY_OF_FID: ReadonlyMap<number, KeyName> = new Map([
  [FID.authPrivateKey, 'authKey'],
  [FID.signPrivateKey, 'signKey'],
]);
