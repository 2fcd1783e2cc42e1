import type { ViewCtx } from '../../views/context.ts'
import type { Application } from '../model.ts'
import type { Job } from '../../jobs/model.ts'
import { Csrf, ErrorSummary, Field, KeptFile, PostButton, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { LIMITS } from '../../domain/limits.ts'
import { MediaPreview } from '../../views/media.tsx'
import { ResumableUpload } from '../../views/upload.tsx'
import { OutboxKey, OutboxPanel } from '../../outbox/views/outbox.tsx'
import { Speak } from '../../views/speak.tsx'

export function ApplyForm(p: {
  ctx: ViewCtx
  job: Job
  /** A refused try: its problems, the note typed and the files kept from it (media/kept.ts). */
  problems?: readonly Problem[]
  values?: { note: string }
  kept?: Record<string, string>
}): JSX.Element {
  const { ctx, job } = p
  const { t, csrf } = ctx
  const err = (f: string) => fieldError(ctx, p.problems, f)
  const kept = p.kept ?? {}
  return (
    <section aria-labelledby="apply-h" class="card">
      <h2 id="apply-h" data-audio-slug="job.apply" safe>
        {t('applications.apply_title')}
      </h2>
      <form method="post" action={`/jobs/${job.id}/apply`} enctype="multipart/form-data" class="stack" data-resumable data-outbox data-outbox-label={`${t('applications.apply_title')}: ${job.title}`}>
        <ErrorSummary ctx={ctx} problems={p.problems} />
        <Csrf token={csrf} />
        <OutboxKey />
        <Field ctx={ctx} name="note" multiline slug="applications.note" label={t('applications.note')} hint={t('applications.note_hint')} value={p.values?.note} maxlength={LIMITS.applicationNote} {...err('note')} />
        <div data-recorder>
          <KeptFile ctx={ctx} name="audio" kind="audio" id={kept.audio} />
          <Field ctx={ctx} name="audio" type="file" accept="audio/*" slug="applications.audio" label={t('applications.audio')} hint={t('applications.defaults_hint')} {...err('audio')} />
        </div>
        <KeptFile ctx={ctx} name="video" kind="video" id={kept.video} />
        <Field ctx={ctx} name="video" type="file" accept="video/*" slug="applications.video" label={t('applications.video')} {...err('video')} />
        <KeptFile ctx={ctx} name="image" kind="image" id={kept.image} />
        <Field ctx={ctx} name="image" type="file" accept="image/*" slug="applications.image" label={t('applications.image')} {...err('image')} />
        <Submit ctx={ctx} slug="job.apply" text={t('applications.apply')} />
        <ResumableUpload ctx={ctx} />
      </form>
      <OutboxPanel ctx={ctx} />
    </section>
  )
}

export function MyApplication({ ctx, job, application }: { ctx: ViewCtx; job: Job; application: Application }): JSX.Element {
  const { t, csrf } = ctx
  // Not chosen once the work started without her: said so, not left "pending" for ever.
  const choosing = job.state === 'recruiting' || job.state === 'selecting'
  return (
    <section class="card" aria-labelledby="myapp-h">
      <h2 id="myapp-h" safe>
        {t('applications.mine')}
      </h2>
      <p data-application-state={application.state}>
        <Speak slug={`applications.state.${application.state}`} text={t(`applications.states.${application.state}`)} ctx={ctx} />
      </p>
      {application.state === 'rejected' && !choosing ? (
        <p data-not-chosen>
          <Speak slug="review.not_chosen" text={t('review.not_chosen')} ctx={ctx} />
        </p>
      ) : (
        ''
      )}
      {application.state === 'pending' && choosing ? (
        <PostButton ctx={ctx} csrf={csrf} action={`/applications/${application.id}/withdraw`} slug="review.withdraw" text={t('review.withdraw')} kind="secondary" />
      ) : (
        ''
      )}
    </section>
  )
}

export interface ApplicationRow {
  application: Application
  applicant: { id: string; username: string; displayName: string; note: string; nativeLanguages: string[] }
}

export function ApplicationList({ ctx, job, rows }: { ctx: ViewCtx; job: Job; rows: ApplicationRow[] }): JSX.Element {
  const { t, csrf } = ctx
  const canDecide = job.state === 'recruiting' || job.state === 'selecting'
  return (
    <section aria-labelledby="apps-h">
      <h2 id="apps-h" safe>
        {t('applications.list_title', { count: rows.length })}
      </h2>
      {rows.length === 0 ? (
        <p safe>{t('common.none')}</p>
      ) : (
        <ul class="cards">
          {rows.map(({ application: a, applicant }) => (
            <li class="card" data-application={a.id}>
              <h3 safe>{`${applicant.displayName} (@${applicant.username})`}</h3>
              <p>
                <span class="badge" safe>
                  {t(`applications.states.${a.state}`)}
                </span>
              </p>
              {a.note ? <p safe>{a.note}</p> : ''}
              {a.audioId ? <MediaPreview ctx={ctx} kind="audio" id={a.audioId} /> : ''}
              {a.videoId ? <MediaPreview ctx={ctx} kind="video" id={a.videoId} /> : ''}
              {a.imageId ? <MediaPreview ctx={ctx} kind="image" id={a.imageId} /> : ''}
              {canDecide ? (
                <div class="row">
                  {a.state !== 'selected' ? <PostButton ctx={ctx} csrf={csrf} action={`/applications/${a.id}/decide`} fields={{ state: 'selected' }} slug="applications.select" text={t('applications.select')} /> : ''}
                  {a.state !== 'rejected' ? <PostButton ctx={ctx} csrf={csrf} action={`/applications/${a.id}/decide`} fields={{ state: 'rejected' }} slug="applications.reject" text={t('applications.reject')} kind="danger" /> : ''}
                  {a.state !== 'pending' ? <PostButton ctx={ctx} csrf={csrf} action={`/applications/${a.id}/decide`} fields={{ state: 'pending' }} slug="applications.reset" text={t('applications.reset')} kind="secondary" /> : ''}
                </div>
              ) : (
                ''
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
