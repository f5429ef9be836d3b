/**
 * Inputs that validate as the analyst types: the text stays what they typed (an empty field
 * while typing is fine), an inline message says what is wrong, and only a valid value is
 * applied. Nothing typed can throw or freeze the page.
 */
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { isCalendarDate } from '../metrics/stats.ts';

interface FieldProps<T> {
  label: string;
  /** The value in force (shown when the field is not being edited). */
  value: T;
  onChange: (value: T) => void;
  /** A short hint shown under the field. */
  hint?: string;
  className?: string;
}

/** Parse typed text: the value, or a message saying why not. */
type Parse<T> = (text: string) => { ok: true; value: T } | { ok: false; message: string };

function useTypedField<T>(
  value: T,
  show: (v: T) => string,
  parse: Parse<T>,
  onChange: (v: T) => void,
) {
  // While the field is being edited it shows what was typed; otherwise the value in force (so
  // a value applied elsewhere, by a link, a reset or the brush, shows at once).
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const type = (next: string) => {
    setDraft(next);
    const parsed = parse(next);
    if (parsed.ok) {
      setError(null);
      if (show(parsed.value) !== show(value)) onChange(parsed.value);
    } else setError(parsed.message);
  };
  return {
    text: draft ?? show(value),
    error: draft === null ? null : error,
    type,
    onFocus: () => setDraft(show(value)),
    onBlur: () => {
      setDraft(null);
      setError(null);
    },
  };
}

function FieldShell(props: {
  id: string;
  label: string;
  error: string | null;
  hint?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <span className={`field${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <span id={`${props.id}-msg`} className="field-error" role="alert">
          {props.error}
        </span>
      ) : props.hint ? (
        <span id={`${props.id}-msg`} className="field-hint">
          {props.hint}
        </span>
      ) : null}
    </span>
  );
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A number within [min, max]. */
export function NumberField(
  props: FieldProps<number> & { min: number; max: number; step?: number },
) {
  const id = useId();
  const parse: Parse<number> = (text) => {
    const t = text.trim();
    if (t === '')
      return { ok: false, message: `Enter a number from ${props.min} to ${props.max}.` };
    // Decimal notation only: Number() would also read "0x10" as 16.
    const n = DECIMAL.test(t) ? Number(t) : NaN;
    if (!Number.isFinite(n)) return { ok: false, message: `"${t.slice(0, 20)}" is not a number.` };
    if (n < props.min || n > props.max)
      return { ok: false, message: `Enter a number from ${props.min} to ${props.max}.` };
    return { ok: true, value: n };
  };
  const f = useTypedField(props.value, String, parse, props.onChange);
  return (
    <FieldShell {...props} id={id} error={f.error}>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        size={5}
        value={f.text}
        aria-invalid={f.error !== null}
        aria-describedby={f.error || props.hint ? `${id}-msg` : undefined}
        onFocus={f.onFocus}
        onBlur={f.onBlur}
        onChange={(e) => f.type(e.target.value)}
      />
    </FieldShell>
  );
}

/**
 * A date (YYYY-MM-DD), or empty for "not set" when `optional`. `placeholder` shows the date in
 * use when none is set (the default range or window).
 */
export function DateField(
  props: FieldProps<string | null> & {
    optional?: boolean;
    placeholder?: string;
    min?: string;
    max?: string;
  },
) {
  const id = useId();
  const parse: Parse<string | null> = (text) => {
    const t = text.trim();
    if (t === '')
      return props.optional ? { ok: true, value: null } : { ok: false, message: 'Enter a date.' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(t))
      return { ok: false, message: 'Use the form YYYY-MM-DD, e.g. 2025-01-13.' };
    if (!isCalendarDate(t)) return { ok: false, message: `${t} is not a date in the calendar.` };
    if (props.min && t < props.min) return { ok: false, message: `Use ${props.min} or later.` };
    if (props.max && t > props.max) return { ok: false, message: `Use ${props.max} or earlier.` };
    return { ok: true, value: t };
  };
  const f = useTypedField(props.value, (v) => v ?? '', parse, props.onChange);
  return (
    <FieldShell {...props} id={id} error={f.error}>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        size={10}
        placeholder={props.placeholder ?? 'YYYY-MM-DD'}
        value={f.text}
        aria-invalid={f.error !== null}
        aria-describedby={f.error || props.hint ? `${id}-msg` : undefined}
        onFocus={f.onFocus}
        onBlur={f.onBlur}
        onChange={(e) => f.type(e.target.value)}
      />
    </FieldShell>
  );
}

/** A bucket start: a date, or a date and an hour (YYYY-MM-DD HH:00) at hour granularity. */
export function BucketField(
  props: FieldProps<string | null> & { hours: boolean; placeholder?: string },
) {
  const id = useId();
  const show = (v: string | null) => (v ?? '').replace('T', ' ');
  const parse: Parse<string | null> = (text) => {
    const t = text.trim();
    if (t === '') return { ok: true, value: null };
    const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2})(?::00)?)?$/.exec(t);
    if (!m)
      return {
        ok: false,
        message: props.hours ? 'Use YYYY-MM-DD or YYYY-MM-DD HH:00.' : 'Use YYYY-MM-DD.',
      };
    if (!isCalendarDate(m[1] as string))
      return { ok: false, message: `${m[1]} is not a date in the calendar.` };
    if (m[2] !== undefined && !props.hours)
      return { ok: false, message: 'Hours apply at hour granularity only: use YYYY-MM-DD.' };
    if (m[2] !== undefined && Number(m[2]) > 23)
      return { ok: false, message: 'Hours run from 00 to 23.' };
    return { ok: true, value: m[2] !== undefined ? `${m[1]}T${m[2]}:00` : (m[1] as string) };
  };
  const f = useTypedField(props.value, show, parse, props.onChange);
  return (
    <FieldShell {...props} id={id} error={f.error}>
      <input
        id={id}
        type="text"
        size={props.hours ? 16 : 10}
        placeholder={props.placeholder?.replace('T', ' ')}
        value={f.text}
        aria-invalid={f.error !== null}
        aria-describedby={f.error || props.hint ? `${id}-msg` : undefined}
        onFocus={f.onFocus}
        onBlur={f.onBlur}
        onChange={(e) => f.type(e.target.value)}
      />
    </FieldShell>
  );
}
