/**
 * An admin route is data: method, path, schemas, access rule and handler.
 * The same list registers the Fastify routes and generates the OpenAPI
 * document, so the two cannot drift apart.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminServices } from '../../admin/services.ts';
import type { AdminPrincipal } from './admin-auth.ts';

export type JsonSchema = Record<string, unknown>;

export interface AdminResponse {
  description: string;
  schema?: JsonSchema;
  /** Media types other than application/json (exports). */
  content?: string[];
}

export interface AdminRouteContext {
  services: AdminServices;
  principal: AdminPrincipal;
  request: FastifyRequest;
  reply: FastifyReply;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the admin prefix, Fastify style (`/tenants/:tenantId`). */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** `global`: administrators of every tenant; `tenant`: administrators of the `:tenantId` in the path; `any`: any admin token (the handler filters). */
  access: 'global' | 'tenant' | 'any';
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  responses: Record<number, AdminResponse>;
  /** Returns the JSON body, or the reply after sending it itself (streams, headers). */
  handler(context: AdminRouteContext): Promise<unknown>;
}
