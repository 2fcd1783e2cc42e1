import type { ViewCtx } from '../../views/context.ts'
import { LANGUAGES } from '../../domain/languages.ts'
import { DELIVERABLE_TYPES, type MediaKind } from '../../domain/deliverables.ts'
import type { JobInput } from '../input.ts'
import { Checkboxes, Csrf, ErrorSummary, Field, KeptFile, Select, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { LIMITS } from '../../domain/limits.ts'

export function JobForm(p: { ctx: ViewCtx; action: string; values: JobInput; problems?: readonly Problem[]; canSaveDraft: boolean; assetCode: string; referenceKind?: MediaKind | undefined }): JSX.Element {
  const { ctx } = p
  const { t, csrf } = ctx
  const v = p.values
  const err = (f: string) => fieldError(ctx, p.problems, f)
  // A number left empty or unreadable comes back empty, not as "NaN".
  const num = (n: number) => (Number.isFinite(n) ? n : '')
  return (
    <form method="post" action={p.action} enctype="multipart/form-data" class="stack" novalidate>
      <ErrorSummary ctx={ctx} problems={p.problems} />
      <Csrf token={csrf} />
      <Field ctx={ctx} name="title" slug="jobs.title_field" label={t('jobs.title_field')} value={v.title} required maxlength={LIMITS.jobTitle} {...err('title')} />
      <Field ctx={ctx} name="description" multiline slug="jobs.description" label={t('jobs.description')} value={v.description} required maxlength={LIMITS.jobDescription} {...err('description')} />
      <Select ctx={ctx} name="language" slug="jobs.language" label={t('jobs.language')} value={v.language} options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} />
      <Field ctx={ctx} name="dialect" slug="jobs.dialect" label={t('jobs.dialect')} value={v.dialect} maxlength={LIMITS.dialect} {...err('dialect')} />
      <Checkboxes ctx={ctx} name="deliverableTypes" slug="jobs.deliverables" legend={t('jobs.deliverables')} values={v.deliverableTypes} options={DELIVERABLE_TYPES.map((d) => ({ value: d, label: t(`deliverables.${d}`) }))} {...err('deliverableTypes')} />
      <Field ctx={ctx} name="amount" slug="jobs.amount" label={t('jobs.amount')} hint={t('jobs.amount_hint', { asset: p.assetCode })} value={v.amount} required maxlength={LIMITS.amount} {...err('amount')} />
      <Field ctx={ctx} name="maxResponses" type="number" min="1" slug="jobs.people" label={t('jobs.people')} value={num(v.maxResponses)} required {...err('maxResponses')} />
      <Field ctx={ctx} name="recruitLimit" type="number" min="1" slug="jobs.recruit_limit" label={t('jobs.recruit_limit')} hint={t('jobs.recruit_limit_hint')} value={num(v.recruitLimit)} required {...err('recruitLimit')} />
      <Field ctx={ctx} name="recruitDeadline" type="date" slug="jobs.recruit_deadline" label={t('jobs.recruit_deadline')} value={v.recruitDeadline} required {...err('recruitDeadline')} />
      <Field ctx={ctx} name="submitLimit" type="number" min="1" slug="jobs.submit_limit" label={t('jobs.submit_limit')} value={num(v.submitLimit)} required {...err('submitLimit')} />
      <Field ctx={ctx} name="submitDays" type="number" min="1" slug="jobs.submit_days" label={t('jobs.submit_days')} hint={t('jobs.submit_days_hint')} value={num(v.submitDays)} required {...err('submitDays')} />
      <Field ctx={ctx} name="expiresAt" type="date" slug="jobs.expires" label={t('jobs.expires')} value={v.expiresAt} required {...err('expiresAt')} />
      {v.referenceMediaId && p.referenceKind ? <KeptFile ctx={ctx} name="reference" kind={p.referenceKind} id={v.referenceMediaId} /> : ''}
      <Field ctx={ctx} name="reference" type="file" slug="jobs.reference" label={t('jobs.reference')} hint={t('jobs.reference_hint')} {...err('reference')} />
      <div class="row">
        <Submit ctx={ctx} slug="jobs.publish" text={t('jobs.publish')} name="action" value="publish" />
        {p.canSaveDraft ? <Submit ctx={ctx} slug="jobs.save_draft" text={t('jobs.save_draft')} name="action" value="draft" kind="secondary" /> : ''}
      </div>
    </form>
  )
}
