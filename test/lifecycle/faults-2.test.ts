import { describeFaultSuite } from '../support/fault-suite';

// The other half of faults.test.ts: the same clean run, every other mutating call from the second on.
describeFaultSuite('releaseAndTeardown', { part: 1, of: 2 });
