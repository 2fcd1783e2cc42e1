import { z } from 'zod'
import { isoDate } from './amount.ts'

export const SellerView = z.object({
  id: z.string(),
  walletAddressUrl: z.string(),
  keyId: z.string(),
  keySource: z.enum(['file', 'env']),
  assetCode: z.string().optional(),
  assetScale: z.number().int().optional(),
  payoutGrant: z.enum(['none', 'awaiting_consent', 'active']),
  createdAt: isoDate
})
export type SellerView = z.infer<typeof SellerView>
export const SellersResponse = z.object({ success: z.literal(true), sellers: z.array(SellerView) })
export const SellerResponse = z.object({ success: z.literal(true), seller: SellerView })

export const WalletAddressCheckResponse = z.object({
  success: z.literal(true),
  walletAddress: z.object({
    id: z.string(),
    publicName: z.string().optional(),
    assetCode: z.string(),
    assetScale: z.number().int(),
    authServer: z.string(),
    resourceServer: z.string()
  })
})
export type WalletAddressCheckResponse = z.infer<typeof WalletAddressCheckResponse>

export const WebhookEventType = z.enum([
  'payment.completed',
  'payment.failed',
  'payment.rejected',
  'payment.expired',
  'payment.needs_review',
  'payout.completed',
  'payout.failed',
  'payout.needs_review'
])
export type WebhookEventType = z.infer<typeof WebhookEventType>

export const WebhookDelivery = z.object({
  id: z.number().int(),
  eventId: z.string(),
  type: WebhookEventType,
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: isoDate,
  eventDeliveredAt: isoDate.nullable()
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>
export const WebhookDeliveriesResponse = z.object({ success: z.literal(true), deliveries: z.array(WebhookDelivery) })
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponse>
