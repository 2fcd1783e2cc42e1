import { parseDecimalAmount } from '@voces/platform'
import { DELIVERABLE_TYPES, type DeliverableType } from '../domain/deliverables.ts'
import { LANGUAGES, type Language } from '../domain/languages.ts'
import { LIMITS } from '../domain/limits.ts'
import { problemList } from '../domain/problems.ts'
import type { JobError } from './errors.ts'

/** A job form as the person typed it (create and edit). */
export interface JobInput {
  title: string
  description: string
  language: Language
  dialect: string
  deliverableTypes: DeliverableType[]
  amount: string
  maxResponses: number
  recruitLimit: number
  recruitDeadline: string
  submitLimit: number
  submitDays: number
  expiresAt: string
  referenceMediaId?: string | undefined
}

export interface JobInputRules {
  asset: { code: string; scale: number }
  now: () => Date
}

/**
 * Turns form input into column values, or every reason it cannot (each tied to its field, so the
 * form comes back with all of them). Dates are whole days, ending at 23:59:59 UTC.
 */
export function checkJobInput(input: JobInput, publishing: boolean, rules: JobInputRules) {
  const p = problemList()
  const amount = parseDecimalAmount(input.amount, rules.asset.scale)
  p.limit('title', input.title, LIMITS.jobTitle)
  p.limit('description', input.description, LIMITS.jobDescription)
  p.limit('dialect', input.dialect, LIMITS.dialect)
  p.limit('amount', input.amount, LIMITS.amount)
  if (!input.title.trim()) p.add('title', 'missing_text')
  if (!input.description.trim()) p.add('description', 'missing_text')
  if (typeof amount === 'string') p.add('amount', 'invalid_amount')
  if (!(LANGUAGES as readonly string[]).includes(input.language)) p.add('language', 'invalid_input')
  const types = input.deliverableTypes.filter((d) => (DELIVERABLE_TYPES as readonly string[]).includes(d))
  if (types.length === 0) p.add('deliverableTypes', 'no_deliverables')
  for (const field of ['maxResponses', 'recruitLimit', 'submitLimit', 'submitDays'] as const) {
    const n = input[field]
    if (!Number.isInteger(n) || n < 1 || n > 1000) p.add(field, 'invalid_numbers')
  }
  const recruitDeadline = endOfDay(input.recruitDeadline)
  const expiresAt = endOfDay(input.expiresAt)
  if (!recruitDeadline || (publishing && recruitDeadline <= rules.now())) p.add('recruitDeadline', 'invalid_dates')
  if (!expiresAt || (recruitDeadline && expiresAt < recruitDeadline)) p.add('expiresAt', 'invalid_dates')
  return { problems: p.list, amount, types, recruitDeadline, expiresAt }
}

/** The job's column values from a form, or the first problem's code. */
export function jobValues(input: JobInput, publishing: boolean, rules: JobInputRules) {
  const { problems, amount, types, recruitDeadline, expiresAt } = checkJobInput(input, publishing, rules)
  if (problems.length > 0 || typeof amount === 'string' || !recruitDeadline || !expiresAt) return (problems[0]?.code ?? 'invalid_input') as JobError | 'invalid_input' | 'too_long'
  return {
    title: input.title.trim(),
    description: input.description.trim(),
    language: input.language,
    dialect: input.dialect.trim(),
    deliverableTypes: types,
    amountPerPerson: amount,
    assetCode: rules.asset.code,
    assetScale: rules.asset.scale,
    maxResponses: input.maxResponses,
    recruitLimit: input.recruitLimit,
    recruitDeadline,
    submitLimit: input.submitLimit,
    submitDays: input.submitDays,
    expiresAt,
    ...(input.referenceMediaId ? { referenceMediaId: input.referenceMediaId } : {})
  }
}

function endOfDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const d = new Date(`${value}T23:59:59.000Z`)
  return Number.isNaN(d.getTime()) ? null : d
}

export function toDateInput(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 10) : ''
}
