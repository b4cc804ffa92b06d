import type { PagePosition } from '../certificates/page-token.ts';
import type { ClientError } from '../errors.ts';

export type SortOrder = 'ASCENDING' | 'DESCENDING';
export type SortValue = string | number;

/** One item's place in a sorted listing: its sort value, then its id to break ties. */
export interface SortPlace {
  value: SortValue;
  id: string;
}

/**
 * A page of items sorted by (value, id), starting right after `after`. Because the position is a place in
 * the order and not an index, items added or removed between two page reads neither shift the pages nor
 * make an item appear twice; an item whose sort value changes in between may.
 */
export function sortedPage<T>(
  items: readonly T[],
  placeOf: (item: T) => SortPlace,
  order: SortOrder,
  size: number,
  after?: SortPlace,
): { items: T[]; last?: SortPlace } {
  const direction = order === 'ASCENDING' ? 1 : -1;
  const compare = (a: SortPlace, b: SortPlace) => direction * comparePlaces(a, b);
  const sorted = items
    .map((item) => ({ item, place: placeOf(item) }))
    .sort((a, b) => compare(a.place, b.place));
  const remaining = after ? sorted.filter(({ place }) => compare(place, after) > 0) : sorted;
  const page = remaining.slice(0, size);
  const last = remaining.length > size ? page.at(-1)?.place : undefined;
  return { items: page.map(({ item }) => item), last };
}

function comparePlaces(a: SortPlace, b: SortPlace): number {
  return compareValues(a.value, b.value) || compareValues(a.id, b.id);
}

/** Numbers numerically, anything else by UTF-16 code units (never locale-dependent). */
function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [left, right] = [String(a), String(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A sort place as a page token carries it. */
export function placeToPosition(place: SortPlace): PagePosition {
  return { v: place.value, i: place.id };
}

/** The sort place inside a page token; `invalid` makes the error for a token of another shape. */
export function positionToPlace(position: PagePosition, invalid: () => ClientError): SortPlace {
  const { v, i } = position;
  if ((typeof v !== 'string' && typeof v !== 'number') || typeof i !== 'string') throw invalid();
  return { value: v, id: i };
}
