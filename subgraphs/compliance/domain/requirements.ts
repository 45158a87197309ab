/** Each market's requirements before a number may be assigned, read once from data/compliance/requirements.json. */
import { readFileSync } from 'node:fs';
import type { Requirement } from '../generated/resolvers.js';

/**
 * What each market requires before a number may be assigned, from data/compliance/requirements.json
 * (each rule with the public pages it comes from; see data/compliance/README.md). Read once.
 */
interface RequirementsFile {
  retrievedOn: string;
  markets: { country: string; numberType: string; requirements: Omit<Requirement, '__typename'>[] }[];
}

const FILE = new URL('../../../data/compliance/requirements.json', import.meta.url);
let byMarket: Map<string, Omit<Requirement, '__typename'>[]> | null = null;

/** The requirements recorded for a market; empty where the data has none. */
export function requirementsOf(country: string, numberType: string): Omit<Requirement, '__typename'>[] {
  if (!byMarket) {
    const file = JSON.parse(readFileSync(FILE, 'utf8')) as RequirementsFile;
    byMarket = new Map(file.markets.map((m) => [`${m.country}:${m.numberType}`, m.requirements]));
  }
  return byMarket.get(`${country}:${numberType}`) ?? [];
}
