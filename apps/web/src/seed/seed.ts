import { count, eq, inArray } from 'drizzle-orm'
import type { Db } from '@voces/platform'
import { users } from '../domain/user.ts'
import type { Language } from '../domain/languages.ts'
import { jobs, type JobState } from '../jobs/model.ts'
import type { DeliverableType } from '../domain/deliverables.ts'
import { applications } from '../applications/model.ts'

export const DEMO_PASSWORD = 'demo123'

const PEOPLE = [
  { username: 'demo_funder', displayName: 'Demo Funder', funder: true, creator: false, native: ['es'] },
  { username: 'maria_nahuatl', displayName: 'María (náhuatl)', funder: false, creator: true, native: ['nah', 'es'] },
  { username: 'carlos_otomi', displayName: 'Carlos (otomí)', funder: false, creator: true, native: ['ot', 'es'] },
  { username: 'ana_quechua', displayName: 'Ana (quechua)', funder: false, creator: true, native: ['qu', 'es'] },
  { username: 'demo_both_1', displayName: 'Demo Both 1', funder: true, creator: true, native: ['maz', 'es'] },
  { username: 'demo_both_2', displayName: 'Demo Both 2', funder: true, creator: true, native: ['en', 'es'] }
] as const

interface JobSeed {
  title: string
  description: string
  language: Language
  types: DeliverableType[]
  amount: bigint
  people: number
  state: JobState
}

const TOPICS: [string, string, Language, DeliverableType[]][] = [
  ['Saludos de la mañana', 'Grabe cinco saludos de la mañana como se dicen en su comunidad.', 'nah', ['audio']],
  ['Cuento del conejo y la luna', 'Narre el cuento del conejo y la luna, de 1 a 2 minutos.', 'nah', ['audio', 'text']],
  ['Nombres de plantas medicinales', 'Diga y escriba el nombre de diez plantas medicinales.', 'ot', ['audio', 'text']],
  ['Canción de cuna', 'Cante una canción de cuna tradicional.', 'ot', ['audio']],
  ['Receta de tamales', 'Explique paso a paso una receta de tamales.', 'maz', ['audio', 'video']],
  ['Números del 1 al 20', 'Cuente del uno al veinte despacio y con claridad.', 'qu', ['audio']],
  ['Foto del mercado', 'Tome una foto del mercado del pueblo y describa lo que se vende.', 'qu', ['image', 'text']],
  ['Traducción de un aviso de salud', 'Traduzca un aviso corto sobre vacunas.', 'nah', ['text']],
  ['Palabras de la milpa', 'Nombre las partes de la milpa en su lengua.', 'maz', ['audio']],
  ['Instructions for the clinic', 'Read the clinic opening hours aloud in Spanish.', 'es', ['audio']],
  ['Video: how we weave', 'Record a short video of weaving and explain each step.', 'ot', ['video']],
  ['Greetings in English', 'Record ten everyday greetings in English for learners.', 'en', ['audio', 'text']],
  ['Leyenda del volcán', 'Cuente la leyenda del volcán de su región.', 'nah', ['audio']],
  ['Colores y animales', 'Nombre diez colores y diez animales.', 'qu', ['audio', 'text']]
]

const PLAN: [JobState, number][] = [
  ['draft', 3],
  ['recruiting', 8],
  ['selecting', 3],
  ['submitting', 3],
  ['reviewing', 3],
  ['complete', 2],
  ['canceled', 2],
  ['expired', 2]
]

/**
 * Demo users and ~26 jobs in every state, for a fresh clone. Idempotent: users are created only if
 * missing, and jobs only when demo_funder has none. No payments are invented: "My money" stays empty
 * until real payments happen, and so no creator is working on any seeded job (work starts only once
 * escrow holds the money).
 */
export async function seedDemoData(deps: {
  db: Db
  hashPassword: (password: string) => Promise<string>
  sandboxWalletUrl: string
  asset: { code: string; scale: number }
  now?: Date
}): Promise<{ usersCreated: number; jobsCreated: number }> {
  const { db } = deps
  const now = deps.now ?? new Date()
  const day = (n: number) => new Date(now.getTime() + n * 86_400_000)
  const passwordHash = await deps.hashPassword(DEMO_PASSWORD)
  const created = await db
    .insert(users)
    .values(
      PEOPLE.map((p) => ({
        username: p.username,
        passwordHash,
        displayName: p.displayName,
        isFunder: p.funder,
        isCreator: p.creator,
        walletAddress: `${deps.sandboxWalletUrl}/${p.username}`,
        nativeLanguages: [...p.native] as Language[],
        preferredLanguage: 'es' as const
      }))
    )
    .onConflictDoNothing({ target: users.username })
    .returning({ id: users.id })
  const people = await db.select().from(users).where(inArray(users.username, PEOPLE.map((p) => p.username)))
  const byName = Object.fromEntries(people.map((u) => [u.username, u]))
  const funder = byName.demo_funder!
  const [existing] = await db.select({ n: count() }).from(jobs).where(eq(jobs.ownerId, funder.id))
  if ((existing?.n ?? 0) > 0) return { usersCreated: created.length, jobsCreated: 0 }

  const creators = [byName.maria_nahuatl!, byName.carlos_otomi!, byName.ana_quechua!, byName.demo_both_2!]
  const owners = [funder, funder, funder, byName.demo_both_1!]
  let i = 0
  let made = 0
  await db.transaction(async (tx) => {
    for (const [state, n] of PLAN) {
      for (let k = 0; k < n; k++, i++) {
        const [title, description, language, types] = TOPICS[i % TOPICS.length]!
        const seed: JobSeed = { title: `${title}${i >= TOPICS.length ? ' (2)' : ''}`, description, language, types, amount: BigInt(500 + (i % 5) * 250) * 10n ** BigInt(Math.max(0, deps.asset.scale - 2)), people: 1 + (i % 3), state }
        const past = state === 'complete' || state === 'canceled' || state === 'expired'
        const owner = owners[i % owners.length]!
        const [job] = await tx
          .insert(jobs)
          .values({
            ownerId: owner.id,
            title: seed.title,
            description: seed.description,
            language: seed.language,
            dialect: '',
            deliverableTypes: seed.types,
            amountPerPerson: seed.amount,
            assetCode: deps.asset.code,
            assetScale: deps.asset.scale,
            maxResponses: seed.people,
            recruitLimit: seed.people * 3,
            // Some recruiting jobs close soon, to show the "closing soon" flag.
            recruitDeadline: past ? day(-20) : state === 'recruiting' ? day(k % 3 === 0 ? 2 : 10 + k) : day(-2),
            submitLimit: seed.people,
            submitDays: 7,
            submitDeadline: state === 'submitting' || state === 'reviewing' ? day(5) : past ? day(-10) : null,
            expiresAt: past ? day(-5) : day(40),
            state,
            publishedAt: state === 'draft' ? null : day(-25 + i % 20)
          })
          .returning()
        made++
        if (state === 'draft' || state === 'recruiting' && k % 2 === 0 || state === 'expired' || state === 'canceled') continue
        // Applications from creators other than the owner. Nobody works on money that is not in escrow,
        // and the seed invents no payments: so creators are selected only on jobs still selecting (the
        // owner funds, then starts the work), and jobs past that show applications, never work.
        const applicants = creators.filter((c) => c.id !== owner.id).slice(0, Math.min(3, seed.people + 1))
        for (const [idx, c] of applicants.entries()) {
          const selected = state === 'selecting' && idx < seed.people
          await tx.insert(applications).values({ jobId: job!.id, applicantId: c.id, note: 'Hablo esta lengua desde niña/o.', state: selected ? 'selected' : 'pending' })
        }
      }
    }
  })
  return { usersCreated: created.length, jobsCreated: made }
}
