/**
 * The console's forms are checked against the admin API's own JSON Schemas,
 * read at run time from its OpenAPI document (`/admin/v1/openapi.json`): the
 * same schemas the server validates requests with. Labels' help texts,
 * choices (enums) and required marks come from there too. What the schemas
 * do not say (a service's own checks) comes back as an RFC 9457 problem naming
 * the field, which the form shows beside that field.
 *
 * The validator interprets the JSON Schema keywords the admin API uses; it
 * compiles nothing, so the page needs no `unsafe-eval` in its CSP.
 *
 * @see https://json-schema.org/draft/2020-12/json-schema-validation
 */
import { ADMIN } from './api.ts';

export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minProperties?: number;
  description?: string;
};

interface Operation {
  operationId: string;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  parameters?: { name: string; in: string; schema: Schema; description?: string }[];
}

let operations: Promise<Map<string, Operation>> | undefined;

/** The OpenAPI document's operations by operationId, fetched once (the document needs no token). */
export function loadOperations(): Promise<Map<string, Operation>> {
  operations ??= (async () => {
    const response = await fetch(`${ADMIN}/openapi.json`, { credentials: 'omit' });
    if (!response.ok) throw new Error(`the admin API's OpenAPI document could not be read (${response.status})`);
    const document = (await response.json()) as { paths: Record<string, Record<string, Operation>> };
    const byId = new Map<string, Operation>();
    for (const methods of Object.values(document.paths)) for (const op of Object.values(methods)) byId.set(op.operationId, op);
    return byId;
  })();
  operations.catch(() => (operations = undefined));
  return operations;
}

/** The JSON request body schema of an operation. */
export async function bodySchema(operationId: string): Promise<Schema> {
  const op = (await loadOperations()).get(operationId);
  const schema = op?.requestBody?.content['application/json'].schema;
  if (schema === undefined) throw new Error(`the admin API has no request body for ${operationId}`);
  return schema;
}

/** The query parameters of an operation, as one object schema. */
export async function querySchema(operationId: string): Promise<Schema> {
  const op = (await loadOperations()).get(operationId);
  if (op === undefined) throw new Error(`the admin API has no operation ${operationId}`);
  const properties: Record<string, Schema> = {};
  for (const p of op.parameters ?? []) if (p.in === 'query') properties[p.name] = { ...p.schema, ...(p.description ? { description: p.description } : {}) };
  return { type: 'object', additionalProperties: false, properties };
}

/** Whether an operation exists in the server's document (features that later versions add). */
export async function hasOperation(operationId: string): Promise<boolean> {
  return (await loadOperations()).has(operationId);
}

/** The schema of a member at a dotted path (`loginPolicy.lockout.maxFailures`). */
export function schemaAt(schema: Schema, path: string): Schema | undefined {
  let at: Schema | undefined = schema;
  for (const name of path.split('.')) at = at?.properties?.[name];
  return at;
}

export function isRequired(schema: Schema, path: string): boolean {
  const names = path.split('.');
  const last = names.pop()!;
  const parent = names.length === 0 ? schema : schemaAt(schema, names.join('.'));
  return parent?.required?.includes(last) ?? false;
}

export interface Violation {
  /** Named as the server names fields: dotted members, `[i]` for list items. */
  field: string;
  message: string;
}

/** Every violation of `schema` by `value`. */
export function validate(schema: Schema, value: unknown, field = ''): Violation[] {
  const out: Violation[] = [];
  const fail = (message: string, at = field) => out.push({ field: at || 'request', message });
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types !== undefined && !types.some((t) => hasType(value, t))) {
    fail(`must be ${types.map(typeName).join(' or ')}`);
    return out;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) fail(`must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be ${schema.minimum} or more`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be ${schema.maximum} or less`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`must have at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) fail('has characters or a shape the server refuses');
    if (schema.format === 'uri' && !URL.canParse(value)) fail('must be a URL');
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) fail('must be a date and time');
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => out.push(...validate(schema.items!, item, `${field}[${i}]`)));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const member = (name: string) => (field === '' ? name : `${field}.${name}`);
    for (const name of schema.required ?? []) if (object[name] === undefined) fail('is required', member(name));
    if (schema.minProperties !== undefined && Object.keys(object).length < schema.minProperties) fail('nothing was changed');
    for (const [name, v] of Object.entries(object)) {
      const sub = schema.properties?.[name];
      if (sub !== undefined) out.push(...validate(sub, v, member(name)));
      else if (schema.additionalProperties === false) fail('is not a known field', member(name));
    }
  }
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'array': return Array.isArray(value);
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    default: return typeof value === type;
  }
}

function typeName(type: string): string {
  return { integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', array: 'a list', object: 'an object', null: 'empty' }[type] ?? type;
}
