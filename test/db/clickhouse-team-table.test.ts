/** Reading a team's Distributed table's engine: which cluster and which table hold the rows. */
import { describe, expect, it } from 'vitest';
import { distributedArgs, splitName } from '../../src/db/clickhouse-team-table.ts';

describe('distributedArgs', () => {
  it('reads bare and quoted names, a database given as currentDatabase(), and the key', () => {
    expect(distributedArgs('Distributed(surge, team, events_local, cityHash64(author))')).toEqual([
      'surge',
      'team',
      'events_local',
      'cityHash64(author)',
    ]);
    expect(distributedArgs("Distributed('surge', currentDatabase(), 't_local')")).toEqual([
      'surge',
      'currentDatabase()',
      't_local',
    ]);
    // Commas and parentheses inside quotes or calls do not split (only the first three are used).
    expect(
      distributedArgs("Distributed(`my cluster`, 'db,1', `t(2)`, sipHash64(concat(a, ',', b)))"),
    ).toHaveLength(4);
    expect(
      distributedArgs("Distributed(`my cluster`, 'db,1', `t(2)`, sipHash64(a))").slice(0, 3),
    ).toEqual(['my cluster', 'db,1', 't(2)']);
  });

  it('unescapes a quote or backslash escaped inside quotes', () => {
    expect(distributedArgs("Distributed('c', 'we\\'ird\\\\x', t)")).toEqual([
      'c',
      "we'ird\\x",
      't',
    ]);
  });
});

describe('splitName', () => {
  it('splits at the first dot outside backquotes; a bare name is in the current database', () => {
    expect(splitName('analytics.events', 'default')).toEqual({
      database: 'analytics',
      name: 'events',
    });
    expect(splitName('events', 'sv')).toEqual({ database: 'sv', name: 'events' });
    expect(splitName('`my.db`.`ev.ents`', 'd')).toEqual({ database: 'my.db', name: 'ev.ents' });
    expect(splitName('db.`a\\`b`', 'd')).toEqual({ database: 'db', name: 'a`b' });
  });
});
