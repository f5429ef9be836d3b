/** Loading when data exists is a choice: replace it, or add to it. */
import { useEffect, useRef } from 'react';

export function LoadChoice(props: {
  what: string;
  onReplace: () => void;
  onAdd: () => void;
  onCancel: () => void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div className="load-choice" role="group" aria-label={`Load ${props.what}`}>
      <p>Data is already loaded. Load {props.what}:</p>
      <button ref={first} type="button" className="primary" onClick={props.onReplace}>
        Replace the current data
      </button>{' '}
      <button type="button" onClick={props.onAdd}>
        Add to the current data
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
