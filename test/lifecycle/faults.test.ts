import { describeFaultSuite } from '../support/fault-suite';

// Every mutating call of a clean release + teardown (fault proxy: throttling and AccessDenied moto cannot produce),
// split over two files (every other call from the first on) so jest's workers share it.
describeFaultSuite('releaseAndTeardown', { part: 0, of: 2 });
