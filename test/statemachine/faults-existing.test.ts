import { describeFaultSuite } from './fault-suite';
import { existingPublicOnlyVpc } from './scenarios';

describeFaultSuite(existingPublicOnlyVpc);
