import { describeRealismScenarios } from './realism-cases';

// Provision scenarios (create + IPv6, existing VPC with alarms, regional NAT) under the realism profile.
describeRealismScenarios(['createModeWithIpv6', 'existingPublicOnlyVpc', 'createModeRegional']);
