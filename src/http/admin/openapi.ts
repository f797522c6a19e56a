/**
 * The OpenAPI 3.1 document of the admin API, generated from the same route
 * list (and schemas) that registers the routes. OpenAPI 3.1 speaks JSON
 * Schema 2020-12, so the request schemas are used as they are.
 *
 * @see https://spec.openapis.org/oas/v3.1.0
 */
import type { AdminRoute } from './admin-route.ts';

export function openApiDocument(routes: readonly AdminRoute[], prefix: string, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = prefix + route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...Object.keys((route.params?.properties as object | undefined) ?? {}).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries((route.query?.properties as Record<string, Record<string, unknown>> | undefined) ?? {}).map(([name, schema]) => ({
        name, in: 'query', required: false, description: schema.description, schema: { ...schema, description: undefined },
      })),
    ];
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { [Number(status) >= 400 && Number(status) !== 401 && Number(status) !== 403 ? 'application/problem+json' : 'application/json']: { schema: response.schema } } }
              : response.content
                ? { content: Object.fromEntries(response.content.map((type) => [type, {}])) }
                : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera admin API',
      version,
      description: 'Manage tenants, clients, users, access numbers and exports. Every route needs a Bearer token issued by Tessera with the `admin` scope (or `admin:<tenant>`).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token from Tessera’s token endpoint with the admin scope' } } },
    paths,
  };
}
