/**
 * A CA kept in a data folder: keystore.json (the software keystore, encrypted at rest) and pgdata/
 * (PGlite), or PostgreSQL when a connection string is given (DATABASE_URL).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CertificateAuthority } from './certificate-authority.js';
import { openDatabase } from './database/open-database.js';
import type { IssuanceProfile } from './issuance-profile.js';
import { SoftwareKeystore, type Passphrase, type ScryptCost } from './keystore/software-keystore.js';

export interface DataDirectoryOptions {
  readonly dataDir: string;
  readonly passphrase: Passphrase;
  /** postgres://…: the database lives there instead of in dataDir/pgdata. */
  readonly databaseUrl?: string;
  /** Create the keystore when missing (`ca init`); otherwise a missing keystore is an error. */
  readonly create?: boolean;
  readonly scryptCost?: ScryptCost;
  readonly profile?: IssuanceProfile;
  readonly clock?: () => Date;
}

export interface OpenedCertificateAuthority {
  readonly authority: CertificateAuthority;
  readonly keystoreFile: string;
  close(): Promise<void>;
}

export async function openCertificateAuthorityInDirectory(options: DataDirectoryOptions): Promise<OpenedCertificateAuthority> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const keystoreFile = path.join(options.dataDir, 'keystore.json');
  const keystore =
    options.create === true
      ? await SoftwareKeystore.openOrCreate(keystoreFile, options.passphrase, options.scryptCost === undefined ? {} : { scryptCost: options.scryptCost })
      : await SoftwareKeystore.open(keystoreFile, options.passphrase);
  const database = await openDatabase(
    options.databaseUrl !== undefined && options.databaseUrl !== '' ? { databaseUrl: options.databaseUrl } : { dataDir: path.join(options.dataDir, 'pgdata') },
  );
  try {
    const authority = await CertificateAuthority.open({
      database,
      keystore,
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    return { authority, keystoreFile, close: () => database.close() };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
