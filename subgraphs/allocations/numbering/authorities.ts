/** The real bodies that administer each national numbering plan, the ITU, places numbered in another's plan; unknown where unconfirmed. */
import { getCountries } from 'libphonenumber-js/max';
import type { NewAuthority } from '../tables.js';

/**
 * The bodies that administer each national numbering plan, by their real names. A country
 * missing here gets an authority named as unknown: an honest gap, never an invented body.
 * NANPA administers the whole North American plan, but Canada's part is run by the CNA
 * under the CRTC, so each keeps its own row.
 */
interface KnownAuthority {
  id: string;
  name: string;
  fullName: string;
  oversight?: string;
}

const KNOWN: Record<string, KnownAuthority> = {
  // United Kingdom and North America
  GB: { id: 'ofcom', name: 'Ofcom', fullName: 'Office of Communications' },
  US: { id: 'nanpa', name: 'NANPA', fullName: 'North American Numbering Plan Administrator', oversight: 'FCC (Federal Communications Commission)' },
  CA: { id: 'cna', name: 'CNA', fullName: 'Canadian Numbering Administrator', oversight: 'CRTC (Canadian Radio-television and Telecommunications Commission)' },
  // European Union member states (BEREC coordinates them)
  AT: { id: 'rtr', name: 'RTR', fullName: 'Rundfunk und Telekom Regulierungs-GmbH' },
  BE: { id: 'bipt', name: 'BIPT', fullName: 'Belgian Institute for Postal Services and Telecommunications' },
  BG: { id: 'crc-bg', name: 'CRC', fullName: 'Communications Regulation Commission (Bulgaria)' },
  HR: { id: 'hakom', name: 'HAKOM', fullName: 'Croatian Regulatory Authority for Network Industries' },
  CY: { id: 'ocecpr', name: 'OCECPR', fullName: 'Office of the Commissioner of Electronic Communications and Postal Regulation' },
  CZ: { id: 'ctu', name: 'CTU', fullName: 'Czech Telecommunication Office (Český telekomunikační úřad)' },
  DK: { id: 'sdfi', name: 'SDFI', fullName: 'Danish Agency for Data Supply and Infrastructure (Styrelsen for Dataforsyning og Infrastruktur)' },
  EE: { id: 'ttja', name: 'TTJA', fullName: 'Consumer Protection and Technical Regulatory Authority (Tarbijakaitse ja Tehnilise Järelevalve Amet)' },
  FI: { id: 'traficom', name: 'Traficom', fullName: 'Finnish Transport and Communications Agency' },
  FR: { id: 'arcep', name: 'ARCEP', fullName: "Autorité de régulation des communications électroniques, des postes et de la distribution de la presse" },
  DE: { id: 'bnetza', name: 'BNetzA', fullName: 'Bundesnetzagentur' },
  GR: { id: 'eett', name: 'EETT', fullName: 'Hellenic Telecommunications and Post Commission' },
  HU: { id: 'nmhh', name: 'NMHH', fullName: 'National Media and Infocommunications Authority (Nemzeti Média- és Hírközlési Hatóság)' },
  IE: { id: 'comreg', name: 'ComReg', fullName: 'Commission for Communications Regulation' },
  IT: { id: 'agcom', name: 'AGCOM', fullName: 'Autorità per le Garanzie nelle Comunicazioni' },
  LV: { id: 'sprk', name: 'SPRK', fullName: 'Public Utilities Commission (Sabiedrisko pakalpojumu regulēšanas komisija)' },
  LT: { id: 'rrt', name: 'RRT', fullName: 'Communications Regulatory Authority of the Republic of Lithuania' },
  LU: { id: 'ilr', name: 'ILR', fullName: 'Institut Luxembourgeois de Régulation' },
  MT: { id: 'mca', name: 'MCA', fullName: 'Malta Communications Authority' },
  NL: { id: 'acm', name: 'ACM', fullName: 'Authority for Consumers and Markets (Autoriteit Consument & Markt)' },
  PL: { id: 'uke', name: 'UKE', fullName: 'Office of Electronic Communications (Urząd Komunikacji Elektronicznej)' },
  PT: { id: 'anacom', name: 'ANACOM', fullName: 'Autoridade Nacional de Comunicações' },
  RO: { id: 'ancom', name: 'ANCOM', fullName: 'National Authority for Management and Regulation in Communications' },
  SK: { id: 'ru-sk', name: 'RÚ', fullName: 'Regulatory Authority for Electronic Communications and Postal Services (Úrad pre reguláciu elektronických komunikácií a poštových služieb)' },
  SI: { id: 'akos', name: 'AKOS', fullName: 'Agency for Communication Networks and Services of the Republic of Slovenia' },
  ES: { id: 'cnmc', name: 'CNMC', fullName: 'Comisión Nacional de los Mercados y la Competencia' },
  SE: { id: 'pts', name: 'PTS', fullName: 'Swedish Post and Telecom Authority (Post- och telestyrelsen)' },
  // Other markets
  AU: { id: 'acma', name: 'ACMA', fullName: 'Australian Communications and Media Authority' },
  JP: { id: 'mic', name: 'MIC', fullName: 'Ministry of Internal Affairs and Communications' },
  BR: { id: 'anatel', name: 'Anatel', fullName: 'Agência Nacional de Telecomunicações' },
  IN: { id: 'dot', name: 'DoT', fullName: 'Department of Telecommunications', oversight: 'Ministry of Communications' },
  ZA: { id: 'icasa', name: 'ICASA', fullName: 'Independent Communications Authority of South Africa' },
  MX: { id: 'crt', name: 'CRT', fullName: 'Comisión Reguladora de Telecomunicaciones (successor of the IFT since 2025)' },
  CH: { id: 'bakom', name: 'BAKOM', fullName: 'Federal Office of Communications (Bundesamt für Kommunikation)' },
  NO: { id: 'nkom', name: 'Nkom', fullName: 'Norwegian Communications Authority (Nasjonal kommunikasjonsmyndighet)' },
  SG: { id: 'imda', name: 'IMDA', fullName: 'Infocomm Media Development Authority' },
  HK: { id: 'ofca', name: 'OFCA', fullName: 'Office of the Communications Authority' },
  TR: { id: 'btk', name: 'BTK', fullName: 'Information and Communication Technologies Authority (Bilgi Teknolojileri ve İletişim Kurumu)' },
  AE: { id: 'tdra', name: 'TDRA', fullName: 'Telecommunications and Digital Government Regulatory Authority' },
  AR: { id: 'enacom', name: 'ENACOM', fullName: 'Ente Nacional de Comunicaciones' },
  CL: { id: 'subtel', name: 'SUBTEL', fullName: 'Subsecretaría de Telecomunicaciones' },
  NG: { id: 'ncc', name: 'NCC', fullName: 'Nigerian Communications Commission' },
  KE: { id: 'ca-ke', name: 'CA', fullName: 'Communications Authority of Kenya' },
  MA: { id: 'anrt', name: 'ANRT', fullName: 'Agence Nationale de Réglementation des Télécommunications' },
  // Further national regulators, by the names they publish (numbering is part of their remit)
  CN: { id: 'miit', name: 'MIIT', fullName: 'Ministry of Industry and Information Technology' },
  KR: { id: 'msit', name: 'MSIT', fullName: 'Ministry of Science and ICT' },
  TW: { id: 'ncc-tw', name: 'NCC', fullName: 'National Communications Commission (Taiwan)' },
  IL: { id: 'moc-il', name: 'MoC', fullName: 'Ministry of Communications (Israel)' },
  EG: { id: 'ntra', name: 'NTRA', fullName: 'National Telecom Regulatory Authority (Egypt)' },
  SA: { id: 'cst', name: 'CST', fullName: 'Communications, Space and Technology Commission' },
  QA: { id: 'cra-qa', name: 'CRA', fullName: 'Communications Regulatory Authority (Qatar)' },
  KW: { id: 'citra', name: 'CITRA', fullName: 'Communication and Information Technology Regulatory Authority (Kuwait)' },
  BH: { id: 'tra-bh', name: 'TRA', fullName: 'Telecommunications Regulatory Authority (Bahrain)' },
  OM: { id: 'tra-om', name: 'TRA', fullName: 'Telecommunications Regulatory Authority (Oman)' },
  JO: { id: 'trc-jo', name: 'TRC', fullName: 'Telecommunications Regulatory Commission (Jordan)' },
  PK: { id: 'pta', name: 'PTA', fullName: 'Pakistan Telecommunication Authority' },
  BD: { id: 'btrc', name: 'BTRC', fullName: 'Bangladesh Telecommunication Regulatory Commission' },
  LK: { id: 'trcsl', name: 'TRCSL', fullName: 'Telecommunications Regulatory Commission of Sri Lanka' },
  NP: { id: 'nta', name: 'NTA', fullName: 'Nepal Telecommunications Authority' },
  MY: { id: 'mcmc', name: 'MCMC', fullName: 'Malaysian Communications and Multimedia Commission' },
  TH: { id: 'nbtc', name: 'NBTC', fullName: 'Office of the National Broadcasting and Telecommunications Commission (Thailand)' },
  PH: { id: 'ntc-ph', name: 'NTC', fullName: 'National Telecommunications Commission (Philippines)' },
  UA: { id: 'ncec', name: 'NCEC', fullName: 'National Commission for the State Regulation of Electronic Communications, Radio Frequency Spectrum and the Provision of Postal Services (Ukraine)' },
  IS: { id: 'fjarskiptastofa', name: 'Fjarskiptastofa', fullName: 'Electronic Communications Office of Iceland (Fjarskiptastofa)' },
  LI: { id: 'ak-li', name: 'AK', fullName: 'Office for Communications (Amt für Kommunikation, Liechtenstein)' },
  GI: { id: 'gra', name: 'GRA', fullName: 'Gibraltar Regulatory Authority' },
  RS: { id: 'ratel', name: 'RATEL', fullName: 'Regulatory Agency for Electronic Communications and Postal Services (Serbia)' },
  AL: { id: 'akep', name: 'AKEP', fullName: 'Electronic and Postal Communications Authority (Albania)' },
  MK: { id: 'aek', name: 'AEK', fullName: 'Agency for Electronic Communications (North Macedonia)' },
  ME: { id: 'ekip', name: 'EKIP', fullName: 'Agency for Electronic Communications and Postal Services (Montenegro)' },
  MD: { id: 'anrceti', name: 'ANRCETI', fullName: 'National Regulatory Agency for Electronic Communications and Information Technology (Moldova)' },
  GE: { id: 'comcom', name: 'ComCom', fullName: 'Communications Commission (Georgia)' },
  DZ: { id: 'arpce', name: 'ARPCE', fullName: 'Autorité de Régulation de la Poste et des Communications Électroniques (Algeria)' },
  SN: { id: 'artp', name: 'ARTP', fullName: 'Autorité de Régulation des Télécommunications et des Postes (Senegal)' },
  GH: { id: 'nca-gh', name: 'NCA', fullName: 'National Communications Authority (Ghana)' },
  TZ: { id: 'tcra', name: 'TCRA', fullName: 'Tanzania Communications Regulatory Authority' },
  UG: { id: 'ucc', name: 'UCC', fullName: 'Uganda Communications Commission' },
  RW: { id: 'rura', name: 'RURA', fullName: 'Rwanda Utilities Regulatory Authority' },
  ZM: { id: 'zicta', name: 'ZICTA', fullName: 'Zambia Information and Communications Technology Authority' },
  ZW: { id: 'potraz', name: 'POTRAZ', fullName: 'Postal and Telecommunications Regulatory Authority of Zimbabwe' },
  BW: { id: 'bocra', name: 'BOCRA', fullName: 'Botswana Communications Regulatory Authority' },
  NA: { id: 'cran', name: 'CRAN', fullName: 'Communications Regulatory Authority of Namibia' },
  MW: { id: 'macra', name: 'MACRA', fullName: 'Malawi Communications Regulatory Authority' },
  MU: { id: 'icta-mu', name: 'ICTA', fullName: 'Information and Communication Technologies Authority (Mauritius)' },
  ET: { id: 'eca', name: 'ECA', fullName: 'Ethiopian Communications Authority' },
  CO: { id: 'crc-co', name: 'CRC', fullName: 'Comisión de Regulación de Comunicaciones (Colombia)' },
  EC: { id: 'arcotel', name: 'ARCOTEL', fullName: 'Agencia de Regulación y Control de las Telecomunicaciones (Ecuador)' },
  UY: { id: 'ursec', name: 'URSEC', fullName: 'Unidad Reguladora de Servicios de Comunicaciones (Uruguay)' },
  CR: { id: 'sutel', name: 'SUTEL', fullName: 'Superintendencia de Telecomunicaciones (Costa Rica)' },
  SV: { id: 'siget', name: 'SIGET', fullName: 'Superintendencia General de Electricidad y Telecomunicaciones (El Salvador)' },
  GT: { id: 'sit-gt', name: 'SIT', fullName: 'Superintendencia de Telecomunicaciones (Guatemala)' },
  // Countries that share a calling code with another (+7, +599, the Caribbean of +1)
  RU: { id: 'rossvyaz', name: 'Rossvyaz', fullName: 'Federal Communications Agency (Federalnoye agentstvo svyazi)', oversight: 'Ministry of Digital Development, Communications and Mass Media of the Russian Federation' },
  // Named as of 2024; a 2025 reorganisation of the ministry could not be confirmed here.
  KZ: { id: 'mddiai-kz', name: 'MDDIAI', fullName: 'Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan' },
  CW: { id: 'btp-cw', name: 'BT&P', fullName: 'Bureau Telecommunicatie, Post en Utiliteiten (Curaçao)' },
  DO: { id: 'indotel', name: 'INDOTEL', fullName: 'Instituto Dominicano de las Telecomunicaciones' },
  JM: { id: 'our-jm', name: 'OUR', fullName: 'Office of Utilities Regulation (Jamaica)' },
  TT: { id: 'tatt', name: 'TATT', fullName: 'Telecommunications Authority of Trinidad and Tobago' },
  BS: { id: 'urca', name: 'URCA', fullName: 'Utilities Regulation and Competition Authority (The Bahamas)' },
  BM: { id: 'ra-bm', name: 'RA', fullName: 'Regulatory Authority of Bermuda' },
  KY: { id: 'ofreg', name: 'OfReg', fullName: 'Utility Regulation and Competition Office (Cayman Islands)' },
  // ECTEL's five member states: each a National Telecommunications Regulatory Commission under
  // ECTEL's Regional Numbering Plan (www.ectel.int; ECTEL Regional Numbering Plan, November 2005).
  // Antigua and Barbuda is no member; its body could not be confirmed here.
  DM: { id: 'ntrc-dm', name: 'NTRC', fullName: 'National Telecommunications Regulatory Commission (Dominica)', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)' },
  GD: { id: 'ntrc-gd', name: 'NTRC', fullName: 'National Telecommunications Regulatory Commission (Grenada)', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)' },
  KN: { id: 'ntrc-kn', name: 'NTRC', fullName: 'National Telecommunications Regulatory Commission (St Kitts and Nevis)', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)' },
  LC: { id: 'ntrc-lc', name: 'NTRC', fullName: 'National Telecommunications Regulatory Commission (Saint Lucia)', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)' },
  VC: { id: 'ntrc-vc', name: 'NTRC', fullName: 'National Telecommunications Regulatory Commission (St Vincent and the Grenadines)', oversight: 'ECTEL (Eastern Caribbean Telecommunications Authority)' },
  // New Zealand's numbers are run by the industry: the Number Administration Deed's Number
  // Administrator allocates them, with the Government's and the Commerce Commission's approval
  // (www.nad.org.nz/about/).
  NZ: { id: 'nad-nz', name: 'NAD', fullName: 'Number Administration Deed (New Zealand): its Number Administrator', oversight: 'Commerce Commission' },
  // Vietnam: the Telecommunications Department plans the numbering, under the Ministry of
  // Science and Technology since the 2025 merger of the Ministry of Information and
  // Communications into it (vietnam.vn, the Circular on telecommunications numbering planning).
  VN: { id: 'vnta', name: 'VNTA', fullName: 'Vietnam Telecommunications Authority (Cục Viễn thông)', oversight: 'Ministry of Science and Technology' },
  // Indonesia: numbering under Ministerial Regulation 14/2018 (Directorate of Telecommunications,
  // dittel.kominfo.go.id); the ministry is Komdigi since its renaming on 21 October 2024.
  ID: { id: 'komdigi', name: 'Komdigi', fullName: 'Ministry of Communication and Digital Affairs (Kementerian Komunikasi dan Digital; Kominfo until October 2024)' },
};

/** Assigns the non-geographic country calling codes (+800, +808, +870, +881, +882, +883, ...). */
export const ITU: NewAuthority = {
  id: 'itu',
  name: 'ITU',
  full_name: 'International Telecommunication Union (Telecommunication Standardization Bureau)',
  country: null,
  oversight: null,
  known: true,
};

/**
 * Places numbered inside another country's plan, whose ranges that plan's authority allocates:
 * the Crown Dependencies (Ofcom), the US territories (NANPA), the French overseas departments
 * and collectivities of +590, +594, +596, +262 and +508 (ARCEP), Åland (Traficom), Svalbard and
 * Jan Mayen (Nkom), the Cocos and Christmas Islands (ACMA), the Vatican's +39 06698 (AGCOM)
 * and the +212 528 ranges of Western Sahara in the Moroccan plan (ANRT).
 */
export const NUMBERED_IN: Record<string, string> = {
  JE: 'GB',
  GG: 'GB',
  IM: 'GB',
  PR: 'US',
  VI: 'US',
  GU: 'US',
  AS: 'US',
  MP: 'US',
  GP: 'FR',
  BL: 'FR',
  MF: 'FR',
  GF: 'FR',
  MQ: 'FR',
  RE: 'FR',
  YT: 'FR',
  PM: 'FR',
  AX: 'FI',
  SJ: 'NO',
  CC: 'AU',
  CX: 'AU',
  VA: 'IT',
  EH: 'MA',
};

export function authorityIdForCountry(country: string | null): string {
  if (country === null) return ITU.id;
  return KNOWN[NUMBERED_IN[country] ?? country]?.id ?? `unknown-${country.toLowerCase()}`;
}

/** One authority for every country libphonenumber knows, plus the ITU: every number has one. */
export function allAuthorities(): NewAuthority[] {
  const rows: NewAuthority[] = [ITU];
  for (const country of getCountries()) {
    if (NUMBERED_IN[country]) continue;
    const known = KNOWN[country];
    rows.push(
      known
        ? { id: known.id, name: known.name, full_name: known.fullName, country, oversight: known.oversight ?? null, known: true }
        : {
            id: authorityIdForCountry(country),
            name: 'Unknown',
            full_name: `Numbering authority of ${country} not recorded`,
            country,
            oversight: null,
            known: false,
          },
    );
  }
  return rows;
}
