/** The CLI's ClickHouse options: what parses, and the one-line reason for what does not. */
import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../src/cli/args.ts';

const CH = ['--clickhouse', 'http://127.0.0.1:8123', '--out', 'out'];
const TABLES = ['--table', 'signups=analytics.accounts', '--table', 'posts=events'];

const refusal = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
};

describe('parseArgs: ClickHouse options', () => {
  it("reads a team's tables, the database and column mappings", () => {
    const args = parseArgs([...CH, ...TABLES, '--database', 'sv', '--map', 'posts.category=kind']);
    expect(args.tables).toEqual({ signups: 'analytics.accounts', posts: 'events' });
    expect(args.database).toBe('sv');
    expect(args.map.posts.category).toBe('kind');
    expect(args.load).toBe(false);
    expect(parseArgs(CH)).toMatchObject({ tables: null, database: null });
  });

  it('refuses combinations that cannot work, saying which', () => {
    expect(refusal(['--out', 'o', ...TABLES])).toBe('--table needs --clickhouse URL');
    expect(refusal([...CH, ...TABLES, '--load'])).toBe(
      '--table reads tables in place: leave out --load',
    );
    expect(refusal([...CH, '--table', 'signups=a.b'])).toBe(
      '--table needs both signups=DB.TABLE and posts=DB.TABLE',
    );
    expect(refusal([...CH, '--table', 'users=a.b'])).toMatch(/^--table takes signups=DB.TABLE/);
    expect(refusal([...CH, '--table', 'posts='])).toMatch(/^--table takes signups=DB.TABLE/);
    expect(refusal(['--out', 'o', '--database', 'sv'])).toBe('--database needs --clickhouse URL');
    expect(refusal([...CH, ...TABLES, '--signups', 'data/sample/signups_app.csv'])).toBe(
      '--table reads tables, not files: leave out --signups and --posts',
    );
  });
});
