// The worker-thread script of the parallel profiling tests (the CLI bundle plays this part in production): worker
// threads do not inherit tsx, so register it here, then run the part worker from the TypeScript sources.
require('tsx/cjs');
void require('../../../src/core/drift/parallel.ts').runProfilePartWorker();
