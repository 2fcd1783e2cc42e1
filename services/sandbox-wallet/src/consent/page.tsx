export interface ConsentView {
  clientName: string
  clientUrl: string
  accountName: string
  accountUrl: string
  balance: string | undefined
  limit: string | undefined
  receiver: string | undefined
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
.note{font-size:.9rem;color:#444}`

function Layout(props: { title: string; children: JSX.Element | JSX.Element[] }) {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{props.title}</title>
          <style>{styles}</style>
        </head>
        <body>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  )
}

/** The sandbox wallet's consent screen: who asks, how much may leave the account, and to whom. */
export function ConsentPage(view: ConsentView) {
  return (
    <Layout title="Approve payment — Sandbox wallet">
      <h1>Approve a payment from your wallet</h1>
      <p>
        <strong safe>{view.clientName}</strong> (<span safe>{view.clientUrl}</span>) asks to send money from your
        account.
      </p>
      <dl>
        <dt>Account</dt>
        <dd safe>{`${view.accountName} — ${view.accountUrl}`}</dd>
        {view.balance ? (
          <>
            <dt>Balance</dt>
            <dd safe>{view.balance}</dd>
          </>
        ) : (
          ''
        )}
        <dt>Up to</dt>
        <dd safe>{view.limit ?? 'No amount limit'}</dd>
        {view.receiver ? (
          <>
            <dt>To</dt>
            <dd safe>{view.receiverName ? `${view.receiverName} (${view.receiver})` : view.receiver}</dd>
          </>
        ) : (
          ''
        )}
        {view.receives ? (
          <>
            <dt>They receive</dt>
            <dd safe>{view.receives}</dd>
          </>
        ) : (
          ''
        )}
        {view.interval ? (
          <>
            <dt>Repeats</dt>
            <dd safe>{view.interval}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <div class="actions">
        <form method="post" action={view.approveAction}>
          <button class="approve" type="submit">
            Approve
          </button>
        </form>
        <form method="post" action={view.denyAction}>
          <button class="deny" type="submit">
            Deny
          </button>
        </form>
      </div>
      <p class="note" safe>{`This request expires at ${view.expiresAt.toISOString()}. This is a sandbox wallet: no real money moves.`}</p>
    </Layout>
  )
}

export function InteractionEndedPage(props: { message: string }) {
  return (
    <Layout title="Request ended — Sandbox wallet">
      <h1>This request can no longer be answered</h1>
      <p safe>{props.message}</p>
    </Layout>
  )
}

/** The end of an interaction whose client gave no finish URI: nothing to redirect to. */
export function AnswerRecordedPage(props: { decision: 'approve' | 'deny'; clientName: string }) {
  const verb = props.decision === 'approve' ? 'approved' : 'declined'
  return (
    <Layout title="Answer recorded — Sandbox wallet">
      <h1>Your answer was recorded</h1>
      <p safe>{`You ${verb} the payment request from ${props.clientName}.`}</p>
      <p>You can close this page and go back to the app.</p>
    </Layout>
  )
}
