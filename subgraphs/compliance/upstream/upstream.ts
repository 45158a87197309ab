/** What compliance needs of the providers: the directory and each one's client; none by default. */
import type { DirectoryEntry } from '../../../providers/api.js';
import type { ProviderClient } from '../../../providers/client/index.js';

/** What compliance needs of the providers: the directory and each one's client (with its policies). */
export interface ComplianceUpstream {
  directory(): Promise<DirectoryEntry[]>;
  provider(id: string): ProviderClient | null;
}

export const NO_UPSTREAM: ComplianceUpstream = { directory: async () => [], provider: () => null };
