import { describeFaultSuite } from '../support/fault-suite';

// The create-mode matrix is split over two files (every other mutating call from the first on) so jest's workers share it.
describeFaultSuite('createModeWithIpv6', { part: 0, of: 2 });
