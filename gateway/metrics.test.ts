/** Metrics labels: databases by name and server without URL secrets, operation names only when registered, else "other". */
import { expect, it } from 'vitest';
import { redact } from '../platform/config.js';
import { databaseLabel, operationLabels } from './metrics.js';

it('labels a database by name and server, never by its URL or secrets', () => {
  const description = `postgres ${redact('postgres://app:hunter2@db.internal:5432/numbergraph?password=s3cret&sslmode=require')}`;
  expect(description).not.toMatch(/hunter2|s3cret/);
  expect(databaseLabel(description)).toBe('postgres numbergraph on db.internal:5432');
  expect(databaseLabel('PGlite (embedded) in memory')).toBe('PGlite (embedded) in memory');
});

it('labels registered operation names only; any other name is "other"', () => {
  const label = operationLabels((name) => name === 'Lineage', 2);
  expect(label('Lineage')).toBe('Lineage');
  expect(label('AcmeQuarterlyChurnReport')).toBe('other');
  expect(label(undefined)).toBe('Anonymous');
});
