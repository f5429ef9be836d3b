/** The shell: header, the start screen and the ingest report. */
import { UploadView } from '../views/upload/UploadView.tsx';
import { IngestReportView } from '../views/upload/IngestReportView.tsx';
import { useIngest } from './use-ingest.ts';

export function App() {
  const ingest = useIngest();
  return (
    <div className="app">
      <header className="app-header">
        <h1>Surgescope</h1>
        <p className="muted">Onboarding surges: waves, content drift and retention. Your files never leave this machine.</p>
      </header>
      <main>
        <UploadView state={ingest.state} onLoad={(items) => void ingest.load(items)} onCancel={() => void ingest.cancel()} />
        {ingest.report ? (
          <IngestReportView report={ingest.report} />
        ) : (
          <p className="empty">No data loaded yet. Load the sample or your own exports to begin.</p>
        )}
      </main>
    </div>
  );
}
