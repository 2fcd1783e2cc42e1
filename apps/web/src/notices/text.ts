import type { Notice } from './model.ts'
import type { T } from '../i18n/index.ts'
import { money } from '../domain/money.ts'
import type { UiLanguage } from '../domain/languages.ts'

/** A notice in words, in the reader's language: the one place a notice's text is made (inbox and email). */
export function noticeText(t: T, lang: UiLanguage, n: Pick<Notice, 'kind' | 'params'>): string {
  const p = n.params
  const amount = p.amount !== undefined && p.assetCode && p.assetScale !== undefined ? money(BigInt(p.amount), p.assetCode, p.assetScale, lang) : ''
  const decision = p.decision ? t(`notices.decisions.${p.decision}`) : ''
  return t(`notices.kinds.${n.kind}`, { title: p.title ?? '', name: p.name ?? '', amount, reason: p.reason ?? '', decision })
}
