/**
 * Column roles and header synonyms. A header maps to a role when its normalised form (lower
 * case, letters and digits only) is one of the role's synonyms, optionally after dropping a unit
 * suffix such as "utc" or "ms". Explicit overrides always win.
 */

export type TableName = 'signups' | 'posts';

export const REQUIRED_ROLES = {
  signups: ['user_id', 'signup_at'],
  posts: ['user_id', 'created_at', 'category'],
} as const satisfies Record<TableName, readonly string[]>;

export const OPTIONAL_ROLES = {
  signups: [],
  posts: ['post_id'],
} as const satisfies Record<TableName, readonly string[]>;

export type Role = (typeof REQUIRED_ROLES)[TableName][number] | 'post_id';

/** Roles whose column holds a timestamp. */
export const TIME_ROLE: Record<TableName, 'signup_at' | 'created_at'> = {
  signups: 'signup_at',
  posts: 'created_at',
};

const SYNONYMS: Record<TableName, Partial<Record<Role, string[]>>> = {
  signups: {
    user_id: ['userid', 'uid', 'user', 'id', 'accountid', 'memberid', 'account', 'userkey'],
    signup_at: [
      'signupat',
      'signuptime',
      'signuptimestamp',
      'signupdate',
      'signupdatetime',
      'signedupat',
      'signup',
      'registeredat',
      'registrationtime',
      'registrationdate',
      'registeredtime',
      'joinedat',
      'joined',
      'joindate',
      'createdat',
      'created',
      'createdtime',
      'timestamp',
      'time',
      'ts',
      'datetime',
      'date',
      'eventtime',
      'eventtimestamp',
    ],
  },
  posts: {
    user_id: [
      'userid',
      'uid',
      'user',
      'authorid',
      'author',
      'authoruserid',
      'posterid',
      'creatorid',
      'accountid',
      'ownerid',
    ],
    created_at: [
      'createdat',
      'created',
      'createdtime',
      'createdtimestamp',
      'postedat',
      'posttime',
      'postedtime',
      'publishedat',
      'publishtime',
      'timestamp',
      'time',
      'ts',
      'datetime',
      'date',
      'eventtime',
    ],
    category: [
      'category',
      'topic',
      'tag',
      'contentcategory',
      'categoryname',
      'section',
      'genre',
      'theme',
    ],
    post_id: ['postid', 'id', 'noteid', 'pid', 'contentid', 'itemid', 'messageid'],
  },
};

const UNIT_SUFFIXES = [
  'utc',
  'gmt',
  'ms',
  'millis',
  'milliseconds',
  'sec',
  'secs',
  'seconds',
  's',
  'epoch',
  'iso',
  'local',
];

/** Lower case, letters and digits only: "Sign-up Time" → "signuptime". */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Segment columns that different exports name differently merge into one canonical column:
 * "Country", "country_code" and "Country (ISO)" are all `country`. Matched like roles (letters
 * and digits only, lower case, an optional unit suffix such as "code" or "iso").
 */
const SEGMENT_SYNONYMS: Record<string, string[]> = {
  country: ['country', 'countrycode', 'countryiso', 'countryname', 'nation', 'geocountry'],
  source: [
    'source',
    'acquisitionsource',
    'signupsource',
    'trafficsource',
    'utmsource',
    'referralsource',
    'channel',
    'acquisitionchannel',
  ],
  platform: ['platform', 'os', 'deviceplatform', 'device', 'devicetype', 'operatingsystem'],
  language: ['language', 'lang', 'locale', 'languagecode', 'langcode', 'uilanguage'],
  region: ['region', 'province'],
  city: ['city', 'town'],
  app_version: ['appversion', 'clientversion'],
};

/** The canonical name of a segment header when it is a known synonym ("Country code" → country). */
export function canonicalSegment(header: string): string | null {
  const norm = normaliseHeader(header);
  for (const [name, list] of Object.entries(SEGMENT_SYNONYMS)) {
    if (list.includes(norm)) return name;
  }
  return null;
}

/** A safe canonical column name for a segment dimension: "Sign-up Country" → "sign_up_country". */
export function segmentName(header: string): string {
  const s = header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'column' : s;
}

/** Preference rank of a header for a role (lower is better), or -1 when it does not match. */
function roleRank(table: TableName, role: Role, header: string): number {
  const list = SYNONYMS[table][role] ?? [];
  const norm = normaliseHeader(header);
  const exact = list.indexOf(norm);
  if (exact >= 0) return exact;
  for (const suffix of UNIT_SUFFIXES) {
    if (norm.length > suffix.length && norm.endsWith(suffix)) {
      const i = list.indexOf(norm.slice(0, -suffix.length));
      if (i >= 0) return list.length + i;
    }
  }
  return -1;
}

export interface ColumnMapping {
  table: TableName;
  /** Role → index of the column in the file's header. */
  roles: Partial<Record<Role, number>>;
  /** Required roles that no column serves. */
  missing: Role[];
  /** Columns kept as segment dimensions: index and canonical name. */
  segments: { index: number; header: string; name: string }[];
  /** Override headers that name no column of the file. */
  unknownOverrides: string[];
}

/** Roles of a table, required first. */
export function rolesOf(table: TableName): Role[] {
  return [...REQUIRED_ROLES[table], ...OPTIONAL_ROLES[table]];
}

/**
 * Map a file's header to roles. `overrides` maps a role to a header name (exact, or equal after
 * normalisation); an override to an empty string unmaps the role. Segment columns take their
 * synonym's canonical name, or `names[header]` when the analyst named them, else the header in
 * snake_case.
 */
export function mapColumns(
  table: TableName,
  headers: readonly string[],
  overrides: Partial<Record<Role, string>> = {},
  ignored: readonly string[] = [],
  names: Readonly<Record<string, string>> = {},
): ColumnMapping {
  const roles: Partial<Record<Role, number>> = {};
  // Ignored columns are neither roles nor segments: they are read but not kept.
  const taken = new Set<number>(headers.flatMap((h, i) => (ignored.includes(h) ? [i] : [])));
  const unknownOverrides: string[] = [];
  const all = rolesOf(table);
  for (const role of all) {
    const wanted = overrides[role];
    if (wanted === undefined) continue;
    if (wanted === '') continue;
    let idx = headers.indexOf(wanted);
    if (idx < 0) idx = headers.findIndex((h) => normaliseHeader(h) === normaliseHeader(wanted));
    if (idx < 0) unknownOverrides.push(wanted);
    else {
      roles[role] = idx;
      taken.add(idx);
    }
  }
  for (const role of all) {
    if (role in roles || overrides[role] !== undefined) continue;
    // Synonyms are ordered by preference: the best-ranked free column wins, leftmost on a tie.
    let best = -1;
    let bestRank = Infinity;
    headers.forEach((h, i) => {
      if (taken.has(i)) return;
      const rank = roleRank(table, role, h);
      if (rank >= 0 && rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    });
    if (best >= 0) {
      roles[role] = best;
      taken.add(best);
    }
  }
  const missing = REQUIRED_ROLES[table].filter((r) => roles[r] === undefined) as Role[];
  const reserved = new Set<string>(all);
  const used = new Set<string>();
  const segments: ColumnMapping['segments'] = [];
  headers.forEach((header, index) => {
    if (taken.has(index) || ignored.includes(header)) return;
    const given = names[header];
    let name = given ? segmentName(given) : (canonicalSegment(header) ?? segmentName(header));
    if (reserved.has(name) || name.startsWith('_')) name = `${name}_col`;
    let unique = name;
    for (let n = 2; used.has(unique); n++) unique = `${name}_${n}`;
    used.add(unique);
    segments.push({ index, header, name: unique });
  });
  return { table, roles, missing, segments, unknownOverrides };
}

/**
 * Guess which table a file feeds from its header: a table whose required roles are all served
 * wins (posts first: a category column is the stronger sign); otherwise the table with more
 * roles served (a post id tips it), so the mapping dialog can fill in the rest. Null on a tie.
 */
export function guessTable(headers: readonly string[]): TableName | null {
  const posts = mapColumns('posts', headers);
  const signups = mapColumns('signups', headers);
  if (posts.missing.length === 0) return 'posts';
  if (signups.missing.length === 0 && posts.roles.post_id === undefined) return 'signups';
  const p = Object.keys(posts.roles).length;
  const s = Object.keys(signups.roles).length;
  if (p > s) return 'posts';
  if (s > p) return 'signups';
  return null;
}
