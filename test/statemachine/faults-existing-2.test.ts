import { describeFaultSuite } from '../support/fault-suite';

// The other half of faults-existing.test.ts: the same clean run, every other mutating call from the second on.
describeFaultSuite('existingPublicOnlyVpc', { part: 1, of: 2 });
