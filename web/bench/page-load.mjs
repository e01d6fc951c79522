// `make bench` (bench/web_bench.sh): what the reporter page costs a reporter on a slow, watched
// network. Prints the gzip size of every file /report loads (its code for encryption, uploads
// and the word list included, which it fetches once usable) and the time until the page is
// usable (its "vigil-ready" mark) in Debian's Chromium throttled to 400 kbit/s each way and
// 400 ms round-trip time, with the browser cache off. Targets: 150 KB and 3 s.
// Usage: node bench/page-load.mjs VIGIL VIGILD
import { execFileSync, spawn } from 'node:child_process'
import { get } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const [vigil, vigild] = process.argv.slice(2)
if (!vigil || !vigild) throw new Error('usage: node bench/page-load.mjs VIGIL VIGILD')
const webRoot = resolve(import.meta.dirname, '../dist')
const runs = Number(process.env.BENCH_WEB_RUNS ?? 5)
const work = mkdtempSync(join(tmpdir(), 'vigil-web-bench-'))

execFileSync(vigil, ['init', join(work, 'inst'), '--origin', 'bench.example/log', '--listen', '127.0.0.1:0'])
const server = spawn(vigild, ['--config', join(work, 'inst/vigil.conf'), '--set', `web_root=${webRoot}`], {
  stdio: ['ignore', 'pipe', 'ignore'],
})
const origin = await new Promise((ok, fail) => {
  let out = ''
  server.stdout.on('data', (d) => {
    out += d
    const port = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]
    if (port) ok(`http://127.0.0.1:${port}`)
  })
  server.on('exit', (code) => fail(new Error(`vigild exited (${code})`)))
})

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})

// One load of /report: the time to the ready mark, the time until every file it fetches has
// arrived, and the bytes each response carried (gzip as served).
async function load(throttled) {
  const context = await browser.newContext({ locale: 'en-GB' })
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: 400_000 / 8,
      uploadThroughput: 400_000 / 8,
    })
  }
  // Requests of the page and of its worker (which the page's own CDP session does not see).
  const urls = new Set()
  let lastFinished = 0
  context.on('requestfinished', (request) => {
    urls.add(request.url())
    lastFinished = Date.now()
  })
  const start = Date.now()
  await page.goto(origin + '/report?lang=en')
  await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 })
  const ready = await page.evaluate(() => performance.getEntriesByName('vigil-ready')[0].startTime)
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(1000)
  const loaded = lastFinished - start
  await context.close()
  return { ready, loaded, urls }
}

// The body's length as sent to a browser that accepts gzip, before any decoding.
function servedBytes(url) {
  return new Promise((ok, fail) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
      let length = 0
      response.on('data', (chunk) => (length += chunk.length))
      response.on('end', () => ok(length))
    }).on('error', fail)
  })
}

// Sizes as served to a browser that accepts gzip (bodies only, no headers).
const first = await load(false)
let total = 0
console.log('== web client: what /report loads (gzip as served)')
for (const url of [...first.urls].sort()) {
  const bytes = await servedBytes(url)
  total += bytes
  console.log(`  ${(bytes / 1024).toFixed(1).padStart(7)} KB  ${new URL(url).pathname}`)
}
console.log(`  total ${(total / 1024).toFixed(1)} KB gzip in ${first.urls.size} files (target <= 150 KB)`)

const ready = []
const loaded = []
for (let i = 0; i < runs; i++) {
  const r = await load(true)
  ready.push(r.ready)
  loaded.push(r.loaded)
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`== /report at 400 kbit/s and 400 ms RTT, cache off, median of ${runs}`)
console.log(`  time to interactive ${(median(ready) / 1000).toFixed(2)} s (target < 3 s)`)
console.log(`  all code loaded     ${(median(loaded) / 1000).toFixed(2)} s (encryption, uploads, word list, in the background)`)

await browser.close()
server.kill('SIGTERM')
await new Promise((ok) => server.once('exit', ok))
rmSync(work, { recursive: true, force: true })
