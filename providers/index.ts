/**
 * Upstream providers: the API they speak (api.ts), the generated world and its simulator, and
 * the client the inventory subgraph calls them with. Import from here.
 */
export * from './api.js';
export * from './client/index.js';
export { generateWorld, type World, type WorldNumber, type WorldOffer, type WorldProvider } from './generator/world.js';
export { summarizeWorld, type WorldSummary } from './generator/summary.js';
export { startSimulator, type SimulatorOptions, type StartedSimulator } from './simulator/server.js';
