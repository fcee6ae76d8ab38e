/**
 * The lambda-egress construct library (package.json `main`/`types`): the `LambdaEgress` construct for a stack of
 * your own, `LambdaEgressStack` (the construct as a stack), and `useNetwork`, which points a function of yours at a
 * network through the network's SSM parameters.
 */
export { API_URL_OUTPUT, LambdaEgress, LambdaEgressStack, type LambdaEgressProps, type LambdaEgressStackProps } from './lambda-egress-stack';
export { REGISTRY_TABLE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT } from './lambda-egress-stack';
export { useNetwork } from './use-network';
export { NETWORK_PARAMETERS, NETWORK_PARAMETERS_ROOT, networkParameterName, networkParameterPath, type NetworkParameterKey } from '../functions/shared/network-parameters';
