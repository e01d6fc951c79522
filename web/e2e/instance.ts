// A real Vigil instance for the end-to-end tests: `vigil init` in a temporary directory, then
// vigild on port 0 serving the built client (web/dist), as tests/integration/vigild_process.h
// does for the C++ tests. Binaries come from the ci build unless VIGIL_CLI / VIGILD say.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')
export const VIGIL_CLI = process.env.VIGIL_CLI ?? join(repo, 'build/ci/src/cli/vigil')
export const VIGILD = process.env.VIGILD ?? join(repo, 'build/ci/src/server/vigild')
export const WEB_ROOT = resolve(import.meta.dirname, '../dist')

export class Instance {
  readonly dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'))
  readonly dataDir = join(this.dir, 'inst')
  readonly logFile = join(this.dir, 'vigild.log')
  private child: ChildProcess | null = null
  origin = ''
  invitationToken = ''
  verifierKey = '' // the log's public key, as vigil init printed it

  static async start(): Promise<Instance> {
    for (const file of [VIGIL_CLI, VIGILD, join(WEB_ROOT, 'index.html')]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run make build first`)
    }
    const instance = new Instance()
    const init = execFileSync(
      VIGIL_CLI,
      ['init', instance.dataDir, '--origin', 'e2e.example/vigil', '--listen', '127.0.0.1:0'],
      { encoding: 'utf8' },
    )
    instance.invitationToken = init.match(/\/join#([0-9a-f]{64})/)?.[1] ?? ''
    instance.verifierKey = init.match(/^Log verifier key: (.+)$/m)?.[1] ?? ''
    if (!instance.invitationToken || !instance.verifierKey)
      throw new Error('vigil init printed no invitation link or verifier key:\n' + init)
    await instance.run()
    return instance
  }

  private async run(): Promise<void> {
    const log = openSync(this.logFile, 'a')
    const child = spawn(
      VIGILD,
      ['--config', join(this.dataDir, 'vigil.conf'), '--set', `web_root=${WEB_ROOT}`],
      { stdio: ['ignore', 'pipe', log] },
    )
    this.child = child
    this.origin = await new Promise<string>((ok, fail) => {
      let out = ''
      const timer = setTimeout(() => fail(new Error('vigild did not start:\n' + this.serverLog())), 20000)
      child.stdout!.on('data', (data: Buffer) => {
        out += data.toString()
        const port = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]
        if (port) {
          clearTimeout(timer)
          ok(`http://127.0.0.1:${port}`)
        }
      })
      child.on('exit', (code) => fail(new Error(`vigild exited (${code}):\n` + this.serverLog())))
    })
  }

  serverLog(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : ''
  }

  // SIGTERM, and wait for vigild to drain and exit.
  async stop(): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    await new Promise<void>((ok) => {
      child.once('exit', () => ok())
      child.kill('SIGTERM')
    })
    this.child = null
  }

  async remove(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.origin + path, init)
  }
}
