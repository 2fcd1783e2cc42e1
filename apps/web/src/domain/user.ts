import { boolean, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { web } from '../db/schema.ts'
import { LIMITS, lengthCheck } from './limits.ts'
import type { Language, UiLanguage } from './languages.ts'

/**
 * The account: who is signed in on a request, who owns a job, a file, a payment. Every feature's
 * tables refer to it, so it sits here below them; users/ registers, logs in and edits profiles.
 */
export interface JobDefaults {
  language?: Language
  deliverableTypes?: string[]
  amount?: string
  maxResponses?: number
}

export const users = web.table(
  'users',
  {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  isFunder: boolean('is_funder').notNull().default(false),
  isCreator: boolean('is_creator').notNull().default(false),
  // Only `npm run admin:grant` sets this; nothing in the web app does.
  isAdmin: boolean('is_admin').notNull().default(false),
  disabled: boolean('disabled').notNull().default(false),
  walletAddress: text('wallet_address'),
  /** Where notices are emailed too (optional; none: the in-app inbox only). */
  email: text('email'),
  preferredLanguage: text('preferred_language').$type<UiLanguage>().notNull().default('es'),
  nativeLanguages: text('native_languages').array().$type<Language[]>().notNull().default([]),
  note: text('note').notNull().default(''),
  profileAudioId: uuid('profile_audio_id'),
  profileVideoId: uuid('profile_video_id'),
  profileImageId: uuid('profile_image_id'),
  jobDefaults: jsonb('job_defaults').$type<JobDefaults>().notNull().default({}),
  // The IANA zone the person reads times in (views/format.ts); chosen in the profile.
  timeZone: text('time_zone').notNull().default('America/Mexico_City'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
},
  (t) => [
    lengthCheck('users_username_len', t.username, LIMITS.username),
    lengthCheck('users_display_name_len', t.displayName, LIMITS.displayName),
    lengthCheck('users_wallet_address_len', t.walletAddress, LIMITS.walletAddress),
    lengthCheck('users_note_len', t.note, LIMITS.profileNote),
    lengthCheck('users_time_zone_len', t.timeZone, 64)
  ]
)

export type User = typeof users.$inferSelect
