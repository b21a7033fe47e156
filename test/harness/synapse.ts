/**
 * The test harness's real Synapse, as tests import it: startSynapse starts a throwaway homeserver for integration and
 * browser tests (synapse-server.ts), with its users (synapse-admin.ts) and options (synapse-config.ts). Synapse itself
 * comes from the venv that scripts/setup-synapse.sh builds (synapse-paths.ts).
 */

export type { TestUser } from './synapse-admin.ts';
export type { StartSynapseOptions } from './synapse-config.ts';
export { dataRoot, synapseVenvDir } from './synapse-paths.ts';
export { startSynapse, type SynapseServer } from './synapse-server.ts';
