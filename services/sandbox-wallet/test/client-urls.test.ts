/**
 * The sandbox fetches what a grant request's client names (its `jwks.json`, its wallet document) only
 * where the client-URL guard allows, and checks again where the connection is opened: a name that
 * answers a public address to the check and a loopback one to the connection (DNS rebinding) reaches
 * nothing on the machine.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createHeaders, generateKey } from '@interledger/http-signature-utils'
import { startTestSandbox, type TestSandbox } from '../src/testing.ts'

let sandbox: TestSandbox
let listener: Server
let port = 0
const connections: Socket[] = []

beforeAll(async () => {
  // Something on this machine's loopback that a rebinding name would reach: it counts every connection.
  listener = createServer((socket) => {
    connections.push(socket)
    socket.destroy()
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  port = (listener.address() as AddressInfo).port
  sandbox = await startTestSandbox({
    resolve: {
      // The check sees a public address; the connection would go to 127.0.0.1.
      check: async () => ['93.184.216.34'],
      connect: async () => [{ address: '127.0.0.1', family: 4 }]
    }
  })
})
afterAll(async () => {
  await sandbox?.close()
  await new Promise<void>((resolve) => listener.close(() => resolve()))
})

test('a client whose name rebinds to loopback: its keys are unavailable, and nothing on the machine is reached', async () => {
  // The system resolves `localhost` to the listener: without the connect-time check the fetch would reach it.
  const client = `https://localhost:${port}/alice`
  const body = JSON.stringify({ access_token: { access: [{ type: 'incoming-payment', actions: ['create', 'read'] }] }, client })
  const url = `${sandbox.baseUrl}/auth`
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
  const signed = await createHeaders({ request: { method: 'POST', url, headers, body }, privateKey: generateKey(), keyId: 'rebind-key' })
  const response = await fetch(url, { method: 'POST', headers: { ...headers, ...Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), String(v)])) }, body })
  expect(response.status).toBeGreaterThanOrEqual(400)
  expect(response.status).toBeLessThan(500)
  expect(connections).toHaveLength(0)
})
