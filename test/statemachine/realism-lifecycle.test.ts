import { describeRealismScenarios } from './realism-cases';

// NAT instances, and a release + teardown (single NAT, alarms, a lingering Lambda ENI), under the realism profile.
describeRealismScenarios(['createModeInstance', 'releaseAndTeardown']);
