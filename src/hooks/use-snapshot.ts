/** Opening a snapshot: from the link's fragment on start, or from a downloaded snapshot file. */
import { useCallback, useEffect, useState } from 'react';
import { SNAPSHOT_PREFIX, decodeSnapshot } from '../share/snapshot.ts';
import type { Snapshot } from '../share/snapshot.ts';
import { keepOnAppPath } from '../share/app-url.ts';
import { primeFromSnapshot } from './use-query.ts';

export type SnapshotState =
  | { status: 'none' }
  | { status: 'opening' }
  | { status: 'open'; snapshot: Snapshot }
  | { status: 'error'; message: string };

export function useSnapshot(onOpen: (snapshot: Snapshot) => void) {
  const [state, setState] = useState<SnapshotState>(() =>
    window.location.hash.startsWith(SNAPSHOT_PREFIX) ? { status: 'opening' } : { status: 'none' },
  );

  /** Settle a decoding snapshot: prime the query cache and switch to read-only, or say why not. */
  const settle = useCallback(
    (decoding: Promise<Snapshot>) =>
      decoding
        .then((snapshot) => {
          primeFromSnapshot(snapshot.entries);
          onOpen(snapshot);
          setState({ status: 'open', snapshot });
        })
        .catch((err: unknown) =>
          setState({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
        ),
    [onOpen],
  );

  useEffect(() => {
    // Opened at another path than the app's (`//evil.example/path#snapshot=…`): the address
    // moves to the app's own path first, so no link or history entry made from it leaves it.
    keepOnAppPath();
    const hash = window.location.hash;
    if (!hash.startsWith(SNAPSHOT_PREFIX)) return;
    void settle(decodeSnapshot(hash.slice(SNAPSHOT_PREFIX.length)));
    // Only the fragment present when the page opened is a snapshot to open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    // A snapshot link pasted into a tab already on the app changes only the fragment, which
    // loads nothing: the page opens again from it, as a new tab would.
    let current = window.location.hash;
    const onHash = () => {
      const hash = window.location.hash;
      if (hash === current) return;
      current = hash;
      if (hash.startsWith(SNAPSHOT_PREFIX)) window.location.reload();
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const open = useCallback((encoded: string) => settle(decodeSnapshot(encoded.trim())), [settle]);

  return { snapshot: state, openSnapshot: open };
}
