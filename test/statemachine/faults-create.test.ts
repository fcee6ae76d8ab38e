import { describeFaultSuite } from './fault-suite';
import { createModeWithIpv6 } from './scenarios';

describeFaultSuite(createModeWithIpv6);
