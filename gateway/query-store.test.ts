/** The in-memory APQ store stays within its count and total size, dropping the least recently used. */
import { expect, it } from 'vitest';
import { memoryQueryStore } from './query-store.js';

it('keeps automatic persisted queries within a count and a total size, dropping the least recently used', async () => {
  const store = memoryQueryStore(3, 1_000);
  await store.set('a', 'x'.repeat(400));
  await store.set('b', 'y'.repeat(400));
  expect(await store.get('a')).toHaveLength(400); // a is now the most recently used
  await store.set('c', 'z'.repeat(400)); // 1,200 characters: b goes
  expect(await store.get('b')).toBeNull();
  expect(await store.get('a')).toHaveLength(400);
  expect(await store.get('c')).toHaveLength(400);
  await store.set('d', '{ __typename }');
  await store.set('e', '{ __typename }'); // four queries: the least recently used (a) goes
  expect(await store.get('a')).toBeNull();
  expect(await store.get('e')).toBe('{ __typename }');
  await store.set('huge', 'w'.repeat(1_001));
  expect(await store.get('huge')).toBeNull();
  expect(await store.get('c')).toHaveLength(400);
});
