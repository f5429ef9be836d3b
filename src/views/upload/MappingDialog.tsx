/**
 * The mapping dialog: a preview of the first rows and, per column, a role, a segment (with the
 * name it is stored under: columns of several exports with one name become one column) or
 * "leave out"; the timestamp format found and the zone of naive times. Free text and identifiers
 * are left out by default, and the dialog says why. Focus returns to the button that opened it.
 */
import { useEffect, useRef, useState } from 'react';
import {
  canonicalSegment,
  mapColumns,
  rolesOf,
  segmentName,
  TIME_ROLE,
} from '../../ingest/roles.ts';
import type { Role, TableName } from '../../ingest/roles.ts';
import type { ColumnProfile } from '../../ingest/sniff.ts';
import { describeTimestamps } from '../../ingest/timestamps.ts';
import type { FileOptions } from '../../ingest/load.ts';
import { ZonePicker } from '../../components/ZonePicker.tsx';
import { LongText } from '../../tables/LongText.tsx';

/** A column's choice in the dialog: a role of the table, a segment, or left out. */
type Choice = Role | 'segment' | 'ignore';

export interface MappingDialogProps {
  fileName: string;
  table: TableName;
  headers: string[];
  preview: string[][];
  profiles: ColumnProfile[];
  options: FileOptions;
  onApply: (options: FileOptions) => void;
  onClose: () => void;
}

/** The current choice per column, from the file's options (overrides, ignored) and synonyms. */
function initialChoices(table: TableName, headers: string[], options: FileOptions): Choice[] {
  const mapping = mapColumns(table, headers, options.overrides, options.ignored);
  return headers.map((h, i) => {
    if (options.ignored?.includes(h)) return 'ignore';
    const role = (Object.entries(mapping.roles) as [Role, number][]).find(
      ([, idx]) => idx === i,
    )?.[0];
    return role ?? 'segment';
  });
}

/** The name a segment column is stored under when the analyst does not give one. */
const defaultName = (header: string) => canonicalSegment(header) ?? segmentName(header);

export function MappingDialog(props: MappingDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [choices, setChoices] = useState<Choice[]>(() =>
    initialChoices(props.table, props.headers, props.options),
  );
  const [names, setNames] = useState<Record<string, string>>(
    () => props.options.segmentNames ?? {},
  );
  const [zone, setZone] = useState(props.options.timeZone ?? 'UTC');
  const roles = rolesOf(props.table);
  const titleId = `mapping-title-${props.fileName.replace(/[^a-z0-9]/gi, '-')}`;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      // Back to the control that opened the dialog (Esc, Cancel or Apply alike).
      opener?.focus();
    };
  }, []);

  const timeIndex = choices.indexOf(TIME_ROLE[props.table]);
  const format =
    timeIndex >= 0
      ? describeTimestamps(props.preview.map((r) => r[timeIndex] ?? ''))
      : 'no time column chosen';
  const duplicates = roles.filter((r) => choices.filter((c) => c === r).length > 1);

  const choose = (i: number, c: Choice) =>
    setChoices((all) =>
      all.map((x, j) =>
        j === i ? c : c !== 'segment' && c !== 'ignore' && x === c ? 'segment' : x,
      ),
    );

  const apply = () => {
    const overrides: Partial<Record<Role, string>> = {};
    for (const role of roles) {
      const i = choices.indexOf(role);
      // '' unmaps a role so synonyms cannot bring it back.
      overrides[role] = i >= 0 ? (props.headers[i] as string) : '';
    }
    const ignored = props.headers.filter((_, i) => choices[i] === 'ignore');
    const segmentNames = Object.fromEntries(
      props.headers.flatMap((h, i) => {
        const given = (names[h] ?? '').trim();
        return choices[i] === 'segment' && given && segmentName(given) !== defaultName(h)
          ? [[h, given]]
          : [];
      }),
    );
    props.onApply({ ...props.options, overrides, ignored, timeZone: zone, segmentNames });
  };

  return (
    <dialog ref={ref} aria-labelledby={titleId} className="mapping-dialog" onCancel={props.onClose}>
      <h2 id={titleId}>Columns of {props.fileName}</h2>
      <p className="muted">
        Feeds the <strong>{props.table}</strong> table. Required:{' '}
        {roles.filter((r) => r !== 'post_id').join(', ')}. Other columns are kept as segments
        (filters and breakdowns) under the name shown; give two exports' columns the same name to
        merge them. Free text and identifiers are left out unless you keep them.
      </p>
      <div className="table-scroll">
        <table>
          <caption>Preview: the first {props.preview.length} rows</caption>
          <thead>
            <tr>
              {props.headers.map((h, i) => {
                const profile = props.profiles[i];
                const choice = choices[i];
                return (
                  <th key={i} scope="col">
                    <div className="cell-text" title={h}>
                      {h}
                    </div>
                    <select
                      aria-label={`Role of ${h}`}
                      value={choice}
                      onChange={(e) => choose(i, e.target.value as Choice)}
                    >
                      <option value="segment">segment</option>
                      <option value="ignore">leave out</option>
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                    {choice === 'segment' && (
                      <input
                        className="segment-name"
                        aria-label={`Segment name of ${h}`}
                        value={names[h] ?? defaultName(h)}
                        maxLength={64}
                        onChange={(e) => setNames((n) => ({ ...n, [h]: e.target.value }))}
                      />
                    )}
                    {profile?.reason && (
                      <div className="field-hint">
                        {choice === 'ignore' ? 'Left out: ' : 'Kept, though it '}
                        {profile.reason}.
                      </div>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {props.preview.map((row, r) => (
              <tr key={r}>
                {props.headers.map((_, c) => (
                  <td key={c} className="raw">
                    <LongText text={row[c] ?? ''} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        Timestamp format found: <strong data-testid="timestamp-format">{format}</strong>
      </p>
      <ZonePicker label="Time zone of naive timestamps" value={zone} onChange={setZone} />
      {duplicates.length > 0 && (
        <p className="error">Each role takes one column: {duplicates.join(', ')}.</p>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={duplicates.length > 0} onClick={apply}>
          Apply
        </button>
      </div>
    </dialog>
  );
}
