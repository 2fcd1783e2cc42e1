import { formatWhen, MESSAGES, type ConsentLanguage } from './language.ts'

export interface ConsentView {
  lang: ConsentLanguage
  /** The same page in the other language. */
  switchHref: string
  clientName: string | undefined
  accountName: string
  accountUrl: string
  balance: string | undefined
  limit: string | undefined
  limitIsReceived: boolean
  /** Who is paid, by the public name of the receiving wallet (its address when it has none). */
  receiverName: string | undefined
  /** What the receiver gets, when the receiver asks for a fixed amount. */
  receives: string | undefined
  interval: string | undefined
  expiresAt: Date
  approveAction: string
  denyAction: string
}

const styles = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f1ea;color:#1d1d1d;line-height:1.5}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{font-size:1.1rem;min-height:48px;min-width:8rem;border-radius:8px;border:2px solid #1d1d1d;cursor:pointer;padding:.5rem 1rem}
button:focus-visible{outline:3px solid #0a5bd3;outline-offset:2px}
.approve{background:#145c2e;color:#fff;border-color:#145c2e}.deny{background:#fff}
.note{font-size:.9rem;color:#444}
.lang{display:flex;justify-content:flex-end;margin:0 0 .5rem}.lang a{display:inline-block;min-height:44px;min-width:44px;padding:.6rem .5rem;color:#0a4aa8}
.lang a:focus-visible{outline:3px solid #0a5bd3;outline-offset:2px}`

function Layout(props: { lang: ConsentLanguage; title: string; switchHref?: string | undefined; children: JSX.Element | JSX.Element[] }) {
  const other: ConsentLanguage = props.lang === 'es' ? 'en' : 'es'
  return (
    <>
      {'<!doctype html>'}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{props.title}</title>
          <style>{styles}</style>
        </head>
        <body>
          <main>
            {props.switchHref ? (
              <p class="lang">
                <a href={props.switchHref} lang={other} hreflang={other} data-lang-switch={other} safe>
                  {MESSAGES[props.lang].switchTo}
                </a>
              </p>
            ) : (
              ''
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  )
}

/**
 * The sandbox wallet's consent screen, in the person's language: who asks, how much may leave the
 * account, who is paid (by name) and what they receive.
 */
export function ConsentPage(view: ConsentView) {
  const m = MESSAGES[view.lang]
  const client = view.clientName ?? m.unknownClient
  return (
    <Layout lang={view.lang} title={m.title} switchHref={view.switchHref}>
      <h1 safe>{m.heading}</h1>
      <p safe>{m.asks(client)}</p>
      <dl>
        <dt safe>{m.account}</dt>
        <dd safe>{`${view.accountName} — ${view.accountUrl}`}</dd>
        {view.balance ? (
          <>
            <dt safe>{m.balance}</dt>
            <dd safe>{view.balance}</dd>
          </>
        ) : (
          ''
        )}
        <dt safe>{m.upTo}</dt>
        <dd safe>{view.limit ? `${view.limit}${view.limitIsReceived ? ` ${m.received}` : ''}` : m.noLimit}</dd>
        {view.receiverName ? (
          <>
            <dt safe>{m.to}</dt>
            <dd data-receiver safe>
              {view.receiverName}
            </dd>
          </>
        ) : (
          ''
        )}
        {view.receives ? (
          <>
            <dt safe>{m.receives}</dt>
            <dd data-receives safe>
              {view.receives}
            </dd>
          </>
        ) : (
          ''
        )}
        {view.interval ? (
          <>
            <dt safe>{m.repeats}</dt>
            <dd safe>{view.interval}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <div class="actions">
        <form method="post" action={view.approveAction}>
          <button class="approve" type="submit" safe>
            {m.approve}
          </button>
        </form>
        <form method="post" action={view.denyAction}>
          <button class="deny" type="submit" safe>
            {m.deny}
          </button>
        </form>
      </div>
      <p class="note" safe>{m.note(formatWhen(view.expiresAt, view.lang))}</p>
    </Layout>
  )
}

export function InteractionEndedPage(props: { lang: ConsentLanguage; reason: 'expired' | 'invalid' | 'unknown' }) {
  const m = MESSAGES[props.lang]
  return (
    <Layout lang={props.lang} title={m.endedTitle}>
      <h1 safe>{m.endedHeading}</h1>
      <p safe>{m.ended[props.reason]}</p>
    </Layout>
  )
}

/** The end of an interaction whose client gave no finish URI: nothing to redirect to. */
export function AnswerRecordedPage(props: { lang: ConsentLanguage; decision: 'approve' | 'deny'; clientName: string | undefined }) {
  const m = MESSAGES[props.lang]
  return (
    <Layout lang={props.lang} title={m.recordedTitle}>
      <h1 safe>{m.recordedHeading}</h1>
      <p safe>{m.recorded(props.decision, props.clientName ?? m.unknownClient)}</p>
      <p safe>{m.close}</p>
    </Layout>
  )
}
