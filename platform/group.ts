/** Grouping in place: one list per key, appended to (never copied on each add). */

/** Appends `value` to the list of `key` in `groups`, creating it first. */
export function pushTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** `items` grouped by `keyOf`, in their order within each group. */
export function groupBy<K, V>(items: Iterable<V>, keyOf: (item: V) => K): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) pushTo(groups, keyOf(item), item);
  return groups;
}
