/**
 * The ingest report without its dataset-wide pass when nothing changed: the summary (the data's
 * ends, authors missing from the signups, posts before their author's signup) joins every post
 * to its author, seconds at surge scale. It is kept next to the data with the signature of the
 * files it was computed for, so reopening stored data reads it back instead of recomputing it.
 */
import type { Engine } from '../db/engine.ts';
import { readSetting, saveSetting } from '../ingest/app-state.ts';
import { readFileReports, summarise } from '../ingest/report.ts';
import type { IngestReport } from '../ingest/report.ts';
import { dataSignature } from '../metrics/prepare.ts';

const KEY = 'summary';

type Summary = Omit<IngestReport, 'files'>;

function summaryOf(report: IngestReport): Summary {
  const { files: _files, ...rest } = report;
  return rest;
}

/** Keep the report's summary for the data as it is now. */
export async function rememberSummary(engine: Engine, report: IngestReport): Promise<void> {
  const signature = await dataSignature(engine);
  await saveSetting(engine, KEY, JSON.stringify({ signature, summary: summaryOf(report) }));
}

/** The report, with the kept summary when it was computed for these files. */
export async function readReportCached(engine: Engine): Promise<IngestReport> {
  const files = await readFileReports(engine);
  const signature = await dataSignature(engine);
  const kept = await readSetting(engine, KEY);
  if (kept) {
    try {
      const parsed = JSON.parse(kept) as { signature?: unknown; summary?: Summary };
      if (parsed.signature === signature && parsed.summary) return { files, ...parsed.summary };
    } catch {
      // unreadable: computed again below
    }
  }
  const report = { files, ...(await summarise(engine)) };
  if (files.length > 0) await rememberSummary(engine, report);
  return report;
}
