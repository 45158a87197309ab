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
