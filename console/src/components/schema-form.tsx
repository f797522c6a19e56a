/**
 * A form whose fields, choices, help texts and checks come from an admin API
 * operation's request schema (see schema.ts). The page picks the fields and
 * their labels; the schema decides what a valid value is, and the server's
 * problem details land beside the field they name.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';
import { bodySchema, isRequired, schemaAt, validate, type Schema, type Violation } from '../schema.ts';
import { ErrorBox } from './messages.tsx';
import { HelpText } from './help-text.tsx';

export interface FieldSpec {
  /** Dotted path in the request body (`loginPolicy.lockout.maxFailures`). */
  name: string;
  label: string;
  /** `password` hides the value; string lists take items separated by commas or spaces, `comma-list` by commas only (phone numbers hold spaces). */
  input?: 'password' | 'comma-list';
  autocomplete?: string;
  /** Extra help after the schema's own description. */
  hint?: string;
}

type Raw = string | boolean | string[];

export interface SchemaFormProps {
  operationId: string;
  fields: FieldSpec[];
  /** Current values (edit forms); only changed fields are sent when `changedOnly`. */
  initial?: Record<string, unknown>;
  changedOnly?: boolean;
  submitLabel: string;
  /** Field values to set as the operator types another (a tenant's issuer from its id). */
  derive?: (name: string, value: Raw, values: Record<string, Raw>) => Record<string, Raw> | undefined;
  onSubmit(body: Record<string, unknown>): Promise<void>;
  children?: ComponentChildren;
  /** Accessible name of the form. */
  title: string;
}

let formCount = 0;

export function SchemaForm(props: SchemaFormProps) {
  const [schema, setSchema] = useState<Schema | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  // What the operator typed, over the values the form starts from; typing is kept until the starting values change.
  const [edits, setEdits] = useState<{ base: unknown; values: Record<string, Raw> }>({ base: undefined, values: {} });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const id = useRef(`f${++formCount}`).current;
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    bodySchema(props.operationId).then(setSchema, setLoadError);
  }, [props.operationId]);
  const initialKey = JSON.stringify(props.initial ?? {});
  const base = useMemo(
    () => (schema === undefined ? {} : Object.fromEntries(props.fields.map((f) => [f.name, toRaw(schemaAt(schema, f.name) ?? {}, valueAt(props.initial, f.name), f)]))),
    [schema, initialKey],
  );
  const values: Record<string, Raw> = edits.base === base ? { ...base, ...edits.values } : base;
  useEffect(() => setErrors({}), [base]);

  if (loadError !== undefined) return <ErrorBox error={loadError} />;
  if (schema === undefined) return <p aria-busy="true">Loading the form…</p>;

  const set = (name: string, value: Raw) =>
    setEdits((e) => {
      const current = e.base === base ? { ...base, ...e.values } : base;
      const next = { ...current, [name]: value };
      return { base, values: { ...(e.base === base ? e.values : {}), [name]: value, ...(props.derive?.(name, value, next) ?? {}) } };
    });

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(undefined);
    const body: Record<string, unknown> = {};
    for (const f of props.fields) {
      const member = schemaAt(schema, f.name) ?? {};
      const value = fromRaw(member, values[f.name] ?? '', f);
      const before = valueAt(props.initial, f.name);
      if (value === undefined) continue;
      if (props.changedOnly && JSON.stringify(value) === JSON.stringify(before ?? (member.type === 'boolean' ? undefined : emptyOf(member)))) continue;
      setAt(body, f.name, value);
    }
    const found = validate(schema, body);
    const byField = placeViolations(found, props.fields);
    setErrors(byField.fields);
    if (byField.rest.length > 0) setFormError(new Error(byField.rest.map((v) => `${v.field}: ${v.message}`).join('; ')));
    if (found.length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(body);
    } catch (error) {
      const field = error instanceof ApiError && error.field !== undefined ? fieldFor(error.field, props.fields) : undefined;
      if (field !== undefined) {
        setErrors({ [field]: (error as ApiError).message });
        focusFirstInvalid(formRef.current);
      } else {
        setFormError(error);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={props.title} class="form">
      {props.fields.map((f) => (
        <Field key={f.name} formId={id} spec={f} schema={schemaAt(schema, f.name) ?? {}} required={isRequired(schema, f.name)} value={values[f.name] ?? ''} error={errors[f.name]} onChange={(v) => set(f.name, v)} />
      ))}
      {props.children}
      {formError !== undefined && <ErrorBox error={formError} />}
      <div class="actions">
        <button type="submit" disabled={busy}>{busy ? 'Working…' : props.submitLabel}</button>
      </div>
    </form>
  );
}

function Field(props: { formId: string; spec: FieldSpec; schema: Schema; required: boolean; value: Raw; error: string | undefined; onChange(value: Raw): void }) {
  const { spec, schema } = props;
  const id = `${props.formId}-${spec.name.replaceAll('.', '-')}`;
  const help = [schema.description, spec.hint].filter(Boolean).map((t) => (/[.!?]$/.test(t!) ? t : `${t}.`)).join(' ');
  const describedBy = [help ? `${id}-help` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: spec.name, 'aria-describedby': describedBy, 'aria-invalid': props.error ? 'true' : undefined, required: props.required } as const;
  const kind = kindOf(schema);
  let control;
  if (kind === 'boolean') {
    return (
      <div class={`field check${props.error ? ' invalid' : ''}`}>
        <input type="checkbox" {...common} checked={props.value === true} onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)} />
        <label for={id}>{spec.label}</label>
        {help && <p id={`${id}-help`} class="help"><HelpText text={help} /></p>}
        {props.error && <p id={`${id}-error`} class="error-text">{props.error}</p>}
      </div>
    );
  }
  if (kind === 'choices') {
    const chosen = props.value as string[];
    return (
      <fieldset class={`field${props.error ? ' invalid' : ''}`} aria-describedby={describedBy}>
        <legend>{spec.label}</legend>
        {(schema.items?.enum as string[]).map((option) => (
          <label class="inline" key={option}>
            <input type="checkbox" name={spec.name} value={option} checked={chosen.includes(option)}
              onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked ? [...chosen, option] : chosen.filter((c) => c !== option))} />
            {option}
          </label>
        ))}
        {help && <p id={`${id}-help`} class="help"><HelpText text={help} /></p>}
        {props.error && <p id={`${id}-error`} class="error-text">{props.error}</p>}
      </fieldset>
    );
  }
  if (kind === 'enum') {
    control = (
      <select {...common} value={props.value as string} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {!props.required && <option value="">(default)</option>}
        {(schema.enum as string[]).map((option) => <option key={option} value={option}>{option}</option>)}
      </select>
    );
  } else {
    const type = spec.input === 'password' ? 'password' : kind === 'integer' ? 'number' : schema.format === 'uri' ? 'url' : 'text';
    control = (
      // Preact's typings tie the other attributes to one literal type; this input's type varies with the schema.
      <input {...common} type={type as 'text'} value={props.value as string} autocomplete={spec.autocomplete ?? 'off'} spellcheck={false}
        {...(kind === 'integer' ? { inputMode: 'numeric', min: schema.minimum, max: schema.maximum, step: 1 } : {})}
        onInput={(e) => props.onChange((e.currentTarget as HTMLInputElement).value)} />
    );
  }
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={id}>{spec.label}{props.required && <span aria-hidden="true" class="req"> *</span>}{kind === 'list' && <span class="muted">{spec.input === 'comma-list' ? ' (separate with commas)' : ' (separate with commas or spaces)'}</span>}</label>
      {control}
      {help && <p id={`${id}-help`} class="help"><HelpText text={help} /></p>}
      {props.error && <p id={`${id}-error`} class="error-text">{props.error}</p>}
    </div>
  );
}

type Kind = 'boolean' | 'choices' | 'enum' | 'integer' | 'list' | 'text';

function kindOf(schema: Schema): Kind {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('boolean')) return 'boolean';
  if (types.includes('array')) return schema.items?.enum !== undefined ? 'choices' : 'list';
  if (schema.enum !== undefined) return 'enum';
  if (types.includes('integer')) return 'integer';
  return 'text';
}

function emptyOf(schema: Schema): unknown {
  const kind = kindOf(schema);
  return kind === 'list' || kind === 'choices' ? [] : undefined;
}

function toRaw(schema: Schema, value: unknown, _spec: FieldSpec): Raw {
  const kind = kindOf(schema);
  if (kind === 'boolean') return value === true;
  if (kind === 'choices') return Array.isArray(value) ? value.map(String) : [];
  if (kind === 'list') return Array.isArray(value) ? value.join(', ') : '';
  return value === undefined || value === null ? '' : String(value);
}

/** The typed value a raw input stands for; undefined leaves the member out. */
function fromRaw(schema: Schema, raw: Raw, spec: FieldSpec): unknown {
  const kind = kindOf(schema);
  const nullable = Array.isArray(schema.type) && schema.type.includes('null');
  if (kind === 'boolean') return raw === true;
  if (kind === 'choices') return raw;
  if (kind === 'list') return String(raw).split(spec.input === 'comma-list' ? ',' : /[\s,]+/).map((s) => s.trim()).filter((s) => s !== '');
  const text = String(raw).trim();
  if (text === '') return nullable ? null : undefined;
  // A number the operator typed stays text when it is not a whole number, so the schema check names it.
  if (kind === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  return text;
}

function valueAt(object: Record<string, unknown> | undefined, path: string): unknown {
  let at: unknown = object;
  for (const name of path.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[name] : undefined;
  return at;
}

function setAt(object: Record<string, unknown>, path: string, value: unknown): void {
  const names = path.split('.');
  const last = names.pop()!;
  let at = object;
  for (const name of names) at = (at[name] ??= {}) as Record<string, unknown>;
  at[last] = value;
}

/** The form field a server or schema field name belongs to (`scopes[2]` → `scopes`). */
function fieldFor(field: string, fields: FieldSpec[]): string | undefined {
  const normalised = field.replace(/\[\d+\]/g, '').replace(/\.\d+(?=\.|$)/g, '');
  return fields.map((f) => f.name).filter((name) => normalised === name || normalised.startsWith(`${name}.`)).sort((a, b) => b.length - a.length)[0];
}

function placeViolations(violations: Violation[], fields: FieldSpec[]): { fields: Record<string, string>; rest: Violation[] } {
  const byField: Record<string, string> = {};
  const rest: Violation[] = [];
  for (const v of violations) {
    const field = fieldFor(v.field, fields);
    if (field === undefined) rest.push(v);
    else byField[field] ??= v.field === field ? v.message : `${v.field}: ${v.message}`;
  }
  return { fields: byField, rest };
}

function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"], .invalid input')?.focus());
}
