import type { ViewCtx } from './context.ts'
import type { EscrowState } from '../domain/escrow.ts'
import { Speak } from './speak.tsx'

const ICON: Record<EscrowState, string> = { funded: '🔒', partly: '◐', unfunded: '○', closed: '■' }

/**
 * Whether a job's money is in escrow, in words with an icon and a speaker, the same on browse, the
 * job page and a creator's lists. The icon is decoration: the words say it all.
 */
export function EscrowBadge({ ctx, state }: { ctx: ViewCtx; state: EscrowState }): JSX.Element {
  return (
    <span class={`badge escrow-${state}`} data-escrow={state}>
      <span aria-hidden="true">{ICON[state]}</span> <Speak slug={`escrow.${state}`} text={ctx.t(`escrow.${state}`)} ctx={ctx} />
    </span>
  )
}
