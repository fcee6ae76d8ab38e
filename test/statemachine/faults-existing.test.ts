import { describeFaultSuite } from '../support/fault-suite';

// The existing-VPC matrix is split over two files (every other mutating call from the first on) so jest's workers share it.
describeFaultSuite('existingPublicOnlyVpc', { part: 0, of: 2 });
