import { describeFaultSuite } from '../support/fault-suite';

// The other half of faults-create.test.ts: the same clean run, every other mutating call from the second on.
describeFaultSuite('createModeWithIpv6', { part: 1, of: 2 });
