/**
 * Admin rights, only from the command line:
 *   npm run admin:grant -- <username>
 *   npm run admin:revoke -- <username>
 * (`tsx apps/web/scripts/admin-grant.ts grant|revoke <username>`). See runAdminCommand for where it looks.
 */
import { runAdminCommand } from '../src/pages/admin/set-admin.ts'

const [action, username] = process.argv.slice(2)
try {
  const result = await runAdminCommand(action, username, process.env)
  ;(result.code === 0 ? console.log : console.error)(result.message)
  process.exitCode = result.code
} catch (error) {
  console.error(`admin: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
