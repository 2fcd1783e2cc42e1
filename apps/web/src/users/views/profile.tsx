import type { ViewCtx } from '../../views/context.ts'
import { LANGUAGES, UI_LANGUAGES } from '../../domain/languages.ts'
import type { User } from '../../domain/user.ts'
import { DELIVERABLE_TYPES } from '../../domain/deliverables.ts'
import { Checkboxes, Csrf, ErrorSummary, Field, KeptFile, Select, Submit, fieldError, type Problem } from '../../views/form.tsx'
import { MediaPreview } from '../../views/media.tsx'
import { LIMITS } from '../../domain/limits.ts'
import { TIME_ZONES } from '../../domain/time-zones.ts'

/**
 * The profile. Each role sees its own sections only: the files shown with applications to creators,
 * the defaults for new jobs to funders. `problems`/`kept`: a refused try (what was typed is in `user`).
 */
export function ProfileForm(p: { ctx: ViewCtx; user: User; problems?: readonly Problem[]; kept?: Record<string, string> }): JSX.Element {
  const { ctx } = p
  const { t, csrf } = ctx
  const u = p.user
  const d = u.jobDefaults
  const roles = [u.isFunder ? 'funder' : '', u.isCreator ? 'creator' : ''].filter(Boolean)
  const err = (f: string) => fieldError(ctx, p.problems, f)
  const kept = p.kept ?? {}
  return (
    <form method="post" action="/profile" enctype="multipart/form-data" class="stack" novalidate>
      <ErrorSummary ctx={ctx} problems={p.problems} />
      <Csrf token={csrf} />
      <Field ctx={ctx} name="displayName" slug="profile.display_name" label={t('profile.display_name')} value={u.displayName} required maxlength={LIMITS.displayName} {...err('displayName')} />
      <Field
        ctx={ctx}
        name="walletAddress"
        slug="profile.wallet"
        label={t('profile.wallet')}
        hint={t('profile.wallet_hint')}
        value={u.walletAddress ?? ''}
        maxlength={LIMITS.walletAddress}
        {...err('walletAddress')}
      />
      <Field
        ctx={ctx}
        name="email"
        type="email"
        slug="notices.email"
        label={t('notices.email')}
        hint={t('notices.email_hint')}
        autocomplete="email"
        value={u.email ?? ''}
        maxlength={300}
        {...err('email')}
      />
      <Checkboxes
        ctx={ctx}
        name="roles"
        slug="profile.roles"
        legend={t('profile.roles')}
        values={roles}
        options={[
          { value: 'funder', label: t('roles.funder') },
          { value: 'creator', label: t('roles.creator') }
        ]}
      />
      <Select
        ctx={ctx}
        name="preferredLanguage"
        slug="profile.ui_language"
        label={t('profile.ui_language')}
        value={u.preferredLanguage}
        options={UI_LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
      />
      <Select
        ctx={ctx}
        name="timeZone"
        slug="forms.time_zone"
        label={t('forms.time_zone')}
        value={u.timeZone}
        options={TIME_ZONES.map((z) => ({ value: z, label: z.replaceAll('_', ' ').replace('/', ' · ') }))}
      />
      <Checkboxes
        ctx={ctx}
        name="nativeLanguages"
        slug="profile.native_languages"
        legend={t('profile.native_languages')}
        values={u.nativeLanguages}
        options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
      />
      <Field ctx={ctx} name="note" multiline slug="profile.note" label={t('profile.note')} value={u.note} maxlength={LIMITS.profileNote} {...err('note')} />
      {u.isCreator ? (
      <fieldset class="stack">
        <legend safe>{t('profile.media')}</legend>
        {u.profileAudioId ? <MediaPreview ctx={ctx} kind="audio" id={u.profileAudioId} /> : ''}
        <div data-recorder>
          <KeptFile ctx={ctx} name="audio" kind="audio" id={kept.audio} />
          <Field ctx={ctx} name="audio" type="file" accept="audio/*" slug="profile.audio" label={t('profile.audio')} {...err('audio')} />
        </div>
        {u.profileVideoId ? <MediaPreview ctx={ctx} kind="video" id={u.profileVideoId} /> : ''}
        <KeptFile ctx={ctx} name="video" kind="video" id={kept.video} />
        <Field ctx={ctx} name="video" type="file" accept="video/*" slug="profile.video" label={t('profile.video')} {...err('video')} />
        {u.profileImageId ? <MediaPreview ctx={ctx} kind="image" id={u.profileImageId} /> : ''}
        <KeptFile ctx={ctx} name="image" kind="image" id={kept.image} />
        <Field ctx={ctx} name="image" type="file" accept="image/*" slug="profile.image" label={t('profile.image')} {...err('image')} />
      </fieldset>
      ) : ''}
      {u.isFunder ? (
      <fieldset class="stack">
        <legend safe>{t('profile.defaults')}</legend>
        <Select
          ctx={ctx}
          name="defaultLanguage"
          slug="profile.default_language"
          label={t('jobs.language')}
          value={d.language ?? ''}
          options={[{ value: '', label: '—' }, ...LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))]}
        />
        <Checkboxes
          ctx={ctx}
          name="defaultDeliverables"
          slug="profile.default_deliverables"
          legend={t('jobs.deliverables')}
          values={d.deliverableTypes ?? []}
          options={DELIVERABLE_TYPES.map((k) => ({ value: k, label: t(`deliverables.${k}`) }))}
        />
        <Field ctx={ctx} name="defaultAmount" slug="profile.default_amount" label={t('jobs.amount')} value={d.amount ?? ''} maxlength={LIMITS.amount} {...err('defaultAmount')} />
        <Field ctx={ctx} name="defaultMaxResponses" type="number" min="1" slug="profile.default_people" label={t('jobs.people')} value={d.maxResponses ?? ''} />
      </fieldset>
      ) : ''}
      <Submit ctx={ctx} slug="profile.save" text={t('common.save')} />
    </form>
  )
}
