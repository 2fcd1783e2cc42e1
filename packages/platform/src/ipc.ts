import type { ChildProcess } from 'node:child_process'

/**
 * Sends `message` to a forked child over its IPC channel and resolves with the first message back whose
 * `type` is `answer` (the benches ask their server processes for CPU time, profiles, figures).
 */
export function askChild<T = unknown>(child: ChildProcess, message: object, answer: string): Promise<T> {
  const reply = new Promise<T>((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== answer) return
      child.off('message', on)
      resolve(m as T)
    }
    child.on('message', on)
  })
  child.send(message)
  return reply
}
