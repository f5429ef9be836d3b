/**
 * Share what you see: copy the link, make a snapshot link (or file when too long). Snapshots
 * fold every count under k people (a setting here, 5 by default) into Other or hide it, and
 * sharing a view broken down or filtered by a column whose values are mostly distinct asks first.
 * Every link is built on the app's own origin and path (share/app-url.ts).
 */
import { useId, useState } from 'react';
import { MAX_SNAPSHOT_URL, SNAPSHOT_PREFIX, encodeSnapshot } from '../share/snapshot.ts';
import { SNAPSHOT_NOTE_MAX, SNAPSHOT_TITLE_MAX } from '../share/snapshot-schema.ts';
import { DEFAULT_K, MAX_K, MIN_K, clampK, shareableEntries } from '../share/snapshot-privacy.ts';
import { columnsInView, mostlyDistinct, riskText } from '../share/share-checks.ts';
import { appLink } from '../share/app-url.ts';
import { downloadText } from '../share/download.ts';
import { serializeViewState } from '../state/view-state.ts';
import type { ViewState } from '../state/view-state.ts';
import { browserEngine } from '../db/browser-engine.ts';
import { withCubes } from '../hooks/cube-session.ts';
import { useQueryContext } from '../hooks/use-analysis.ts';
import { isSnapshotOpen, mountedResults } from '../hooks/use-query.ts';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

const K_STORE = 'surgescope.snapshot-k';

/** The analyst's k, kept in this browser. */
function storedK(): number {
  try {
    const k = Number(localStorage.getItem(K_STORE));
    return k ? clampK(k) : DEFAULT_K;
  } catch {
    return DEFAULT_K;
  }
}

type Action = 'link' | 'snapshot';

export function ShareBar(props: {
  state: ViewState;
  version: number;
  /** Why no snapshot can be made now, or null when one can. */
  snapshotOff: string | null;
}) {
  const canSnapshot = props.snapshotOff === null;
  const id = useId();
  const ctx = useQueryContext(props.state, props.version);
  const [message, setMessageText] = useState('');
  /** The view (and data) the message, link or snapshot file shown were made for. */
  const [madeFor, setMadeFor] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [tooLong, setTooLong] = useState<string | null>(null);
  const [k, setK] = useState(storedK);
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const [kText, setKText] = useState(String(k));
  /** A warning waiting for "Share anyway", for the view it was made for. */
  const [warning, setWarning] = useState<{
    action: Action;
    /** The view (`viewKey`) it was given for. */
    view: string;
    lines: string[];
  } | null>(null);
  const search = serializeViewState(props.state);
  const viewKey = `${props.version}:${search}`;
  /** Say what a button did, for the view it did it for. */
  const setMessage = (text: string) => {
    setMessageText(text);
    setMadeFor(viewKey);
  };
  // Once the view changes, a link made before is the previous view's: show none of it.
  const fresh = madeFor === viewKey;

  /** Warnings for this view's mostly distinct columns (none in a snapshot: no data to ask). */
  const risks = async (action: Action): Promise<string[]> => {
    if (isSnapshotOpen() || !ctx.data) return [];
    const uses = columnsInView(props.state, ctx.data.schema, action === 'link');
    if (uses.length === 0) return [];
    const engine = await browserEngine();
    return riskText(await mostlyDistinct(engine, await withCubes(engine, ctx.data), uses));
  };

  /** Run `action` once the analyst has seen any warning for it. */
  const share = async (action: Action, confirmed: boolean) => {
    if (!confirmed) {
      const lines = await risks(action).catch(() => [
        'Surgescope could not check whether the columns this view uses can identify people.',
      ]);
      if (lines.length > 0) {
        setLink(null);
        setTooLong(null);
        setMessage('');
        setWarning({ action, view: viewKey, lines });
        return;
      }
    }
    setWarning(null);
    if (action === 'link') await copyLink();
    else await makeSnapshot();
  };

  const copyLink = async () => {
    const url = appLink(search);
    setLink(url);
    setTooLong(null);
    setMessage((await copy(url)) ? 'Link copied.' : 'Copy the link below.');
  };

  const makeSnapshot = async () => {
    let encoded: string;
    let folded = '';
    try {
      const { entries, folding, seriesHidden } = shareableEntries(mountedResults(), k);
      encoded = await encodeSnapshot({
        v: 1,
        created: new Date().toISOString(),
        search,
        fingerprint: props.state.fingerprint,
        version: props.version,
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        privacy: folding,
        entries: entries.map((e) => [e.key, e.value]),
      });
      if (folding.folded + folding.hidden > 0)
        folded = ` Counts under ${folding.k} people: ${folding.folded} folded into Other, ${folding.hidden} hidden.`;
      if (props.state.detectInSegment && props.state.filters.length > 0 && seriesHidden > 0)
        folded += ` Waves are detected in this segment, and ${seriesHidden} of its buckets count fewer than ${folding.k} people: the snapshot detects its waves without them, so they can differ from these.`;
    } catch (err) {
      setLink(null);
      setTooLong(null);
      setMessage(err instanceof Error ? err.message : String(err));
      return;
    }
    const url = appLink(search, `${SNAPSHOT_PREFIX}${encoded}`);
    if (url.length > MAX_SNAPSHOT_URL) {
      setLink(null);
      setTooLong(encoded);
      setMessage(
        `This snapshot is ${Math.round(url.length / 1024)} KB, too long for a link that every browser and chat tool keeps intact. Download it as a file instead; open it from the Data tab.${folded}`,
      );
      return;
    }
    setTooLong(null);
    setLink(url);
    setMessage(
      ((await copy(url))
        ? 'Snapshot link copied: it opens read-only, with no data needed.'
        : 'Copy the snapshot link below.') + folded,
    );
  };

  const changeK = (text: string) => {
    setKText(text);
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) return;
    const next = clampK(n);
    setK(next);
    try {
      localStorage.setItem(K_STORE, String(next));
    } catch {
      // Private mode without storage: the setting lasts for this page.
    }
  };

  // A warning is for the view it was given for: another view asks again.
  const shownWarning = warning && warning.view === viewKey ? warning : null;

  return (
    <div className="share-bar" role="group" aria-label="Share">
      <button type="button" onClick={() => void share('link', false)}>
        Copy link
      </button>
      <button
        type="button"
        disabled={!canSnapshot}
        aria-describedby={canSnapshot ? undefined : `${id}-snapshot-off`}
        title={props.snapshotOff ?? undefined}
        onClick={() => void share('snapshot', false)}
      >
        Snapshot link
      </button>
      {!canSnapshot && (
        <span id={`${id}-snapshot-off`} className="visually-hidden">
          {props.snapshotOff}
        </span>
      )}
      <label title="In a snapshot, every count of fewer people than this is folded into Other or hidden">
        Snapshot hides counts under{' '}
        <input
          type="number"
          inputMode="numeric"
          min={MIN_K}
          max={MAX_K}
          step={1}
          value={kText}
          aria-describedby={`${id}-k`}
          style={{ width: '4.5em' }}
          onChange={(e) => changeK(e.target.value)}
          onBlur={() => setKText(String(k))}
        />{' '}
        people
      </label>
      <span id={`${id}-k`} className="visually-hidden">
        k: counts of fewer people than this are folded into Other or hidden in snapshots
      </span>
      {canSnapshot && (
        <details className="snapshot-text">
          <summary>Title and note</summary>
          <label>
            Snapshot title{' '}
            <input
              type="text"
              value={title}
              maxLength={SNAPSHOT_TITLE_MAX}
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>{' '}
          <label>
            Snapshot note{' '}
            <textarea
              value={note}
              rows={2}
              maxLength={SNAPSHOT_NOTE_MAX}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
        </details>
      )}
      {fresh && tooLong && (
        <button
          type="button"
          onClick={() => downloadText('surgescope-snapshot.txt', tooLong, 'text/plain')}
        >
          Download snapshot file
        </button>
      )}
      <span role="status" className="muted">
        {fresh ? message : ''}
      </span>
      {shownWarning && (
        <div
          className="notice"
          role="alertdialog"
          aria-labelledby={`${id}-warn-title`}
          aria-describedby={`${id}-warn-text`}
          data-testid="share-warning"
          style={{ flex: '1 1 100%', flexWrap: 'wrap' }}
        >
          <div>
            <strong id={`${id}-warn-title`}>Before you share</strong>
            <ul id={`${id}-warn-text`}>
              {shownWarning.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </div>
          <span>
            <button type="button" onClick={() => void share(shownWarning.action, true)}>
              {shownWarning.action === 'link' ? 'Copy the link anyway' : 'Make the snapshot anyway'}
            </button>{' '}
            <button type="button" autoFocus onClick={() => setWarning(null)}>
              Cancel
            </button>
          </span>
        </div>
      )}
      {fresh && link && (
        <input
          className="share-link"
          readOnly
          aria-label="Link to share"
          value={link}
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  );
}
