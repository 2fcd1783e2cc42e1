import type { ViewCtx } from '../../../views/context.ts'
import { SpeakButton } from '../../../views/speak.tsx'

interface Tile {
  href: string
  icon: string
  slug: string
  key: string
}

/** The big-icon home grid: one tap to each place, every tile with its speaker. */
export function HomeGrid({ ctx, counts = {} }: { ctx: ViewCtx; counts?: Record<string, number> }): JSX.Element {
  const { t, user } = ctx
  const tiles: Tile[] = [{ href: '/jobs', icon: '🔎', slug: 'home.browse', key: 'home.browse' }]
  if (user?.isFunder) {
    tiles.push({ href: '/jobs/new', icon: '➕', slug: 'home.create', key: 'home.create' })
    tiles.push({ href: '/dashboard/jobs', icon: '📋', slug: 'home.my_jobs', key: 'home.my_jobs' })
  }
  if (user?.isCreator) {
    tiles.push({ href: '/dashboard/applications', icon: '📨', slug: 'home.my_applications', key: 'home.my_applications' })
    tiles.push({ href: '/dashboard/work', icon: '🎙️', slug: 'home.pending_work', key: 'home.pending_work' })
  }
  if (user) {
    tiles.push({ href: '/dashboard/money', icon: '💰', slug: 'home.money', key: 'home.money' })
    tiles.push({ href: '/profile', icon: '👤', slug: 'home.profile', key: 'home.profile' })
  } else {
    tiles.push({ href: '/login', icon: '🔑', slug: 'home.login', key: 'nav.login' })
    tiles.push({ href: '/register', icon: '✍️', slug: 'home.register', key: 'nav.register' })
  }
  // Choosing the language you hear, and recording for others, is for everyone.
  tiles.push({ href: '/audio', icon: '🔊', slug: 'home.audio', key: 'audio.title' })
  return (
    <ul class="grid" role="list">
      {tiles.map((tile) => (
        <li class="tile">
          <a href={tile.href} data-audio-slug={tile.slug}>
            <span class="icon" aria-hidden="true" safe>
              {tile.icon}
            </span>
            <span class="tile-label" safe>
              {t(tile.key)}
            </span>
            {counts[tile.slug] ? (
              <span class="count" data-count={tile.slug}>
                {counts[tile.slug]}
              </span>
            ) : (
              ''
            )}
          </a>
          <SpeakButton slug={tile.slug} text={t(tile.key)} ctx={ctx} />
        </li>
      ))}
    </ul>
  )
}
