/** The compliance rules providers of the generated world enforce on end users per market, from data/compliance/requirements.json. */
import { readFileSync } from 'node:fs';

/** One rule of data/compliance/requirements.json, as providers of the world enforce it. */
export interface MarketRule {
  kind: string;
  appliesTo: string;
  providedBy: string;
  addressScope: 'LOCAL_AREA' | 'NATIONAL' | 'ANY' | null;
  acceptedDocuments: string[];
  confirmed: boolean;
  description: string;
}

const FILE = new URL('../../data/compliance/requirements.json', import.meta.url);
let rules: Map<string, MarketRule[]> | null = null;

/**
 * What providers of the world require of an end user before assigning a number of the market:
 * the confirmed rules an end user provides (an unconfirmed market requires nothing upstream).
 */
export function enforcedRules(country: string, numberType: string): MarketRule[] {
  if (!rules) {
    const file = JSON.parse(readFileSync(FILE, 'utf8')) as { markets: { country: string; numberType: string; requirements: MarketRule[] }[] };
    rules = new Map(file.markets.map((m) => [`${m.country}:${m.numberType}`, m.requirements]));
  }
  return (rules.get(`${country}:${numberType}`) ?? []).filter((r) => r.confirmed && r.providedBy === 'END_USER');
}
