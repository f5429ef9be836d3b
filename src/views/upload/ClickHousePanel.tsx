/**
 * "Connect to ClickHouse" on the Data tab: when this app's server has a cluster behind its proxy,
 * the analyses can run there instead of in this tab (for data too large for a browser, loaded
 * with `npm run analyze -- --clickhouse URL --load`). The link records the engine, never
 * credentials: the proxy holds them.
 */
import { useEffect, useState } from 'react';
import type { Connection } from '../../db/clickhouse-connection.ts';
import { probeProxy } from '../../db/clickhouse-connection.ts';
import { formatCount } from '../../format/format.ts';

export function ClickHousePanel(props: {
  connection: Connection;
  onConnect: () => void;
  onDisconnect: () => void;
}) {
  const { connection: c } = props;
  const [probe, setProbe] = useState<{ ready: boolean; message?: string } | null>(null);
  useEffect(() => {
    let live = true;
    void probeProxy().then((p) => {
      if (live) setProbe(p);
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <section className="clickhouse-panel" aria-labelledby="clickhouse-heading">
      <h3 id="clickhouse-heading">Data on a ClickHouse cluster</h3>
      {c.status === 'on' ? (
        <>
          <p role="status" data-testid="clickhouse-status">
            The analyses run on ClickHouse {c.server} through this app&rsquo;s server:{' '}
            {formatCount(c.signups)} signups and {formatCount(c.posts)} posts. Files loaded in this
            browser are kept, unused, until you switch back.
          </p>
          <button type="button" onClick={props.onDisconnect}>
            Use the data in this browser
          </button>
        </>
      ) : probe === null ? (
        <p className="muted">Checking whether this server has a ClickHouse cluster…</p>
      ) : probe.ready ? (
        <>
          <p className="muted">
            This server can reach a ClickHouse cluster. Its tables are loaded with{' '}
            <code>npm run analyze -- --clickhouse URL --load</code>.
          </p>
          <button type="button" onClick={props.onConnect} disabled={c.status === 'connecting'}>
            {c.status === 'connecting' ? 'Connecting…' : 'Connect to ClickHouse'}
          </button>
        </>
      ) : (
        <p className="muted" data-testid="clickhouse-absent">
          {probe.message}
        </p>
      )}
      {c.status === 'error' && (
        <p role="alert" className="error">
          Could not use ClickHouse: {c.message}
        </p>
      )}
    </section>
  );
}
