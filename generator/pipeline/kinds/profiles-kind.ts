import { profilesEmitter } from '../../emitters/profiles/profiles-emitter.js';
import { readProfiles, type ProfilesIR } from '../../readers/profiles-reader.js';
import { kindGenerator } from './kind-generator.js';

export const profilesKind = kindGenerator<ProfilesIR>({
  read: readProfiles,
  emitters: [profilesEmitter],
  summarize: (ir) => ({
    profiles: ir.profiles.length,
    extensions: ir.profiles.reduce((total, profile) => total + profile.data.extensions.length, 0),
    cases: ir.profiles.reduce((total, profile) => total + profile.data.valid.length + profile.data.invalid.length, 0),
  }),
});
