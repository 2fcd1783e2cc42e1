import type { ViewCtx } from '../../views/context.ts'
import { LANGUAGES } from '../../domain/languages.ts'
import { DELIVERABLE_TYPES } from '../../domain/deliverables.ts'
import type { JobInput } from '../service.ts'
import { Checkboxes, Csrf, ErrorSummary, Field, Select, Submit } from '../../views/form.tsx'

export function JobForm(p: { ctx: ViewCtx; action: string; values: JobInput; error?: string | undefined; canSaveDraft: boolean; assetCode: string }): JSX.Element {
  const { ctx } = p
  const { t, csrf } = ctx
  const v = p.values
  return (
    <form method="post" action={p.action} enctype="multipart/form-data" class="stack">
      <ErrorSummary message={p.error} />
      <Csrf token={csrf} />
      <Field ctx={ctx} name="title" slug="jobs.title_field" label={t('jobs.title_field')} value={v.title} required />
      <Field ctx={ctx} name="description" multiline slug="jobs.description" label={t('jobs.description')} value={v.description} required />
      <Select ctx={ctx} name="language" slug="jobs.language" label={t('jobs.language')} value={v.language} options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} />
      <Field ctx={ctx} name="dialect" slug="jobs.dialect" label={t('jobs.dialect')} value={v.dialect} />
      <Checkboxes ctx={ctx} name="deliverableTypes" slug="jobs.deliverables" legend={t('jobs.deliverables')} values={v.deliverableTypes} options={DELIVERABLE_TYPES.map((d) => ({ value: d, label: t(`deliverables.${d}`) }))} />
      <Field ctx={ctx} name="amount" slug="jobs.amount" label={t('jobs.amount')} hint={t('jobs.amount_hint', { asset: p.assetCode })} value={v.amount} required />
      <Field ctx={ctx} name="maxResponses" type="number" min="1" slug="jobs.people" label={t('jobs.people')} value={v.maxResponses} required />
      <Field ctx={ctx} name="recruitLimit" type="number" min="1" slug="jobs.recruit_limit" label={t('jobs.recruit_limit')} hint={t('jobs.recruit_limit_hint')} value={v.recruitLimit} required />
      <Field ctx={ctx} name="recruitDeadline" type="date" slug="jobs.recruit_deadline" label={t('jobs.recruit_deadline')} value={v.recruitDeadline} required />
      <Field ctx={ctx} name="submitLimit" type="number" min="1" slug="jobs.submit_limit" label={t('jobs.submit_limit')} value={v.submitLimit} required />
      <Field ctx={ctx} name="submitDays" type="number" min="1" slug="jobs.submit_days" label={t('jobs.submit_days')} hint={t('jobs.submit_days_hint')} value={v.submitDays} required />
      <Field ctx={ctx} name="expiresAt" type="date" slug="jobs.expires" label={t('jobs.expires')} value={v.expiresAt} required />
      <Field ctx={ctx} name="reference" type="file" slug="jobs.reference" label={t('jobs.reference')} hint={t('jobs.reference_hint')} />
      <div class="row">
        <Submit ctx={ctx} slug="jobs.publish" text={t('jobs.publish')} name="action" value="publish" />
        {p.canSaveDraft ? <Submit ctx={ctx} slug="jobs.save_draft" text={t('jobs.save_draft')} name="action" value="draft" kind="secondary" /> : ''}
      </div>
    </form>
  )
}
