/**
 * Today's route as the server computed it (field.work.order.get_route, in the
 * last page of sync_pull, see docs/sync.md): the app keeps it as it came and
 * only tells whether it is still today's.
 */

/** The route's day is today where the technician works (its `tz`): else it is an old copy. */
export function routeIsToday(route, now = luxon.DateTime.now()) {
    return Boolean(route) && now.setZone(route.tz || "utc").toISODate() === route.day;
}
