/** Carrier ids of the numbering plan: defined with the provider API (providers/carrier-id.ts), which declares sources by them; the importer uses the same. */
export { carrierId, holderNameKey } from '../../providers/carrier-id.js';
