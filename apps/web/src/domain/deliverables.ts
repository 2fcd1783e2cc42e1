/** What a job may ask for; each deliverable is a file (or text) of one media kind. */
export const DELIVERABLE_TYPES = ['text', 'audio', 'video', 'image'] as const
export type DeliverableType = (typeof DELIVERABLE_TYPES)[number]

/** What a stored file is, decided by sniffing its content (media/service.ts). */
export const MEDIA_KINDS = ['audio', 'video', 'image', 'text'] as const
export type MediaKind = (typeof MEDIA_KINDS)[number]
