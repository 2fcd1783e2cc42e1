import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { ViewCtx } from './context.ts'
import { Speak } from './speak.tsx'

/** tus-js-client's browser build, served as /static/vendor/tus.min.js (media/uploads.ts). */
export const TUS_CLIENT_PATH = createRequire(import.meta.url).resolve('tus-js-client/dist/tus.min.js')
const UPLOAD_JS = fileURLToPath(new URL('../../public/upload.js', import.meta.url))
/** Cache-busting for the two upload scripts (cached for a year like the other static files). */
export const UPLOAD_ASSET_VERSION = createHash('sha256').update(readFileSync(TUS_CLIENT_PATH)).update(readFileSync(UPLOAD_JS)).digest('hex').slice(0, 10)

/**
 * Inside a form marked `data-resumable`: the progress of its resumable upload and what to say when it
 * fails (both hidden until public/upload.js shows them), and the scripts, loaded only on such pages.
 */
export function ResumableUpload({ ctx }: { ctx: ViewCtx }): JSX.Element {
  const { t } = ctx
  return (
    <>
      <div class="upload-status" data-upload-status hidden role="status">
        <p>
          <Speak slug="uploads.sending" text={t('uploads.sending')} ctx={ctx} />
        </p>
        <progress max="100" value="0" aria-label={t('uploads.progress')}></progress>
      </div>
      <p class="alert error" data-upload-failed hidden role="alert">
        <Speak slug="uploads.failed" text={t('uploads.failed')} ctx={ctx} />
      </p>
      <script src={`/static/vendor/tus.min.js?v=${UPLOAD_ASSET_VERSION}`} defer></script>
      <script src={`/static/upload.js?v=${UPLOAD_ASSET_VERSION}`} defer></script>
    </>
  )
}
