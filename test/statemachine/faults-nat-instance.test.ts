import { describeFaultSuite } from '../support/fault-suite';

// natGateways "instance" (NAT instances on moto): its new mutating calls — the NAT instance's security group and
// its inbound rule, the fixed ENI, its source/destination check, its Elastic IP and association, the launch
// template and the Auto Scaling group — each throttled once and failed for good (rollback leaves nothing); the
// route to the ENI and the rest are the create-mode suite's.
const NAT_INSTANCE_CALLS = new Set([
  'AuthorizeSecurityGroupIngress',
  'CreateNetworkInterface',
  'ModifyNetworkInterfaceAttribute',
  'AllocateAddress',
  'AssociateAddress',
  'CreateLaunchTemplate',
  'CreateAutoScalingGroup',
]);
describeFaultSuite('createModeInstance', { part: 0, of: 1 }, (call) => NAT_INSTANCE_CALLS.has(call.action) || (call.action === 'CreateSecurityGroup' && call.nth > 1));
