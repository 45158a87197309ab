/** Nothing per request yet: inventory has no data source until its own issue lands. */
export type Context = Record<string, never>;
export const createContext = (): Context => ({});
