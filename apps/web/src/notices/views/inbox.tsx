import type { ViewCtx } from '../../views/context.ts'
import { Csrf, PostButton } from '../../views/form.tsx'
import { Speak, SpeakButton } from '../../views/speak.tsx'
import { dateTime } from '../../views/format.ts'
import type { Notice } from '../model.ts'
import { noticeText } from '../text.ts'

/** The inbox: newest first, each notice with its speaker, a way to what it is about, read or not. */
export function Inbox(p: { ctx: ViewCtx; items: Notice[]; page: number; more: boolean }): JSX.Element {
  const { ctx } = p
  const { t } = ctx
  const unread = p.items.some((n) => !n.readAt) || ctx.unreadNotices > 0
  return (
    <>
      {unread ? (
        <p>
          <PostButton ctx={ctx} csrf={ctx.csrf} action="/notices/read-all" slug="notices.mark_all_read" text={t('notices.mark_all_read')} kind="secondary" />
        </p>
      ) : (
        ''
      )}
      {p.items.length === 0 ? (
        <p>
          <Speak slug="notices.empty" text={t('notices.empty')} ctx={ctx} />
        </p>
      ) : (
        <ul class="cards" aria-label={t('notices.list')}>
          {p.items.map((n) => (
            <NoticeCard ctx={ctx} notice={n} />
          ))}
        </ul>
      )}
      <nav class="pager" aria-label={t('notices.pages')}>
        {p.page > 1 ? (
          <a class="btn secondary" href={`/notices?page=${p.page - 1}`} rel="prev" data-audio-slug="common.previous" safe>
            {t('common.previous')}
          </a>
        ) : (
          ''
        )}
        {p.page > 1 || p.more ? <span safe>{t('common.page', { page: p.page })}</span> : ''}
        {p.more ? (
          <a class="btn secondary" href={`/notices?page=${p.page + 1}`} rel="next" data-audio-slug="common.next" safe>
            {t('common.next')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </>
  )
}

function NoticeCard({ ctx, notice }: { ctx: ViewCtx; notice: Notice }): JSX.Element {
  const { t } = ctx
  const text = noticeText(t, ctx.lang, notice)
  const textId = `notice-${notice.id}`
  return (
    <li class={`card notice${notice.readAt ? '' : ' unread'}`} data-notice={notice.id} data-kind={notice.kind}>
      <p class="when">
        {notice.readAt ? '' : <span class="badge soon" safe>{t('notices.new')}</span>} <span safe>{dateTime(notice.createdAt, ctx)}</span>
      </p>
      <p id={textId}>
        <Speak slug={`notices.item.${notice.id}`} text={text} ctx={ctx} />
      </p>
      {/* Opening marks it read, so it is a POST; the notice's words name the button for screen readers. */}
      <form method="post" action={`/notices/${notice.id}/open`} class="inline">
        <Csrf token={ctx.csrf} />
        <span class="with-speak">
          <button type="submit" class="btn primary" data-audio-slug="notices.open" aria-describedby={textId}>
            <span safe>{t('notices.open')}</span>
          </button>
          <SpeakButton slug="notices.open" text={t('notices.open')} ctx={ctx} />
        </span>
      </form>
    </li>
  )
}
