/** The time-zone picker's list: every IANA zone the runtime knows, by its current name. */

/**
 * Current IANA names for zones some runtimes (node, Chrome) still list under an old name. Used
 * only when the runtime accepts the current name.
 */
const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Etc/UTC': 'UTC',
  'Etc/UCT': 'UTC',
  'Etc/Universal': 'UTC',
  'Etc/Zulu': 'UTC',
  UCT: 'UTC',
  Universal: 'UTC',
  Zulu: 'UTC',
};

/** Short list for runtimes without `Intl.supportedValuesOf`. */
const FALLBACK_ZONES: readonly string[] = [
  'UTC',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'Africa/Nairobi',
  'America/Anchorage',
  'America/Argentina/Buenos_Aires',
  'America/Bogota',
  'America/Chicago',
  'America/Denver',
  'America/Halifax',
  'America/Los_Angeles',
  'America/Mexico_City',
  'America/New_York',
  'America/Phoenix',
  'America/Sao_Paulo',
  'America/St_Johns',
  'America/Toronto',
  'Asia/Bangkok',
  'Asia/Dhaka',
  'Asia/Dubai',
  'Asia/Hong_Kong',
  'Asia/Jakarta',
  'Asia/Jerusalem',
  'Asia/Karachi',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Manila',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Tehran',
  'Asia/Tokyo',
  'Atlantic/Reykjavik',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Perth',
  'Australia/Sydney',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/Istanbul',
  'Europe/Kyiv',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Moscow',
  'Europe/Paris',
  'Europe/Rome',
  'Pacific/Auckland',
  'Pacific/Honolulu',
];

const zoneValidity = new Map<string, boolean>();

function zoneKnown(zone: string): boolean {
  let ok = zoneValidity.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneValidity.set(zone, ok);
  }
  return ok;
}

/**
 * The current IANA name of a zone ("Asia/Calcutta" -> "Asia/Kolkata", "Etc/UTC" -> "UTC") when
 * this runtime knows it; otherwise `zone` unchanged. Runtimes disagree on old vs new names, and
 * the picker should list each zone once under the name people expect.
 */
export function canonicalTimeZone(zone: string): string {
  const current = Object.hasOwn(CURRENT_ZONE_NAMES, zone) ? CURRENT_ZONE_NAMES[zone] : undefined;
  return current !== undefined && zoneKnown(current) ? current : zone;
}

let zoneList: readonly string[] | undefined;

/**
 * Every time zone this runtime knows (IANA names from `Intl.supportedValuesOf('timeZone')`, old
 * names replaced by current ones), with 'UTC', sorted, each once. Falls back to a short built-in
 * list on runtimes without `supportedValuesOf`. Returns a fresh array (computed once).
 */
export function supportedTimeZones(): string[] {
  if (!zoneList) {
    let raw: readonly string[] = FALLBACK_ZONES;
    if (typeof Intl.supportedValuesOf === 'function') {
      try {
        raw = Intl.supportedValuesOf('timeZone');
      } catch {
        raw = FALLBACK_ZONES;
      }
    }
    const zones = new Set<string>(['UTC']);
    for (const z of raw) {
      const name = canonicalTimeZone(z);
      if (raw === FALLBACK_ZONES && !zoneKnown(name)) continue;
      zones.add(name);
    }
    zoneList = [...zones].sort();
  }
  return [...zoneList];
}

/**
 * The zone this browser (or node process) runs in, under its current IANA name; 'UTC' when the
 * runtime can't tell. The default for reading and bucketing timestamps.
 */
export function browserTimeZone(): string {
  let zone: string | undefined;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    zone = undefined;
  }
  return typeof zone === 'string' && zone !== '' ? canonicalTimeZone(zone) : 'UTC';
}

/**
 * The time-zone picker's options, most likely first: the browser's zone, then UTC, then
 * `current` (the zone in use, e.g. from the URL) if not already listed, then every other zone
 * alphabetically; each once. `current` is kept verbatim, even an old name, so a `<select>` whose
 * value is `current` always has a matching option. `browser` defaults to `browserTimeZone()`.
 */
export function orderedTimeZones(current?: string, browser: string = browserTimeZone()): string[] {
  const first = canonicalTimeZone(browser);
  const seen = new Set<string>([first, 'UTC']);
  if (current !== undefined && current !== '') seen.add(current);
  const rest = supportedTimeZones().filter((z) => !seen.has(z));
  return [...seen, ...rest];
}
