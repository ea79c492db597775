import type { ProfilesIR } from '../../readers/profiles-reader.js';
import { generatedBanner, type Emitter } from '../emitter.js';

/**
 * Profile data (one constant per profile) and thin typed wrappers over the runtime engine:
 * `jpkigen/profiles`. Rules stay data, so generation cost does not grow with the rule count.
 */
export const profilesEmitter: Emitter<ProfilesIR> = {
  name: 'profiles',
  emit(ir, context) {
    const banner = generatedBanner('spec/profiles');
    const profilesImport = context.runtimeImport.replace(/index\.js$/u, 'profiles/index.js');
    const names = (kind: string) => ir.profiles.filter((profile) => profile.data.kind === kind).map((profile) => profile.data.name);
    // Pure data in JSON layout: written as is, so the formatter (a second per cold run) skips it.
    const data = [
      banner,
      `import type { CertificateProfileData, CrlProfileData, OcspResponseProfileData } from '${profilesImport}';`,
      ...ir.profiles.map((profile) => `\n/**\n * ${profile.data.title}\n *\n * @see ${profile.file}\n */\nexport const ${profile.data.name}: ${DATA_TYPES[profile.data.kind] ?? ''} = ${JSON.stringify(profile.data, null, 2)};`),
      '',
    ].join('\n');
    const index = context.renderTemplate('profiles/index.ts.hbs', {
      banner,
      profilesImport,
      certificateProfiles: names('certificate'),
      crlProfiles: names('crl'),
      ocspResponseProfiles: names('ocspResponse'),
    });
    return [
      { path: 'profiles/data.ts', language: 'typescript', content: data, preformatted: true },
      { path: 'profiles/index.ts', language: 'typescript', content: index },
    ];
  },
};

const DATA_TYPES: Readonly<Record<string, string>> = {
  certificate: 'CertificateProfileData',
  crl: 'CrlProfileData',
  ocspResponse: 'OcspResponseProfileData',
};
