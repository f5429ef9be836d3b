/** The mapping dialog: a preview of the first rows and a role, format and zone per file. */
import { useEffect, useRef, useState } from 'react';
import { mapColumns, rolesOf, TIME_ROLE } from '../../ingest/roles.ts';
import type { Role, TableName } from '../../ingest/roles.ts';
import { describeTimestamps } from '../../ingest/timestamps.ts';
import type { FileOptions } from '../../ingest/load.ts';
import { COMMON_ZONES } from '../../metrics/time-zone.ts';

const ZONE_CHOICES = COMMON_ZONES;

/** A column's choice in the dialog: a role of the table, a segment, or ignored. */
type Choice = Role | 'segment' | 'ignore';

export interface MappingDialogProps {
  fileName: string;
  table: TableName;
  headers: string[];
  preview: string[][];
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

export function MappingDialog(props: MappingDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [choices, setChoices] = useState<Choice[]>(() =>
    initialChoices(props.table, props.headers, props.options),
  );
  const [zone, setZone] = useState(props.options.timeZone ?? 'UTC');
  const roles = rolesOf(props.table);
  const titleId = `mapping-title-${props.fileName.replace(/[^a-z0-9]/gi, '-')}`;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
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
    props.onApply({ ...props.options, overrides, ignored, timeZone: zone });
  };

  return (
    <dialog ref={ref} aria-labelledby={titleId} className="mapping-dialog" onCancel={props.onClose}>
      <h2 id={titleId}>Columns of {props.fileName}</h2>
      <p className="muted">
        Feeds the <strong>{props.table}</strong> table. Required:{' '}
        {roles.filter((r) => r !== 'post_id').join(', ')}. Other columns are kept as segments unless
        ignored.
      </p>
      <div className="data-table">
        <table>
          <caption>Preview: the first {props.preview.length} rows</caption>
          <thead>
            <tr>
              {props.headers.map((h, i) => (
                <th key={i} scope="col">
                  <div>{h}</div>
                  <select
                    aria-label={`Role of ${h}`}
                    value={choices[i]}
                    onChange={(e) => choose(i, e.target.value as Choice)}
                  >
                    <option value="segment">segment</option>
                    <option value="ignore">ignore</option>
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.preview.map((row, r) => (
              <tr key={r}>
                {props.headers.map((_, c) => (
                  <td key={c} className="raw">
                    {row[c] ?? ''}
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
      <label>
        Time zone of naive timestamps{' '}
        <select value={zone} onChange={(e) => setZone(e.target.value)}>
          {(ZONE_CHOICES.includes(zone) ? ZONE_CHOICES : [zone, ...ZONE_CHOICES]).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
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
