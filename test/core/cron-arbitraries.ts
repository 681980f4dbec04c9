// fast-check generators for the cron tests: valid expressions in every form the relay accepts,
// times of day every day (what the daylight-saving rule is about), cron-like text that is mostly
// not valid, instants 2000-2100, and instants near clock changes.
import fc from "fast-check";
import { offsetAt, ORACLE_ZONES } from "./cron-oracle";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Names as people write them: upper, lower or capitalised. */
const casedName = (names: string[]) =>
  fc.tuple(fc.constantFrom(...names), fc.constantFrom("upper", "lower", "title")).map(([name, casing]) =>
    casing === "upper" ? name : casing === "lower" ? name.toLowerCase() : name[0] + name.slice(1).toLowerCase(),
  );

const range = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);

/** A number, a range, "*\/n" or "a-b/n" within [min, max]. */
function numericItem(min: number, max: number) {
  return fc.oneof(
    fc.integer({ min, max }).map(String),
    range(min, max),
    fc.integer({ min: 1, max: max - min + 1 }).map((step) => `*/${step}`),
    fc.tuple(range(min, max), fc.integer({ min: 1, max: max - min + 1 })).map(([r, step]) => `${r}/${step}`),
  );
}

const list = (item: fc.Arbitrary<string>) => fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.join(","));
const orAny = (field: fc.Arbitrary<string>) => fc.oneof({ weight: 1, arbitrary: fc.constantFrom("*", "?") }, { weight: 4, arbitrary: field });

const minute = orAny(list(numericItem(0, 59)));
const hour = orAny(list(numericItem(0, 23)));
const dayOfMonth = orAny(
  fc.oneof(
    list(numericItem(1, 31)),
    fc.constantFrom("L", "l", "LW", "lw"),
    list(fc.oneof(fc.integer({ min: 1, max: 31 }).map((d) => `${d}W`), fc.integer({ min: 1, max: 31 }).map(String))),
    list(fc.oneof(fc.integer({ min: 1, max: 31 }).map(String), fc.constant("L"), fc.integer({ min: 1, max: 31 }).map((d) => `${d}w`))),
  ),
);
const month = orAny(
  fc.oneof(
    list(numericItem(1, 12)),
    list(casedName(MONTHS)),
    fc.tuple(casedName(MONTHS), casedName(MONTHS)).map(([a, b]) => `${a}-${b}`),
  ),
);
const weekdayItem = fc.oneof(
  numericItem(0, 7),
  casedName(DAYS),
  fc.constantFrom("MON-FRI", "mon-sun", "SAT-SUN", "Fri-Sun", "SUN-SAT"),
  fc.tuple(fc.oneof(fc.integer({ min: 0, max: 7 }).map(String), casedName(DAYS)), fc.integer({ min: 1, max: 5 })).map(([d, n]) => `${d}#${n}`),
  fc.tuple(fc.oneof(fc.integer({ min: 0, max: 7 }).map(String), casedName(DAYS)), fc.constantFrom("L", "l")).map(([d, l]) => `${d}${l}`),
);
// "+" (both day fields must match) is kept rare: with #n or L it often never matches, and
// proving that takes a search of 400 years in both implementations.
const dayOfWeek = orAny(fc.oneof({ weight: 6, arbitrary: list(weekdayItem) }, { weight: 1, arbitrary: list(weekdayItem).map((field) => `+${field}`) }));

/** Expressions in every accepted form, some of them still refused (a range from MAR to JAN, 31 February only…). */
export const cronExpression = fc.oneof(
  { weight: 20, arbitrary: fc.tuple(minute, hour, dayOfMonth, month, dayOfWeek).map((fields) => fields.join(" ")) },
  // Fixed times, where daylight saving rules differ, more often than the mix above gives them.
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 59 }), fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom("0-3", "1,2", "22,23,0")), dayOfMonth, month, dayOfWeek)
      .map(([m, h, ...rest]) => [m, h, ...rest].join(" ")),
  },
  { weight: 2, arbitrary: fc.constantFrom("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@DAILY", " @weekly ") },
);

/** "minute hour * * *" in every form those two fields take, fixed times (lists and ranges) often. */
export const timeOfDayExpression = fc.oneof(
  fc.tuple(minute, hour).map(([m, h]) => `${m} ${h} * * *`),
  fc
    .tuple(list(fc.integer({ min: 0, max: 59 }).map(String)), fc.oneof(list(fc.integer({ min: 0, max: 23 }).map(String)), range(0, 23)))
    .map(([m, h]) => `${m} ${h} * * *`),
);

/** Text made of cron's own pieces and a few strangers: mostly refused, each for its own reason. */
export const cronLikeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."0123456789*/-,?#LlWw+@ :"),
      fc.constantFrom("MON", "sun", "-SUN", "JAN", "dec", "FRIL", "MONDAY", "@daily", "@reboot", "@foo", "5L", "LW", "1W", "*/0", "*/61", "60", "24", "32", "13", "8"),
      fc.constantFrom("x", "é", "\t", "  ", "٣", "%", "."),
    ),
    { minLength: 0, maxLength: 24 },
  )
  .map((pieces) => pieces.join(""));

export const zone = fc.constantFrom(...ORACLE_ZONES);

export const instant2000to2100 = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });

/**
 * An instant within a day of one of the zone's clock changes in a year of 2000-2100 (or any
 * instant of that year, for zones without one): where the daylight-saving rules act.
 */
export const nearClockChange = fc
  .record({ zone, year: fc.integer({ min: 2000, max: 2099 }), pick: fc.nat(), within: fc.integer({ min: -86_400_000, max: 86_400_000 }) })
  .map(({ zone, year, pick, within }) => {
    const changes = clockChangesIn(zone, year);
    const change = changes.length > 0 ? changes[pick % changes.length] : undefined;
    return { zone, after: (change ?? Date.UTC(year, 0, 1) + (pick % 365) * 86_400_000) + within };
  });

const changesByYear = new Map<string, number[]>();

/** The instants (to the minute) at which the zone's offset changes during the year. */
function clockChangesIn(timeZone: string, year: number): number[] {
  const key = `${timeZone} ${year}`;
  const known = changesByYear.get(key);
  if (known) return known;
  const changes: number[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    let [low, high] = [day, day + 86_400_000];
    if (offsetAt(low, timeZone) === offsetAt(high, timeZone)) continue;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(middle, timeZone) === offsetAt(low, timeZone)) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  changesByYear.set(key, changes);
  return changes;
}
