/**
 * A time zone from the full IANA list, searchable: type to narrow the list (the browser's zone
 * first, then UTC). Focusing the field empties it (the zone in force stays as its placeholder), so
 * the list can be browsed whole with the arrow keys; leaving it untouched keeps the zone. Only a
 * zone the browser knows is applied; anything else says so inline.
 */
import { useId, useMemo, useState } from 'react';
import { orderedTimeZones } from '../format/format.ts';
import { isValidZone } from '../metrics/time-zone.ts';

export function ZonePicker(props: {
  label: string;
  value: string;
  onChange: (zone: string) => void;
}) {
  const id = useId();
  const zones = useMemo(() => orderedTimeZones(props.value), [props.value]);
  // What was typed while editing; otherwise the zone in force.
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const text = draft ?? props.value;
  const type = (next: string) => {
    setDraft(next);
    const t = next.trim();
    if (t === '') {
      // Browsing the whole list again: nothing chosen yet, the zone in force stays.
      setError(null);
      return;
    }
    const match = zones.find((z) => z.toLowerCase() === t.toLowerCase());
    if (match || isValidZone(t)) {
      setError(null);
      const zone = match ?? t;
      if (zone !== props.value) props.onChange(zone);
    } else setError(`"${t.slice(0, 40)}" is not a time zone this browser knows.`);
  };
  return (
    <span className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        list={`${id}-zones`}
        value={text}
        size={22}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.value}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-msg` : `${id}-hint`}
        onFocus={() => setDraft('')}
        onBlur={() => {
          setDraft(null);
          setError(null);
        }}
        onChange={(e) => type(e.target.value)}
      />
      <datalist id={`${id}-zones`}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <span id={`${id}-hint`} className="visually-hidden">
        {`${props.value} is in force. Type to search ${zones.length} zones, or use the arrow keys to browse them.`}
      </span>
      {draft !== null && error && (
        <span id={`${id}-msg`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
