import { describeFaultSuite } from '../support/fault-suite';

// natGateways "regional" (regional NAT gateway answered by the fault proxy): its new mutating call, the regional
// CreateNatGateway, throttled once and failed for good; the routes to it and the rest are the create-mode suite's.
describeFaultSuite('createModeRegional', { part: 0, of: 1 }, (call) => call.action === 'CreateNatGateway');
