// Argon2id for the pages: in one worker (argon2-worker.ts) started on first use, so the page
// stays responsive while it runs; on the page's thread where workers are not available.
import type { Argon2Request, Argon2Response } from './argon2-worker'

let worker: Worker | null = null
let nextId = 0
const pending = new Map<number, { resolve(hash: Uint8Array): void; reject(error: Error): void }>()

function startWorker(): Worker | null {
  if (worker || typeof Worker === 'undefined') return worker
  worker = new Worker(new URL('./argon2-worker.ts', import.meta.url), { type: 'module' })
  worker.onmessage = (event: MessageEvent<Argon2Response>) => {
    const call = pending.get(event.data.id)
    pending.delete(event.data.id)
    if (!call) return
    if ('hash' in event.data) call.resolve(event.data.hash)
    else call.reject(new Error(event.data.error))
  }
  worker.onerror = () => {
    for (const call of pending.values()) call.reject(new Error('the Argon2id worker failed'))
    pending.clear()
  }
  return worker
}

// Fetches the worker's code ahead of time (the report page calls this once it is usable).
export function warmArgon2(): void {
  startWorker()
}

export async function argon2InWorker(password: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const w = startWorker()
  if (!w) return (await import('./argon2')).argon2id(password, salt)
  const id = nextId++
  return new Promise<Uint8Array>((resolve, reject) => {
    pending.set(id, { resolve, reject })
    w.postMessage({ id, password, salt } satisfies Argon2Request)
  })
}
