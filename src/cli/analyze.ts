/**
 * `npm run analyze`: the headless front door onto ingest/ and metrics/ (metrics.md contract).
 * Exit codes: 0 data loaded (rejects are reported, not fatal); 1 a required column is missing
 * or no row loads; 2 bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openNodeEngine } from '../db/node-engine.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { pathInput } from '../ingest/node-input.ts';
import { ingestJson } from '../ingest/report.ts';
import type { IngestReport } from '../ingest/report.ts';
import { USAGE, UsageError, parseArgs } from './args.ts';
import type { AnalyzeArgs } from './args.ts';
import { writeAnalyses } from './outputs.ts';

export async function runAnalyze(
  argv: readonly string[],
): Promise<{ code: number; message?: string }> {
  let args: AnalyzeArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      // Bad arguments: one line saying what is wrong; --help prints the usage.
      return {
        code: err.message ? 2 : 0,
        message: err.message ? `analyze: ${err.message} (see --help)` : USAGE,
      };
    }
    throw err;
  }
  const engine = await openNodeEngine({
    allowedPaths: [...args.signups, ...args.posts],
    engine: args.engine,
  });
  try {
    const items = [
      ...args.signups.map((f) => ({
        input: pathInput(f),
        options: {
          table: 'signups' as const,
          overrides: args.map.signups,
          timeZone: args.sourceTz,
        },
      })),
      ...args.posts.map((f) => ({
        input: pathInput(f),
        options: { table: 'posts' as const, overrides: args.map.posts, timeZone: args.sourceTz },
      })),
    ];
    const report = await ingestFiles(engine, items);
    mkdirSync(args.out, { recursive: true });
    writeFileSync(
      path.join(args.out, 'ingest.json'),
      JSON.stringify(ingestJson(report), null, 2) + '\n',
    );
    const failure = loadFailure(report);
    if (failure) return { code: 1, message: `analyze: ${failure}` };
    for (const f of report.files.filter((x) => x.error))
      process.stderr.write(`analyze: warning: ${f.file}: ${f.error}\n`);
    try {
      await writeAnalyses(engine, args);
    } catch (err) {
      // A --filter naming a column the data does not have is a bad argument, found after loading.
      if (err instanceof UsageError) return { code: 2, message: `analyze: ${err.message}` };
      throw err;
    }
    return { code: 0 };
  } finally {
    await engine.close();
  }
}

/**
 * The first reason the data cannot be analysed, or null. A file whose columns cannot serve its
 * table is fatal; a file with no loadable row is reported (in ingest.json and on stderr) but is
 * fatal only when its whole table ends up empty.
 */
function loadFailure(report: IngestReport): string | null {
  const bad = report.files.find((f) => f.errorKind === 'columns' || f.errorKind === 'unreadable');
  if (bad) return `${bad.file}: ${bad.error}`;
  if (report.signups === 0) return 'no signup row loaded';
  if (report.posts === 0) return 'no post row loaded';
  return null;
}

const isMain =
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  runAnalyze(process.argv.slice(2)).then(
    ({ code, message }) => {
      if (message) (code === 0 ? process.stdout : process.stderr).write(message + '\n');
      process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(
        `analyze: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
