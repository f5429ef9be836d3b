/** Share what you see: copy the link, make a snapshot link (or file when too long). */
import { useState } from 'react';
import { MAX_SNAPSHOT_URL, SNAPSHOT_PREFIX, encodeSnapshot } from '../share/snapshot.ts';
import { downloadText } from '../share/download.ts';
import { serializeViewState } from '../state/view-state.ts';
import type { ViewState } from '../state/view-state.ts';
import { mountedResults } from '../hooks/use-query.ts';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function ShareBar(props: { state: ViewState; version: number; canSnapshot: boolean }) {
  const [message, setMessage] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const [tooLong, setTooLong] = useState<string | null>(null);

  const copyLink = async () => {
    const url = window.location.href.split('#')[0] as string;
    setLink(url);
    setTooLong(null);
    setMessage((await copy(url)) ? 'Link copied.' : 'Copy the link below.');
  };

  const makeSnapshot = async () => {
    const search = serializeViewState(props.state);
    const encoded = await encodeSnapshot({
      v: 1,
      created: new Date().toISOString(),
      search,
      fingerprint: props.state.fingerprint,
      version: props.version,
      entries: mountedResults(),
    });
    const url = `${window.location.origin}${window.location.pathname}${search ? `?${search}` : ''}${SNAPSHOT_PREFIX}${encoded}`;
    if (url.length > MAX_SNAPSHOT_URL) {
      setLink(null);
      setTooLong(encoded);
      setMessage(
        `This snapshot is ${Math.round(url.length / 1024)} KB, too long for a link that every browser and chat tool keeps intact. Download it as a file instead; open it from the Data tab.`,
      );
      return;
    }
    setTooLong(null);
    setLink(url);
    setMessage(
      (await copy(url))
        ? 'Snapshot link copied: it opens read-only, with no data needed.'
        : 'Copy the snapshot link below.',
    );
  };

  return (
    <div className="share-bar" role="group" aria-label="Share">
      <button type="button" onClick={() => void copyLink()}>
        Copy link
      </button>
      <button type="button" disabled={!props.canSnapshot} onClick={() => void makeSnapshot()}>
        Snapshot link
      </button>
      {tooLong && (
        <button
          type="button"
          onClick={() => downloadText('surgescope-snapshot.txt', tooLong, 'text/plain')}
        >
          Download snapshot file
        </button>
      )}
      <span role="status" className="muted">
        {message}
      </span>
      {link && (
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
