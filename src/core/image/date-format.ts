/**
 * moment.js-style date formatting (`YYYYMMDD-HHmmss`, `dddd, MMMM Do YYYY, h:mm:ss a`, `[literal]`)
 * in an IANA time zone, on the platform's Intl: the tokens docker/metadata-action users write in
 * `{{date}}` and `{{commit_date}}`, with English names as moment's default locale has them.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** moment's English long-date formats, expanded before the other tokens. */
const LONG_FORMATS: Record<string, string> = {
  LTS: 'h:mm:ss A',
  LT: 'h:mm A',
  LLLL: 'dddd, MMMM D, YYYY h:mm A',
  LLL: 'MMMM D, YYYY h:mm A',
  LL: 'MMMM D, YYYY',
  L: 'MM/DD/YYYY',
  llll: 'ddd, MMM D, YYYY h:mm A',
  lll: 'MMM D, YYYY h:mm A',
  ll: 'MMM D, YYYY',
  l: 'M/D/YYYY',
};

const TOKENS =
  /\[[^\]]*\]|LTS|LT|LLLL|LLL|LL|L|llll|lll|ll|l|YYYYYY|YYYY|YY|Y|Qo|Q|MMMM|MMM|MM|Mo|M|DDDDo|DDDD|DDDo|DDD|DD|Do|D|dddd|ddd|dd|do|d|E|e|GGGG|GG|gggg|gg|WW|Wo|W|ww|wo|w|HH|H|hh|h|kk|k|mm|m|ss|s|S{1,9}|A|a|ZZ|Z|zz|z|X|x/g;

/** Wall-clock fields of an instant in a time zone. */
interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number; // 0 = Sunday
  /** Minutes east of UTC. */
  offset: number;
  zoneName: string;
}

/** Throws a RangeError for an unknown time zone. */
export function formatDate(date: Date, format: string, timeZone = 'UTC'): string {
  const wall = wallClock(date, timeZone);
  const expanded = format.replace(/\[[^\]]*\]|LTS|LT|LLLL|LLL|LL|L|llll|lll|ll|l/g, (token) =>
    token.startsWith('[') ? token : LONG_FORMATS[token]!,
  );
  return expanded.replace(TOKENS, (token) =>
    token.startsWith('[') ? token.slice(1, -1) : render(token, wall, date),
  );
}

function wallClock(date: Date, timeZone: string): Wall {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
    timeZoneName: 'short',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const wall = {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    second: Number(get('second')),
    millisecond: date.getUTCMilliseconds(),
  };
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const offset = Math.round((asUtc - (date.getTime() - wall.millisecond)) / 60000);
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { ...wall, weekday, offset, zoneName: timeZone === 'UTC' ? 'UTC' : get('timeZoneName') };
}

const pad = (value: number, width: number) => String(Math.abs(value)).padStart(width, '0');

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function dayOfYear(w: Wall): number {
  return Math.round((Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(w.year, 0, 1)) / 86400000) + 1;
}

/** ISO 8601 week and week-year: weeks start on Monday, week 1 holds the year's first Thursday. */
function isoWeek(w: Wall): { week: number; year: number } {
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day));
  const isoDay = (w.weekday + 6) % 7; // Monday = 0
  day.setUTCDate(day.getUTCDate() - isoDay + 3); // the Thursday of this week
  const year = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  return { week: 1 + Math.round((day.getTime() - firstThursday.getTime()) / (7 * 86400000)), year };
}

/** moment's default (English) locale week: weeks start on Sunday, week 1 holds January 1st. */
function localeWeek(w: Wall): { week: number; year: number } {
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day));
  day.setUTCDate(day.getUTCDate() - w.weekday + 6); // the Saturday of this week
  const year = day.getUTCFullYear();
  const jan1 = new Date(Date.UTC(year, 0, 1));
  const firstSaturday = new Date(jan1);
  firstSaturday.setUTCDate(1 - jan1.getUTCDay() + 6);
  return { week: 1 + Math.round((day.getTime() - firstSaturday.getTime()) / (7 * 86400000)), year };
}

function zone(offset: number, separator: string): string {
  const sign = offset < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(Math.abs(offset) / 60), 2)}${separator}${pad(Math.abs(offset) % 60, 2)}`;
}

function render(token: string, w: Wall, date: Date): string {
  const hour12 = w.hour % 12 || 12;
  if (/^S+$/.test(token)) return pad(w.millisecond, 3).padEnd(token.length, '0').slice(0, token.length);
  switch (token) {
    case 'YYYYYY':
      return `${w.year < 0 ? '-' : '+'}${pad(w.year, 6)}`;
    case 'YYYY':
      return w.year <= 9999 ? pad(w.year, 4) : `+${w.year}`;
    case 'YY':
      return pad(w.year % 100, 2);
    case 'Y':
      return String(w.year);
    case 'Q':
      return String(Math.ceil(w.month / 3));
    case 'Qo':
      return ordinal(Math.ceil(w.month / 3));
    case 'M':
      return String(w.month);
    case 'Mo':
      return ordinal(w.month);
    case 'MM':
      return pad(w.month, 2);
    case 'MMM':
      return MONTHS[w.month - 1]!.slice(0, 3);
    case 'MMMM':
      return MONTHS[w.month - 1]!;
    case 'D':
      return String(w.day);
    case 'Do':
      return ordinal(w.day);
    case 'DD':
      return pad(w.day, 2);
    case 'DDD':
      return String(dayOfYear(w));
    case 'DDDo':
      return ordinal(dayOfYear(w));
    case 'DDDD':
      return pad(dayOfYear(w), 3);
    case 'd':
      return String(w.weekday);
    case 'do':
      return ordinal(w.weekday);
    case 'dd':
      return DAYS[w.weekday]!.slice(0, 2);
    case 'ddd':
      return DAYS[w.weekday]!.slice(0, 3);
    case 'dddd':
      return DAYS[w.weekday]!;
    case 'e':
      return String(w.weekday);
    case 'E':
      return String(w.weekday || 7);
    case 'W':
      return String(isoWeek(w).week);
    case 'Wo':
      return ordinal(isoWeek(w).week);
    case 'WW':
      return pad(isoWeek(w).week, 2);
    case 'GGGG':
      return pad(isoWeek(w).year, 4);
    case 'GG':
      return pad(isoWeek(w).year % 100, 2);
    case 'w':
      return String(localeWeek(w).week);
    case 'wo':
      return ordinal(localeWeek(w).week);
    case 'ww':
      return pad(localeWeek(w).week, 2);
    case 'gggg':
      return pad(localeWeek(w).year, 4);
    case 'gg':
      return pad(localeWeek(w).year % 100, 2);
    case 'H':
      return String(w.hour);
    case 'HH':
      return pad(w.hour, 2);
    case 'h':
      return String(hour12);
    case 'hh':
      return pad(hour12, 2);
    case 'k':
      return String(w.hour || 24);
    case 'kk':
      return pad(w.hour || 24, 2);
    case 'm':
      return String(w.minute);
    case 'mm':
      return pad(w.minute, 2);
    case 's':
      return String(w.second);
    case 'ss':
      return pad(w.second, 2);
    case 'A':
      return w.hour < 12 ? 'AM' : 'PM';
    case 'a':
      return w.hour < 12 ? 'am' : 'pm';
    case 'Z':
      return zone(w.offset, ':');
    case 'ZZ':
      return zone(w.offset, '');
    case 'z':
    case 'zz':
      return w.zoneName;
    case 'X':
      return String(Math.floor(date.getTime() / 1000));
    case 'x':
      return String(date.getTime());
    default:
      return token;
  }
}
