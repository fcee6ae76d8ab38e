/**
 * The routes of a synthesized API Gateway REST API and of an OpenAPI document, as `METHOD /path`, and what one has
 * that the other lacks: the contract test holds docs/openapi.json to the template both ways.
 */
type Resource = { Type: string; Properties?: Record<string, unknown> };
interface RouteDifference {
  /** Deployed, and the document does not describe it. */
  readonly undocumented: string[];
  /** Documented, and the template deploys no such route. */
  readonly undeployed: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `AWS::ApiGateway::Method` of a template as `METHOD /path` (the path from its resource's PathPart chain). */
export function templateRoutes(resources: Readonly<Record<string, Resource>>): string[] {
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string } | undefined)?.Ref;
    if (id === undefined) return ''; // Fn::GetAtt [RestApi, RootResourceId]: the root
    const resource = resources[id];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`a method's resource ${id} is no AWS::ApiGateway::Resource`);
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
    .map((method) => `${String(method.Properties?.HttpMethod)} ${pathOf(method.Properties?.ResourceId) || '/'}`)
    .sort();
}

/** Every operation of an OpenAPI document as `METHOD /path`. */
export function documentRoutes(document: { readonly paths?: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) => Object.keys(item).filter((key) => HTTP_METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

export function routeDifference(deployed: readonly string[], documented: readonly string[]): RouteDifference {
  return { undocumented: deployed.filter((route) => !documented.includes(route)), undeployed: documented.filter((route) => !deployed.includes(route)) };
}
