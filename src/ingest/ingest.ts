/** Load several files in the order given and summarise what the tables now hold. */
import type { Engine } from '../db/engine.ts';
import type { InputFile } from './input-file.ts';
import { loadFile } from './load.ts';
import type { FileOptions, LoadOptions } from './load.ts';
import type { IngestReport, FileReport } from './report.ts';
import { ensureTables } from './tables.ts';

export interface IngestItem {
  input: InputFile;
  options?: FileOptions;
}

export async function ingestFiles(
  engine: Engine,
  items: readonly IngestItem[],
  options: LoadOptions = {},
  previous: FileReport[] = [],
): Promise<IngestReport> {
  await ensureTables(engine);
  const files: FileReport[] = [...previous];
  for (const [index, item] of items.entries()) {
    files.push(
      await loadFile(engine, item.input, item.options, { ...options, index, total: items.length }),
    );
  }
  return { files, ...(await summarise(engine)) };
}

/** Dataset-wide facts: the data's end and the authors missing from the signup export. */
export async function summarise(engine: Engine): Promise<Omit<IngestReport, 'files'>> {
  await ensureTables(engine);
  const rows = await engine.query<{
    dataset_end: string | null;
    authors: number;
    unknown_posts: number;
    before: number;
    signups: number;
    posts: number;
  }>(`WITH ends AS (SELECT max(signup_at) AS t FROM signups UNION ALL SELECT max(created_at) FROM posts),
    unknown AS (SELECT p.user_id FROM posts p ANTI JOIN signups s ON s.user_id = p.user_id)
    SELECT (SELECT strftime(max(t), '%Y-%m-%dT%H:%M:%SZ') FROM ends) AS dataset_end,
      (SELECT CAST(count(DISTINCT user_id) AS BIGINT) FROM unknown) AS authors,
      (SELECT CAST(count(*) AS BIGINT) FROM unknown) AS unknown_posts,
      (SELECT CAST(count(*) AS BIGINT) FROM posts p JOIN signups s USING (user_id) WHERE p.created_at < s.signup_at) AS before,
      (SELECT CAST(count(*) AS BIGINT) FROM signups) AS signups,
      (SELECT CAST(count(*) AS BIGINT) FROM posts) AS posts`);
  const r = rows[0];
  return {
    dataset_end: r?.dataset_end ?? null,
    authors_not_in_signups: r?.authors ?? 0,
    posts_by_unknown_authors: r?.unknown_posts ?? 0,
    posts_before_signup: r?.before ?? 0,
    signups: r?.signups ?? 0,
    posts: r?.posts ?? 0,
  };
}
