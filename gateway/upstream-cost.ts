import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import { fixedWindowCounts, secondsLeftInWindow } from './rate-limit.js';

/**
 * What each field that calls providers costs upstream: `@cost(weight:)` on it in the subgraph's
 * SDL (Apollo's demand-control directive, composed into the supergraph), by "Type.field". The
 * weight is the provider calls one selection of the field can cause (a search asks every
 * provider of the market, splitting truncated pages; `live` one status call per number at most;
 * a mutation one call per number it takes). The limits count it in the cost, and apart, as the
 * upstream calls a request may make and a key may spend per minute.
 */
export function upstreamWeights(supergraphSdl: string): Map<string, number> {
  const weights = new Map<string, number>();
  const cost = (directives: readonly ConstDirectiveNode[] | undefined): number | null => {
    const directive = directives?.find((d) => d.name.value === 'cost' || d.name.value === 'federation__cost');
    const weight = directive?.arguments?.find((a) => a.name.value === 'weight')?.value;
    if (!weight) return null;
    if (weight.kind === Kind.INT) return Number(weight.value);
    if (weight.kind === Kind.STRING && /^\d+$/.test(weight.value)) return Number(weight.value);
    return null;
  };
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const weight = cost(field.directives);
      if (weight !== null) weights.set(`${definition.name.value}.${field.name.value}`, weight);
    }
  }
  return weights;
}

/**
 * Upstream calls each key may cause per minute, as the limits estimate them, counted in this
 * process (each gateway process grants its own budget). `spend` answers how long until the key
 * may again, or null when the calls fit.
 */
export function upstreamBudget(perMinute: number) {
  const spent = fixedWindowCounts(60);
  return {
    spend(key: string, calls: number): number | null {
      if (calls <= 0) return null;
      if (spent.get(key) + calls > perMinute) return secondsLeftInWindow(60);
      spent.add(key, calls);
      return null;
    },
  };
}
export type UpstreamBudget = ReturnType<typeof upstreamBudget>;
