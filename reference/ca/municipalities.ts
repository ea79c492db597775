/**
 * Municipalities the reference CA can issue for, and the CRL distribution point name each gets:
 * `C=JP, O=JPKI, OU=JPKI for digital signature|user authentication, OU=CRL Distribution Points,
 * OU=<Prefecture romaji>, CN=<Municipality romaji> CRLDP` (parsed from real certificates,
 * ../shared/reference/jpki.md §2.2–2.3, §2.7).
 *
 * Modelled: the table is a small sample. The 5-digit codes are the 全国地方公共団体コード without
 * the check digit, as the auth certificate's CN carries them (13221 = Kiyose-shi on the test
 * card in jpki.md §2.2); the romaji follow the observed style ("Tokyo-to", "Shibuya-ku"); how
 * J-LIS spells other municipalities and ward-level points is not public.
 */
import type { Name } from '../../generated/asn1/index.js';
import type { CertificateKind } from '../../generated/messages/types.js';
import { JpkigenError } from '../../runtime/errors.js';
import { buildName, kindOrganizationalUnit } from './names.js';

export interface Municipality {
  readonly code: string;
  readonly prefectureRomaji: string;
  readonly municipalityRomaji: string;
  readonly nameJa: string;
}

const TABLE: readonly Municipality[] = [
  { code: '01101', prefectureRomaji: 'Hokkaido', municipalityRomaji: 'Sapporo-shi Chuo-ku', nameJa: '北海道札幌市中央区' },
  { code: '04101', prefectureRomaji: 'Miyagi-ken', municipalityRomaji: 'Sendai-shi Aoba-ku', nameJa: '宮城県仙台市青葉区' },
  { code: '13101', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Chiyoda-ku', nameJa: '東京都千代田区' },
  { code: '13103', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Minato-ku', nameJa: '東京都港区' },
  { code: '13104', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Shinjuku-ku', nameJa: '東京都新宿区' },
  { code: '13113', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Shibuya-ku', nameJa: '東京都渋谷区' },
  { code: '13213', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Higashimurayama-shi', nameJa: '東京都東村山市' },
  { code: '13221', prefectureRomaji: 'Tokyo-to', municipalityRomaji: 'Kiyose-shi', nameJa: '東京都清瀬市' },
  { code: '14101', prefectureRomaji: 'Kanagawa-ken', municipalityRomaji: 'Yokohama-shi Tsurumi-ku', nameJa: '神奈川県横浜市鶴見区' },
  { code: '23101', prefectureRomaji: 'Aichi-ken', municipalityRomaji: 'Nagoya-shi Chikusa-ku', nameJa: '愛知県名古屋市千種区' },
  { code: '26101', prefectureRomaji: 'Kyoto-fu', municipalityRomaji: 'Kyoto-shi Kita-ku', nameJa: '京都府京都市北区' },
  { code: '27127', prefectureRomaji: 'Osaka-fu', municipalityRomaji: 'Osaka-shi Kita-ku', nameJa: '大阪府大阪市北区' },
  { code: '40133', prefectureRomaji: 'Fukuoka-ken', municipalityRomaji: 'Fukuoka-shi Chuo-ku', nameJa: '福岡県福岡市中央区' },
  { code: '47201', prefectureRomaji: 'Okinawa-ken', municipalityRomaji: 'Naha-shi', nameJa: '沖縄県那覇市' },
];

const BY_CODE = new Map(TABLE.map((municipality) => [municipality.code, municipality]));

export class UnknownMunicipalityError extends JpkigenError {
  readonly municipalityCode: string;

  constructor(municipalityCode: string) {
    super(
      'CA_UNKNOWN_MUNICIPALITY',
      /^\d{5}$/u.test(municipalityCode)
        ? `municipality code ${municipalityCode} is not in the reference CA's table (known: ${TABLE.map((entry) => entry.code).join(', ')})`
        : `municipality code '${municipalityCode.slice(0, 20)}': expected 5 digits (全国地方公共団体コード without the check digit)`,
    );
    this.municipalityCode = municipalityCode;
  }
}

export function knownMunicipalities(): readonly Municipality[] {
  return TABLE;
}

export function municipalityOf(code: string): Municipality {
  const found = BY_CODE.get(code);
  if (found === undefined) throw new UnknownMunicipalityError(code);
  return found;
}

export function crlDistributionPointName(kind: CertificateKind, municipalityCode: string): Name {
  const municipality = municipalityOf(municipalityCode);
  return buildName([
    ['C', 'JP'],
    ['O', 'JPKI'],
    ['OU', kindOrganizationalUnit(kind)],
    ['OU', 'CRL Distribution Points'],
    ['OU', municipality.prefectureRomaji],
    ['CN', `${municipality.municipalityRomaji} CRLDP`],
  ]);
}
