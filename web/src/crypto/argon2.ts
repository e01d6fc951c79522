// Argon2id at the cost docs/formats/derivation.md fixes, in WebAssembly (hash-wasm), on the
// calling thread. Pages run it in a worker (argon2-client.ts); tests and the worker call it here.
import { argon2id as hashWasmArgon2id } from 'hash-wasm'

// Fixed by docs/formats/derivation.md; changing one changes every key.
export const ARGON2_COST = { iterations: 3, memoryKiB: 65536, parallelism: 1 } as const

// 32 bytes of Argon2id (version 0x13, no secret, no associated data) of `password` (the UTF-8
// of a normalised passphrase) with a 16-byte `salt`.
export async function argon2id(password: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  return hashWasmArgon2id({
    password,
    salt,
    iterations: ARGON2_COST.iterations,
    memorySize: ARGON2_COST.memoryKiB,
    parallelism: ARGON2_COST.parallelism,
    hashLength: 32,
    outputType: 'binary',
  })
}
