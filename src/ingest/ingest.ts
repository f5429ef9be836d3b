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
  }>(`WITH
    -- One pass over posts (joined to their authors) and one over signups.
    p AS (SELECT max(p.created_at) AS t, count(*) AS posts,
        count(DISTINCT p.user_id) FILTER (WHERE s.user_id IS NULL) AS authors,
        count(*) FILTER (WHERE s.user_id IS NULL) AS unknown_posts,
        count(*) FILTER (WHERE p.created_at < s.signup_at) AS before
      FROM posts p LEFT JOIN signups s ON s.user_id = p.user_id),
    s AS (SELECT max(signup_at) AS t, count(*) AS signups FROM signups)
    SELECT strftime(greatest(p.t, s.t), '%Y-%m-%dT%H:%M:%SZ') AS dataset_end,
      CAST(p.authors AS BIGINT) AS authors, CAST(p.unknown_posts AS BIGINT) AS unknown_posts,
      CAST(p.before AS BIGINT) AS before, CAST(s.signups AS BIGINT) AS signups, CAST(p.posts AS BIGINT) AS posts
    FROM p, s`);
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
