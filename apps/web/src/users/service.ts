import { hash, verify } from '@node-rs/argon2'
import { eq } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { users, type JobDefaults, type User } from '../domain/user.ts'
import type { Language, UiLanguage } from '../domain/languages.ts'
import type { UserError } from './errors.ts'
import { walletCallError, type PaymentsError } from '../payments-client/errors.ts'
import { parseWalletAddress } from '@voces/payments-contract'
import type { PaymentsClient } from '../payments-client/types.ts'
import { createWalletAssetLookup } from './wallet-asset.ts'
import { checkUsername, normaliseUsername } from '../domain/username.ts'
import { LIMITS, tooLong } from '../domain/limits.ts'
import { problemList, type Problem } from '../domain/problems.ts'

export type Role = 'funder' | 'creator' | 'both'

export interface UserDeps {
  db: Db
  payments: PaymentsClient
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
}

export function createUserService(deps: UserDeps) {
  // Verifying against a throwaway hash when the user does not exist keeps login timing uniform.
  let dummyHash: Promise<string> | undefined
  const hashPassword = (password: string) => hash(password, deps.argon2)
  const walletAsset = createWalletAssetLookup({ payments: deps.payments })

  return {
    hashPassword,

    /** Everything wrong with a registration form, all at once (register() checks the same again). */
    registrationProblems(input: { username: string; password: string; displayName: string; role: string }): Problem[] {
      const p = problemList()
      p.need('username', input.username)
      p.limit('username', input.username, LIMITS.username)
      const username = normaliseUsername(input.username)
      const bad = input.username.trim() ? checkUsername(username) : null
      if (bad) p.add('username', bad)
      p.need('password', input.password)
      p.limit('password', input.password, LIMITS.password)
      if (input.password && input.password.length < 6) p.add('password', 'weak_password')
      p.limit('displayName', input.displayName, LIMITS.displayName)
      if (!['funder', 'creator', 'both'].includes(input.role)) p.add('role', 'invalid_input')
      return p.list
    },

    async register(input: {
      username: string
      password: string
      displayName: string
      role: Role
      preferredLanguage: UiLanguage
    }): Promise<User | UserError | 'too_long'> {
      const username = normaliseUsername(input.username)
      const problem = checkUsername(username)
      if (problem) return problem
      if (input.password.length < 6 || input.password.length > LIMITS.password) return 'weak_password'
      if (tooLong(input.displayName.trim(), LIMITS.displayName)) return 'too_long'
      const passwordHash = await hashPassword(input.password)
      const rows = await deps.db
        .insert(users)
        .values({
          username,
          passwordHash,
          displayName: input.displayName.trim() || username,
          isFunder: input.role !== 'creator',
          isCreator: input.role !== 'funder',
          preferredLanguage: input.preferredLanguage
        })
        .onConflictDoNothing({ target: users.username })
        .returning()
      return rows[0] ?? 'username_taken'
    },

    async authenticate(usernameInput: string, password: string): Promise<User | UserError> {
      const username = normaliseUsername(usernameInput)
      const [user] = checkUsername(username) === null ? await deps.db.select().from(users).where(eq(users.username, username)) : []
      if (!user || user.disabled) {
        dummyHash ??= hashPassword('not-a-real-password')
        await verify(await dummyHash, password).catch(() => false)
        return 'invalid_credentials'
      }
      const ok = await verify(user.passwordHash, password).catch(() => false)
      return ok ? user : 'invalid_credentials'
    },

    async get(id: string): Promise<User | null> {
      const [user] = await deps.db.select().from(users).where(eq(users.id, id))
      return user ?? null
    },

    async getByUsername(username: string): Promise<User | null> {
      const [user] = await deps.db.select().from(users).where(eq(users.username, username))
      return user ?? null
    },

    /** Everything wrong with the profile form's texts, at once. */
    profileProblems(input: { displayName: string; walletAddress: string; note: string; defaultAmount: string }): Problem[] {
      const p = problemList()
      p.limit('displayName', input.displayName, LIMITS.displayName)
      p.limit('walletAddress', input.walletAddress, LIMITS.walletAddress)
      p.limit('note', input.note, LIMITS.profileNote)
      p.limit('defaultAmount', input.defaultAmount, LIMITS.amount)
      return p.list
    },

    /** Updates the profile; a wallet address must be a reachable Open Payments wallet (asked of the payments service). */
    async updateProfile(
      user: User,
      input: {
        displayName: string
        walletAddress: string
        /** Where notices are emailed too; empty: none. */
        email: string
        preferredLanguage: UiLanguage
        nativeLanguages: Language[]
        note: string
        isFunder: boolean
        isCreator: boolean
        jobDefaults: JobDefaults
        timeZone?: string | undefined
        profileAudioId?: string | undefined
        profileVideoId?: string | undefined
        profileImageId?: string | undefined
      }
    ): Promise<User | PaymentsError | 'invalid_email'> {
      const email = input.email.trim() || null
      if (email && !isEmail(email)) return 'invalid_email'
      let walletAddress: string | null = null
      if (input.walletAddress.trim()) {
        // A payment pointer ($wallet.example/alice) is kept as the URL it stands for: one spelling per wallet.
        const parsed = parseWalletAddress(input.walletAddress)
        if (!parsed.ok) return 'wallet_invalid'
        walletAddress = parsed.url
        if (walletAddress !== user.walletAddress) {
          const check = await deps.payments.checkWallet(walletAddress)
          if (!check.ok) return walletCallError(check)
        }
      }
      const [updated] = await deps.db
        .update(users)
        .set({
          displayName: input.displayName.trim() || user.username,
          walletAddress,
          email,
          preferredLanguage: input.preferredLanguage,
          nativeLanguages: input.nativeLanguages,
          note: input.note.trim(),
          isFunder: input.isFunder || !input.isCreator,
          isCreator: input.isCreator,
          jobDefaults: input.jobDefaults,
          ...(input.timeZone ? { timeZone: input.timeZone } : {}),
          ...(input.profileAudioId ? { profileAudioId: input.profileAudioId } : {}),
          ...(input.profileVideoId ? { profileVideoId: input.profileVideoId } : {}),
          ...(input.profileImageId ? { profileImageId: input.profileImageId } : {})
        })
        .where(eq(users.id, user.id))
        .returning()
      return updated!
    },

    /** The asset a wallet holds, or null when it cannot be read in time (wallet-asset.ts: remembered for a while). */
    walletAsset,

    async setLanguage(userId: string, lang: UiLanguage): Promise<void> {
      await deps.db.update(users).set({ preferredLanguage: lang }).where(eq(users.id, userId))
    }
  }
}

export type UserService = ReturnType<typeof createUserService>

/**
 * An address nodemailer can send to: one local part, one @, a dotted domain, no spaces or angle
 * brackets (no header tricks), at most 254 characters (RFC 5321).
 */
export function isEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\].]{2,}$/.test(value)
}
