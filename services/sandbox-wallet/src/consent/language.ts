/** The consent page speaks Spanish and English: the person's choice (`?lang=`), else their browser's. */
export type ConsentLanguage = 'es' | 'en'

/**
 * `?lang=es|en` wins (the switch link); otherwise the first of es/en in Accept-Language by quality
 * (RFC 9110: `es-MX,es;q=0.9,en;q=0.8`); otherwise English, the language of Rafiki's own screens.
 */
export function consentLanguage(query: unknown, acceptLanguage: string | undefined): ConsentLanguage {
  if (query === 'es' || query === 'en') return query
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1')
      return { lang: tag.trim().toLowerCase().split('-')[0], q: Number.isFinite(q) ? q : 0, index }
    })
    .filter((x) => x.q > 0 && (x.lang === 'es' || x.lang === 'en'))
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return (ranked[0]?.lang as ConsentLanguage | undefined) ?? 'en'
}

export const MESSAGES = {
  en: {
    title: 'Approve payment — Sandbox wallet',
    heading: 'Approve a payment from your wallet',
    asks: (client: string) => `${client} asks to send money from your account.`,
    account: 'Account',
    balance: 'Balance',
    upTo: 'Up to',
    noLimit: 'No amount limit',
    received: '(received)',
    to: 'Who is paid',
    receives: 'They receive',
    repeats: 'Repeats',
    approve: 'Approve',
    deny: 'Deny',
    note: (expires: string) => `This request expires on ${expires}. This is a sandbox wallet: it holds play money, no real money moves.`,
    switchTo: 'Español',
    endedTitle: 'Request ended — Sandbox wallet',
    endedHeading: 'This request can no longer be answered',
    ended: {
      expired: 'This payment request has expired.',
      invalid: 'This payment request was already answered or withdrawn.',
      unknown: 'This payment request does not exist.'
    },
    recordedTitle: 'Answer recorded — Sandbox wallet',
    recordedHeading: 'Your answer was recorded',
    recorded: (decision: 'approve' | 'deny', client: string) => `You ${decision === 'approve' ? 'approved' : 'declined'} the payment request from ${client}.`,
    close: 'You can close this page and go back to the app.',
    unknownClient: 'Unknown client'
  },
  es: {
    title: 'Aprobar el pago — Billetera de pruebas',
    heading: 'Aprobar un pago desde su billetera',
    asks: (client: string) => `${client} pide enviar dinero desde su cuenta.`,
    account: 'Cuenta',
    balance: 'Saldo',
    upTo: 'Hasta',
    noLimit: 'Sin límite de monto',
    received: '(recibido)',
    to: 'A quién se paga',
    receives: 'Recibe',
    repeats: 'Se repite',
    approve: 'Aprobar',
    deny: 'Rechazar',
    note: (expires: string) => `Esta solicitud vence el ${expires}. Esta es una billetera de pruebas: tiene dinero de juguete, no se mueve dinero real.`,
    switchTo: 'English',
    endedTitle: 'Solicitud terminada — Billetera de pruebas',
    endedHeading: 'Esta solicitud ya no se puede responder',
    ended: {
      expired: 'Esta solicitud de pago venció.',
      invalid: 'Esta solicitud de pago ya fue respondida o retirada.',
      unknown: 'Esta solicitud de pago no existe.'
    },
    recordedTitle: 'Respuesta registrada — Billetera de pruebas',
    recordedHeading: 'Su respuesta quedó registrada',
    recorded: (decision: 'approve' | 'deny', client: string) => `Usted ${decision === 'approve' ? 'aprobó' : 'rechazó'} la solicitud de pago de ${client}.`,
    close: 'Puede cerrar esta página y volver a la aplicación.',
    unknownClient: 'Cliente desconocido'
  }
} as const

export type ConsentMessages = (typeof MESSAGES)[ConsentLanguage]

/** A date as people of that language read it, in UTC (the sandbox does not know the person's zone). */
export function formatWhen(date: Date, lang: ConsentLanguage): string {
  const text = new Intl.DateTimeFormat(lang === 'es' ? 'es-MX' : 'en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)
  return `${text} UTC`
}
