/** A carrier's public id in the numbering plan, as the provider API declares sources by it (NumberSource.carrierId) and the allocations importer writes it. */
import { createHash } from 'node:crypto';

/**
 * A carrier's public id in the numbering plan (`Carrier.id`): the country of its ranges, the
 * name as the source publishes it, and the OCN if any. One definition, because the importer
 * writes these ids and the provider generator declares carriers by them (a provider names the
 * carrier it buys from as the plan does), so that inventory can check a chain against the plan.
 */
export function carrierId(country: string | null, name: string, ocn: string | null): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const readable = slug || createHash('sha256').update(name).digest('hex').slice(0, 12);
  return [country?.toLowerCase() ?? 'intl', readable, ocn?.toLowerCase()].filter(Boolean).join(':');
}

/** Legal-form words that differ between two files naming one company ("Ltd" in one, "Limited" in the next). */
const LEGAL_FORMS = new Set(['ltd', 'limited', 'plc', 'llp', 'llc', 'inc', 'sa', 'bv', 'gmbh', 'ag']);

/**
 * A holder's name reduced to what two files of one authority share when they name the same
 * company: case, punctuation, "&"/"and" and the legal form ignored, so that Ofcom's S1 "Gamma
 * Telecom Holdings Ltd" and its S7 "Gamma Telecom Holdings Limited" are one holder. The importer
 * and the provider generator match holders by it, so both give the same carrier id.
 */
export function holderNameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/&amp;|&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '' && !LEGAL_FORMS.has(word))
    .join(' ');
}
