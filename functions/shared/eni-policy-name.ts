/** The narrow inline ENI policy's name on a function's role (request.keepNarrowEniPolicy): lambda-egress's namespace, one per network. */
export function narrowEniPolicyName(network: string): string {
  return `lambda-egress-eni-${network}`;
}
