import { systemClock, type Clock, type Database, type Logger } from '@voces/platform'
import type { WebConfig } from './config.ts'
import type { PaymentsClient } from './payments-client/types.ts'
import { createUserService } from './users/service.ts'
import { createSessionService } from './sessions/service.ts'
import { createMediaService } from './media/service.ts'
import { createMediaStore, type MediaStore } from './media/store/index.ts'
import { createJobService } from './jobs/service.ts'
import { createJobTransitions } from './jobs/transitions.ts'
import { createApplicationService } from './applications/service.ts'
import { createSubmissionService } from './submissions/service.ts'
import { createAutoRelease } from './submissions/auto-release.ts'
import { createDisputeService } from './disputes/service.ts'
import { reviewEvents } from './review-events.ts'
import { createPayoutService } from './payouts/service.ts'
import { createFundingService } from './funding/service.ts'
import { createScheduler } from './scheduler.ts'
import { createAudioService } from './audio/service.ts'
import { createNoticeService } from './notices/service.ts'
import { createNoticeEvents } from './notices/events.ts'
import { createEmailOutbox, smtpMailer, type Mailer } from './notices/email.ts'
import { createSandboxAdmin } from './test-wallet/sandbox.ts'
import { createTestWalletService } from './test-wallet/service.ts'
import { createOutboxService } from './outbox/service.ts'
import { createPublicPages } from './http/public-pages.ts'
import { requestChain } from './audio/recordings.ts'

export interface WebDeps {
  config: WebConfig
  database: Database
  logger: Logger
  paymentsClient: PaymentsClient
  /** Where review windows, auto-release, notices (with their email outbox) and the media sweep read the time; tests move it. */
  clock?: Clock
  /** Sends notice emails; default: SMTP from config.smtp, none when that is not set (email off). */
  mailer?: Mailer
  /** Where media bytes live; by default the one config.media names (tests wrap it to inject faults). */
  mediaStore?: MediaStore
}

export type WebServices = ReturnType<typeof createServices>

/** Every service, built from explicit dependencies and wired by callbacks (who is told, who pays, who refunds). */
export function createServices(deps: WebDeps) {
  const { db } = deps.database
  const store = deps.mediaStore ?? createMediaStore(deps.config)
  const media = createMediaService({
    db,
    store,
    maxUploadBytes: deps.config.maxUploadBytes,
    logger: deps.logger,
    sweepGraceMs: deps.config.media.sweepGraceMs,
    ...(deps.clock ? { clock: deps.clock } : {})
  })
  const users = createUserService({ db, payments: deps.paymentsClient, argon2: deps.config.argon2 })
  const sessions = createSessionService({ db })
  const clock = deps.clock ?? systemClock
  // Notices are written in each event's own transaction (notices/events.ts says who is told what).
  const notices = createNoticeService({ db, clock })
  const tell = createNoticeEvents(notices.notify)
  const mailer = deps.mailer ?? (deps.config.smtp ? smtpMailer(deps.config.smtp) : undefined)
  const emails = mailer
    ? createEmailOutbox({
        db,
        mailer,
        clock,
        logger: deps.logger,
        from: deps.config.smtp?.from ?? 'Voces Market <avisos@localhost>',
        baseUrl: () => deps.config.baseUrl,
        intervalMs: deps.config.schedulerIntervalMs
      })
    : undefined
  // Pages the same for everyone without a session, served from memory for a few seconds (issue 14).
  const publicPages = createPublicPages({
    ttlMs: deps.config.publicPageTtlMs,
    maxEntries: 500,
    now: () => clock.now().getTime(),
    variant: (req) => requestChain(req).join(',')
  })
  const payouts = createPayoutService({ db, payments: deps.paymentsClient, logger: deps.logger, onCompleted: tell.moneyArrived })
  // Closing a job (canceled, expired, complete) refunds what escrow still holds for it.
  const onClosed = payouts.scheduleRefund
  // Community recordings behind the speaker buttons: 30 s of WAV fits in 3 MB, Opus in far less.
  const audio = createAudioService({ db, media, logger: deps.logger, maxBytes: Math.min(deps.config.maxUploadBytes, 3 * 1024 * 1024) })
  // Events of reviews, disputes and applications, told to the people concerned (review-events.ts).
  const events = reviewEvents(deps.logger, tell)
  const jobs = createJobService({
    db,
    asset: deps.config.asset,
    onClosed,
    onEdited: audio.jobEdited,
    escrowShortfall: payouts.escrowShortfall,
    // Starting the work tells the selected to begin and everyone else that they were not chosen, then
    // closes the applications still pending.
    onStarted: async (tx, job) => {
      await tell.workStarted(tx, job)
      await applications.closeUnchosen(tx, job)
    }
  })
  const transitions = createJobTransitions({ db, onClosed })
  const applications = createApplicationService({ db, jobs, media, transitions, events, onApplied: tell.applied, onDecided: tell.selected })
  const review = { windowMs: deps.config.reviewWindowMs, changeRounds: deps.config.changeRounds }
  const submissions = createSubmissionService({
    db,
    media,
    transitions,
    onAccepted: payouts.schedulePayout,
    escrowShortfall: payouts.escrowShortfall,
    events,
    clock,
    review,
    onSubmitted: (tx, job, submission) => tell.submissionReceived(tx, job, submission)
  })
  const autoRelease = createAutoRelease({
    db,
    logger: deps.logger,
    windowMs: review.windowMs,
    pay: { onAccepted: payouts.schedulePayout, escrowShortfall: payouts.escrowShortfall },
    events,
    clock
  })
  const disputes = createDisputeService({ db, money: payouts, events, clock })
  const fundings = createFundingService({
    db,
    payments: deps.paymentsClient,
    payouts,
    logger: deps.logger,
    onEnded: tell.fundingEnded,
    onFunded: () => publicPages.forget(),
    // Read at each call: tests listening on port 0 learn their base URL only after start.
    get baseUrl() {
      return deps.config.baseUrl
    }
  })
  // Idempotency keys of forms a phone may send again (the offline queue, docs/web.md).
  const outbox = createOutboxService({ db, clock })
  // A tick that moved something changes what public pages show (a job closed, work paid automatically).
  const thenForget = (moved: number) => {
    if (moved > 0) publicPages.forget()
  }
  const scheduler = createScheduler({
    intervalMs: deps.config.schedulerIntervalMs,
    logger: deps.logger,
    tasks: {
      jobTransitions: () => transitions.tick().then(thenForget),
      autoRelease: () => autoRelease.tick(clock.now()).then(thenForget),
      payouts: () => payouts.processDue().then(thenForget),
      fundings: () => fundings.refreshOpen(),
      sessions: () => sessions.purgeExpired(),
      mediaSweep: () => media.sweepIfDue(deps.config.media.sweepIntervalMs),
      outboxKeys: () => outbox.purgeIfDue()
    }
  })
  // In the sandbox only: one-tap test wallets of play money (config.testWallets, set by npm start).
  const testWallets = deps.config.testWallets
    ? createTestWalletService({
        db,
        sandbox: createSandboxAdmin(deps.config.testWallets),
        wallets: deps.config.testWallets,
        asset: deps.config.asset,
        logger: deps.logger
      })
    : undefined
  return { store, media, users, sessions, payouts, jobs, transitions, applications, submissions, autoRelease, disputes, fundings, scheduler, audio, notices, tell, emails, testWallets, outbox, publicPages }
}
