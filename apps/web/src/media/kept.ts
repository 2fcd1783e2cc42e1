import type { MediaService } from './service.ts'
import type { MediaPurpose } from './model.ts'
import type { MediaKind } from '../domain/deliverables.ts'
import type { User } from '../domain/user.ts'
import type { Problem } from '../domain/problems.ts'
import { tooLong } from '../domain/limits.ts'
import { file, str, upload, type FormBody } from '../http/form.ts'

/** A file input of a form: its name and what it takes (`any`: audio, image or video, whichever it is). */
export interface UploadField {
  name: string
  kind: MediaKind | 'any'
}

/** The hidden field that carries a file kept from a refused try (`<name>Kept`, views/form.tsx KeptFile). */
export const keptName = (field: string) => `${field}Kept`

/**
 * A person never loses what they uploaded or recorded. A form's files are stored as soon as they
 * arrive, before the rest of the form is judged; if the form is refused, each stored file's id comes
 * back in a hidden field beside its input, so the next try sends it again without the bytes. A kept id
 * is honoured only for a file of the same person, purpose, job and kind; anything else is ignored (a
 * stranger's id is never attached). A new file chosen in the same input replaces the kept one.
 * Returns the ids to use, per field, and each refused file as a problem of its field.
 */
export async function keepUploads(
  media: MediaService,
  input: { owner: User; purpose: MediaPurpose; jobId?: string | null; body: FormBody; fields: readonly UploadField[] }
): Promise<{ ids: Record<string, string>; kinds: Record<string, MediaKind>; problems: Problem[] }> {
  const ids: Record<string, string> = {}
  const kinds: Record<string, MediaKind> = {}
  const problems: Problem[] = []
  for (const f of input.fields) {
    // The bytes of a plain form, or a finished resumable upload the form names (media/uploads.ts).
    const bytes = file(input.body, f.name) ?? upload(input.body, f.name)
    if (bytes) {
      const base = { owner: input.owner, purpose: input.purpose, jobId: input.jobId ?? null, bytes }
      const stored = f.kind === 'any' ? await media.storeAny(base) : await media.store({ ...base, kind: f.kind })
      if (typeof stored === 'string') problems.push({ field: f.name, code: stored })
      else {
        ids[f.name] = stored.id
        kinds[f.name] = stored.kind
      }
      continue
    }
    const kept = await media.get(str(input.body, keptName(f.name)))
    if (
      kept &&
      kept.ownerId === input.owner.id &&
      kept.purpose === input.purpose &&
      (kept.jobId ?? null) === (input.jobId ?? null) &&
      (f.kind === 'any' ? kept.kind !== 'text' : kept.kind === f.kind)
    ) {
      ids[f.name] = kept.id
      kinds[f.name] = kept.kind
    }
  }
  return { ids, kinds, problems }
}

/**
 * keepUploads for a form with one limited text (an application's note, a submission's text): the text's
 * problem (too long) first, then each refused file's.
 */
export async function keepJobFormUploads(
  media: MediaService,
  input: Parameters<typeof keepUploads>[1] & { text: { field: string; value: string; max: number } }
): Promise<Awaited<ReturnType<typeof keepUploads>>> {
  const kept = await keepUploads(media, input)
  const { field, value, max } = input.text
  return { ...kept, problems: tooLong(value, max) ? [{ field, code: 'too_long', max }, ...kept.problems] : kept.problems }
}
