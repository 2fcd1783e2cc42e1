export const DAY_MS = 86_400_000
/** How long before the review window ends both sides are told that the work will be accepted and paid. */
export const RELEASE_NOTICE_MS = 2 * DAY_MS
