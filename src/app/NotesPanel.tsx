/**
 * Timeline notes: dated notes the analyst adds ("2025-01-19: TikTok goes dark"), drawn on every
 * time axis, listed and editable here, carried in links, snapshots and chart exports.
 */
import { memo, useState } from 'react';
import { BucketField } from '../components/fields.tsx';
import type { Annotation, ViewState } from '../state/view-state.ts';

const MAX_NOTES = 20;

/** Memoised: it redraws when the notes change. */
export const NotesPanel = memo(function NotesPanel(props: {
  annotations: ViewState['annotations'];
  update: (p: Partial<ViewState>, replace?: boolean) => void;
}) {
  const notes = props.annotations;
  const [at, setAt] = useState<string | null>(null);
  const [text, setText] = useState('');
  const set = (next: Annotation[]) =>
    props.update({ annotations: [...next].sort((a, b) => a.at.localeCompare(b.at)) });
  const add = () => {
    const t = text.trim();
    if (!at || !t) return;
    set([...notes, { at, text: t.slice(0, 120) }]);
    setText('');
  };
  return (
    <details className="notes-panel">
      <summary>Timeline notes{notes.length > 0 ? ` (${notes.length})` : ''}</summary>
      {notes.length > 0 && (
        <ul className="notes-list">
          {notes.map((n, i) => (
            <li key={`${n.at}-${i}`}>
              <span className="note-at">{n.at.replace('T', ' ')}</span>{' '}
              <input
                aria-label={`Text of the note on ${n.at.replace('T', ' ')}`}
                value={n.text}
                maxLength={120}
                onChange={(e) =>
                  e.target.value.trim() &&
                  props.update(
                    {
                      annotations: notes.map((x, j) =>
                        j === i ? { ...x, text: e.target.value } : x,
                      ),
                    },
                    true,
                  )
                }
              />{' '}
              <button
                type="button"
                className="small"
                aria-label={`Remove the note on ${n.at.replace('T', ' ')}`}
                onClick={() => set(notes.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {notes.length < MAX_NOTES ? (
        <form
          className="controls"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <BucketField label="Date" hours value={at} onChange={setAt} placeholder="2025-01-19" />
          <label>
            Note{' '}
            <input
              value={text}
              maxLength={120}
              placeholder="TikTok goes dark"
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <button type="submit" disabled={!at || !text.trim()}>
            Add note
          </button>
        </form>
      ) : (
        <p className="muted">At most {MAX_NOTES} notes.</p>
      )}
    </details>
  );
});
