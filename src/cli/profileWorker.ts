// The parallel profiler's worker thread script, bundled alone as dist/profileWorker.js: only the profiling code, so a
// thread starts in a fraction of the time the whole CLI bundle takes to load. dist/cli.js still works as a worker
// script (its entry checks for a part job) when this bundle is absent.
import { runProfilePartWorker } from '../core/drift/parallel';

void runProfilePartWorker();
